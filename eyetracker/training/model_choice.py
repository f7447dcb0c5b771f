"""Set up keeps the better model: the model in use against the fine-tuned one, each with a
fresh profile from the same dots, scored on dots that neither saw (no Qt).

    check = hold_out(measurement_folder)          # every CHECK_EVERY-th dot, kept aside
    check.write_list(path)                        # `eyetracker train --leave-out path`
    ... fine-tune ...
    choice = choose_model(current_backend, tuned_backend, check, user)
    choice.sentence                               # both figures, and which one is used

The measurement's dots appear in random order, so every CHECK_EVERY-th one is spread over the
screen. Fine-tuning leaves their images out, and so do both profiles (statistics and
correction, as `measurement_profile` fits them); the error on them is a calibration's
residual (`calibration_quality`: each frame through the one frame path, `FramePipeline`).
The fine-tuned model is used only when it errs less there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eyetracker.core.dataset import load_dataset, load_measurement
from eyetracker.core.errors import UserError
from eyetracker.inference.backends import create_backend
from eyetracker.inference.calibration import (
    measurement_collector,
    measurement_profile,
    save_profile,
)
from eyetracker.inference.calibration_quality import calibration_quality
from eyetracker.inference.profile import Profile

# One dot in this many is held out to check the models on (about 20 of Set up's 100).
CHECK_EVERY = 5
# Fewer held-out dots than this say too little to choose a model by.
MIN_CHECK_DOTS = 2


@dataclass(frozen=True)
class CheckDots:
    """The dots of one measurement held out from fine-tuning and from the profiles."""

    folder: Path
    person: str
    images: frozenset[Path]  # the held-out samples' image files, resolved
    dots: int  # how many dots they show (0: too few dots to hold any out)

    def held_out(self, image: Path) -> bool:
        return Path(image).resolve() in self.images

    def fitted(self, image: Path) -> bool:
        return not self.held_out(image)

    def write_list(self, path: str | Path) -> Path:
        """The held-out images, one path a line: `eyetracker train --leave-out`'s list."""
        path = Path(path)
        path.write_text("".join(f"{image}\n" for image in sorted(self.images)), encoding="utf-8")
        return path


def hold_out(folder: str | Path, every: int = CHECK_EVERY) -> CheckDots:
    """Every `every`-th dot of the measurement in `folder` (all the frames taken at it), in
    the order the dots were shown; none when that leaves fewer than MIN_CHECK_DOTS."""
    measurement = load_measurement(folder)
    dots = list(dict.fromkeys((s.x, s.y) for s in measurement.samples))
    held = set(dots[every - 1 :: every])
    if len(held) < MIN_CHECK_DOTS:
        held = set()
    images = frozenset(
        measurement.image_path(s).resolve() for s in measurement.samples if (s.x, s.y) in held
    )
    return CheckDots(Path(folder), measurement.person, images, len(held))


def newest_measurement(dataset: str | Path, person: str = "") -> Path | None:
    """The most recent measurement of `person` in `dataset` (of anyone when `person` has none)."""
    try:
        measurements = load_dataset(dataset).measurements
    except UserError:  # no dataset yet: nothing to check on
        return None
    own = [m for m in measurements if m.person == person] or measurements
    if not own:
        return None
    return max(own, key=lambda m: m.manifest_path.stat().st_mtime_ns).folder


def held_out_error(backend, profile: Profile, check: CheckDots) -> float | None:
    """Mean distance (% of the screen) from each held-out dot to the mean estimate of its
    frames, with `profile`; None when no frame gave an estimate. Leaves `backend` with the
    profile's statistics."""
    collector, _what = measurement_collector([check.folder], check.held_out)
    return calibration_quality(collector, backend, profile).mean_pct


@dataclass(frozen=True)
class ModelChoice:
    """What the check found: each model's error on the held-out dots, and the one to use with
    its profile (fitted on the other dots)."""

    use_tuned: bool
    tuned_pct: float | None
    current_pct: float | None
    dots: int
    profile: Profile

    @property
    def sentence(self) -> str:
        if not self.dots:
            return (
                "Too few dots to check your own model on dots it did not learn from; the one "
                "in use stays, with a profile from your measurement."
            )
        verdict = "using yours" if self.use_tuned else "keeping the one in use"
        return (
            f"Your own model: {_pct(self.tuned_pct)} of the screen, the one in use: "
            f"{_pct(self.current_pct)}, on {self.dots} dots kept aside; {verdict}."
        )


def _pct(value: float | None) -> str:
    return "no estimate" if value is None else f"{value:.1f}%"


def choose_model(current_backend, tuned_backend, check: CheckDots, user: str) -> ModelChoice:
    """Fit both models' profiles on the dots not held out, score both on the held-out ones,
    and keep the better; the model in use wins a tie, and whenever there is nothing to check."""
    if not check.dots:
        profile = measurement_profile(current_backend, [check.folder], user)
        return ModelChoice(False, None, None, 0, profile)
    scores = []
    for backend in (current_backend, tuned_backend):
        profile = measurement_profile(backend, [check.folder], user, keep=check.fitted)
        scores.append((held_out_error(backend, profile, check), profile))
    (current_pct, current_profile), (tuned_pct, tuned_profile) = scores
    use_tuned = tuned_pct is not None and (current_pct is None or tuned_pct < current_pct)
    profile = tuned_profile if use_tuned else current_profile
    return ModelChoice(use_tuned, tuned_pct, current_pct, check.dots, profile)


def choose_and_save(
    current_model: Path,
    tuned_model: Path,
    check: CheckDots,
    profiles: Path,
    *,
    backend: str = "auto",
    device: str = "auto",
    save_current: bool = True,
    factory=create_backend,
) -> ModelChoice:
    """Load both models (`factory`: create_backend's arguments), choose (`choose_model`, under
    the measured person's name) and save the chosen model's profile where tracking looks for
    it; the in-use model's only when `save_current` (a Set up replaces the calibration, a
    fine-tuning alone leaves it). A worker thread's job."""
    current = factory(current_model, backend, device)
    tuned = factory(tuned_model, backend, device)
    choice = choose_model(current, tuned, check, check.person)
    if choice.use_tuned or save_current:
        save_profile(choice.profile, profiles)
    return choice

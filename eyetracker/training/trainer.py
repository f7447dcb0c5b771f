"""`eyetracker train`: fit a gaze network on measurements, one sitting per BatchNorm group."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import torch

from eyetracker.core.atomic import atomic_write, remove_temporaries
from eyetracker.core.errors import UserError
from eyetracker.core.sampling import informative_axes
from eyetracker.model.checkpoint import (
    create_model,
    load_checkpoint,
    mark_complete,
    save_checkpoint,
)
from eyetracker.model.info import ModelInfo
from eyetracker.model.preprocess import Preprocessing
from eyetracker.model.session_norm import session_norms
from eyetracker.training.augment import augment
from eyetracker.training.batches import Batch, batches
from eyetracker.training.data import (
    MIN_PEOPLE_TO_HOLD_OUT,
    PreparedMeasurement,
    Split,
    prepare_dataset,
    split_by_person,
    split_dots,
)
from eyetracker.training.distributed import Distributed
from eyetracker.training.evaluate import evaluate
from eyetracker.training.soup import average_members, check_members, member_path

log = logging.getLogger("eyetracker.train")


class TrainingInterrupted(UserError):
    """Ctrl+C during training: what was trained so far is saved for --resume."""


# Fine-tuning a model on one person's measurements (50-300 frames, where an epoch is a handful
# of steps): a budget of optimizer steps, stopped early when the error on the person's own
# held-out dots has not improved for this many epochs. `eyetracker train --init`, the app's
# fine-tuning and benchmarks/real_world.py all use these. Chosen on real frames (Set up for me
# on 100 dots of a sitting, docs/benchmarks.md, "Real webcam frames, beside the peers"): a
# short patience stops on the noise of a dozen held-out dots; this one comes close to never
# stopping.
FINETUNE_STEPS = 300
FINETUNE_PATIENCE = 10
# Fine-tuning trains this many models (seeds seed, seed + 1, ...) and averages their weights
# (eyetracker.training.soup): on real frames every such average scored better than each of
# its members, for up to this many times the training time (the images are prepared once;
# docs/benchmarks.md, "Fine-tuning's luck, and averaging it away").
FINETUNE_MEMBERS = 3


@dataclass
class TrainConfig:
    data: str
    out: str
    architecture: str = "gazenet"
    preprocessing: str = "landmarks"
    input_width: int = 120
    input_height: int = 36
    sampler: str = "multi"
    batch_size: int = 32
    groups: int = 4
    epochs: int = 12
    lr: float = 3e-3
    weight_decay: float = 1e-4
    seed: int = 0
    held_out_people: float = 0.2
    # A step budget instead of epochs (fine-tuning on one person's few hundred frames, where
    # an epoch is a handful of steps); the epochs then follow from it.
    steps: int | None = None
    # Stop after this many epochs without a better validation error, keeping the best model
    # (without it, every epoch's model replaces the last).
    patience: int | None = None
    init: str | None = None
    # A file listing images (one path a line) that training never sees (prepare_dataset).
    leave_out: str | None = None
    # Models fine-tuned from `init` and averaged into the one written (eyetracker.training.soup).
    members: int = 1
    resume: bool = False
    device: str = "auto"
    augment: bool = True
    workers: int | None = None
    progress: bool = True

    @property
    def statistics(self) -> str:
        """The statistics mode the trained model is meant to run with."""
        return "running" if self.sampler == "random" else "session"


def pick_device(name: str = "auto") -> torch.device:
    """The torch device --device names; one that does not exist here is refused in a sentence."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except RuntimeError:
        device = None
    if device is None or device.type not in ("cpu", "cuda", "mps"):
        raise UserError(f"--device {name} is not a device; use auto, cpu, cuda or cuda:N.")
    if device.type == "cuda" and not torch.cuda.is_available():
        raise UserError(
            "CUDA was asked for but is not available; use --device cpu or install a CUDA build of torch."
        )
    if device.type == "cuda" and (device.index or 0) >= torch.cuda.device_count():
        count = torch.cuda.device_count()
        raise UserError(
            f"--device {name}: this computer has {count} CUDA device{'' if count == 1 else 's'} "
            f"(cuda:0 to cuda:{count - 1}); choose one of them."
        )
    return device


def resume_path(out: str | os.PathLike[str]) -> Path:
    return Path(f"{out}.resume")


def stack_batch(train: list[PreparedMeasurement], batch: Batch, device: torch.device):
    """Inputs, targets and each sample's axis weights (its sitting's `informative_axes`)."""
    pixels = np.stack([train[m].pixels[j] for m, j in batch.items])
    face = np.stack([train[m].face[j] for m, j in batch.items])
    targets = np.stack([train[m].targets[j] for m, j in batch.items])
    axes = {m: informative_axes(train[m].targets) for m in {m for m, _ in batch.items}}
    weights = np.stack([axes[m] for m, _ in batch.items])
    return (
        torch.from_numpy(pixels).to(device, torch.float32).div_(255.0),
        torch.from_numpy(face).to(device),
        torch.from_numpy(targets).to(device),
        torch.from_numpy(weights).to(device),
    )


def euclidean_loss(
    predicted: torch.Tensor, targets: torch.Tensor, axes: torch.Tensor | None = None
) -> torch.Tensor:
    """The mean distance itself (what the study reports), smoothed at zero for a finite gradient;
    `axes` (N, 2) of 0/1 leaves an axis out of a sample's distance."""
    squared = (predicted - targets) ** 2
    if axes is not None:
        squared = squared * axes
    return torch.sqrt(squared.sum(dim=1) + 1e-6).mean()


def train(config: TrainConfig, prepared: list[PreparedMeasurement] | None = None) -> dict:
    """Train and write `config.out`; returns the final metrics. `prepared` skips loading data."""
    if config.members > 1:
        return train_members(config, prepared)
    dist = Distributed.from_environment()
    device = pick_device(config.device) if not dist.enabled else dist.device
    torch.manual_seed(config.seed + dist.rank)
    generator = torch.Generator().manual_seed(config.seed + dist.rank)

    if config.init:
        loaded = load_checkpoint(config.init)
        model, info = loaded.model, loaded.info
        info.training = {**info.training, "init": str(config.init)}
    else:
        preprocessing = Preprocessing(config.preprocessing, config.input_width, config.input_height)
        info = ModelInfo(config.architecture, preprocessing)
        model = create_model(info)
    if prepared is None:
        prepared = prepare_dataset(
            config.data,
            info.preprocessing,
            workers=config.workers,
            progress=config.progress and dist.is_main,
            leave_out=config.leave_out,
        )
    failed_checks = sum(m.failed_checks for m in prepared)
    if failed_checks and dist.is_main:
        say_left_out(failed_checks, config.progress)
    prepared = [m for m in prepared if len(m)]  # a sitting with no usable frame teaches nothing
    split = choose_split(prepared, config)
    if not split.train:
        raise UserError("No measurement is left for training after holding out people; add data.")
    model.to(device)
    for _, norm in session_norms(model):
        norm.groups = config.groups if config.sampler == "multi" else 1
    network = dist.wrap(model)

    steps_per_epoch = sum(
        1
        for _ in batches(
            split.train, config.sampler, config.batch_size, np.random.default_rng(0), config.groups
        )
    )
    epochs = config.epochs
    total_steps = max(1, epochs * steps_per_epoch)
    if config.steps:
        total_steps = config.steps
        epochs = -(-config.steps // max(1, steps_per_epoch))  # ceil
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=config.lr, weight_decay=config.weight_decay
    )
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=config.lr, total_steps=total_steps, pct_start=0.15
    )
    start_epoch, history = 0, []
    state_file = resume_path(config.out)
    if dist.is_main:  # left by a run killed while it saved
        remove_temporaries(config.out)
        remove_temporaries(state_file)
    if config.resume:
        if not state_file.exists():
            raise UserError(
                f"Nothing to resume: {state_file} does not exist; start without --resume."
            )
        try:
            # weights_only: a .resume file runs no code; torch's hint to load it with
            # weights_only=False on failure must never reach the user.
            state = torch.load(state_file, map_location=device, weights_only=True)
            model.load_state_dict(state["model"])
            optimizer.load_state_dict(state["optimizer"])
            schedule.load_state_dict(state["schedule"])
            start_epoch, history = int(state["epoch"]), json.loads(state["history"])
            generator.set_state(state["generator"])
        except Exception:
            raise UserError(
                f"{state_file} is not a resumable training state of this model (damaged, "
                "foreign or from other settings); delete it and start without --resume."
            ) from None

    info.training = {
        **info.training,
        **asdict(config),
        "statistics": config.statistics,
        "device": str(device),
    }
    info.data = {"path": str(config.data), **split.summary(), "failed_checks": failed_checks}
    autocast = (
        torch.autocast("cuda", dtype=torch.bfloat16) if device.type == "cuda" else nullcontext()
    )

    def save_model(metrics: dict) -> None:
        # Marked unfinished until the run ends (mark_complete), so that a model left by a
        # killed run says so (ModelInfo.unfinished_warning).
        if dist.is_main:
            info.metrics = metrics
            info.training["complete"] = False
            with explained_save(config.out):
                save_checkpoint(config.out, model, info)

    def save_resume_state(epoch: int) -> None:
        # Written only at epoch boundaries, so a resumed run replays whole epochs exactly.
        if dist.is_main:
            state = {
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "schedule": schedule.state_dict(),
                "epoch": epoch,
                "history": json.dumps(history),
                "generator": generator.get_state(),
            }
            with explained_save(config.out):
                atomic_write(state_file, lambda handle: torch.save(state, handle), durable=True)

    if not config.resume:
        save_resume_state(0)

    from tqdm import tqdm

    metrics: dict = history[-1] if history else {}
    best, since_best, step = None, 0, start_epoch * steps_per_epoch
    try:
        for epoch in range(start_epoch, epochs):
            if step >= total_steps or (config.patience and since_best >= config.patience):
                break
            model.train()
            # One generator per epoch: a resumed run draws exactly the batches it would have.
            rng = np.random.default_rng([config.seed + dist.rank, epoch])
            started, losses = time.monotonic(), []
            bar = tqdm(
                batches(split.train, config.sampler, config.batch_size, rng, config.groups),
                total=steps_per_epoch,
                desc=f"epoch {epoch + 1}/{epochs}",
                disable=not (config.progress and dist.is_main),
                leave=False,
            )
            for batch in bar:
                if step >= total_steps:
                    break
                step += 1
                pixels, face, targets, axes = stack_batch(split.train, batch, device)
                if config.augment:
                    pixels = augment(pixels, batch.groups, generator)
                with autocast:
                    loss = euclidean_loss(network(pixels, face).float(), targets, axes)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                schedule.step()
                losses.append(loss.item())
                bar.set_postfix(loss=f"{100 * np.mean(losses[-50:]):.1f}%")
            metrics = {
                "epoch": epoch + 1,
                "train_loss_pct": 100 * float(np.mean(losses)),
                "seconds": round(time.monotonic() - started, 1),
                **validate(model, split, config, device),
            }
            history.append(metrics)
            score = validation_score(metrics) if config.patience else None
            if score is None or best is None or score < best:
                best, since_best = score, 0
                save_model(metrics)  # with --patience the best so far, else the latest
            else:
                since_best += 1
            save_resume_state(epoch + 1)
            if dist.is_main:
                message = " ".join(
                    f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}"
                    for k, v in metrics.items()
                )
                log.info(message)
                if config.progress:
                    tqdm.write(message)
    except KeyboardInterrupt:
        if best is None:  # with --patience, the best model is saved already
            save_model(metrics)
        raise TrainingInterrupted(
            f"Training interrupted; the model so far is in {config.out}. "
            f"Continue with the same command plus --resume."
        ) from None
    finally:
        dist.close()
    if dist.is_main:
        if Path(config.out).is_file():
            with explained_save(config.out):
                mark_complete(config.out)
        state_file.unlink(missing_ok=True)
    return metrics


def say_left_out(failed_checks: int, progress: bool) -> None:
    """Log (and, with progress, print) how many samples training left out for a failed
    attention check (eyetracker.training.data)."""
    from tqdm import tqdm

    noun = "sample" if failed_checks == 1 else "samples"
    message = f"left out {failed_checks} {noun} whose attention check failed"
    log.info(message)
    if progress:
        tqdm.write(message)


def train_members(config: TrainConfig, prepared: list[PreparedMeasurement] | None = None) -> dict:
    """Fine-tune `config.members` models from `config.init`, one `train` each with its own seed,
    and write their average (eyetracker.training.soup) to `config.out`; returns its metrics."""
    from tqdm import tqdm

    check_members(config)
    if config.resume and not any(
        member_path(config.out, n).exists() or resume_path(member_path(config.out, n)).exists()
        for n in range(1, config.members + 1)
    ):
        raise UserError(
            f"Nothing to resume: no model of {config.out} was started; start without --resume."
        )
    if prepared is None:
        preprocessing = load_checkpoint(config.init).info.preprocessing
        prepared = prepare_dataset(
            config.data,
            preprocessing,
            workers=config.workers,
            progress=config.progress,
            leave_out=config.leave_out,
        )
    paths = []
    for number in range(1, config.members + 1):
        path = member_path(config.out, number)
        say = f"member={number}/{config.members}"
        log.info(say)
        if config.progress:
            tqdm.write(say)  # the app's progress reads it (eyetracker.training.finetune_job)
        paths.append(path)
        if config.resume and path.is_file() and not resume_path(path).exists():
            continue  # it finished before the stop
        member = replace(
            config,
            members=1,
            seed=config.seed + number - 1,
            out=str(path),
            resume=config.resume and resume_path(path).exists(),
        )
        try:
            train(member, prepared=prepared)
        except TrainingInterrupted:
            raise TrainingInterrupted(
                f"Training interrupted in model {number} of {config.members} for {config.out}; "
                "continue with the same command plus --resume."
            ) from None
    soup = average_members(paths, config)
    with explained_save(config.out):
        save_checkpoint(config.out, soup.model, soup.info)
    for path in paths:
        path.unlink(missing_ok=True)
    return soup.info.metrics


@contextmanager
def explained_save(out: str | os.PathLike[str]) -> Iterator[None]:
    """Turn a failed write of the model or its --resume state into one sentence. torch.save
    reports a full disk as a RuntimeError of its zip writer, with the OSError as its cause."""
    try:
        yield
    except (OSError, RuntimeError) as error:
        cause = error if isinstance(error, OSError) else error.__context__
        reason = getattr(cause, "strerror", None) or "the file could not be written"
        raise UserError(
            f"Could not save the model to {out} ({reason}); free some space "
            "or choose another --out, then continue with --resume."
        ) from None


def choose_split(prepared: list[PreparedMeasurement], config: TrainConfig) -> Split:
    """Whole people held out when there are enough of them and the model starts afresh;
    otherwise (fine-tuning, a few people) a share of every sitting's dots."""
    people = {m.person for m in prepared}
    if config.init or len(people) < MIN_PEOPLE_TO_HOLD_OUT:
        return split_dots(prepared, seed=config.seed)
    return split_by_person(prepared, config.held_out_people, seed=config.seed)


def validation_score(metrics: dict) -> float | None:
    """The error early stopping watches: held-out sittings or dots, else held-out people."""
    for key in ("val_unfamiliar_measurements_pct", "val_unfamiliar_people_pct"):
        if metrics.get(key) is not None:
            return float(metrics[key])
    return None


def validate(model, split: Split, config: TrainConfig, device) -> dict:
    """Error on held-out people and sittings, in the mode the model is trained for."""
    out = {}
    for name, ms in (
        ("unfamiliar_people", split.unfamiliar_people),
        ("unfamiliar_measurements", split.unfamiliar_measurements),
    ):
        if ms:
            out[f"val_{name}_pct"] = evaluate(model, ms, modes=(config.statistics,), device=device)[
                config.statistics
            ].error_pct
    return out

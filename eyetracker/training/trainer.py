"""`eyetracker train`: fit a gaze network on measurements, one sitting per BatchNorm group.

The run's epochs live in eyetracker.training.loop, what it leaves for --resume in
eyetracker.training.resume, what it holds out in eyetracker.training.validation and the
averaging of fine-tuned models in eyetracker.training.soup.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, replace

import torch

from eyetracker.core.errors import UserError
from eyetracker.model.checkpoint import create_model, load_checkpoint, save_checkpoint
from eyetracker.model.info import ModelInfo
from eyetracker.model.preprocess import Preprocessing
from eyetracker.training.data import PreparedMeasurement, prepare_dataset
from eyetracker.training.distributed import Distributed
from eyetracker.training.loop import TrainingInterrupted, TrainingLoop
from eyetracker.training.resume import explained_save, resume_path
from eyetracker.training.soup import average_members, check_members, member_path
from eyetracker.training.validation import choose_split

log = logging.getLogger("eyetracker.train")


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


def train(config: TrainConfig, prepared: list[PreparedMeasurement] | None = None) -> dict:
    """Train and write `config.out`; returns the final metrics. `prepared` skips loading data."""
    if config.members > 1:
        return train_members(config, prepared)
    dist = Distributed.from_environment()
    device = pick_device(config.device) if not dist.enabled else dist.device
    torch.manual_seed(config.seed + dist.rank)
    model, info = starting_model(config)
    if prepared is None:
        prepared = prepare_dataset(
            config.data,
            info.preprocessing,
            workers=config.workers,
            progress=config.progress and dist.is_main,
            leave_out=config.leave_out,
        )
    not_attended = sum(m.not_attended for m in prepared)
    if not_attended and dist.is_main:
        say_left_out(not_attended, config.progress)
    prepared = [m for m in prepared if len(m)]  # a sitting with no usable frame teaches nothing
    split = choose_split(prepared, config)
    if not split.train:
        raise UserError("No measurement is left for training after holding out people; add data.")
    loop = TrainingLoop(config, model, info, split, device, dist)
    start_epoch = loop.start()
    info.training = {
        **info.training,
        **asdict(config),
        "statistics": config.statistics,
        "device": str(device),
    }
    info.data = {"path": str(config.data), **split.summary(), "not_attended": not_attended}
    if not config.resume:
        loop.save_state(0)
    return loop.run(start_epoch)


def starting_model(config: TrainConfig) -> tuple[torch.nn.Module, ModelInfo]:
    """The model to train and its info: `config.init`'s, or a new one of the configured kind."""
    if config.init:
        loaded = load_checkpoint(config.init)
        loaded.info.training = {**loaded.info.training, "init": str(config.init)}
        return loaded.model, loaded.info
    preprocessing = Preprocessing(config.preprocessing, config.input_width, config.input_height)
    info = ModelInfo(config.architecture, preprocessing)
    return create_model(info), info


def say_left_out(not_attended: int, progress: bool) -> None:
    """Log (and, with progress, print) how many samples training left out for a failed
    attention check (eyetracker.training.data)."""
    from tqdm import tqdm

    noun = "sample" if not_attended == 1 else "samples"
    message = (
        f"left out {not_attended} {noun} not attended (a failed attention check or next to one)"
    )
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

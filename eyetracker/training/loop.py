"""One training run's epochs: batches through the network, the loss, the optimizer and its
one-cycle schedule, validation after each epoch, and the files the run writes as it goes."""

from __future__ import annotations

import logging
import time
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import torch

from eyetracker.core.atomic import remove_temporaries
from eyetracker.core.errors import UserError
from eyetracker.core.sampling import informative_axes
from eyetracker.model.checkpoint import mark_complete, save_checkpoint
from eyetracker.model.info import ModelInfo
from eyetracker.model.session_norm import session_norms
from eyetracker.training.augment import augment
from eyetracker.training.batches import Batch, batches
from eyetracker.training.data import PreparedMeasurement
from eyetracker.training.distributed import Distributed
from eyetracker.training.resume import (
    explained_save,
    load_resume_state,
    resume_path,
    save_resume_state,
)
from eyetracker.training.validation import Split, validate, validation_score

log = logging.getLogger("eyetracker.train")


class TrainingInterrupted(UserError):
    """Ctrl+C during training: what was trained so far is saved for --resume."""


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


class TrainingLoop:
    """The epochs of one run of `config` (a TrainConfig) on `split`, writing `config.out`
    (with --patience the best epoch's model, else the latest) and its --resume state."""

    def __init__(self, config, model, info: ModelInfo, split: Split, device, dist: Distributed):
        self.config, self.model, self.info, self.split = config, model, info, split
        self.device, self.dist = device, dist
        self.generator = torch.Generator().manual_seed(config.seed + dist.rank)
        model.to(device)
        for _, norm in session_norms(model):
            norm.groups = config.groups if config.sampler == "multi" else 1
        self.network = dist.wrap(model)
        self.steps_per_epoch = sum(1 for _ in self._batches(np.random.default_rng(0)))
        self.epochs = config.epochs
        self.total_steps = max(1, self.epochs * self.steps_per_epoch)
        if config.steps:
            self.total_steps = config.steps
            self.epochs = -(-config.steps // max(1, self.steps_per_epoch))  # ceil
        self.optimizer = torch.optim.AdamW(
            model.parameters(), lr=config.lr, weight_decay=config.weight_decay
        )
        self.schedule = torch.optim.lr_scheduler.OneCycleLR(
            self.optimizer, max_lr=config.lr, total_steps=self.total_steps, pct_start=0.15
        )
        self.history: list[dict] = []
        self.autocast = (
            torch.autocast("cuda", dtype=torch.bfloat16) if device.type == "cuda" else nullcontext()
        )

    def _batches(self, rng: np.random.Generator):
        c = self.config
        return batches(self.split.train, c.sampler, c.batch_size, rng, c.groups)

    def start(self) -> int:
        """The first epoch to run: 0, or where --resume continues. Clears what a run killed
        while it saved left behind."""
        if self.dist.is_main:
            remove_temporaries(self.config.out)
            remove_temporaries(resume_path(self.config.out))
        if not self.config.resume:
            return 0
        start_epoch, self.history = load_resume_state(
            self.config.out, self.device, self.model, self.optimizer, self.schedule, self.generator
        )
        return start_epoch

    def save_model(self, metrics: dict) -> None:
        # Marked unfinished until the run ends (mark_complete), so that a model left by a
        # killed run says so (ModelInfo.unfinished_warning).
        if self.dist.is_main:
            self.info.metrics = metrics
            self.info.training["complete"] = False
            with explained_save(self.config.out):
                save_checkpoint(self.config.out, self.model, self.info)

    def save_state(self, epoch: int) -> None:
        # Written only at epoch boundaries, so a resumed run replays whole epochs exactly.
        if self.dist.is_main:
            save_resume_state(
                self.config.out,
                self.model,
                self.optimizer,
                self.schedule,
                self.generator,
                epoch,
                self.history,
            )

    def run(self, start_epoch: int) -> dict:
        """The epochs from `start_epoch` on; the last epoch's metrics."""
        patience = self.config.patience
        metrics: dict = self.history[-1] if self.history else {}
        best, since_best, step = None, 0, start_epoch * self.steps_per_epoch
        try:
            for epoch in range(start_epoch, self.epochs):
                if step >= self.total_steps or (patience and since_best >= patience):
                    break
                metrics, step = self.epoch(epoch, step)
                self.history.append(metrics)
                score = validation_score(metrics) if patience else None
                if score is None or best is None or score < best:
                    best, since_best = score, 0
                    self.save_model(metrics)  # with --patience the best so far, else the latest
                else:
                    since_best += 1
                self.save_state(epoch + 1)
                self.report(metrics)
        except KeyboardInterrupt:
            if best is None:  # with --patience, the best model is saved already
                self.save_model(metrics)
            raise TrainingInterrupted(
                f"Training interrupted; the model so far is in {self.config.out}. "
                f"Continue with the same command plus --resume."
            ) from None
        finally:
            self.dist.close()
        self.finish()
        return metrics

    def epoch(self, epoch: int, step: int) -> tuple[dict, int]:
        """One pass over the batches (until the step budget ends): (its metrics, the step)."""
        from tqdm import tqdm

        config = self.config
        self.model.train()
        # One generator per epoch: a resumed run draws exactly the batches it would have.
        rng = np.random.default_rng([config.seed + self.dist.rank, epoch])
        started, losses = time.monotonic(), []
        bar = tqdm(
            self._batches(rng),
            total=self.steps_per_epoch,
            desc=f"epoch {epoch + 1}/{self.epochs}",
            disable=not (config.progress and self.dist.is_main),
            leave=False,
        )
        for batch in bar:
            if step >= self.total_steps:
                break
            step += 1
            losses.append(self.step(batch))
            bar.set_postfix(loss=f"{100 * np.mean(losses[-50:]):.1f}%")
        metrics = {
            "epoch": epoch + 1,
            "train_loss_pct": 100 * float(np.mean(losses)),
            "seconds": round(time.monotonic() - started, 1),
            **validate(self.model, self.split, config.statistics),
        }
        return metrics, step

    def step(self, batch: Batch) -> float:
        """One optimizer step on `batch`; its loss."""
        pixels, face, targets, axes = stack_batch(self.split.train, batch, self.device)
        if self.config.augment:
            pixels = augment(pixels, batch.groups, self.generator)
        with self.autocast:
            loss = euclidean_loss(self.network(pixels, face).float(), targets, axes)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        self.schedule.step()
        return loss.item()

    def report(self, metrics: dict) -> None:
        if self.dist.is_main:
            message = " ".join(
                f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in metrics.items()
            )
            log.info(message)
            if self.config.progress:
                from tqdm import tqdm

                tqdm.write(message)

    def finish(self) -> None:
        """Mark the model complete and drop the --resume state: the run has ended."""
        if self.dist.is_main:
            if Path(self.config.out).is_file():
                with explained_save(self.config.out):
                    mark_complete(self.config.out)
            resume_path(self.config.out).unlink(missing_ok=True)

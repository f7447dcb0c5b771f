"""Several GPUs through `torchrun`: one process per GPU, each still drawing whole sittings.

Each rank samples its own measurements with its own seed, so every rank's batch is one
session (or `groups` sessions) and its BatchNorm moments stay per-sitting; gradients are
averaged by DistributedDataParallel.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class Distributed:
    enabled: bool
    rank: int = 0
    world_size: int = 1
    device: torch.device = torch.device("cpu")

    @classmethod
    def from_environment(cls) -> Distributed:
        world_size = int(os.environ.get("WORLD_SIZE", "1"))
        if world_size <= 1:
            return cls(False)
        import torch.distributed as dist

        backend = "nccl" if torch.cuda.is_available() else "gloo"
        dist.init_process_group(backend)
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        if torch.cuda.is_available():
            torch.cuda.set_device(local_rank)
            device = torch.device("cuda", local_rank)
        else:
            device = torch.device("cpu")
        return cls(True, dist.get_rank(), world_size, device)

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def wrap(self, model: nn.Module) -> nn.Module:
        if not self.enabled:
            return model
        from torch.nn.parallel import DistributedDataParallel

        ids = [self.device.index] if self.device.type == "cuda" else None
        # Buffers (running averages) are broadcast from rank 0 each step, keeping ranks equal.
        return DistributedDataParallel(model, device_ids=ids)

    def close(self) -> None:
        if self.enabled:
            import torch.distributed as dist

            if dist.is_initialized():
                dist.destroy_process_group()

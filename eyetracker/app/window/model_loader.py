"""Loading a model for the Tools screens in a worker thread, with a busy indicator.

`create_backend(..., "auto")` can take seconds: it imports torch, may export the ONNX twin,
and times both backends. Here it runs in a `WorkerCall` while the status bar says what is loading
and the window stays usable; the backend comes back in the GUI thread:

    loader = ModelLoader(window.busy)
    loader.failed.connect(show)                       # one sentence
    loader.load(config, lambda loaded, config: ...)  # in the GUI thread, once loaded
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from eyetracker.app.busy import BusyIndicator
from eyetracker.app.live.workers import TrackingConfig, preload_model_loading
from eyetracker.app.threads import WorkerCall
from eyetracker.core.correction import Correction
from eyetracker.core.errors import UserError
from eyetracker.inference.backends import create_backend
from eyetracker.inference.profile import Profile, ProfileError, load_profile, profile_path

log = logging.getLogger(__name__)

BUSY_KEY = "model"
Factory = Callable[[Path, str, str], object]  # create_backend's (model, kind, device)


@dataclass(frozen=True)
class LoadedModel:
    backend: object
    profile: Profile | None  # the user's, when one was asked for and exists for this model

    @property
    def correction(self) -> Correction | None:
        return self.profile.correction if self.profile is not None else None


def load_backend(factory: Factory, config: TrackingConfig, profiles: Path | None) -> LoadedModel:
    """The backend for `config` (in a worker thread), with the user's profile when
    `profiles` is given and one exists for this model (else the model's own statistics)."""
    backend = factory(config.model, config.backend, config.device)
    profile = None
    if profiles is not None and config.user:
        fingerprint = getattr(backend.info, "fingerprint", "")
        try:
            profile = load_profile(profile_path(profiles, config.user, fingerprint), fingerprint)
            backend.set_statistics(profile.moments)
        except ProfileError:
            pass  # the model's own statistics: the validation report says which
    return LoadedModel(backend, profile)


def load_failure(error: BaseException) -> str:
    if isinstance(error, UserError):
        return str(error)
    return f"The model could not be loaded ({type(error).__name__}); choose another model file."


class ModelLoader(QObject):
    """One model load at a time, off the GUI thread; `factory` stands in for create_backend."""

    failed = Signal(str)  # one sentence for a dialog

    def __init__(
        self, busy: BusyIndicator, factory: Factory | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.busy = busy
        self.factory = factory
        self.call: WorkerCall | None = None
        self._then: Callable[[object, TrackingConfig], None] | None = None
        self._config: TrackingConfig | None = None

    @property
    def loading(self) -> bool:
        return self.call is not None

    def load(
        self,
        config: TrackingConfig,
        then: Callable[[LoadedModel, TrackingConfig], None],
        profiles: Path | None = None,
    ) -> bool:
        """Start loading `config.model`; `then(loaded, config)` follows. False if busy."""
        if self.call is not None:
            return False
        preload_model_loading(config.backend)  # imports belong to the GUI thread (workers.py)
        self.busy.start(BUSY_KEY, f"Loading {config.model.name}…")
        self._then, self._config = then, config
        factory = self.factory or create_backend
        self.call = WorkerCall(load_backend, factory, config, profiles, name="load-model")
        self.call.done.connect(self._loaded)
        self.call.raised.connect(self._failed)
        self.call.start()
        return True

    def cancel(self) -> None:
        """Forget a load under way (its thread ends by itself; the backend is dropped)."""
        if self.call is not None:
            self.call.cancel()
            self._reset()

    def _loaded(self, loaded: LoadedModel) -> None:
        then, config = self._then, self._config
        self._reset()
        if then is not None:
            then(loaded, config)

    def _failed(self, error: BaseException) -> None:
        self._reset()
        self.failed.emit(load_failure(error))

    def _reset(self) -> None:
        self.call, self._then, self._config = None, None, None
        self.busy.stop(BUSY_KEY)

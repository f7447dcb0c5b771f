"""A Lab Streaming Layer outlet "eyetracker" of type "Gaze": x, y, valid, latency_ms.

Timestamps: each sample carries its frame's capture time on LSL's clock. The tracker's
capture times are `time.monotonic()`; `pylsl.local_clock()` is a monotonic clock too but its
zero may differ, so the offset between the two is read back to back at each push and added:

    lsl_time = capture_time + (pylsl.local_clock() - time.monotonic())

LSL then maps this clock onto every inlet's clock itself (time_correction), so recorders such
as LabRecorder line gaze up with the other streams of an experiment.

The network: liblsl's data server and time server listen on every interface (0.0.0.0 and ::),
whatever lsl_api.cfg says (its only address setting, `[multicast] ListenAddress`, moves the
discovery responders alone). It cannot be kept on this computer, so an outlet starts only
with `allow_network=True`: the user's `--allow-network` or the app's LSL preference.
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

from eyetracker.core.types import GazeSample
from eyetracker.outputs.streams.base import StreamError, StreamSettings, register_stream

CHANNELS = (
    # label, unit, type
    ("x", "normalized", "ScreenX"),  # 0 left .. 1 right edge of the screen
    ("y", "normalized", "ScreenY"),  # 0 top .. 1 bottom edge
    ("valid", "boolean", "Valid"),  # 1 when the frame gave a gaze point, else 0 (x, y NaN)
    ("latency_ms", "ms", "Latency"),  # capture to output
    ("expected_error", "percent", "ExpectedError"),  # % of the screen; NaN when not valid
)
BUFFER_S = 10  # seconds of samples LSL keeps for a slow inlet; older ones are dropped

NETWORK_REFUSAL = (
    "LSL cannot be kept on this computer: liblsl listens on every network interface, so "
    "anyone on your network could receive the gaze; add --allow-network to accept that, "
    "or use --stream websocket, which stays on this computer."
)


def import_pylsl():
    """pylsl, or a StreamError that says how to get it."""
    try:
        import pylsl
    except (ImportError, RuntimeError, OSError) as error:  # RuntimeError: liblsl not found
        raise StreamError(
            f"Streaming over LSL needs pylsl with its liblsl ({error}); pip install 'pylsl>=1.16,<2'."
        ) from None
    quiet_liblsl(pylsl)
    return pylsl


# liblsl logs its start-up ("INFO| Loaded default config", its git hash) into the terminal;
# warnings and errors it still prints.
QUIET_CONFIG = "[log]\nlevel = -1\n"


def user_lsl_config() -> Path | None:
    """The lsl_api.cfg liblsl would read (where LSL users set up their network), if any."""
    candidates = [os.environ.get("LSLAPICFG", "")]
    candidates += ["lsl_api.cfg", str(Path.home() / "lsl_api" / "lsl_api.cfg")]
    candidates += ["/etc/lsl_api/lsl_api.cfg"]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def quiet_liblsl(pylsl) -> bool:
    """Give liblsl our quiet configuration, unless the user has a configuration of their own
    (it would replace theirs) or liblsl has started already; True if given."""
    set_config = getattr(pylsl, "set_config_content", None)  # pylsl 1.17 and later
    if set_config is None or user_lsl_config() is not None:
        return False
    set_config(QUIET_CONFIG)
    return True


@register_stream("lsl")
class LslStream:
    @classmethod
    def from_settings(cls, settings: StreamSettings) -> LslStream:
        return cls(
            settings.fps,
            name=settings.lsl_name,
            source_id=settings.lsl_source_id,
            allow_network=settings.allow_network,
        )

    @staticmethod
    def available() -> bool:
        """Whether pylsl and its liblsl load."""
        try:
            import_pylsl()
        except StreamError:
            return False
        return True

    def __init__(
        self,
        fps: float = 30.0,
        name: str = "eyetracker",
        source_id: str = "",
        *,
        allow_network: bool = False,
    ) -> None:
        """`allow_network`: the user accepted that the outlet is reachable from the network;
        without it, a StreamError (NETWORK_REFUSAL)."""
        if not allow_network:
            raise StreamError(NETWORK_REFUSAL)
        self.fps = float(fps) if fps and fps > 0 else 0.0  # 0.0: LSL's IRREGULAR_RATE
        self.name = name
        self.source_id = source_id or f"eyetracker-{name}"
        self._pylsl = None
        self._outlet = None

    def describe(self) -> str:
        return (
            f'LSL: stream "{self.name}" of type "Gaze", {len(CHANNELS)} channels at '
            f"{self.fps:g} Hz, open to the network"
        )

    def start(self) -> None:
        if self._outlet is not None:
            return
        pylsl = import_pylsl()
        info = pylsl.StreamInfo(
            self.name, "Gaze", len(CHANNELS), self.fps, pylsl.cf_double64, self.source_id
        )
        desc = info.desc()
        desc.append_child_value("manufacturer", "eyetracker")
        desc.append_child_value("coordinates", "screen, normalized 0..1, origin top-left")
        channels = desc.append_child("channels")
        for label, unit, kind in CHANNELS:
            channel = channels.append_child("channel")
            channel.append_child_value("label", label)
            channel.append_child_value("unit", unit)
            channel.append_child_value("type", kind)
        self._pylsl = pylsl
        self._outlet = pylsl.StreamOutlet(info, max_buffered=BUFFER_S)

    def publish(self, sample: GazeSample) -> None:
        outlet, pylsl = self._outlet, self._pylsl
        if outlet is None or pylsl is None:
            return
        point = sample.point if sample.valid else None
        values = [
            point.x if point else math.nan,
            point.y if point else math.nan,
            1.0 if sample.valid else 0.0,
            1000.0 * sample.latency,
            _or_nan(sample.expected_error) if point else math.nan,
        ]
        offset = pylsl.local_clock() - time.monotonic()
        outlet.push_sample(values, sample.capture_time + offset)

    def stop(self) -> None:
        self._outlet = None  # pylsl destroys the outlet when its last reference goes


def _or_nan(value: float | None) -> float:
    return math.nan if value is None else float(value)

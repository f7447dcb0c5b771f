"""A camera that is lost and comes back: a status message, and the app keeps running."""

from __future__ import annotations

from eyetracker.app.live import workers
from eyetracker.capture.base import SourceLost, create_source
from eyetracker.capture.resilient import ReconnectingSource


class FlakyCamera:
    """The synthetic camera, but the first instance is 'unplugged' after 5 frames."""

    made = 0

    def __init__(self) -> None:
        FlakyCamera.made += 1
        self.lose_after = 5 if FlakyCamera.made == 1 else None
        self.inner = create_source("synthetic", script="fixations", realtime=True)
        self.name, self.fps, self.resolution = "Camera 0", 30.0, (640, 480)
        self.reads = 0

    def open(self) -> None:
        self.inner.open()

    def read(self):
        self.reads += 1
        if self.lose_after is not None and self.reads > self.lose_after:
            raise SourceLost("Camera 0 stopped delivering frames.")
        return self.inner.read()

    def close(self) -> None:
        self.inner.close()


def test_lost_camera_reconnects_and_says_so(make_window, qtbot, monkeypatch):
    FlakyCamera.made = 0

    def open_flaky(choice, stop, on_event, *_more, **_options):  # gaze target, resolution
        source = ReconnectingSource(FlakyCamera, backoff=(0.05,), stop=stop, on_event=on_event)
        source.open()
        return source

    monkeypatch.setattr(workers, "open_camera", open_flaky)
    messages: list[str] = []
    window = make_window(cameras=[("Camera 0", "0")])
    window.live.status.connect(messages.append)
    assert window.controls.camera.currentData() == "0"
    qtbot.waitUntil(lambda: any("is back" in m for m in messages), timeout=15000)
    assert any("was lost" in m for m in messages)
    shown = window.preview.frames_shown
    qtbot.waitUntil(lambda: window.preview.frames_shown > shown + 2, timeout=10000)

"""A front end plugs in by registering a class under a kind name: `Preprocessing` builds it."""

from __future__ import annotations

import numpy as np
import pytest

from eyetracker.model.front_end import FRONT_ENDS, Prepared, register_front_end
from eyetracker.model.preprocess import Preprocessing


@pytest.fixture
def toy_kind():
    @register_front_end("toy")
    class ToyFrontEnd:
        """Every frame's mean brightness as the only pixel, and no head geometry."""

        geometry_size = 1
        default_size = (1, 1)
        summary = "every frame's mean brightness"

        @classmethod
        def check_size(cls, width: int, height: int) -> None:
            if (width, height) != (1, 1):
                raise ValueError("the toy front end makes one pixel")

        def __init__(self, *, width: int, height: int, video: bool) -> None:
            self.video, self.closed = video, False

        def prepare(self, image: np.ndarray, timestamp_s: float | None = None) -> Prepared:
            pixel = np.full((1, 1, 1), image.mean() / 255.0, np.float32)
            return Prepared(pixel, np.zeros(1, np.float32), True)

        def close(self) -> None:
            self.closed = True

    yield "toy"
    del FRONT_ENDS["toy"]


def test_a_registered_front_end_is_built_through_preprocessing(toy_kind):
    preprocessing = Preprocessing(toy_kind, 1, 1)
    assert preprocessing.geometry_size == 1
    front_end = preprocessing.front_end(video=False)
    assert front_end.video is False
    prepared = front_end.prepare(np.full((4, 4, 3), 51, np.uint8))
    assert isinstance(prepared, Prepared) and prepared.found
    assert prepared.pixels[0, 0, 0] == pytest.approx(0.2)
    front_end.close()
    assert front_end.closed
    assert not preprocessing.invalid("no face").found


def test_a_front_end_refuses_a_size_it_cannot_make(toy_kind):
    with pytest.raises(ValueError, match="one pixel"):
        Preprocessing(toy_kind, 2, 1)


def test_an_unknown_kind_names_the_registered_ones():
    with pytest.raises(ValueError, match="landmarks"):
        Preprocessing("no such front end")


def test_train_offers_a_registered_front_end_with_its_default_size(toy_kind, capsys):
    from eyetracker.cli import main

    with pytest.raises(SystemExit):
        main(["train", "--help"])
    said = " ".join(capsys.readouterr().out.split())
    assert "toy: every frame's mean brightness" in said and "{face,landmarks,square,toy}" in said

"""The synthetic world: people, sittings, a renderer and gaze scripts (see docs/synthetic-world.md).

person = Person.sample(rng)
sitting = Sitting.sample(person, rng)
image, info = render_frame(person, sitting, GazePoint(0.3, 0.7), rng, t=0.0)
for image, dot in render_measurement(person, sitting, 100, rng): ...
"""

from eyetracker.synth.dataset import render_measurement, write_dataset
from eyetracker.synth.people import Person
from eyetracker.synth.render import render_frame
from eyetracker.synth.scripts import SCRIPTS, make_script
from eyetracker.synth.sittings import Sitting

__all__ = [
    "Person",
    "Sitting",
    "render_frame",
    "render_measurement",
    "write_dataset",
    "make_script",
    "SCRIPTS",
]

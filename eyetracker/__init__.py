"""eyetracker: a webcam eye tracker whose BatchNorm statistics come from the user's own session."""

__version__ = "0.1.0"

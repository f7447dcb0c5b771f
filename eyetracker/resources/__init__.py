"""Files that ship with eyetracker: the default model and its ONNX twin (models/), the app
icon (icons/) and their licences (NOTICE). Read them with `importlib.resources.files(__name__)`
(eyetracker.model.resources); pyproject.toml lists them as package data."""

"""Frames to gaze, the one way: backends, the frame pipeline, blinks, session statistics,
profiles and the calibration fit. No Qt; the ONNX Runtime path imports no torch."""

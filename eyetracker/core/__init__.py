"""Qt-free building blocks: types, measurement format, geometry, metrics, smoothing."""

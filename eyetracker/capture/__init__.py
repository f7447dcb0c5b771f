"""Frame sources behind one interface: webcam, video file, image folder, synthetic camera."""

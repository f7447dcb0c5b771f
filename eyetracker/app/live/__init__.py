"""What runs while the camera is on: the camera and tracking workers, the preview, the overlay,
recording and streams, the click check."""

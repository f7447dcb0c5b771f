"""The full-screen and guided screens: calibration, validation, measurement, Set up, fine-tuning."""

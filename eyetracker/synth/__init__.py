"""The synthetic world: people, sessions, a renderer of webcam frames and gaze scripts."""

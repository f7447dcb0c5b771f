"""Inference backends, the session-statistics manager and the tracker."""

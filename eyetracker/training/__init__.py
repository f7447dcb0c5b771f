"""Datasets, batch samplers, the training loop and evaluation."""

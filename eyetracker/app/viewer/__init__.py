"""Looking back: the recording viewer and the dataset view."""

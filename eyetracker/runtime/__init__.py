"""Running live, no Qt: the tracker and its frame feed, live and replay loops, the click
check and its correction, the measurement's dots and the validation report."""

"""Topics: the topic registry that keeps topic ids stable across runs."""

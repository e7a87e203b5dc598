"""Scoring: the encoder that gives every unit its vector, and the on-disk cache of those vectors."""

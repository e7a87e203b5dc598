"""Scoring: the encoder and its vectors, the sentiment and frustration model sharing its pass, their
on-disk caches, training (`voc train`), adaptation and swap-in classifiers."""

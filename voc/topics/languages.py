"""The languages of a topic: how its units divide between languages, which languages get keywords and quotes of
their own, and the (topic, language) classes that per-language keywords are ranked over.

With the multilingual encoder an Italian and an English complaint about the same thing can land in one topic; its
keywords then mix two vocabularies. A language with at least KEYWORD_SHARE of a topic's units gets its own keywords
(c-TF-IDF over the topic's documents in that language, against every other topic and language), and a language with
at least QUOTE_SHARE of them has its most central unit among the topic's quotes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["KEYWORD_SHARE", "QUOTE_SHARE", "LanguageKeywords", "LanguageShare", "keyword_languages",
           "language_classes", "language_shares"]

KEYWORD_SHARE = 0.10  # a language with at least this share of a topic's units gets keywords of its own
QUOTE_SHARE = 0.20  # a language with at least this share of a topic's units is quoted


@dataclass(frozen=True)
class LanguageShare:
    language: str
    units: int
    share: float  # of the topic's units


@dataclass(frozen=True)
class LanguageKeywords:
    language: str
    share: float
    keywords: list[str]


def language_shares(languages: Sequence[str]) -> list[LanguageShare]:
    """Units and share per language, largest first; equal counts in code order, so the dominant language is stable."""
    counts = Counter(languages)
    total = sum(counts.values())
    return [LanguageShare(language, n, n / total) for language, n in sorted(counts.items(), key=lambda c: (-c[1], c[0]))]


def keyword_languages(shares: Sequence[LanguageShare], min_share: float = KEYWORD_SHARE) -> list[str]:
    """The languages that get keywords of their own: the dominant one, and every other with at least `min_share`."""
    return [s.language for i, s in enumerate(shares) if i == 0 or s.share >= min_share]


def language_classes(topics: np.ndarray, languages: Sequence[str]) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """Per document its (topic, language) class, numbered 0..m-1 in (topic, language) order, -1 for outliers;
    and the pair of each class."""
    if len(topics) != len(languages):
        raise ValueError(f"{len(topics)} topics but {len(languages)} languages: expected one language per document")
    pairs = sorted({(int(t), language) for t, language in zip(topics.tolist(), languages, strict=True) if t >= 0})
    index = {pair: i for i, pair in enumerate(pairs)}
    classes = np.array([index.get((int(t), language), -1) for t, language in zip(topics.tolist(), languages, strict=True)],
                       dtype=np.int64)
    return classes, pairs

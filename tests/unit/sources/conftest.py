"""Helpers for the source tests: write tiny files under tmp_path, read them as a source, look at the result."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from voc.config import SourceConfig
from voc.schema import FEEDBACK, QUARANTINE
from voc.sources import Collected, read_source

# A survey source over surveys/* with columns id,at,score,comment (see HEADER); tests override what they need.
SURVEY = {
    "kind": "survey",
    "path": "surveys/*",
    "columns": {"id": "id", "created_at": "at", "score": "score", "text": "comment"},
    "score_type": "nps",
}


class Workspace:
    """A folder standing for voc.yaml's folder, with the sources' input files."""

    HEADER = "id,at,score,comment\n"  # the columns SURVEY maps

    def __init__(self, root: Path):
        self.root = root

    def write(self, name: str, content: str | bytes) -> Path:
        """Text is written as UTF-8 with the newlines given; bytes as they are."""
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path

    def read(self, **config) -> Collected:
        """read_source on a SourceConfig built from `config` (name defaults to `src`), checked for conservation."""
        collected = read_source(SourceConfig(**{"name": "src", **config}), self.root)
        assert collected.read == collected.used + collected.quarantined
        assert collected.feedback.schema == FEEDBACK.schema
        assert collected.quarantine.schema == QUARANTINE.schema
        assert set(collected.quarantine["source"]) <= {collected.source}
        assert all(collected.quarantine["detail"].str.len_chars() > 0)
        return collected

    def survey(self, **overrides) -> Collected:
        return self.read(**{**SURVEY, **overrides})

    # inspection helpers, reachable from tests as ws.texts(...) etc. (conftest modules are not importable by name)

    @staticmethod
    def texts(collected: Collected) -> list[str]:
        """The customer text of each feedback row, messages joined by ' | '."""
        return [" | ".join(m["text"] for m in thread if m["role"] == "customer") for thread in collected.feedback["messages"]]

    @staticmethod
    def quarantined(collected: Collected) -> list[tuple[str, str]]:
        """(locator, reason) of each quarantine row, in order."""
        return list(collected.quarantine.select("locator", pl.col("reason").cast(pl.String)).iter_rows())


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path)

"""The README's path on the bundled sample: `voc init --sample`, `voc validate`, `voc run`, as a user runs them."""

import json
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from voc.text.redact import iban_ok, luhn_ok

pytestmark = pytest.mark.slow
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def _voc(*args, cwd):
    return subprocess.run([sys.executable, "-m", "voc.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("brightline")
    assert _voc("init", str(workspace), "--sample", cwd=workspace).returncode == 0
    validated = _voc("validate", cwd=workspace)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    ran = _voc("run", cwd=workspace)
    assert ran.returncode == 0, ran.stderr
    return workspace / "out" / "latest"


def test_every_source_is_read_and_conserved(published):
    manifest = json.loads((published / "run.json").read_text())
    assert set(manifest["sources"]) == {"nps_survey", "post_chat_csat", "install_ces", "support_tickets", "chat_transcripts", "calls"}
    for name, counts in manifest["sources"].items():
        assert counts["used"] > 0, name
        assert counts["read"] == counts["used"] + counts["quarantined"], name
    units = pl.read_parquet(published / "units.parquet")
    assert units.height > 3000
    assert units["created_at"].null_count() == 0
    assert units.select(pl.col("customer_id").n_unique()).item() > 500


def test_planted_bad_items_are_quarantined_with_their_reason(published):
    planted = json.loads((SAMPLE / "planted.json").read_text())
    quarantine = pl.read_parquet(published / "quarantine.parquet")
    found = {(Path(loc.split(":")[0]).name, reason) for loc, reason in quarantine.select("locator", pl.col("reason").cast(pl.String)).iter_rows()}
    for bad in planted["bad_items"]:
        assert (Path(bad["file"]).name, bad["reason"]) in found, bad


def test_no_pii_reaches_units_or_feedback(published):
    texts = pl.concat([
        pl.read_parquet(published / "units.parquet").select("text"),
        pl.read_parquet(published / "feedback.parquet").select(pl.col("messages").list.eval(pl.element().struct.field("text"))).explode("messages").rename({"messages": "text"}),
    ])["text"].drop_nulls().to_list()
    blob = "\n".join(texts)
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", blob)
    for run in re.findall(r"\d(?:[ -]?\d){12,18}", blob):
        assert not luhn_ok(re.sub(r"\D", "", run)), run
    for candidate in re.findall(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b", blob):
        assert not iban_ok(candidate), candidate
    assert not re.search(r"\b07\d{3} ?\d{6}\b|\+44 ?\d{2} ?\d{4} ?\d{4}", blob)
    assert not re.search(r"(?i)my name is [A-Z][a-z]+", blob)
    names = json.loads((SAMPLE / "planted.json").read_text())["person_names"]
    leaked = re.findall(r"(?i)\b(" + "|".join(names) + r")\b", blob)
    assert leaked == []


def test_agent_words_never_become_units(published):
    feedback = pl.read_parquet(published / "feedback.parquet")
    agent = (
        feedback.select("feedback_id", "messages").explode("messages").unnest("messages")
        .filter(pl.col("role") == "agent")["text"].to_list()
    )
    assert len(agent) > 100
    unit_texts = set(pl.read_parquet(published / "units.parquet")["text"])
    agent_sentences = {s.strip() for t in agent for s in re.split(r"(?<=[.!?])\s+", t) if len(s.strip()) > 40}
    leaked = agent_sentences & unit_texts
    assert len(leaked) <= len(agent_sentences) * 0.01, sorted(leaked)[:5]


def test_second_run_encodes_nothing_and_publishes_identical_tables(published):
    workspace = published.parent.parent
    first_manifest = json.loads((published / "run.json").read_text())
    assert first_manifest["scoring"]["encoded"] == first_manifest["scoring"]["distinct"] > 1000
    assert _voc("-q", "run", cwd=workspace).returncode == 0
    second_manifest = json.loads((workspace / "out" / "latest" / "run.json").read_text())
    assert second_manifest["scoring"]["encoded"] == 0
    assert second_manifest["scoring"]["cached"] == first_manifest["scoring"]["distinct"]
    runs = sorted(p for p in (workspace / "out").iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))
    first, second = runs[-2], runs[-1]
    for name in ("units", "feedback", "quarantine"):
        assert pl.read_parquet(first / f"{name}.parquet").equals(pl.read_parquet(second / f"{name}.parquet")), name


def test_every_unit_and_item_is_scored_and_scores_follow_the_survey_score(published):
    units = pl.read_parquet(published / "units.parquet")
    assert units.select(pl.col("sentiment", "sentiment_label", "frustration").null_count()).sum_horizontal().item() == 0
    assert units["sentiment"].is_between(-1, 1).all() and units["frustration"].is_between(0, 1).all()
    nps = pl.read_parquet(published / "feedback.parquet").filter(pl.col("score_type") == "nps", pl.col("sentiment").is_not_null())
    assert nps.select(pl.corr("score", "sentiment", method="spearman")).item() > 0.4
    detractors = nps.filter(pl.col("score") <= 6)["frustration"].mean()
    promoters = nps.filter(pl.col("score") >= 9)["frustration"].mean()
    assert detractors > promoters + 0.1

"""Nights after the first: a night with nothing new, killed runs, new items, the lock (sample and tiny workspaces)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
import yaml

from tests.integration.conftest import copy_workspace, published_runs, voc
from voc.store import Store

pytestmark = pytest.mark.slow
CHANGING = {"run.json", "report.html", "journey_map.enriched.json"}  # carry the run id and time
NEW_COMMENTS = [
    "The router from the November bundle keeps rebooting itself every evening",
    "Since the upgrade my router reboots on its own at night and the TV stream stops",
    "Engineer visit was booked for Saturday but nobody turned up or called",
    "Nobody came for the engineer appointment and I took the day off for it",
    "Loved that the new app shows my data usage per device, very clear",
    "The usage chart per device in the app helped me find what was eating the allowance",
    "Charged an early exit fee although the contract ended in October",
    "Why is there an exit fee on my final bill when my contract was already over",
]


def _files(run: Path) -> dict[str, bytes]:
    return {str(p.relative_to(run)): p.read_bytes() for p in sorted(run.rglob("*")) if p.is_file() and p.name not in CHANGING}


def test_a_night_with_nothing_new_is_quick_and_publishes_identical_files(sample_run, tmp_path):
    workspace = copy_workspace(sample_run["workspace"], tmp_path / "ws", history=True)
    first = Store(workspace / "out").latest_run()
    started = time.perf_counter()
    ran = voc("-q", "run", cwd=workspace)
    seconds = time.perf_counter() - started
    assert ran.returncode == 0, ran.stdout + ran.stderr
    second = Store(workspace / "out").latest_run()
    assert second != first
    assert _files(second) == _files(first)
    assert {"units.parquet", "units.csv", "journey_evidence.csv", "schemas/units.schema.json"} <= set(_files(second))
    manifest = json.loads((second / "run.json").read_text())
    assert manifest["scoring"]["encoded"] == 0 and manifest["text"]["items_prepared"] == 0
    assert all(source["reused"] for source in manifest["sources"].values())
    assert manifest["topics"]["refit"] is False and manifest["previous_run"] == first.name
    # the night's own work (its steps) against the first run's; the process start-up (Python, Prefect) is the same for both
    work, first_work = (sum(json.loads((run / "run.json").read_text())["timings_s"].values()) for run in (second, first))
    assert work <= 0.1 * first_work, (work, first_work)
    assert seconds <= 0.5 * sample_run["seconds"], (seconds, sample_run["seconds"])


def _kill_when(workspace: Path, marker: str, timeout: float = 400) -> None:
    """Start `voc run`; SIGKILL it as soon as a staging folder holds `marker` (a step's output). The whole process
    group is killed, as a scheduler or `systemctl kill` does: Prefect's temporary API server goes with it."""
    process = subprocess.Popen([sys.executable, "-m", "voc.cli", "-q", "run"], cwd=workspace,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + timeout
    try:
        while not list((workspace / "out").glob(f".staging-*/.work/{marker}")):
            assert process.poll() is None, f"the run ended before {marker}"
            assert time.monotonic() < deadline, f"no {marker} after {timeout} s"
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _add_november_chat_answers(workspace: Path, rows_per_comment: int = 5) -> int:
    """Append November answers to the tiny workspace's post-chat survey (one JSON line each)."""
    n = 0
    with (workspace / "sources" / "surveys" / "csat_chat.jsonl").open("a", encoding="utf-8") as handle:
        for comment in NEW_COMMENTS:
            for j in range(rows_per_comment):
                n += 1
                row = {"id": f"csat-nov-{n:04d}", "ts": f"2026-11-{1 + (n % 20):02d} 10:{j:02d}:00",
                       "customer": f"C9{n:04d}", "rating": 5 if "app" in comment else 1, "feedback": f"{comment} (week {j + 1})"}
                handle.write(json.dumps(row) + "\n")
    return n


def test_killed_runs_leave_latest_valid_and_the_next_run_adds_the_new_items(tiny_run, tmp_path):
    workspace = copy_workspace(tiny_run["workspace"], tmp_path / "ws")
    store = Store(workspace / "out")
    before = store.latest_run()
    before_feedback = pl.read_parquet(before / "feedback.parquet")
    added = _add_november_chat_answers(workspace)
    _kill_when(workspace, "score")  # killed while fitting topics (random points of a first run: test_resilience.py)
    assert store.latest_run() == before
    assert pl.read_parquet(store.latest / "feedback.parquet").equals(before_feedback)
    ran = voc("-q", "run", cwd=workspace)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    after = store.latest_run()
    assert after != before and published_runs(workspace)[-1] == after
    assert not list((workspace / "out").glob(".staging-*"))
    feedback = pl.read_parquet(after / "feedback.parquet")
    assert feedback.height == before_feedback.height + added
    assert feedback.filter(pl.col("native_id").str.starts_with("csat-nov-")).height == added
    manifest = json.loads((after / "run.json").read_text())
    assert manifest["text"]["items_prepared"] == added and manifest["text"]["items_reused"] == before_feedback.height
    assert manifest["sources"]["post_chat_csat"]["reused"] is False
    units = pl.read_parquet(after / "units.parquet")
    new_units = units.filter(pl.col("native_id").str.starts_with("csat-nov-"))
    assert new_units.height >= added and new_units["topic_id"].null_count() == 0
    assert manifest["topics"]["refit"] is False and manifest["topics"]["joined"]["new_units"] == new_units.height
    old = pl.read_parquet(before / "topics.parquet")
    continued = pl.read_parquet(after / "topics.parquet").filter(pl.col("topic_id").is_in(old["topic_id"].implode()))
    assert continued.height >= 0.7 * old.height, (continued.height, old.height)


def test_new_items_join_the_standing_topics_and_earlier_units_keep_theirs_until_a_refit_is_due(tiny_run, tmp_path):
    workspace = copy_workspace(tiny_run["workspace"], tmp_path / "ws")
    store = Store(workspace / "out")
    before = store.latest_run()
    old_units = pl.read_parquet(before / "units.parquet")
    survey = workspace / "sources" / "surveys" / "csat_chat.jsonl"
    answers = [json.loads(line) for line in survey.read_text(encoding="utf-8").splitlines()[:12]]
    with survey.open("a", encoding="utf-8") as handle:  # tonight, twelve customers repeat earlier answers
        for n, answer in enumerate(answers):
            handle.write(json.dumps({**answer, "id": f"csat-rep-{n:04d}", "ts": f"2026-11-{n + 1:02d} 09:00:00"}) + "\n")
    ran = voc("-q", "run", cwd=workspace)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    after = store.latest_run()
    manifest = json.loads((after / "run.json").read_text())["topics"]
    units = pl.read_parquet(after / "units.parquet")
    new = units.filter(pl.col("native_id").str.starts_with("csat-rep-"))
    assert manifest["refit"] is False and manifest["taken_from"] == before.name, manifest
    assert manifest["joined"]["new_units"] == new.height > 0
    assert manifest["fit"]["new_since"] == new.height and manifest["fit"]["run"] == before.name
    kept = old_units.select("unit_id", "topic_id").join(units.select("unit_id", "topic_id"), on="unit_id", suffix="_now")
    assert kept.height == old_units.height and (kept["topic_id"] == kept["topic_id_now"]).all()
    originals = old_units.filter(pl.col("native_id").is_in([a["id"] for a in answers])).select("text", "topic_id")
    paired = new.select("text", "topic_id").join(originals.unique("text"), on="text", suffix="_original")
    assert paired.height == new.height
    assert (paired["topic_id"] == paired["topic_id_original"]).mean() >= 0.8, paired
    topics = pl.read_parquet(after / "topics.parquet")
    on_topic = units.filter(pl.col("topic_id") >= 0)["topic_id"].value_counts()
    assert dict(topics.select("topic_id", "size").iter_rows()) == dict(on_topic.iter_rows())
    described = {row["topic_id"]: (row["label"], row["keywords"]) for row in pl.read_parquet(before / "topics.parquet").to_dicts()}
    assert all(described[row["topic_id"]] == (row["label"], row["keywords"]) for row in topics.to_dicts())  # the fit's words


def test_a_second_run_on_a_busy_workspace_is_refused_and_voc_report_rebuilds_the_report(sample_run, tmp_path):
    workspace = copy_workspace(sample_run["workspace"], tmp_path / "ws")
    store = Store(workspace / "out")
    latest = store.latest_run()
    with store.lock():
        refused = voc("run", cwd=workspace)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "another voc run is using" in refused.stderr
    assert store.latest_run() == latest and not list((workspace / "out").glob(".staging-*"))
    (latest / "report.html").unlink()
    rebuilt = voc("report", cwd=workspace)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "<!DOCTYPE html>" in (latest / "report.html").read_text(encoding="utf-8")[:200]


def test_a_published_run_damaged_on_disk_is_skipped_and_the_night_builds_on_the_one_before(sample_run, tmp_path):
    workspace = copy_workspace(sample_run["workspace"], tmp_path / "ws")
    first = Store(workspace / "out").latest_run()
    assert voc("-q", "run", cwd=workspace).returncode == 0
    damaged = Store(workspace / "out").latest_run()
    registry = damaged / "topic_registry.parquet"
    registry.write_bytes(registry.read_bytes()[:100])  # truncated after it was published
    ran = voc("run", cwd=workspace)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert f"run {damaged.name} is damaged (topic_registry.parquet" in ran.stderr
    third = Store(workspace / "out").latest_run()
    manifest = json.loads((third / "run.json").read_text())
    assert manifest["previous_run"] == first.name and len([w for w in manifest["warnings"] if "damaged" in w]) == 1
    assert _files(third) == _files(first)  # topic ids and lineage carry on from the run before


def test_item_scores_mean_averages_every_item_and_the_units_stay_as_they_were(tiny_run, tmp_path):
    workspace = copy_workspace(tiny_run["workspace"], tmp_path / "ws")
    config = workspace / "voc.yaml"
    settings = yaml.safe_load(config.read_text())
    settings["models"] = {**settings.get("models", {}), "item_scores": "mean"}
    config.write_text(yaml.safe_dump(settings, sort_keys=False))
    before = tiny_run["run"]
    ran = voc("-q", "run", cwd=workspace)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    after = Store(workspace / "out").latest_run()
    read_whole = {run: json.loads((run / "run.json").read_text())["scoring"]["items_read_whole"] for run in (before, after)}
    assert read_whole[before]["items"] > 100 and read_whole[after]["items"] == 0
    units = pl.read_parquet(after / "units.parquet")
    assert units.equals(pl.read_parquet(before / "units.parquet"))
    means = units.group_by("feedback_id").agg(unit_mean=pl.col("sentiment").mean(), units=pl.len())
    whole, mean = (pl.read_parquet(run / "feedback.parquet").join(means, on="feedback_id") for run in (before, after))
    assert (mean["sentiment"] - mean["unit_mean"]).abs().max() < 1e-5
    several = whole.filter(pl.col("units") >= 2)
    assert (several["sentiment"] - several["unit_mean"]).abs().max() > 0.05

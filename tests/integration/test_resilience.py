"""Faults during a night: SIGKILL at random points, a source folder that is gone, a full disk."""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
import yaml

from conftest import TINY_BATCHES, assert_same_tables, copy_workspace, make_tiny_workspace, voc
from voc.scoring.cache import VectorCache
from voc.store import Store

pytestmark = pytest.mark.slow


def _kill_at(workspace: Path, after: str | None, seconds: float) -> bool:
    """Start `voc run` and SIGKILL its whole process group (as a scheduler or `systemctl kill` does: Prefect's
    temporary API server goes with it) `seconds` after step `after` has saved its output (after the start when
    None). False when the run ended before that."""
    process = subprocess.Popen([sys.executable, "-m", "voc.cli", "-q", "run"], cwd=workspace,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    started = time.monotonic()
    while after is not None and not list((workspace / "out").glob(f".staging-*/.work/{after}")):
        if process.poll() is not None:
            return False
        time.sleep(0.02)
    try:
        process.wait(timeout=max(seconds - (time.monotonic() - started) if after is None else seconds, 0.01))
        return False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return True


def _cache_warnings(workspace: Path) -> list[str]:
    """What loading every cache of the workspace reports (a torn or corrupt shard is dropped with a warning)."""
    warnings = []
    for folder in (workspace / "out" / ".cache").glob("*/*"):
        cache = VectorCache(folder.parent, identity=folder.name)
        cache.lookup(["-"])
        warnings += cache.warnings
    return warnings


def test_runs_killed_at_random_points_leave_nothing_half_done_and_the_next_run_publishes_the_uninterrupted_result(
        tiny_run, tmp_path):
    workspace = make_tiny_workspace(tmp_path / "ws", executor=TINY_BATCHES)
    rng = random.Random(20261124)
    # while starting or preparing; while scoring; in the steps after the topics, up to publishing
    points = [(None, rng.uniform(3.0, 6.0)), ("prepare", rng.uniform(0.0, 2.0)), ("topics", rng.uniform(0.0, 0.5))]
    killed = 0
    for after, seconds in points:
        if not _kill_at(workspace, after, seconds):
            continue  # the caches filled by earlier attempts made this one finish in time
        killed += 1
        assert _cache_warnings(workspace) == [], seconds  # every cache shard on disk is whole
        if (workspace / "out" / "latest").exists():  # killed while shutting down after it published
            assert_same_tables(workspace / "out" / "latest", tiny_run["run"])
            break
    assert killed >= 2, (killed, points)
    ran = voc("-q", "run", cwd=workspace)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert not list((workspace / "out").glob(".staging-*"))
    assert_same_tables(workspace / "out" / "latest", tiny_run["run"])


def test_a_source_folder_that_is_gone_keeps_its_items_with_a_warning_while_the_other_sources_run(sample_run, tmp_path):
    workspace = copy_workspace(sample_run["workspace"], tmp_path / "ws")
    config = yaml.safe_load((workspace / "voc.yaml").read_text())
    config["flow"] = {"source_retries": 1, "source_retry_delay_s": 0.5}
    (workspace / "voc.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    before = pl.read_parquet(sample_run["run"] / "feedback.parquet")
    calls = before.filter(pl.col("source") == "calls")
    assert calls.height > 0
    shutil.move(workspace / "sources" / "calls", tmp_path / "calls-away")  # the share is not mounted tonight
    ran = voc("run", cwd=workspace)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "source calls is unavailable" in ran.stderr
    run = Store(workspace / "out").latest_run()
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["sources"]["calls"]["unavailable"] is True
    assert any("source calls is unavailable" in w for w in manifest["warnings"])
    feedback = pl.read_parquet(run / "feedback.parquet")
    kept = ["feedback_id", "content_hash", "messages"]
    assert feedback.filter(pl.col("source") == "calls").select(kept).equals(calls.select(kept))
    assert feedback.height == before.height
    shutil.move(tmp_path / "calls-away", workspace / "sources" / "calls")  # back the next night: nothing to read again
    ran = voc("-q", "run", cwd=workspace)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    manifest = json.loads((Store(workspace / "out").latest_run() / "run.json").read_text())
    assert not [w for w in manifest["warnings"] if "unavailable" in w] and manifest["sources"]["calls"]["reused"] is True
    assert manifest["sources"]["calls"]["unavailable"] is False


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MiB tmpfs: a disk that fills up mid-run (needs root and mount rights, as CI has)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_fails_the_run_with_a_clear_error_and_publishes_nothing(small_disk, tmp_path):
    workspace = make_tiny_workspace(tmp_path / "ws", output=str(small_disk / "out"))
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}  # the run history is elsewhere: only voc's writes fill the disk
    ran = voc("-q", "run", cwd=workspace, env=env)
    assert ran.returncode == 1
    assert "run failed: no space left on the device" in ran.stderr, ran.stderr[-3000:]
    out = small_disk / "out"
    assert not (out / "latest").exists() and not list(out.glob(".staging-*"))
    assert not [p for p in out.rglob("*") if p.name.startswith(".tmp")]  # no half-written cache shard left behind

"""Workspaces for the integration tests: the bundled sample after one `voc run` (run once per test session;
tests that change it work on a copy), and a smaller slice of it."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
import yaml

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
SMALL_SOURCES = ("nps_survey", "post_chat_csat")  # about 2,000 items and 3,600 units


def voc(*args: str, cwd: Path, timeout: float = 600, env: dict | None = None) -> subprocess.CompletedProcess:
    """The voc command, as a user runs it, in a subprocess."""
    return subprocess.run([sys.executable, "-m", "voc.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env)


def make_small_workspace(target: Path) -> Path:
    """A workspace with the sample's surveys only and smaller topics."""
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("out", "__pycache__", ".*", "tickets", "chats", "calls"))
    config = yaml.safe_load((target / "voc.yaml").read_text())
    config["sources"] = [s for s in config["sources"] if s["name"] in SMALL_SOURCES]
    config["topics"] = {"min_topic_size": 15}
    (target / "voc.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return target


def make_tiny_workspace(target: Path, **config: object) -> Path:
    """The sample's post-chat CSAT survey alone (600 items, about 1,100 units), small topics; `config` adds to voc.yaml."""
    workspace = make_small_workspace(target)
    settings = yaml.safe_load((workspace / "voc.yaml").read_text())
    settings["sources"] = [s for s in settings["sources"] if s["name"] == "post_chat_csat"]
    settings["topics"] = {"min_topic_size": 10}
    settings.update(config)
    (workspace / "voc.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
    return workspace


RUN_COLUMNS = ("run_id", "first_seen_run", "last_seen_run")  # a run's own id: differs between runs by construction


def run_tables(run: Path) -> dict[str, pl.DataFrame]:
    """Every table of a published run, without the columns that name the run itself."""
    return {p.stem: pl.read_parquet(p).drop(RUN_COLUMNS, strict=False) for p in sorted(run.glob("*.parquet"))}


def assert_same_tables(run: Path, expected: Path) -> None:
    """The two published runs hold the same tables with the same rows."""
    got, want = run_tables(run), run_tables(expected)
    assert set(got) == set(want)
    for name, table in want.items():
        assert got[name].equals(table), name


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory) -> dict:
    """One uninterrupted local `voc run` of the tiny workspace (several batches of each kind), timed."""
    workspace = make_tiny_workspace(tmp_path_factory.mktemp("tiny") / "ws", executor=TINY_BATCHES)
    started = time.perf_counter()
    ran = voc("-q", "run", cwd=workspace)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    return {"workspace": workspace, "run": (workspace / "out" / "latest").resolve(), "seconds": time.perf_counter() - started}


TINY_BATCHES = {"batch_items": 150, "batch_texts": 128}


def published_runs(workspace: Path) -> list[Path]:
    out = workspace / "out"
    return sorted(p for p in out.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> dict:
    """The README's path on the bundled sample: `voc init --sample`, `voc validate`, `voc run` (timed)."""
    workspace = tmp_path_factory.mktemp("brightline")
    assert voc("init", str(workspace), "--sample", cwd=workspace).returncode == 0
    validated = voc("validate", cwd=workspace)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    started = time.perf_counter()
    ran = voc("run", cwd=workspace)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    return {"workspace": workspace, "run": (workspace / "out" / "latest").resolve(), "seconds": time.perf_counter() - started}


def copy_workspace(workspace: Path, target: Path, history: bool = False) -> Path:
    """A copy with its runs and caches: the next run there is an incremental night. With `history`, also the
    Prefect database of `voc run` (out/.prefect), as a workspace has it on its second night."""
    skip = (".lock",) if history else (".prefect", ".lock")
    shutil.copytree(workspace, target, symlinks=True, ignore=shutil.ignore_patterns(*skip))
    return target

"""Workspaces for the integration tests: the bundled sample after one `voc run` (run once per test session;
tests that change it work on a copy), and a smaller slice of it."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

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

"""One nightly run in progress: the workspace lock, the staging folder, and what each step records.

A run is opened with `open_night` (lock taken, staging folder made under out/, discarded if anything
fails) and closed with `Night.publish`. Steps hand each other paths: what a step makes goes to
`night.work` (intermediates, dropped before publishing) or to the staging folder itself (outputs). What a
step reports (counts, timings, fingerprints) is kept as one JSON file per step under `work/steps/`, so that
steps run as separate tasks, or in another process, still add up to one `run.json`.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from voc.config import Workspace
from voc.schema import FEEDBACK, QUARANTINE, TOPIC_LINEAGE, TOPIC_REGISTRY, TOPICS, UNITS
from voc.errors import VocError
from voc.store import NO_SPACE, NOT_ALLOWED, RunFolder, Store, disk_errno, disk_error

__all__ = ["CARRIED", "Night", "Progress", "last_usable_run", "open_night", "open_night_of", "previous_of"]

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]  # (step, units of work done so far, total; 0 when unknown)
_WORK = ".work"
CARRIED = (FEEDBACK, UNITS, QUARANTINE, TOPICS, TOPIC_REGISTRY, TOPIC_LINEAGE)  # what a night takes from the last run


@dataclass
class Night:
    workspace: Workspace
    store: Store
    folder: RunFolder
    previous: Path | None  # the run `latest` pointed at when this one began
    started: datetime
    full: bool = False  # recompute everything: no reuse of earlier runs or caches
    progress: Progress | None = None
    memo: dict[str, Any] = field(default_factory=dict, repr=False)  # objects the steps of this night share (models)
    warnings: list[str] = field(default_factory=list)  # for run.json

    @property
    def run_id(self) -> str:
        return self.folder.run_id

    @property
    def work(self) -> Path:
        return self.folder.path / _WORK

    def record(self, step: str, report: dict[str, Any]) -> None:
        """Add to what `step` reports in run.json."""
        path = self.work / "steps" / f"{step}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        merged = {**self.recorded(step), **report}
        path.write_text(json.dumps(merged, indent=1, default=str), encoding="utf-8")

    def recorded(self, step: str) -> dict[str, Any]:
        path = self.work / "steps" / f"{step}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def steps(self) -> dict[str, dict[str, Any]]:
        folder = self.work / "steps"
        return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))} if folder.exists() else {}

    @contextmanager
    def step(self, name: str, total: int = 0) -> Iterator[Callable[[int], None]]:
        """Time a step (recorded as its `seconds`) and yield `tick(amount)` for its progress."""
        done = 0

        def tick(amount: int) -> None:
            nonlocal done
            done += amount
            if self.progress:
                self.progress(name, done, total)

        tick(0)
        started = time.perf_counter()
        try:
            yield tick
        except VocError:
            raise
        except Exception as exc:  # a full disk or a folder made read-only mid-night: say so, not a library's traceback
            if disk_errno(exc) in NO_SPACE | NOT_ALLOWED:
                raise disk_error(self.store.root, exc) from exc
            raise
        if self.progress:
            self.progress(name, max(total, 1), max(total, 1))
        seconds = round(time.perf_counter() - started, 3)
        self.record(name, {"seconds": seconds})
        log.info("step %s took %.1f s", name, seconds)

    def previous_manifest(self) -> dict[str, Any]:
        path = self.previous / "run.json" if self.previous is not None else None
        return json.loads(path.read_text(encoding="utf-8")) if path is not None and path.exists() else {}

    def publish(self, manifest: dict[str, Any]) -> Path:
        """Drop the intermediates, write run.json and switch out/latest to this run."""
        shutil.rmtree(self.work, ignore_errors=True)
        manifest["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        self.folder.write_json("run.json", manifest)
        return self.store.publish(self.folder)


@contextmanager
def open_night(workspace: Workspace, full: bool = False, progress: Progress | None = None) -> Iterator[Night]:
    """Hold the workspace for one run and give it a staging folder; the folder is removed if the run fails.
    A second run on the same workspace at the same time is refused (WorkspaceBusyError)."""
    store = Store(workspace.output_dir)
    started = datetime.now(UTC)
    with store.lock():
        previous, warnings = last_usable_run(store)
        folder = store.begin(started)
        with store.discarding(folder):
            folder.path.joinpath(_WORK).mkdir()
            night = Night(workspace, store, folder, previous, started, full, progress, warnings=warnings)
            _OPEN[night.run_id] = night
            try:
                yield night
            finally:
                del _OPEN[night.run_id]


_OPEN: dict[str, Night] = {}  # the nights open in this process, by run id


def open_night_of(run_id: str) -> Night:
    """A night open in this process (a subflow gets the run id, not the night with its raw text)."""
    return _OPEN[run_id]


def last_usable_run(store: Store) -> tuple[Path | None, list[str]]:
    """The newest published run whose run.json and carried tables are readable, and a warning for each newer one
    that is not (damaged on disk after it was published): the night then builds on the run before it."""
    latest = store.latest_run()
    runs = sorted((p for p in store.root.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
                   and (p / "run.json").exists()), reverse=True) if store.root.is_dir() else []
    if latest is not None and latest in runs:
        runs.remove(latest)
        runs.insert(0, latest)
    warnings = []
    for run in runs:
        problem = _damage(run)
        if problem is None:
            return run, warnings
        warnings.append(f"run {run.name} is damaged ({problem}); this run builds on an earlier one")
        log.warning(warnings[-1])
    return None, warnings


def _damage(run: Path) -> str | None:
    """What is unreadable in a published run, or None."""
    try:
        json.loads((run / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"run.json: {exc}"
    for table in CARRIED:
        path = run / f"{table.name}.parquet"
        try:
            pl.read_parquet_schema(path)  # the footer: a truncated or overwritten file fails here
        except (OSError, pl.exceptions.PolarsError) as exc:
            return f"{path.name}: {str(exc).splitlines()[0]}"
    return None


def previous_of(run: Path) -> Path | None:
    """The published run that was `latest` when `run` began, if it is still there."""
    manifest = run / "run.json"
    name = json.loads(manifest.read_text(encoding="utf-8")).get("previous_run") if manifest.exists() else None
    return run.parent / name if name and (run.parent / name).is_dir() else None

"""The `voc-nightly` flow: collect → prepare → score → topics → journey → insights → export → report, then
`notify` posts the run's spikes to the webhook of voc.yaml (if any) once the run is published.

Each task wraps one step of voc.pipeline and hands the next one the path of what it wrote. Only `collect`
retries (source I/O); a failing step fails the flow run and leaves out/latest as it was. The flow holds the
workspace lock for its whole run.

Run it once with `voc run`, on a schedule with `voc serve`, or deploy it to a work pool with prefect.yaml.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.runtime import task_run
from prefect.states import State
from pydantic import BaseModel, ConfigDict, Field

from voc import pipeline
from voc.config import load_workspace
from voc.errors import VocError
from voc.night import Night, Progress, open_night

__all__ = ["NightlyRun", "nightly", "run_nightly"]

FLOW_NAME = "voc-nightly"
_progress: Progress | None = None  # set by `run_nightly` for a terminal progress display


class NightlyRun(BaseModel):
    """Parameters of a nightly run."""

    model_config = ConfigDict(extra="forbid")

    config: str = Field("voc.yaml", description="Path of the workspace's voc.yaml (relative to the working directory).")
    full: bool = Field(False, description="Recompute everything: read every source, prepare and encode every text, refit topics.")


class SourceUnavailable(VocError):
    """A source file could not be read; the collect task tries again."""


def _source_unavailable(task: object, task_run: object, state: State) -> bool:
    """Retry collect only when a source file could not be read, never on any other failure."""
    return isinstance(state.result(raise_on_failure=False), SourceUnavailable)


@task(name="collect", cache_policy=NONE, retry_condition_fn=_source_unavailable)
def collect(night: Night, retries: int) -> list[pipeline.SourceNight]:
    sources = pipeline.collect(night)
    failing = pipeline.unreadable_sources(sources)
    if failing and task_run.get_run_count() <= retries:
        raise SourceUnavailable(f"cannot read some files of {', '.join(failing)}; trying again")
    return sources


@task(name="prepare", cache_policy=NONE)
def prepare(night: Night, sources: list[pipeline.SourceNight]) -> Path:
    return pipeline.prepare(night, sources)


@task(name="score", cache_policy=NONE)
def score(night: Night, prepared: Path) -> Path:
    return pipeline.score(night, prepared)


@task(name="topics", cache_policy=NONE)
def topics(night: Night, scored: Path) -> Path:
    return pipeline.topics(night, scored)


@task(name="journey", cache_policy=NONE)
def journey(night: Night, scored: Path, fitted: Path) -> Path:
    return pipeline.journey(night, scored, fitted)


@task(name="insights", cache_policy=NONE)
def insights(night: Night, placed: Path, fitted: Path) -> Path:
    return pipeline.insights(night, placed, fitted)


@task(name="export", cache_policy=NONE)
def export(night: Night, prepared: Path, scored: Path, fitted: Path, placed: Path, found: Path) -> Path:
    return pipeline.export(night, prepared, scored, fitted, placed, found)


@task(name="report", cache_policy=NONE)
def report(night: Night, exported: Path) -> Path:
    return pipeline.report(night, exported)


@task(name="notify", cache_policy=NONE)
def notify(config: str, published: Path) -> bool:
    return pipeline.notify(load_workspace(config), published)


@flow(name=FLOW_NAME, log_prints=False, validate_parameters=True)
def nightly(run: NightlyRun = NightlyRun()) -> dict:
    """One nightly run of a voc workspace; returns run.json."""
    workspace = load_workspace(run.config)
    retry = workspace.config.flow
    with open_night(workspace, run.full, _progress) as night:
        sources = collect.with_options(retries=retry.source_retries, retry_delay_seconds=retry.source_retry_delay_s)(
            night, retry.source_retries)
        prepared = prepare(night, sources)
        scored = score(night, prepared)
        fitted = topics(night, scored)
        placed = journey(night, scored, fitted)
        found = insights(night, placed, fitted)
        exported = export(night, prepared, scored, fitted, placed, found)
        report(night, exported)
        result = pipeline.finish(night)
    notify(run.config, result.path)
    return result.manifest


def run_nightly(run: NightlyRun, progress: Progress | None = None) -> dict:
    """Run the flow in this process (Prefect's ephemeral mode unless PREFECT_API_URL names a server)."""
    global _progress
    _progress = progress
    try:
        return nightly(run)
    finally:
        _progress = None

"""The `voc-nightly` flow: collect → prepare → score → topics → journey → insights → export → report, then
`notify` posts the run's spikes to the webhook of voc.yaml (if any) once the run is published.

Each task wraps one step of voc.pipeline and hands the next one the path of what it wrote. Only `collect`
retries (source I/O); a failing step fails the flow run and leaves out/latest as it was. The flow holds the
workspace lock for its whole run.

With `executor: dask` in voc.yaml, the batches of prepare and score are tasks (prepare-batch, score-block) on a
Dask cluster, through prefect-dask's task runner of the subflow `voc-on-cluster`; merging them, the topic fit and every other step stay in the
flow's process.

Run it once with `voc run`, on a schedule with `voc serve`, or deploy it to a work pool with prefect.yaml.
"""

from __future__ import annotations

import threading
from pathlib import Path

from prefect import flow, task, unmapped
from prefect.cache_policies import NONE
from prefect.runtime import task_run
from prefect.states import State
from pydantic import BaseModel, ConfigDict, Field

from voc import pipeline
from voc.config import ExecutorConfig, load_workspace
from voc.errors import VocError
from voc.night import Night, Progress, open_night, open_night_of

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


prepare_batch = task(pipeline.prepare_batch, name="prepare-batch", cache_policy=NONE)
score_block = task(pipeline.score_block, name="score-block", cache_policy=NONE)


@flow(name="voc-on-cluster", log_prints=False)
def on_cluster(run_id: str) -> tuple[Path, Path]:
    """prepare and score of run `run_id` with their batches as tasks on the Dask cluster of `executor` (this
    subflow's task runner); merging the batches and the caches stay in the flow's process. The subflow takes the
    run id alone: Prefect sends a flow's parameters to every task it submits, and the night's raw text must not go
    to each of them."""
    night = open_night_of(run_id)
    sources = night.memo["sources"]
    workspace = night.workspace
    text, models = workspace.config.text, workspace.config.models

    def prepare_all(batches: list) -> list:
        return [future.result() for future in prepare_batch.map(unmapped(text), batches)]

    def score_all(blocks: list) -> list:
        return [future.result() for future in score_block.map(unmapped(models), unmapped(workspace.root), blocks)]

    prepared = pipeline.prepare(night, sources, run_batches=prepare_all)
    return prepared, pipeline.score(night, prepared, run_blocks=score_all)


def dask_runner(executor: ExecutorConfig):  # noqa: ANN201  (prefect_dask loads only when it is used)
    """The cluster at `executor.address`, or a LocalCluster of `executor.workers` processes."""
    from prefect_dask import DaskTaskRunner  # noqa: PLC0415

    if executor.address:
        return DaskTaskRunner(address=executor.address)
    return DaskTaskRunner(cluster_class="distributed.LocalCluster",
                          cluster_kwargs={"n_workers": executor.workers, "threads_per_worker": executor.threads_per_worker,
                                          "processes": True, "dashboard_address": ":0"})


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
        if workspace.config.executor.kind == "dask":
            night.memo["sources"] = sources
            prepared, scored = on_cluster.with_options(task_runner=dask_runner(workspace.config.executor))(night.run_id)
        else:
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
    """Run the flow in this process (Prefect's ephemeral mode unless PREFECT_API_URL names a server). The steps'
    libraries are imported meanwhile, while Prefect starts."""
    global _progress
    _progress = progress
    threading.Thread(target=pipeline.preload_libraries, name="voc-preload", daemon=True).start()
    try:
        return nightly(run)
    finally:
        _progress = None

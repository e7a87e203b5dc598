"""`executor: dask`: preparation and scoring fan out as Prefect tasks over a distributed.LocalCluster of two worker
processes, and the run publishes the same tables as a local run of the same workspace."""

import json
import sqlite3

import pytest

from conftest import TINY_BATCHES, assert_same_tables, make_tiny_workspace, voc

pytestmark = pytest.mark.slow


def test_a_run_on_a_dask_cluster_publishes_the_same_tables_as_a_local_run(tiny_run, tmp_path):
    workspace = make_tiny_workspace(tmp_path / "ws", executor={"kind": "dask", "workers": 2, **TINY_BATCHES})
    ran = voc("-q", "run", cwd=workspace)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    chatter = [line for line in ran.stderr.splitlines() if "distributed" in line and not line.startswith("WARNING")]
    assert not chatter  # the cluster's INFO logs stay quiet under -q (a busy machine may warn of a slow worker shutdown)
    run = workspace / "out" / "latest"
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["text"]["batches"] >= 3 and manifest["scoring"]["encoded"] > 3 * TINY_BATCHES["batch_texts"]
    with sqlite3.connect(workspace / "out" / ".prefect" / "prefect.db") as history:  # the run's Prefect history
        runs = dict(history.execute("SELECT substr(name, 1, length(name) - 4), count(*) FROM task_run "
                                    "WHERE state_type = 'COMPLETED' GROUP BY 1").fetchall())
    assert runs["prepare-batch"] == manifest["text"]["batches"] and runs["score-block"] >= 4, runs
    assert_same_tables(run, tiny_run["run"])

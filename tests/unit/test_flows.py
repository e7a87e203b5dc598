"""flows/: the Prefect wiring. Prefect settings come before Prefect is imported; collect retries source I/O only."""

import os
import subprocess
import sys
import textwrap

import pytest

from flows.environment import prefect_environment, prefect_home
from voc import pipeline


def test_runs_without_a_server_keep_their_history_under_the_workspace(tmp_path, monkeypatch):
    for name in ("PREFECT_API_URL", "PREFECT_HOME", "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    prefect_environment(tmp_path / "out")
    assert os.environ["PREFECT_HOME"] == str(prefect_home(tmp_path / "out")) and prefect_home(tmp_path / "out").is_dir()
    assert os.environ["DO_NOT_TRACK"] == "1" and os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert int(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]) >= 120  # a busy machine's first run


def test_a_configured_server_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    monkeypatch.delenv("PREFECT_HOME", raising=False)
    prefect_environment(tmp_path / "out")
    assert "PREFECT_HOME" not in os.environ and not (tmp_path / "out").exists()


def test_preloading_imports_the_steps_libraries_and_leaves_a_missing_one_to_its_step(monkeypatch):
    monkeypatch.setattr(pipeline, "_STEP_LIBRARIES", ("voc_no_such_library", "colorsys"))
    monkeypatch.setattr(pipeline, "use_numba_cache", lambda: None)
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    pipeline.preload_libraries()
    assert "colorsys" in sys.modules


@pytest.mark.slow  # starts Prefect's test server
def test_collect_retries_an_unreadable_file_then_quarantines_it(tmp_path):
    """A file that cannot be read (here a dangling link, like a share that is away) makes collect try again
    `source_retries` times; after the last try its quarantine row stands and the flow goes on. Any other
    failure of collect (here: no file at all) is not retried."""
    workspace = tmp_path / "ws"
    (workspace / "surveys").mkdir(parents=True)
    (workspace / "surveys" / "ok.csv").write_text("id,comment\n1,The app is great\n", encoding="utf-8")
    (workspace / "surveys" / "away.csv").symlink_to(tmp_path / "unmounted" / "away.csv")
    (workspace / "voc.yaml").write_text(textwrap.dedent("""\
        sources:
          - {name: survey, kind: survey, path: surveys/*.csv, columns: {id: id, text: comment}}
        flow: {source_retries: 2, source_retry_delay_s: 0}
        """), encoding="utf-8")
    (workspace / "journey_map.yaml").write_text(textwrap.dedent("""\
        name: Tiny
        stages:
          - {id: use, name: Use, description: Using the product day to day.}
        """), encoding="utf-8")
    script = textwrap.dedent(f"""\
        from pathlib import Path

        from prefect import flow
        from prefect.testing.utilities import prefect_test_harness
        from flows import nightly
        from voc.config import load_workspace
        from voc.night import open_night

        @flow
        def only_collect():
            workspace = load_workspace({str(workspace / "voc.yaml")!r})
            with open_night(workspace) as night:
                task = nightly.collect.with_options(retries=2, retry_delay_seconds=0)
                state = task(night, 2, return_state=True)
                sources = state.result()
                return state.state_details.task_run_id, sources[0].collected.quarantine["reason"].to_list()

        @flow
        def nothing_to_collect():
            workspace = load_workspace({str(workspace / "voc.yaml")!r})
            with open_night(workspace) as night:
                task = nightly.collect.with_options(retries=2, retry_delay_seconds=0)
                state = task(night, 2, return_state=True)
                return state.state_details.task_run_id, state.type.value

        with prefect_test_harness():
            from prefect import get_client
            task_run_id, reasons = only_collect()
            for path in Path({str(workspace / "surveys")!r}).iterdir():
                path.unlink()
            failed_run_id, failed = nothing_to_collect()
            with get_client(sync_client=True) as client:
                print("RUNS", client.read_task_run(task_run_id).run_count, reasons)
                print("NO FILES", client.read_task_run(failed_run_id).run_count, failed)
        """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "DO_NOT_TRACK": "1",
                              "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING"})
    assert out.returncode == 0, out.stdout + out.stderr
    assert "RUNS 3 ['unreadable_file']" in out.stdout, out.stdout + out.stderr
    assert "NO FILES 1 FAILED" in out.stdout, out.stdout + out.stderr  # any other failure is not retried

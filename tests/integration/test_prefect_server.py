"""voc-nightly on a real Prefect server on loopback: deployed with prefect.yaml to a process work pool and run by a
worker, and served on a cron schedule by `voc serve`; bad schedules are refused before any server starts."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

import polars as pl
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId, FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.objects import StateType
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.serve import local_server
from tests.integration.conftest import copy_workspace, make_small_workspace, published_runs, voc

REPO = Path(__file__).resolve().parents[2]
STEPS = ["collect", "prepare", "score", "topics", "journey", "insights", "export", "report", "notify"]
RUN_TIMEOUT_S = 300


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a closed server's TIME_WAIT sockets do not count
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
        return False


def _environment(home: Path | None, api_url: str | None = None, **extra: str) -> dict[str, str]:
    """This process's environment with Prefect pointed at `home` and `api_url` (or at neither, when None)."""
    environment = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "HF_HUB_OFFLINE": "1",
                   **extra}
    for key, value in (("PREFECT_HOME", home), ("PREFECT_API_URL", api_url)):
        environment.pop(key, None)
        if value is not None:
            environment[key] = str(value)
    return environment


def _prefect(*args: str, env: dict[str, str]) -> str:
    """The prefect command, run from the repository root as the README says."""
    done = subprocess.run([sys.executable, "-m", "prefect", *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, f"prefect {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@contextmanager
def _client(api_url: str) -> Iterator:
    with temporary_settings(updates={PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        yield client


def _stop(process: subprocess.Popen | None, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _tail(path: Path, chars: int = 6000) -> str:
    return f"--- {path}\n{path.read_text(errors='replace')[-chars:] if path.exists() else '(missing)'}"


def _wait_for(condition, timeout: float, what: str, logs: list[Path]):  # noqa: ANN001, ANN202
    """Poll `condition` until it returns something truthy; on timeout fail with the logs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(1)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n" + "\n".join(_tail(p) for p in logs))


def _tables(run: Path) -> dict[str, pl.DataFrame]:
    return {str(p.relative_to(run)): pl.read_parquet(p) for p in sorted(run.rglob("*.parquet"))}


def _task_runs(client, flow_run_id: UUID) -> list:  # noqa: ANN001
    task_runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return sorted(task_runs, key=lambda t: t.start_time or t.expected_start_time)


@pytest.mark.slow
def test_a_worker_runs_the_deployment_of_prefect_yaml_like_voc_run(sample_run, tmp_path):
    workspace = copy_workspace(sample_run["workspace"], tmp_path / "ws")
    reference = copy_workspace(sample_run["workspace"], tmp_path / "reference")
    ran = voc("-q", "run", cwd=reference)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    before = published_runs(workspace)
    home = tmp_path / "prefect"
    worker_log = tmp_path / "worker.log"
    worker = None
    with local_server(home, _free_port()) as api_url:
        env = _environment(home, api_url, VOC_CONFIG=str(workspace / "voc.yaml"))
        try:
            _prefect("work-pool", "create", "voc", "--type", "process", env=env)
            _prefect("--no-prompt", "deploy", "--all", env=env)
            with _client(api_url) as client:
                deployment = client.read_deployment_by_name("voc-nightly/nightly")
                assert deployment.parameters == {"run": {"config": str(workspace / "voc.yaml"), "full": False}}
                assert deployment.work_pool_name == "voc"
                [schedule] = deployment.schedules
                assert (schedule.schedule.cron, schedule.schedule.timezone) == ("0 2 * * *", "UTC")
                # Paused so that a test run near 02:00 UTC cannot start a second night next to the one triggered here.
                client.update_deployment_schedule(deployment.id, schedule.id, active=False)
            with worker_log.open("w") as out:
                worker = subprocess.Popen([sys.executable, "-m", "prefect", "worker", "start", "--pool", "voc"],
                                          cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT)
            triggered = _prefect("deployment", "run", "voc-nightly/nightly", env=env)
            assert "Created flow run" in triggered, triggered
            with _client(api_url) as client:
                [flow_run] = [r for r in client.read_flow_runs() if not r.auto_scheduled]

                def finished():  # noqa: ANN202
                    state = client.read_flow_run(flow_run.id).state
                    return state if state is not None and state.is_final() else None

                state = _wait_for(finished, RUN_TIMEOUT_S, "the deployment's flow run", [worker_log, home / "server.log"])
                assert state.is_completed(), f"{state!r}\n{_tail(worker_log)}"
                task_runs = _task_runs(client, flow_run.id)
        finally:
            _stop(worker)  # before the server, or the worker keeps retrying its connection

    assert [t.name.rsplit("-", 1)[0] for t in task_runs] == STEPS
    assert all(t.state_type == StateType.COMPLETED for t in task_runs), task_runs
    [new] = sorted(set(published_runs(workspace)) - set(before))
    assert (workspace / "out" / "latest").resolve() == new
    deployed, local = _tables(new), _tables((reference / "out" / "latest").resolve())
    assert deployed.keys() == local.keys() and "units.parquet" in deployed
    different = [name for name in deployed if not deployed[name].equals(local[name])]
    assert not different, f"tables of the deployed run differ from `voc run`'s: {different}"


@pytest.mark.slow
def test_voc_serve_schedules_and_runs_the_flow_on_its_own_server_and_stops_it(sample_run, tmp_path):
    workspace = copy_workspace(sample_run["workspace"], tmp_path / "ws")
    before = published_runs(workspace)
    port = _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    serve_log = tmp_path / "serve.log"
    logs = [serve_log, workspace / "out" / ".prefect" / "server.log"]
    with serve_log.open("w") as out:
        serve = subprocess.Popen(
            [sys.executable, "-m", "voc.cli", "serve", "--cron", "* * * * *", "--timezone", "Europe/Rome", "--port", str(port)],
            cwd=workspace, env=_environment(None), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for(lambda: _healthy(api_url), 90, "voc serve's Prefect server", logs)
        deployment = _wait_for(lambda: _deployment(api_url), 60, "the served deployment", logs)
        assert deployment.entrypoint == "flows.nightly.nightly"
        assert deployment.parameters == {"run": {"config": str((workspace / "voc.yaml").resolve())}}
        [schedule] = deployment.schedules
        assert (schedule.schedule.cron, schedule.schedule.timezone, schedule.active) == ("* * * * *", "Europe/Rome", True)
        scheduled = _wait_for(lambda: _auto_scheduled_runs(api_url, deployment.id), 60, "a scheduled flow run", logs)
        assert scheduled
        # The first scheduled minute comes within 60 s, and a night with nothing new takes about 15 s.
        completed = _wait_for(lambda: [r for r in _auto_scheduled_runs(api_url, deployment.id) if r.state.is_final()],
                              150, "a scheduled run to finish", logs)
        assert all(r.state.is_completed() for r in completed), [r.state for r in completed] + [_tail(serve_log)]
        assert len(published_runs(workspace)) > len(before)
        assert "ephemeral" not in serve_log.read_text(), "voc serve used an ephemeral server next to its own"
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=60) == 0, _tail(serve_log)
        assert not _listening(port), f"the local Prefect server still listens on {port} after voc serve stopped"
        with pytest.raises(ProcessLookupError):  # nothing voc serve started is left: no server, no flow run
            os.killpg(serve.pid, 0)
    finally:
        _stop(serve)
        try:
            os.killpg(serve.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:  # refused while the server starts (urllib.error.URLError is an OSError)
        return False


def _deployment(api_url: str):  # noqa: ANN202
    try:
        with _client(api_url) as client:
            return client.read_deployment_by_name("voc-nightly/nightly")
    except ObjectNotFound:
        return None


def _auto_scheduled_runs(api_url: str, deployment_id: UUID) -> list:
    with _client(api_url) as client:
        runs = client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])))
    return [r for r in runs if r.auto_scheduled]


@pytest.mark.parametrize(("cron", "timezone", "named"), [("61 * * * *", "Europe/Rome", "61 * * * *"),
                                                         ("0 2 * * *", "Europe/Atlantis", "Europe/Atlantis")])
def test_voc_serve_refuses_a_bad_schedule_before_starting_a_server(tmp_path, cron, timezone, named):
    workspace = make_small_workspace(tmp_path / "small")
    port = _free_port()
    refused = voc("serve", "--cron", cron, "--timezone", timezone, "--port", str(port), cwd=workspace, timeout=120,
                  env=_environment(None))
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert named in refused.stderr and "--cron" in refused.stderr, refused.stderr
    assert not (workspace / "out" / ".prefect" / "server.log").exists()
    assert not _listening(port)

"""`voc serve`: the nightly flow on a cron schedule, served from this process.

Prefect schedules need a real Prefect server (ephemeral mode fires no schedules). With PREFECT_API_URL set,
the deployment is registered there. Without it, a local server is started on loopback with its database
under the workspace (out/.prefect/), runs until voc serve stops, and its UI shows the runs.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from voc.errors import VocError

__all__ = ["DEPLOYMENT_NAME", "local_server", "schedule_problem", "serve_nightly"]

log = logging.getLogger(__name__)
DEPLOYMENT_NAME = "nightly"
_STARTUP_S = 60.0


@contextmanager
def local_server(home: Path, port: int) -> Iterator[str]:
    """A Prefect server on 127.0.0.1:`port` with its database under `home`; yields its API URL."""
    url = f"http://127.0.0.1:{port}/api"
    if _healthy(url):
        raise VocError(f"something already answers on 127.0.0.1:{port}; set PREFECT_API_URL={url} to use it, "
                       "or choose another --port")
    home.mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    environment.pop("PREFECT_API_URL", None)
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    with (home / "server.log").open("ab") as out:
        server = subprocess.Popen(command, env=environment, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + _STARTUP_S
        while not _healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise VocError(f"the local Prefect server did not start (see {home / 'server.log'})")
            time.sleep(0.5)
        log.info("Prefect server on %s (UI: http://127.0.0.1:%d)", url, port)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def schedule_problem(cron: str, timezone: str) -> str | None:
    """Why Prefect would refuse this schedule, or None."""
    from prefect.client.schemas.schedules import CronSchedule  # noqa: PLC0415
    from pydantic import ValidationError  # noqa: PLC0415

    try:
        CronSchedule(cron=cron, timezone=timezone)
    except ValidationError as exc:
        return "; ".join(error["msg"].removeprefix("Value error, ") for error in exc.errors())
    return None


def serve_nightly(config: Path, cron: str, timezone: str, home: Path, port: int) -> None:
    """Serve `voc-nightly` for the workspace of `config` on `cron` (in `timezone`) until interrupted."""
    if os.environ.get("PREFECT_API_URL"):
        _serve(config, cron, timezone)
        return
    from prefect.settings import PREFECT_API_URL, temporary_settings  # noqa: PLC0415

    with local_server(home, port) as url:
        # Prefect reads its settings when first imported (`schedule_problem` has), so the environment variable alone
        # would not reach this process's client: it would start an ephemeral server of its own on the same database.
        os.environ["PREFECT_API_URL"] = url  # for the processes the runner starts
        with temporary_settings(updates={PREFECT_API_URL: url}):
            _serve(config, cron, timezone)


def _serve(config: Path, cron: str, timezone: str) -> None:
    from prefect import serve  # noqa: PLC0415
    from prefect.schedules import Cron  # noqa: PLC0415
    from prefect.types.entrypoint import EntrypointType  # noqa: PLC0415

    from flows.nightly import nightly  # noqa: PLC0415

    # Served as a deployment rather than with `nightly.serve`: each run then starts as `python -m prefect.engine`
    # importing flows.nightly, as a worker's runs do. `nightly.serve` would hand runs a pickled copy of the flow
    # whose function keeps only the globals its body uses, so its `NightlyRun` annotation no longer resolves and
    # every run fails parameter validation.
    deployment = nightly.to_deployment(name=DEPLOYMENT_NAME, schedules=[Cron(cron, timezone=timezone)],
                                       parameters={"run": {"config": str(config.resolve())}},
                                       entrypoint_type=EntrypointType.MODULE_PATH)
    serve(deployment, print_starting_message=True)

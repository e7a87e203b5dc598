"""Prefect settings for a voc process, applied before Prefect is first imported (it reads them at import).

Without PREFECT_API_URL (and without a PREFECT_HOME of the user's own), runs use Prefect's ephemeral mode
with its database under the workspace's output folder (out/.prefect/): no server to run, history kept per
workspace. With PREFECT_API_URL, runs are reported to that server and appear in its UI.
"""

from __future__ import annotations

import os
from pathlib import Path

from voc.errors import VocError

__all__ = ["prefect_environment", "prefect_home"]


def prefect_home(output_dir: Path) -> Path:
    return output_dir / ".prefect"


def prefect_environment(output_dir: Path, verbose: bool = False) -> None:
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "info" if verbose else "warning")  # executor: dask (workers inherit it)
    # the temporary API server of ephemeral mode must answer within this; Prefect's 20 s is too short for a busy
    # machine's first run (a new database, cold imports), and a timeout fails the whole night
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    if "PREFECT_API_URL" not in os.environ and "PREFECT_HOME" not in os.environ:
        home = prefect_home(output_dir)
        try:
            home.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise VocError(f"cannot create {home} for the run history: {exc.strerror or exc}; make the output folder "
                           "writable or change `output` in voc.yaml") from exc
        os.environ["PREFECT_HOME"] = str(home)

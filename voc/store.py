"""The workspace on disk: the run lock, run folders, and the atomic switch of `latest`.

A run writes into `out/.staging-<run_id>/`; only when everything is written is the folder renamed to
`out/<run_id>/` and the `out/latest` symlink swapped (rename of a new link over the old one, atomic on
POSIX). A run killed at any point leaves the previous `latest` intact; its staging folder is removed by
the next run.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from voc.errors import VocError, WorkspaceBusyError
from voc.schema import Table

__all__ = ["NOT_ALLOWED", "NO_SPACE", "RunFolder", "Store", "atomic_write", "disk_errno", "disk_error", "file_digest", "write_parquet"]

LATEST = "latest"
_STAGING = ".staging-"


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class RunFolder:
    """The staging folder of one run; tables and JSON are written here before publishing."""

    def __init__(self, run_id: str, path: Path):
        self.run_id = run_id
        self.path = path

    def write_json(self, name: str, payload: Any) -> Path:
        text = json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n"
        return atomic_write(self.path / name, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_parquet(frame: pl.DataFrame, table: Table, target: Path) -> Path:
    """The table, checked against its schema, as zstd parquet: the form later runs and `voc report` read."""
    checked = table.conform(frame)
    return atomic_write(target, lambda tmp: checked.write_parquet(tmp, compression="zstd", statistics=True))


def atomic_write(target: Path, write: Callable[[Path], object]) -> Path:
    """Call `write` on a temporary file beside `target`, then rename it over `target`: readers see the old
    file or the new one, never half of one. Disk errors become a VocError naming `target`."""
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        write(tmp)
        os.replace(tmp, target)
    except Exception as exc:
        with suppress(OSError):  # nothing to remove, or its folder is not there
            tmp.unlink()
        if isinstance(exc, OSError) or disk_errno(exc) is not None:
            raise disk_error(target, exc) from exc
        raise
    return target


NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
NOT_ALLOWED = frozenset({errno.EACCES, errno.EROFS, errno.EPERM})
_OS_ERROR = re.compile(r"\bos error (\d+)")
_SHORT_WRITE = re.compile(r"\d+ requested and \d+ written")  # numpy's tofile on a full disk: an OSError without errno


def disk_errno(exc: BaseException | None) -> int | None:
    """The errno behind a failed write: an OSError's own, or the one polars and Rust I/O name in their message
    ("... No space left on device (os error 28)"), or a short write, along the chain of causes."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno:
            return exc.errno
        if isinstance(exc, OSError) and _SHORT_WRITE.search(str(exc)):
            return errno.ENOSPC
        if found := _OS_ERROR.search(str(exc)):
            return int(found.group(1))
        exc = exc.__cause__ or exc.__context__
    return None


def disk_error(path: Path, exc: BaseException) -> VocError:
    code = disk_errno(exc)
    if code in NO_SPACE:
        return VocError(f"no space left on the device (or over a quota or file size limit) while writing {path}; "
                        "free space and run again; out/latest is unchanged")
    if code in NOT_ALLOWED:
        return VocError(f"cannot write {path}: permission denied; make the output folder writable or change `output`")
    if code in (errno.ENOENT, errno.ENOTDIR) or not path.parent.is_dir():  # polars' errors may carry no errno
        return VocError(f"cannot write {path}: a folder on its path is missing or is a file; "
                        "check `output` in voc.yaml and that nothing else removed the run's folder")
    return VocError(f"cannot write {path}: {getattr(exc, 'strerror', None) or exc}")


class Store:
    """The output folder of a workspace (`output` in voc.yaml)."""

    def __init__(self, output_dir: Path):
        self.root = output_dir

    @property
    def latest(self) -> Path:
        return self.root / LATEST

    @property
    def cache_dir(self) -> Path:
        """Caches that outlive runs (vectors); safe to delete, they are rebuilt."""
        return self.root / ".cache"

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the workspace for one run; a second run at the same time is refused, not queued."""
        if self.root.exists() and not self.root.is_dir():
            raise VocError(f"the output folder {self.root} is a file; move it away or change `output` in voc.yaml")
        if self.latest.exists() and not self.latest.is_symlink():
            raise VocError(f"{self.latest} is a real folder, not the link voc keeps to the newest run; "
                           "move it away (copy what you need from it) and run again")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle = (self.root / ".lock").open("a+")
        except OSError as exc:
            raise disk_error(self.root, exc) from exc
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                raise WorkspaceBusyError(
                    f"another voc run is using {self.root} ({holder}); wait for it to finish, or stop it"
                ) from None
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()} since {datetime.now(UTC).isoformat(timespec='seconds')}")
            handle.flush()
            self._remove_stale_staging()
            yield
        finally:
            handle.close()

    def _remove_stale_staging(self) -> None:
        for stale in self.root.glob(f"{_STAGING}*"):
            shutil.rmtree(stale, ignore_errors=True)

    def begin(self, started: datetime) -> RunFolder:
        run_id = started.strftime("%Y%m%dT%H%M%SZ")
        suffix = 1
        while (self.root / run_id).exists() or (self.root / f"{_STAGING}{run_id}").exists():
            suffix += 1
            run_id = f"{started.strftime('%Y%m%dT%H%M%SZ')}-{suffix}"
        path = self.root / f"{_STAGING}{run_id}"
        try:
            path.mkdir(parents=True)
        except OSError as exc:
            raise disk_error(path, exc) from exc
        return RunFolder(run_id, path)

    @contextmanager
    def discarding(self, run: RunFolder) -> Iterator[None]:
        """Remove the run's staging folder if the block fails (the run is not published)."""
        try:
            yield
        except BaseException:
            shutil.rmtree(run.path, ignore_errors=True)
            raise

    def publish(self, run: RunFolder) -> Path:
        """Move the finished run into place and point `latest` at it."""
        final = self.root / run.run_id
        link = self.root / f".{LATEST}.tmp"
        try:
            os.replace(run.path, final)
            link.unlink(missing_ok=True)
            link.symlink_to(run.run_id, target_is_directory=True)
            os.replace(link, self.latest)
        except OSError as exc:
            raise disk_error(final, exc) from exc
        run.path = final
        return final

    def latest_run(self) -> Path | None:
        return self.latest.resolve() if self.latest.is_symlink() and self.latest.exists() else None

"""On-disk cache of unit vectors, keyed by (hash of the redacted text, encoder identity).

A text seen on an earlier night is never encoded again. Each run appends one shard
`<encoder>/<sha256 of its bytes>.parquet`, written to a temporary name and renamed, so a killed run
leaves no partial shard; a shard whose bytes no longer match its name (torn copy, disk fault) is
detected on load, removed with a warning, and its texts are simply encoded again.

A lookup reads each shard's keys (a few MB at 100k texts) and decodes its vectors only when some key is
there; a shard is checked against its name once per cache object, since shards are never rewritten in
place. A night looks the caches up several times (units, whole items, stage texts): at 100k units every
lookup read and checked every shard whole before (about 0.7 s each).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

__all__ = ["VectorCache", "text_key"]

log = logging.getLogger(__name__)
_MAX_SHARDS = 32  # beyond this many shards, they are compacted into one
_FORMED = {"key": lambda dtype: dtype == pl.String, "vector": lambda dtype: isinstance(dtype, pl.Array)}  # its columns


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass
class VectorCache:
    root: Path
    identity: str
    warnings: list[str] = field(default_factory=list)
    _checked: set[tuple[str, int, int]] = field(default_factory=set, repr=False)  # (name, size, mtime) of good shards

    @property
    def folder(self) -> Path:
        name = re.sub(r"[^A-Za-z0-9._@=-]+", "_", self.identity)
        if len(name) > 96:  # long identities (swap-in models at long paths): readable start + digest of the whole
            name = f"{name[:60]}-{hashlib.sha256(self.identity.encode()).hexdigest()[:24]}"
        return self.root / name

    def lookup(self, keys: list[str]) -> dict[str, np.ndarray]:
        """Cached vectors of the keys that have one (the newest shard wins, e.g. after `voc run --full`)."""
        wanted = pl.DataFrame({"key": keys}, schema={"key": pl.String}).unique()
        found: dict[str, np.ndarray] = {}
        for path in self._checked_files():
            shard_keys = self._read(path, ["key"])
            if shard_keys is None:
                continue
            hits = shard_keys.with_row_index("row").join(wanted, on="key", how="semi")
            if hits.is_empty():
                continue
            vectors = self._read(path, ["vector"])
            if vectors is not None:
                picked = vectors["vector"].to_numpy()[hits["row"].to_numpy()]
                found.update(zip(hits["key"].to_list(), picked, strict=True))
        return found

    def store(self, keys: list[str], vectors: np.ndarray) -> Path | None:
        """Append one shard with these vectors (atomic); compacts when shards pile up."""
        if not keys:
            return None
        frame = pl.DataFrame({"key": keys, "vector": vectors.astype(np.float32)},
                             schema={"key": pl.String, "vector": pl.Array(pl.Float32, vectors.shape[1])})
        path = self._write(frame)
        if len(self._files()) > _MAX_SHARDS:
            self._compact()
        return path

    def _write(self, frame: pl.DataFrame) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".tmp-{os.getpid()}.parquet"
        try:
            frame.write_parquet(tmp, compression="lz4")  # float vectors barely compress; lz4 writes 6x faster than zstd
            target = self.folder / f"{_digest(tmp)}.parquet"
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return target

    def _files(self) -> list[Path]:
        """The shards (a killed writer's `.tmp-*` file is not one)."""
        return [p for p in self.folder.glob("*.parquet") if not p.name.startswith(".")]

    def _checked_files(self) -> list[Path]:
        """The shards whose bytes match their name, oldest first (a newer value wins); the others are dropped."""
        good = []
        stats = {path: path.stat() for path in self._files()}
        for path in sorted(stats, key=lambda p: (stats[p].st_mtime_ns, p.name)):
            mark = (path.name, stats[path].st_size, stats[path].st_mtime_ns)
            if mark in self._checked:
                good.append(path)
            elif _digest(path) == path.stem:
                self._checked.add(mark)
                good.append(path)
            else:
                self._drop(path, "its content does not match its checksum (torn or corrupted write)")
        return good

    def _shards(self) -> list[pl.DataFrame]:
        frames = (self._read(path) for path in self._checked_files())
        return [frame for frame in frames if frame is not None]

    def _read(self, path: Path, columns: list[str] | None = None) -> pl.DataFrame | None:
        """The shard's `columns` (all by default); None, and the shard dropped, when it is not a shard of this cache."""
        try:
            frame = pl.read_parquet(path, columns=columns)
        except (pl.exceptions.PolarsError, OSError) as exc:
            return self._drop(path, f"it cannot be read ({exc})")
        if not all(name in frame.schema and _FORMED[name](frame.schema[name]) for name in columns or _FORMED):
            return self._drop(path, f"it does not hold key and vector columns ({dict(frame.schema)})")
        return frame

    def _drop(self, path: Path, problem: str) -> None:
        message = f"vector cache shard {path} dropped: {problem}; its texts will be encoded again"
        log.warning(message)
        self.warnings.append(message)
        path.unlink(missing_ok=True)
        return None

    def _compact(self) -> None:
        shards = self._shards()
        if not shards:
            return
        merged = pl.concat(shards).unique("key", keep="last", maintain_order=True)  # a refreshed value wins
        old = sorted(self._files())
        kept = self._write(merged)
        for path in old:
            if path != kept:
                path.unlink(missing_ok=True)


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()[:32]

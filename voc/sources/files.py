"""Finding a source's files and turning their bytes into text: gzip, BOMs, encodings."""

from __future__ import annotations

import glob
import gzip
import zlib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DecodeFailure", "RawFile", "expand", "format_of", "read_bytes", "decode"]

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Share of control characters (other than tab, CR, LF) above which decoded text is judged binary.
_MAX_CONTROL_SHARE = 0.01


class DecodeFailure(Exception):
    """The file's bytes are not text in a supported encoding, or the file cannot be read."""

    def __init__(self, reason: str, detail: str):
        self.reason = reason
        self.detail = detail
        super().__init__(detail)


@dataclass(frozen=True)
class RawFile:
    path: Path
    shown: str  # path relative to the workspace, for locators
    data: bytes  # decompressed


def expand(pattern: str, root: Path) -> list[Path]:
    """Files matching a glob (relative to root), sorted for determinism; folders are skipped, broken links
    kept (reading them reports the problem)."""
    full = pattern if Path(pattern).is_absolute() else str(root / pattern)
    return sorted(Path(p) for p in glob.glob(full, recursive=True) if Path(p).is_file() or Path(p).is_symlink())


def format_of(path: Path) -> str:
    """File format from the extension, ignoring a trailing .gz ("csv", "jsonl", ...)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    ext = suffixes[-1].lstrip(".") if suffixes else ""
    return {"ndjson": "jsonl", "xls": "xlsx", "webvtt": "vtt", "pq": "parquet"}.get(ext, ext)


def read_bytes(path: Path, root: Path) -> RawFile:
    try:
        shown = str(path.relative_to(root))
    except ValueError:
        shown = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DecodeFailure("unreadable_file", f"cannot read {shown}: {exc.strerror or exc}") from exc
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise DecodeFailure("undecodable_file", f"{shown} is a corrupt or truncated gzip file: {exc}") from exc
    return RawFile(path=path, shown=shown, data=data)


def decode(raw: RawFile, encoding: str | None = None) -> tuple[str, str]:
    """Text of a file and the encoding used. Newlines are normalised to \\n.

    Order: a forced encoding; a BOM; strict UTF-8; cp1252 (a superset of latin-1's printable range, what
    spreadsheet tools on Windows write). Text that still looks binary is refused rather than guessed at.
    """
    data = raw.data
    if encoding:
        candidates = [encoding]
    else:
        bom = next((enc for mark, enc in _BOMS if data.startswith(mark)), None)
        candidates = [bom] if bom else ["utf-8", "cp1252", "latin-1"]
    for enc in candidates:
        try:
            text = _utf8_lines(data) if enc == "utf-8" else data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if _looks_binary(text):
            break
        return text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff"), enc
    tried = ", ".join(candidates)
    raise DecodeFailure(
        "undecodable_file",
        f"{raw.shown} is not text in {tried} (binary or corrupt); re-export it as UTF-8, or set `encoding` on the source",
    )


def _utf8_lines(data: bytes) -> str:
    """UTF-8, or UTF-8 with a few cp1252 lines (one legacy row pasted into a UTF-8 export): each line that
    is not UTF-8 is read as cp1252. A file with no UTF-8 multi-byte text at all is left to plain cp1252."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    decoded, utf8_lines = [], 0
    for line in lines:
        try:
            decoded.append(line.decode("utf-8"))
            utf8_lines += any(b > 127 for b in line)
        except UnicodeDecodeError:
            decoded.append(line.decode("cp1252", errors="strict"))
    if not utf8_lines:
        raise UnicodeDecodeError("utf-8", data, 0, 1, "no UTF-8 text: plain cp1252")
    return "\n".join(decoded)


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:100_000]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return bool(sample) and control / len(sample) > _MAX_CONTROL_SHARE

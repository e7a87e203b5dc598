"""The error tree. Library code raises these; the CLI turns them into messages and exit codes."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ConfigError",
    "ModelNotAvailableError",
    "Problem",
    "SchemaError",
    "VocError",
    "WorkspaceBusyError",
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a config, a map or a source: where, what, and how to fix it."""

    file: str
    message: str
    field: str = ""
    line: int | None = None
    fix: str = ""
    severity: str = "error"  # "error" stops a run; "warning" is reported and the run goes on

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        if self.field:
            where += f" [{self.field}]"
        text = f"{where}: {self.message}"
        return f"{text}\n    fix: {self.fix}" if self.fix else text


class VocError(Exception):
    """Base of every error voc raises on purpose."""


class ConfigError(VocError):
    """voc.yaml or the journey map is invalid. Carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SchemaError(VocError):
    """A table does not match its schema in voc/schema.py: a bug in voc, never the user's data."""


class ModelNotAvailableError(VocError):
    """A model named in the config is not installed or not found."""


class WorkspaceBusyError(VocError):
    """Another run holds the workspace lock."""

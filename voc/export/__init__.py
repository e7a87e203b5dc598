"""Exports of a run: writers for the published tables and documents, and the HTML report."""

from voc.export.database import write_database
from voc.export.tables import write_exports

__all__ = ["write_database", "write_exports"]

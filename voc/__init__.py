"""voc: voice-of-customer pipeline.

Importing voc loads no model and no heavy library; the public API is below.
"""

from voc.config import JourneyMap, SourceConfig, VocConfig, Workspace, load_workspace
from voc.errors import ConfigError, ModelNotAvailableError, Problem, SchemaError, VocError, WorkspaceBusyError
from voc.schema import FEEDBACK, QUARANTINE, TABLES, UNITS
from voc.scoring.adhoc import score_texts
from voc.scoring.scorer import Scorer

__all__ = [
    "FEEDBACK",
    "QUARANTINE",
    "TABLES",
    "UNITS",
    "ConfigError",
    "JourneyMap",
    "ModelNotAvailableError",
    "Problem",
    "SchemaError",
    "Scorer",
    "SourceConfig",
    "VocConfig",
    "VocError",
    "Workspace",
    "WorkspaceBusyError",
    "load_workspace",
    "score_texts",
]
__version__ = "0.1.0"

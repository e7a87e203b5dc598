"""Folders of models written by `voc train`: where the shipped one lives and how a folder is recognised.
Plain file access, so that resolving the configured models loads no model library."""

from __future__ import annotations

import json
from pathlib import Path

from voc.errors import ModelNotAvailableError

__all__ = ["CONFIG_FILE", "WEIGHTS_FILE", "is_affect_folder", "read_config", "shipped_folder"]

CONFIG_FILE = "voc_affect.json"
WEIGHTS_FILE = "model.safetensors"


def shipped_folder() -> Path:
    """models/affect of this checkout, or the copy inside an installed wheel."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "models" / "affect", here.parents[1] / "shipped_models" / "affect"):
        if is_affect_folder(candidate):
            return candidate
    raise ModelNotAvailableError(
        f"the shipped sentiment/frustration model is missing (looked for models/affect/{CONFIG_FILE}); "
        "reinstall voc from its repository, or run `voc train` to rebuild it"
    )


def is_affect_folder(path: Path) -> bool:
    return (path / CONFIG_FILE).is_file() and (path / WEIGHTS_FILE).is_file()


def read_config(folder: Path) -> dict:
    return json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))

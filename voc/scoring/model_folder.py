"""Folders of models written by `voc train`: where the shipped one lives and how a folder is recognised.
Plain file access, so that resolving the configured models loads no model library."""

from __future__ import annotations

import json
from pathlib import Path

from voc.errors import ModelNotAvailableError

__all__ = ["CONFIG_FILE", "MULTILINGUAL_FOLDER", "WEIGHTS_FILE", "is_affect_folder", "languages_measured", "read_config",
           "shipped_folder"]

CONFIG_FILE = "voc_affect.json"
WEIGHTS_FILE = "model.safetensors"
MULTILINGUAL_FOLDER = "affect-multilingual"  # the shipped cross-lingual model (`voc train --multilingual`)


def shipped_folder(name: str = "affect") -> Path:
    """models/<name> of this checkout, or the copy inside an installed wheel."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "models" / name, here.parents[1] / "shipped_models" / name):
        if is_affect_folder(candidate):
            return candidate
    if name == MULTILINGUAL_FOLDER:
        raise ModelNotAvailableError(
            f"the shipped cross-lingual sentiment/frustration model is missing (looked for models/{name}/{CONFIG_FILE}); "
            "reinstall voc from its repository, run `voc train --multilingual` to rebuild it, or set "
            "models.multilingual_affect: none to score every language with models.sentiment and models.frustration"
        )
    raise ModelNotAvailableError(
        f"the shipped sentiment/frustration model is missing (looked for models/{name}/{CONFIG_FILE}); "
        "reinstall voc from its repository, or run `voc train` to rebuild it"
    )


def is_affect_folder(path: Path) -> bool:
    return (path / CONFIG_FILE).is_file() and (path / WEIGHTS_FILE).is_file()


def read_config(folder: Path) -> dict:
    return json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))


def languages_measured(folder: Path) -> frozenset[str]:
    """Languages the model's card reports metrics in (its `languages_measured`; none when the card has no such field)."""
    return frozenset(read_config(folder).get("languages_measured", ()))

"""Labelled evaluation sets in languages other than English, written by the project (data/eval/).

A set is a csv with columns `id, language, text, sentiment (negative | neutral | positive), frustration
(yes | no)` and optionally `text_en`, an English equivalent of the row written with it. Rows with an English
equivalent give two more sets, the same messages in both languages (`<lang>_paired` and `<lang>_paired_en`),
which separate the cost of the language from the difficulty of the messages, and pairs of paraphrases for
measuring how well an encoder aligns the two languages (`paraphrase_alignment`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from voc.errors import VocError
from voc.scoring.metrics import roc_auc

__all__ = ["EVAL_DIR", "language_sets", "paraphrase_alignment", "paraphrase_pairs", "read_language_set"]

EVAL_DIR = Path(__file__).resolve().parents[2] / "data" / "eval"  # in a checkout; absent from an installed wheel
_SENTIMENT = {"negative": 0, "neutral": 1, "positive": 2}
_FRUSTRATION = {"yes": 1, "no": 0}
_COLUMNS = ("id", "language", "text", "sentiment", "frustration")


def read_language_set(path: Path) -> pl.DataFrame:
    """The rows of one set: id, language, text, sentiment (0/1/2), frustration (0/1), text_en (null when none)."""
    try:
        raw = pl.read_csv(path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise VocError(f"cannot read the evaluation set {path}: {exc}") from exc
    missing = [c for c in _COLUMNS if c not in raw.columns]
    if missing:
        raise VocError(f"{path}: needs the columns {list(_COLUMNS)} (and optionally text_en); {missing} are missing")
    for column, vocabulary in (("sentiment", _SENTIMENT), ("frustration", _FRUSTRATION)):
        bad = raw.filter(~pl.col(column).is_in(list(vocabulary)))
        if bad.height:
            raise VocError(f"{path}: row {bad['id'][0]} has {column} {bad[column][0]!r}; expected one of {list(vocabulary)}")
    return raw.select(
        "id", "language", "text",
        pl.col("sentiment").replace_strict(_SENTIMENT, return_dtype=pl.Int8),
        pl.col("frustration").replace_strict(_FRUSTRATION, return_dtype=pl.Int8),
        text_en=(pl.col("text_en") if "text_en" in raw.columns else pl.lit(None, pl.String)).str.strip_chars()
        .replace("", None),
    )


def language_sets(folder: Path = EVAL_DIR) -> dict[str, pl.DataFrame]:
    """Every set of `folder` (*.csv) by language, and the paired sets of rows with an English equivalent: `it`,
    `it_paired` (those rows in Italian), `it_paired_en` (the same rows in English). Empty when there is no folder."""
    if not folder.is_dir():
        return {}
    rows = [read_language_set(path) for path in sorted(folder.glob("*.csv"))]
    if not rows:
        return {}
    everything = pl.concat(rows)
    sets: dict[str, pl.DataFrame] = {}
    for (language,), frame in everything.group_by("language", maintain_order=True):
        sets[str(language)] = frame.select("text", "sentiment", "frustration")
        paired = frame.filter(pl.col("text_en").is_not_null())
        if paired.height:
            sets[f"{language}_paired"] = paired.select("text", "sentiment", "frustration")
            sets[f"{language}_paired_en"] = paired.select(pl.col("text_en").alias("text"), "sentiment", "frustration")
    return sets


def paraphrase_pairs(folder: Path = EVAL_DIR) -> tuple[list[str], list[str]]:
    """(texts, their English equivalents) of every row that has one."""
    sets = language_sets(folder)
    left = [t for name, frame in sets.items() if name.endswith("_paired") for t in frame["text"].to_list()]
    right = [t for name, frame in sets.items() if name.endswith("_paired_en") for t in frame["text"].to_list()]
    return left, right


def paraphrase_alignment(left: np.ndarray, right: np.ndarray) -> dict:
    """How well L2-normalised vectors of paired texts (row i of `left` and of `right`) align, against the unrelated
    pairs (row i with every other row j): mean cosine of each, the ROC-AUC of telling them apart, and the share of
    left rows whose nearest right row is their own pair (retrieval@1)."""
    if left.shape != right.shape or len(left) < 2:
        raise ValueError(f"expected two (n ≥ 2, dim) arrays of the same shape, got {left.shape} and {right.shape}")
    similarity = left @ right.T
    matched = np.diag(similarity)
    unrelated = similarity[~np.eye(len(left), dtype=bool)]
    labels = np.r_[np.ones(len(matched)), np.zeros(len(unrelated))]
    return {
        "pairs": int(len(left)),
        "matched_cosine": round(float(matched.mean()), 4),
        "unrelated_cosine": round(float(unrelated.mean()), 4),
        "roc_auc": round(roc_auc(labels, np.r_[matched, unrelated]), 4),
        "retrieval_at_1": round(float((similarity.argmax(axis=1) == np.arange(len(left))).mean()), 4),
    }

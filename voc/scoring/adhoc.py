"""`voc score`: sentiment and frustration of whole texts, outside a nightly run.

Each text is scored whole, in one pass (the model's window is 256 word pieces, about 1,000 characters;
longer texts are cut there). On held-out reviews and airline tweets this beats splitting texts into
sentences and averaging by 4-7 macro-F1 points (bench/results/aggregation.json). Empty texts get empty
scores; they are counted, never dropped.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from voc.config import ModelsConfig
from voc.scoring.scorer import Scorer
from voc.scoring.scores import with_unit_scores

__all__ = ["OUTPUT_COLUMNS", "score_texts"]

OUTPUT_COLUMNS = ("sentiment", "sentiment_label", "frustration")


def score_texts(texts: list[str | None], models: ModelsConfig | None = None, root: Path | None = None) -> pl.DataFrame:
    """One row per input text, in order: sentiment (-1..1), sentiment_label, frustration (0..1); nulls for
    texts that are empty or missing."""
    present = [i for i, t in enumerate(texts) if isinstance(t, str) and t.strip()]
    scores = np.zeros((0, 4), dtype=np.float32)
    if present:
        _, scores = Scorer(models or ModelsConfig(), root).run([texts[i].strip() for i in present], vectors=False, scores=True)
    scored = with_unit_scores(pl.DataFrame({"row": present}, schema={"row": pl.Int64}), scores)
    frame = pl.DataFrame({"row": range(len(texts))}, schema={"row": pl.Int64})
    return frame.join(scored, on="row", how="left", maintain_order="left").select(OUTPUT_COLUMNS)

"""`voc score`: sentiment and frustration of whole texts, outside a nightly run.

A text is scored the way `voc run` scores an item: split into sentences, each sentence scored, and the
sentence scores aggregated (voc/scoring/scores.py), so that ad hoc scores and run scores agree.
Empty texts get empty scores; they are counted, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from voc.config import ModelsConfig
from voc.scoring.scorer import Scorer
from voc.scoring.scores import aggregate_items, with_unit_scores
from voc.text.nlp import load_nlp

__all__ = ["OUTPUT_COLUMNS", "score_texts"]

OUTPUT_COLUMNS = ("sentiment", "sentiment_label", "frustration")


def score_texts(
    texts: list[str | None], models: ModelsConfig | None = None, root: Path | None = None, spacy_model: str = "auto",
    max_chars: int = 1000, tick: Callable[[int], None] | None = None,
) -> pl.DataFrame:
    """One row per input text, in order: sentiment (-1..1), sentiment_label, frustration (0..1); nulls for
    texts that are empty or missing."""
    scorer = Scorer(models or ModelsConfig(), root)
    units = _sentences(texts, spacy_model, max_chars)
    _, scores = scorer.run(units["text"].to_list(), vectors=False, scores=True) if units.height else (None, None)
    if tick:
        tick(len(texts))
    scored = with_unit_scores(units, scores, keep_probabilities=True) if units.height else None
    items = aggregate_items(scored, key="row") if scored is not None else None
    frame = pl.DataFrame({"row": range(len(texts))}, schema={"row": pl.Int64})
    if items is None:
        return frame.with_columns(sentiment=pl.lit(None, pl.Float64), sentiment_label=pl.lit(None, pl.String),
                                  frustration=pl.lit(None, pl.Float64)).drop("row")
    return frame.join(items, on="row", how="left").select(OUTPUT_COLUMNS)


def _sentences(texts: list[str | None], spacy_model: str, max_chars: int) -> pl.DataFrame:
    nlp = load_nlp(spacy_model, "en", False).pipeline
    rows: list[int] = []
    pieces: list[str] = []
    present = [(i, t.strip()) for i, t in enumerate(texts) if isinstance(t, str) and t.strip()]
    for (i, text), doc in zip(present, nlp.pipe([t for _, t in present], batch_size=256), strict=True):
        for sentence in doc.sents:
            piece = sentence.text.strip()[:max_chars]
            if piece:
                rows.append(i)
                pieces.append(piece)
    return pl.DataFrame({"row": rows, "text": pieces}, schema={"row": pl.Int64, "text": pl.String})

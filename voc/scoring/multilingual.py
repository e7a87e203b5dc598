"""`voc train --multilingual`: the cross-lingual sentiment and frustration model, from the same public data.

The same labelled examples, splits and seed as the shipped English model (training_data.py), encoded by the
multilingual encoder; heads fitted on the train split, calibrated on val, measured on the test splits, the
evaluation-only sets and the project's own sets in other languages (data/eval). The card also records, on
those other-language sets, what the shipped English model gives (why units are routed by language) and how
well the encoder aligns English and Italian paraphrases.
"""

from __future__ import annotations

import dataclasses
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from voc.config import ModelsConfig
from voc.scoring.card import heads_card
from voc.scoring.encoder import MULTILINGUAL, load_encoder
from voc.scoring.heads_fit import HeadSettings, calibrate, fit_heads
from voc.scoring.language_sets import EVAL_DIR, language_sets, paraphrase_alignment, paraphrase_pairs
from voc.scoring.recipe import public_sets, row_counts, score_sets
from voc.scoring.train import Tick, labels_array
from voc.scoring.training_data import training_examples

__all__ = ["train_multilingual"]

_BLOCK = 2000  # texts encoded between progress ticks


def train_multilingual(data_dir: Path, out: Path, settings: HeadSettings = HeadSettings(), limit: int | None = None,
                       tick: Tick | None = None, eval_dir: Path = EVAL_DIR) -> dict:
    """Train, calibrate, evaluate and save the model with its card and split record in `out`; returns its metadata.

    `limit` keeps at most that many rows per set and split (a quick run; the shipped model uses all)."""
    started = time.perf_counter()
    examples = training_examples(data_dir, settings.seed)
    if limit is not None:
        examples = examples.filter(pl.int_range(pl.len()).over("dataset", "split") < limit)
    encoder = load_encoder(MULTILINGUAL)
    encode_started = time.perf_counter()
    vectors = _encode(encoder, examples["text"].to_list(), tick)
    encode_s = time.perf_counter() - encode_started
    train, val = (examples["split"] == "train").to_numpy(), (examples["split"] == "val").to_numpy()
    sentiment, frustration = labels_array(examples, "sentiment"), labels_array(examples, "frustration")
    heads, history = fit_heads(vectors[train], sentiment[train], frustration[train], settings)
    heads = calibrate(heads, vectors[val], sentiment[val], frustration[val])
    train_s = round(time.perf_counter() - started, 1)

    def score(texts: list[str]) -> np.ndarray:
        return heads.probabilities(encoder.encode(texts))

    metrics = score_sets(score, public_sets(data_dir, examples, limit))
    languages = language_sets(eval_dir)
    metrics.update(score_sets(score, languages))
    meta = {
        "name": "voc-affect-multilingual",
        "base_encoder": encoder.identity,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "trained_on": f"cpu: {platform.machine()}, {encoder.threads} threads",
        "train_seconds": train_s,
        "encoder_texts_per_second": round(len(examples) / encode_s, 1),
        "settings": settings.__dict__,
        "rows": row_counts(examples),
        "history": history,
        "metrics": metrics,
        "languages_measured": sorted({"en", *(name for name in languages if "_" not in name)}),
        "english_model_on_language_sets": _english_model(languages),
        "alignment": _alignment(encoder, eval_dir),
    }
    model = dataclasses.replace(heads, meta=meta)
    model.save(out, heads_card(meta | {"temperatures": [round(t, 4) for t in model.temperatures]}))
    examples.select("dataset", "row_id", "split").write_parquet(out / "splits.parquet")
    return meta


def _encode(encoder, texts: list[str], tick: Tick | None) -> np.ndarray:  # noqa: ANN001
    parts = []
    for start in range(0, len(texts), _BLOCK):
        parts.append(encoder.encode(texts[start : start + _BLOCK]))
        if tick:
            tick("encode", min(start + _BLOCK, len(texts)), len(texts))
    return np.concatenate(parts) if parts else np.zeros((0, encoder.dim), dtype=np.float32)


def _english_model(languages: dict[str, pl.DataFrame]) -> dict:
    """The shipped English model (models.sentiment/frustration: default) on the same language sets."""
    from voc.scoring.scorer import Scorer  # noqa: PLC0415

    if not languages:
        return {}
    english = Scorer(ModelsConfig(multilingual_affect="none"))
    return {"model": english.sentiment.identity,
            "metrics": score_sets(lambda texts: english.run(texts, vectors=False, scores=True)[1], languages)}


def _alignment(encoder, eval_dir: Path) -> dict:  # noqa: ANN001
    """Paraphrase alignment of the pairs in `eval_dir`, for this encoder and for the packaged English one."""
    left, right = paraphrase_pairs(eval_dir)
    if len(left) < 2:
        return {}
    english = load_encoder("default", "cpu")
    return {name: paraphrase_alignment(e.encode(left), e.encode(right))
            for name, e in ((encoder.identity, encoder), (english.identity, english))}


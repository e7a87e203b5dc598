"""Encoding throughput on 10,000 real texts: sentence-transformers alone, and voc's embed step (cold, warm).

    .venv/bin/python bench/score.py [--texts 10000] [--device auto] [--out bench/results/score.json]

Texts: BANKING77 queries and women's clothing review sentences, read in place from ../shared/data.
Writes a JSON of figures (texts/s) with the machine it ran on. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from voc.scoring.cache import VectorCache
from voc.scoring.embed import embed_texts
from voc.scoring.encoder import load_encoder

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def real_texts(n: int) -> list[str]:
    banking = pl.read_csv(SHARED / "banking77/train.csv")["text"]
    reviews = pl.read_csv(SHARED / "womens-clothing-reviews/reviews.csv", infer_schema=False)["Review Text"].drop_nulls()
    sentences = reviews.str.split(". ").explode().str.strip_chars()
    sentences = sentences.filter(sentences.str.len_chars() > 3)
    texts = pl.concat([banking, sentences]).unique(maintain_order=True).head(n).to_list()
    if len(texts) < n:
        raise SystemExit(f"only {len(texts)} distinct texts available")
    return texts


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=int, default=10_000, help="how many distinct real texts (default 10000)")
    parser.add_argument("--device", default="auto", help="auto | cpu | cuda")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "score.json")
    args = parser.parse_args()
    texts = real_texts(args.texts)
    encoder = load_encoder("default", args.device)
    encoder.encode(texts[:64])  # load weights and warm up outside the timings
    raw_s, raw = timed(lambda: encoder.encode(texts))
    with tempfile.TemporaryDirectory() as folder:
        cache = VectorCache(Path(folder), encoder.identity)
        cold_s, (cold, _) = timed(lambda: embed_texts(texts, encoder, cache))
        warm_s, (warm, stats) = timed(lambda: embed_texts(texts, encoder, VectorCache(Path(folder), encoder.identity)))
    assert stats.encoded == 0 and np.allclose(cold, raw, atol=1e-5) and np.allclose(warm, raw, atol=1e-5)
    figures = {
        "texts": len(texts),
        "mean_chars": round(float(np.mean([len(t) for t in texts])), 1),
        "encoder": encoder.identity,
        "device": encoder.device,
        "raw_encode_texts_per_s": round(len(texts) / raw_s, 1),
        "embed_cold_texts_per_s": round(len(texts) / cold_s, 1),
        "embed_warm_texts_per_s": round(len(texts) / warm_s, 1),
        "embed_cold_vs_raw": round(cold_s / raw_s, 3),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

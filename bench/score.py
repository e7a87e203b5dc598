"""Scoring throughput on 10,000 real texts: the encoder alone (sentence-transformers), and voc's whole
scoring step (vectors for topics + sentiment + frustration, one shared pass, with its caches) cold and warm,
and the models alone (no caches); plus, on a CPU, the drift and speed of bf16 weights, and on a GPU, the
drift of its fp16 weights from fp32 on the CPU.

    .venv/bin/python bench/score.py [--texts 10000] [--device auto] [--block-size N] [--out bench/results/score.json]

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

from voc.config import ModelsConfig
from voc.scoring.cache import VectorCache
from voc.scoring.embed import embed_texts
from voc.scoring.scorer import Scorer

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


def bf16_trial(encoder, texts: list[str]) -> dict:  # noqa: ANN001
    """Speed and drift of the encoder with bf16 weights against fp32, on the same texts."""
    import torch  # noqa: PLC0415

    fp32_s, fp32 = timed(lambda: encoder.encode(texts))
    model = encoder.model
    model.to(torch.bfloat16)
    try:
        bf16_s, bf16 = timed(lambda: encoder.encode(texts))
    finally:
        model.to(torch.float32)
    cosine = (fp32 * bf16).sum(axis=1) / np.linalg.norm(bf16, axis=1)
    return {"texts": len(texts), "fp32_texts_per_s": round(len(texts) / fp32_s, 1),
            "bf16_texts_per_s": round(len(texts) / bf16_s, 1), "mean_cosine": round(float(cosine.mean()), 5),
            "min_cosine": round(float(cosine.min()), 5)}


def fp16_trial(encoder, texts: list[str]) -> dict:  # noqa: ANN001
    """Drift of the GPU's fp16 vectors from fp32 vectors computed on the CPU, on the same texts."""
    from voc.scoring.encoder import Encoder  # noqa: PLC0415

    gpu = encoder.encode(texts)
    cpu = Encoder(encoder.name, encoder.path, "cpu").encode(texts)
    cosine = (gpu * cpu).sum(axis=1)
    return {"texts": len(texts), "mean_cosine": round(float(cosine.mean()), 5), "min_cosine": round(float(cosine.min()), 5)}


def machine() -> dict:
    import torch  # noqa: PLC0415

    gpu = {"gpu": torch.cuda.get_device_name()} if torch.cuda.is_available() else {}
    return {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
            "torch": torch.__version__, **gpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=int, default=10_000, help="how many distinct real texts (default 10000)")
    parser.add_argument("--device", default="auto", help="auto | cpu | cuda")
    parser.add_argument("--block-size", type=int, default=None,
                        help="texts per scoring block and cache shard (default: the pipeline's)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "score.json")
    args = parser.parse_args()
    texts = real_texts(args.texts)
    scorer = Scorer(ModelsConfig(device=args.device))
    encoder = scorer.encoder
    encoder.encode(texts[:64])  # load weights and warm up outside the timings
    scorer.run(texts[:64], vectors=True, scores=True)
    raw_s, raw = timed(lambda: encoder.encode(texts))
    models_s, _ = timed(lambda: scorer.run(texts, vectors=True, scores=True))  # the first call in a process
    models_again_s, _ = timed(lambda: scorer.run(texts, vectors=True, scores=True))  # kernels and memory warm
    block = {} if args.block_size is None else {"block_size": args.block_size}
    with tempfile.TemporaryDirectory() as folder:
        def step():  # noqa: ANN202
            return embed_texts(texts, scorer, VectorCache(Path(folder) / "v", scorer.vector_identity),
                               VectorCache(Path(folder) / "s", scorer.score_identity), **block)
        cold_s, (cold, scores, _) = timed(step)
        warm_s, (warm, _, stats) = timed(step)
    assert stats.encoded == 0 and scores.shape == (len(texts), 4)
    cosine = (cold * raw).sum(axis=1)
    figures = {
        "texts": len(texts),
        "mean_chars": round(float(np.mean([len(t) for t in texts])), 1),
        **scorer.describe(),
        "raw_encode_texts_per_s": round(len(texts) / raw_s, 1),
        "scoring_step_cold_texts_per_s": round(len(texts) / cold_s, 1),
        "scoring_step_warm_texts_per_s": round(len(texts) / warm_s, 1),
        "scoring_step_cold_vs_raw_encode": round(cold_s / raw_s, 3),
        "models_only_texts_per_s": round(len(texts) / models_s, 1),
        "models_only_again_texts_per_s": round(len(texts) / models_again_s, 1),
        **block,
        "vectors_min_cosine_to_raw": round(float(cosine.min()), 6),
        **({"fp16": fp16_trial(encoder, texts[:2000])} if encoder.device.startswith("cuda")
           else {"bf16": bf16_trial(encoder, texts[:2000])}),
        "machine": machine(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

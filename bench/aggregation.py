"""How should an item's scores come from its units? Measured against document-level labels.

For the held-out reviews (rating 1-2 / 3 / 4-5) and the airline tweets (evaluation only), compares
scoring the whole text with one forward pass against splitting it into sentences (spaCy, as `voc run`
does) and aggregating the sentence probabilities: plain mean, mean weighted by sentence length, and the
most extreme sentence. `voc run` reads an item whole when it is one message of several units whose sentences,
joined by spaces, fit the models' window (MODEL_WINDOW_CHARS), and takes the plain mean otherwise;
`read_whole_by_voc_run` is the share of the documents it reads whole (a document of one sentence is scored whole
either way). Writes bench/results/aggregation.json.

    python bench/aggregation.py --data ../shared/data
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import polars as pl

from voc.groups import MODEL_WINDOW_CHARS
from voc.scoring.affect import load_affect, predict
from voc.scoring.encoder import load_encoder
from voc.scoring.metrics import macro_f1, roc_auc
from voc.scoring.model_folder import shipped_folder
from voc.scoring.training_data import evaluation_sets, training_examples
from voc.scoring.trunk import Trunk
from voc.text.nlp import load_nlp

RESULTS = Path(__file__).parent / "results" / "aggregation.json"


def sentences_of(texts: list[str]) -> tuple[list[str], np.ndarray]:
    nlp = load_nlp("auto", "en", False).pipeline
    pieces, owner = [], []
    for i, doc in enumerate(nlp.pipe(texts, batch_size=256)):
        sents = [s.text.strip() for s in doc.sents if s.text.strip()] or [texts[i]]
        pieces += sents
        owner += [i] * len(sents)
    return pieces, np.array(owner)


def aggregate(probabilities: np.ndarray, owner: np.ndarray, weights: np.ndarray, docs: int, how: str) -> np.ndarray:
    out = np.zeros((docs, probabilities.shape[1]), dtype=np.float64)
    if how == "extreme":  # the sentence farthest from neutral decides
        polarity = np.abs(probabilities[:, 2] - probabilities[:, 0])
        best = np.full(docs, -1.0)
        for row, doc in enumerate(owner):
            if polarity[row] > best[doc]:
                best[doc], out[doc] = polarity[row], probabilities[row]
        return out
    w = weights if how == "length_weighted" else np.ones(len(owner))
    np.add.at(out, owner, probabilities * w[:, None])
    totals = np.zeros(docs)
    np.add.at(totals, owner, w)
    return out / totals[:, None]


def evaluate(trunk: Trunk, model, texts: list[str], labels: np.ndarray) -> dict:
    whole, _ = predict(trunk, model, texts)
    pieces, owner = sentences_of(texts)
    started = time.perf_counter()
    parts, _ = predict(trunk, model, pieces)
    weights = np.array([len(p) for p in pieces], dtype=float)
    results = {"documents": len(texts), "sentences": len(pieces),
               "whole_text": round(macro_f1(labels, whole[:, :3].argmax(1)), 4)}
    for how in ("mean", "length_weighted", "extreme"):
        results[how] = round(macro_f1(labels, aggregate(parts, owner, weights, len(texts), how)[:, :3].argmax(1)), 4)
    results["sentence_pass_s"] = round(time.perf_counter() - started, 1)
    several = np.bincount(owner, minlength=len(texts)) >= 2  # the documents where reading whole and averaging differ
    joined = np.zeros(len(texts))
    np.add.at(joined, owner, weights + 1)  # characters of the sentences joined by spaces (+1 per sentence)
    results["read_whole_by_voc_run"] = round(float(np.mean(several & (joined - 1 <= MODEL_WINDOW_CHARS))), 4)
    mean = aggregate(parts, owner, weights, len(texts), "mean")
    results["several_sentences"] = {"documents": int(several.sum()),
                                    "whole_text": round(macro_f1(labels[several], whole[several, :3].argmax(1)), 4),
                                    "mean": round(macro_f1(labels[several], mean[several, :3].argmax(1)), 4)}
    negative = labels == 0  # frustration proxy: negative documents should rank above the rest
    results["frustration_auc_negative_vs_rest"] = {
        "whole_text": round(roc_auc(negative, whole[:, 3]), 4),
        "mean": round(roc_auc(negative, aggregate(parts, owner, weights, len(texts), "mean")[:, 3]), 4),
        "max": round(roc_auc(negative, _max(parts[:, 3], owner, len(texts))), 4),
        "length_weighted": round(roc_auc(negative, aggregate(parts, owner, weights, len(texts), "length_weighted")[:, 3]), 4),
    }
    return results


def _max(values: np.ndarray, owner: np.ndarray, docs: int) -> np.ndarray:
    out = np.zeros(docs)
    np.maximum.at(out, owner, values)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=3000, help="documents per set")
    args = parser.parse_args()
    trunk = Trunk(load_encoder("default", "cpu"))
    model = load_affect(args.model or shipped_folder(), trunk)
    examples = training_examples(args.data)
    reviews = examples.filter((pl.col("dataset") == "reviews") & (pl.col("split") == "test")).head(args.limit)
    airline = evaluation_sets(args.data)["airline"].sample(n=args.limit, seed=7)
    out = {name: evaluate(trunk, model, frame["text"].to_list(), frame["sentiment"].to_numpy())
           for name, frame in (("reviews_test", reviews), ("airline", airline))}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

"""Does `voc train --labels` with a hundred labelled messages make a measurable difference?

Takes N airline tweets (evaluation-only data, deduplicated on tweet_id), stratified by label with a fixed
seed, writes them as a labels csv, adapts the shipped model on them exactly as `voc train --labels` does,
and scores every other tweet with the shipped and the adapted model. Repeats for several seeds.
Writes bench/results/adaptation.json.

    python bench/adaptation.py --data ../shared/data [--labels 100] [--seeds 3]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from voc.scoring.adapt import ADAPT_SETTINGS, adapt, read_labels
from voc.scoring.affect import load_affect, predict
from voc.scoring.encoder import load_encoder
from voc.scoring.metrics import sentiment_report
from voc.scoring.model_folder import shipped_folder
from voc.scoring.training_data import evaluation_sets
from voc.scoring.trunk import Trunk

RESULTS = Path(__file__).parent / "results" / "adaptation.json"
NAMES = {0: "negative", 1: "neutral", 2: "positive"}


def stratified(frame: pl.DataFrame, n: int, seed: int) -> pl.DataFrame:
    shares = frame["sentiment"].value_counts(normalize=True)
    parts = []
    for label, share in shares.iter_rows():
        group = frame.filter(pl.col("sentiment") == label)
        parts.append(group.sample(n=max(1, round(n * share)), seed=seed))
    return pl.concat(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--labels", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    airline = evaluation_sets(args.data)["airline"]
    trunk = Trunk(load_encoder("default", "cpu"))
    shipped = load_affect(shipped_folder(), trunk)
    base_probabilities, _ = predict(trunk, shipped, airline["text"].to_list())
    runs = []
    for seed in range(args.seeds):
        sample = stratified(airline, args.labels, seed)
        rest = airline.join(sample.select("row_id"), on="row_id", how="anti")
        rest_rows = airline.with_row_index().join(rest.select("row_id"), on="row_id", how="semi")["index"].to_numpy()
        with tempfile.TemporaryDirectory() as folder:
            labels_file = Path(folder) / "labels.csv"
            sample.select("text", sentiment=pl.col("sentiment").replace_strict(NAMES)).write_csv(labels_file)
            labels, _ = read_labels(labels_file)
            started = time.perf_counter()
            adapt(shipped_folder(), labels, Path(folder) / "adapted", labels_file, ADAPT_SETTINGS, "cpu")
            seconds = time.perf_counter() - started
            adapted = load_affect(Path(folder) / "adapted", trunk)
            after, _ = predict(trunk, adapted, rest["text"].to_list())
        truth = rest["sentiment"].to_numpy()
        runs.append({"seed": seed, "labels": sample.height, "scored": rest.height, "adapt_seconds": round(seconds, 1),
                     "shipped": sentiment_report(truth, base_probabilities[rest_rows, :3]),
                     "adapted": sentiment_report(truth, after[:, :3])})
        print(json.dumps(runs[-1]))
    summary = {key: round(float(np.mean([r[key]["macro_f1"] for r in runs])), 4) for key in ("shipped", "adapted")}
    out = {"set": "airline tweets (evaluation only)", "labels_per_run": args.labels, "mean_macro_f1": summary, "runs": runs}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out["mean_macro_f1"]))


if __name__ == "__main__":
    main()

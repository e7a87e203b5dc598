"""Time and memory of the topics step at a given number of units, on a workspace's published units.

Reads out/latest/units.parquet and the workspace's vector cache (run `voc run` on the workspace first), takes
the first N units, and runs what the nightly `topics` step runs: lemmas, topic vectors, the bounded fit
sample, BERTopic and the assignment of every unit. Run it under `/usr/bin/time -v` for the peak memory:

    /usr/bin/time -v python bench/topics.py WORKSPACE --units 100000

Writes bench/results/topics_<N>.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import polars as pl

from voc.config import load_workspace
from voc.pipeline import Models, topics_fit
from voc.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--units", type=int, required=True)
    args = parser.parse_args()
    workspace = load_workspace(args.workspace / "voc.yaml")
    store = Store(workspace.output_dir)
    units = pl.read_parquet(store.latest / "units.parquet").head(args.units)
    models = Models.of(workspace, store.cache_dir)
    vectors = models.encode(units["text"].to_list())
    started = time.perf_counter()
    fit = topics_fit(workspace, units, vectors, models.encode)
    result = {"units": units.height, "seconds": round(time.perf_counter() - started, 1), **fit.report,
              "sample_size": workspace.config.topics.sample_size, "outlier_share": float(np.mean(fit.assignments < 0))}
    out = Path(__file__).parent / "results" / f"topics_{args.units}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()

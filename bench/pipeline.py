"""The whole nightly run against raw encoding, and how it grows: end to end on 10,000 real texts, 10k → 100k
units, and an incremental night with 1% new items.

    .venv/bin/python bench/pipeline.py e2e   [--texts 10000]   [--out bench/results/e2e.json]
    .venv/bin/python bench/pipeline.py scale [--units 100000]  [--out bench/results/scale.json]

e2e: BANKING77 queries as one survey source. `voc run --full` in a fresh process (CLI, Prefect's ephemeral mode,
caches empty) against a fresh process that loads the same encoder and encodes the run's distinct unit texts,
nothing else. The ratio is what everything but encoding costs.

scale: women's clothing reviews (one unit per sentence) as a rated survey. A run on the first reviews up to about
10k units and one up to `--units`, each in a fresh workspace: wall time, peak RSS (of the run's process tree, from
/usr/bin/time -v) and per-step seconds from run.json; then, on the big workspace, a night with 1% more items.

Data is read in place from --data (default ../shared/data); workspaces live in a temporary folder. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
import yaml

ROOT = Path(__file__).resolve().parents[1]
VOC = [sys.executable, "-m", "voc.cli"]


def machine() -> dict:
    from voc.scoring.encoder import resolve_device  # noqa: PLC0415

    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
            "device": resolve_device("auto")}


def workspace(folder: Path, data: pl.DataFrame, source: dict) -> Path:
    """A workspace with one source read from `data` (written as CSV beside voc.yaml) and the sample's journey map."""
    folder.mkdir(parents=True)
    data.write_csv(folder / "feedback.csv")
    shutil.copy(ROOT / "data" / "sample" / "journey_map.yaml", folder / "journey_map.yaml")
    config = {"sources": [{"name": "feedback", "path": "feedback.csv", **source}]}
    (folder / "voc.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return folder


def timed_run(folder: Path, *args: str) -> dict:
    """`voc run` in a fresh process under /usr/bin/time -v: wall seconds, peak RSS (largest process), run.json."""
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", *VOC, "-q", "run", *args], cwd=folder, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"voc run failed in {folder}:\n{done.stderr[-4000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1)) / 1024**2
    manifest = json.loads((folder / "out" / "latest" / "run.json").read_text())
    return {"wall_s": round(seconds, 1), "peak_rss_gb": round(rss, 2), "units": manifest["counts"]["units"],
            "items": manifest["counts"]["feedback"], "steps_s": manifest["timings_s"],
            "encoded": manifest["scoring"]["encoded"], "refit": manifest["topics"]["refit"]}


def raw_encoding(folder: Path) -> dict:
    """A fresh process: import, load the encoder voc used, encode the run's distinct unit texts. It ends as `voc`
    does, without Python's teardown."""
    texts = folder / "texts.json"
    units = pl.read_parquet(folder / "out" / "latest" / "units.parquet", columns=["text"])
    texts.write_text(json.dumps(units["text"].unique(maintain_order=True).to_list()))
    script = ("import json, sys, time; t0 = time.perf_counter()\n"
              "from voc.scoring.encoder import load_encoder\n"
              f"texts = json.load(open({str(texts)!r}))\n"
              "load_encoder('default', 'auto').encode(texts)\n"
              "print(json.dumps({'texts': len(texts), 'in_process_s': time.perf_counter() - t0}), flush=True)\n"
              "import os; os._exit(0)")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return {"wall_s": round(time.perf_counter() - started, 1), **json.loads(done.stdout.strip().splitlines()[-1])}


def e2e(args: argparse.Namespace, scratch: Path) -> dict:
    queries = pl.read_csv(args.data / "banking77" / "train.csv").head(args.texts).select("text")
    folder = workspace(scratch / "e2e", queries, {"kind": "survey", "columns": {"text": "text"}})
    run = timed_run(folder, "--full")
    raw = raw_encoding(folder)
    return {"texts": queries.height, "run": run, "raw_encoding": raw, "ratio": round(run["wall_s"] / raw["wall_s"], 2),
            "target_ratio": 1.3}


def reviews(data: Path) -> pl.DataFrame:
    frame = pl.read_csv(data / "womens-clothing-reviews" / "reviews.csv", infer_schema=False)
    return (frame.rename({frame.columns[0]: "review_id"}).select("review_id", pl.col("Review Text").alias("text"),
                                                                 pl.col("Rating").cast(pl.Int32).alias("rating"))
            .drop_nulls("text"))


def sentences(texts: pl.Series) -> pl.Series:
    """About how many units a text gives (voc splits with spaCy; this is only to pick the number of reviews)."""
    return texts.str.count_matches(r"[.!?]+(\s|$)").clip(1)


def scale(args: argparse.Namespace, scratch: Path) -> dict:
    data = reviews(args.data)
    cumulative = sentences(data["text"]).cum_sum()
    source = {"kind": "survey", "columns": {"id": "review_id", "text": "text", "score": "rating"},
              "score_type": "rating", "score_range": [1, 5]}
    out: dict = {"runs": {}}
    for label, units in (("10k", 10_000), (f"{args.units // 1000}k", args.units)):
        take = int((cumulative < units).sum()) + 1
        base = data.head(take)
        held = base.height // 100 if label != "10k" else 0  # 1% of the items come on the next night
        folder = workspace(scratch / label, base.head(base.height - held), source)
        out["runs"][label] = timed_run(folder)
        if held:
            pl.concat([pl.read_csv(folder / "feedback.csv", infer_schema=False), base.tail(held).cast(pl.String)]).write_csv(
                folder / "feedback.csv")
            out["incremental"] = {"new_items": held, **timed_run(folder)}
    small, big = out["runs"].values()
    out["growth"] = {step: round(big["steps_s"][step] / max(small["steps_s"][step], 1e-3), 1) for step in big["steps_s"]}
    out["growth"]["units"] = round(big["units"] / small["units"], 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["e2e", "scale"])
    parser.add_argument("--texts", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data", help="the shared datasets")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--keep", type=Path, help="build the workspaces here and keep them")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with tempfile.TemporaryDirectory(prefix="voc-bench-") as scratch:
        where = args.keep or Path(scratch)
        figures = (e2e if args.kind == "e2e" else scale)(args, where)
    result = {"benchmark": args.kind, "machine": machine(), "date": time.strftime("%Y-%m-%d"), **figures}
    target = args.out or ROOT / "bench" / "results" / f"{args.kind}.json"
    target.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

"""Training settings compared on validation rows: each named setting runs `voc train`'s recipe (train_shipped)
into its own folder, several at once on one device; the JSON lists each run's validation metrics (what a
setting is chosen by), its test and evaluation-only metrics, and its training time. Not part of the tests.

    .venv/bin/python bench/train_search.py [--data ../shared/data] [--device auto] [--parallel 4]
        [--settings base,epochs6,...] [--limit N] [--out bench/results/train_search.json] [--keep DIR]

Each run is a separate process (`--run NAME`), so runs share a GPU without sharing Python's lock. `--keep`
keeps every run's model folder under DIR/NAME.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
SETTINGS: dict[str, dict] = {
    "base": {},
    "epochs6": {"epochs": 6},
    "lr1e-4": {"lr_layers": 1e-4},
    "lr1e-4_epochs6": {"lr_layers": 1e-4, "epochs": 6},
    "lr2e-5_epochs6": {"lr_layers": 2e-5, "epochs": 6},
    "batch32": {"batch_size": 32},
    "heads3e-3": {"lr_heads": 3e-3},
    "split2": {"split": 2},
}


def run_one(name: str, data: Path, device: str, folder: Path, limit: int | None) -> dict:
    from voc.scoring.recipe import train_shipped  # noqa: PLC0415
    from voc.scoring.train import TrainSettings  # noqa: PLC0415

    meta = train_shipped(data, folder, TrainSettings(**SETTINGS[name]), device, limit)
    return {"name": name, "settings": meta["settings"], "trained_on": meta["trained_on"],
            "train_seconds": meta["train_seconds"], "history": meta["history"], "validation": meta["validation"],
            "metrics": {k: {m: v for m, v in x.items() if m in ("macro_f1", "roc_auc", "ece")}
                        for k, x in meta["metrics"].items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=SHARED)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--parallel", type=int, default=1, help="runs at once")
    parser.add_argument("--settings", default=",".join(SETTINGS), help=f"comma-separated names of {list(SETTINGS)}")
    parser.add_argument("--limit", type=int, help="at most N rows per set and split (a quick check)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "train_search.json")
    parser.add_argument("--keep", type=Path, help="keep each run's model folder under this folder")
    parser.add_argument("--run", help=argparse.SUPPRESS)  # one run, in a child process
    args = parser.parse_args()
    if args.run:
        args.out.write_text(json.dumps(run_one(args.run, args.data, args.device, args.keep / args.run, args.limit)))
        return
    names = [n for n in args.settings.split(",") if n]
    unknown = sorted(set(names) - set(SETTINGS))
    if unknown:
        raise SystemExit(f"unknown settings {unknown}; known: {list(SETTINGS)}")
    started = time.perf_counter()

    def write(results: list[dict]) -> None:  # after every finished run: a cut-off search keeps what it found
        results.sort(key=lambda r: -r["validation"]["selection"])
        figures = {"wall_seconds": round(time.perf_counter() - started, 1), "parallel": args.parallel,
                   "chosen_by": "validation.selection (mean of validation macro-F1s and ROC-AUCs)", "runs": results}
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")

    with tempfile.TemporaryDirectory() as scratch:
        results = _run_all(names, args, args.keep or Path(scratch), Path(scratch), write)
    for r in results:
        print(r["name"], r["validation"]["selection"], r["train_seconds"],
              {k: v.get("macro_f1", v.get("roc_auc")) for k, v in r["metrics"].items()}, flush=True)


def _run_all(names: list[str], args: argparse.Namespace, keep: Path, scratch: Path, write) -> list[dict]:  # noqa: ANN001
    threads = str(max(1, (os.cpu_count() or 1) // max(1, args.parallel)))
    env = {**os.environ, "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads}
    pending, running, results = list(names), [], []
    while pending or running:
        while pending and len(running) < args.parallel:
            name = pending.pop(0)
            out = scratch / f"{name}.json"
            command = [sys.executable, __file__, "--run", name, "--data", str(args.data), "--device", args.device,
                       "--out", str(out), "--keep", str(keep), *(["--limit", str(args.limit)] if args.limit else [])]
            running.append((name, out, subprocess.Popen(command, env=env)))
        time.sleep(1)
        for item in [r for r in running if r[2].poll() is not None]:
            running.remove(item)
            name, out, process = item
            if process.returncode == 0:
                results.append(json.loads(out.read_text()))
                write(results)
                print(f"{name}: done", flush=True)
            else:
                print(f"{name}: failed with exit code {process.returncode}", file=sys.stderr, flush=True)
    return results


if __name__ == "__main__":
    main()

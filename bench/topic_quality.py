"""Topic and stage quality on BANKING77, and how stable topic ids are from night to night.

    .venv/bin/python bench/topic_quality.py [--context-max-chars 1000] [--map data/maps/banking]
                                            [--out bench/results/topic_quality.json]

The BANKING77 training queries (read from --data, default ../shared/data) are a ticket source of one message
each, with a hand-written banking map (--map: data/maps/banking/, or data/maps/banking_alt/, a second map worded
and cut into stages independently) and `topics.context_max_chars` as given (1000: each
query of several sentences is encoded whole as their context). Three `voc run`s in one workspace:

1. 95% of the queries (5% held out by a seeded draw);
2. `voc run --full` on the same data: a fresh fit from empty caches, whose topic ids must equal run 1's;
3. all the queries (the 5% come in): the share of run 1's units that keep their topic id, then the quality of
   this run against the dataset's intents: NMI and ARI of topic vs intent per unit (outliers count as one
   cluster), NMI per query, the outlier share; stage accuracy per unit against the map's intent_stages.csv
   (an unassigned unit counts as wrong), macro-F1 over stages, the unassigned share; how well the labels name
   their topics: the cosine (voc's encoder) of each topic's label to the name of its main intent ("card arrival"),
   weighted by topic size.

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import polars as pl
import yaml
from pipeline import ROOT, machine, timed_run
from sklearn.metrics import adjusted_rand_score, f1_score, normalized_mutual_info_score

MAPS = ROOT / "data" / "maps"
HELD_OUT = 0.05


def queries(data: Path) -> pl.DataFrame:
    frame = pl.read_csv(data / "banking77" / "train.csv").with_row_index("query")
    held = (pl.col("query").hash(seed=20261124) % 1000) < int(HELD_OUT * 1000)
    return frame.with_columns(pl.col("query").cast(pl.String).alias("query_id"), held.alias("held_out"))


def write_workspace(folder: Path, frame: pl.DataFrame, topics: dict, journey_map: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    frame.select("query_id", "text").write_csv(folder / "queries.csv")
    shutil.copy(journey_map / "journey_map.yaml", folder / "journey_map.yaml")
    source = {"name": "banking", "kind": "ticket", "path": "queries.csv", "columns": {"id": "query_id", "text": "text"},
              "channel": "in_app_chat"}
    (folder / "voc.yaml").write_text(yaml.safe_dump({"sources": [source], "topics": topics}, sort_keys=False))


def units_of(folder: Path) -> pl.DataFrame:
    return pl.read_parquet(folder / "out" / "latest" / "units.parquet", columns=["unit_id", "native_id", "topic_id", "stage_id"])


def same_topic(before: pl.DataFrame, after: pl.DataFrame) -> dict:
    """Of the units in `before`, how many have the same topic id in `after`."""
    both = before.join(after, on="unit_id", suffix="_after")
    same = int((both["topic_id"] == both["topic_id_after"]).sum())
    return {"units": before.height, "in_both": both.height, "same_topic_id": same,
            "share": round(same / max(before.height, 1), 4)}


def quality(units: pl.DataFrame, frame: pl.DataFrame, journey_map: Path) -> dict:
    stages = dict(pl.read_csv(journey_map / "intent_stages.csv").iter_rows())
    rows = units.join(frame.select("query_id", "category"), left_on="native_id", right_on="query_id", how="left")
    if rows["category"].null_count():
        raise SystemExit(f"{rows['category'].null_count()} units have no intent")
    truth = rows["category"].replace_strict(stages).to_numpy()
    topic, intent, stage = rows["topic_id"].to_numpy(), rows["category"].to_numpy(), rows["stage_id"].to_numpy()
    per_query = rows.group_by("native_id").agg(pl.col("topic_id").mode().first(), pl.col("category").first())
    assigned = stage != "unassigned"
    return {
        "units": rows.height, "queries": per_query.height,
        "topics": int(rows["topic_id"].filter(rows["topic_id"] >= 0).n_unique()),
        "outlier_share": round(float((topic < 0).mean()), 4),
        "nmi_per_unit": round(normalized_mutual_info_score(intent, topic), 4),
        "ari_per_unit": round(adjusted_rand_score(intent, topic), 4),
        "nmi_per_query": round(normalized_mutual_info_score(per_query["category"], per_query["topic_id"]), 4),
        "stage_accuracy": round(float((stage == truth).mean()), 4),
        "stage_macro_f1": round(float(f1_score(truth, stage, average="macro", labels=sorted(set(truth)))), 4),
        "stage_unassigned_share": round(float((~assigned).mean()), 4),
        "stage_accuracy_of_assigned": round(float((stage[assigned] == truth[assigned]).mean()), 4),
    }


def label_quality(folder: Path, frame: pl.DataFrame) -> dict:
    """The size-weighted mean cosine of each topic's label to the name of the intent most of its units have."""
    from voc.scoring.encoder import load_encoder

    units = units_of(folder).filter(pl.col("topic_id") >= 0)
    main = (units.join(frame.select("query_id", "category"), left_on="native_id", right_on="query_id")
            .group_by("topic_id").agg(pl.col("category").mode().sort().first(), units=pl.len()))
    topics = pl.read_parquet(folder / "out" / "latest" / "topics.parquet", columns=["topic_id", "label"]).join(main, on="topic_id")
    encoder = load_encoder("default", "cpu")
    cosine = (encoder.encode(topics["label"].to_list())
              * encoder.encode(topics["category"].str.replace_all("_", " ").to_list())).sum(axis=1)
    weights = topics["units"].to_numpy()
    return {"topics": topics.height, "label_intent_cosine": round(float((cosine * weights).sum() / weights.sum()), 4),
            "labels_of_two_joined_words": int(topics["label"].str.contains(" & ").sum())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data", help="the shared datasets")
    parser.add_argument("--map", type=Path, default=MAPS.relative_to(ROOT) / "banking",
                        help="a folder with journey_map.yaml and intent_stages.csv (absolute, or relative to the repository root)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "topic_quality.json")
    parser.add_argument("--keep", type=Path, help="build the workspace here and keep it")
    parser.add_argument("--context-max-chars", type=int, default=1000,
                        help="topics.context_max_chars (1000 is voc's default; 0 turns whole-item context off)")
    args = parser.parse_args()
    topics = {"context_max_chars": args.context_max_chars}
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    frame = queries(args.data)
    journey_map = ROOT / args.map  # an absolute --map stays as it is
    with tempfile.TemporaryDirectory(prefix="voc-bench-") as scratch:
        folder = (args.keep or Path(scratch)) / "banking"
        write_workspace(folder, frame.filter(~pl.col("held_out")), topics, journey_map)
        runs = {"first": timed_run(folder)}
        first = units_of(folder)
        runs["again_full"] = timed_run(folder, "--full")
        again = units_of(folder)
        write_workspace(folder, frame, topics, journey_map)
        runs["plus_5_percent"] = timed_run(folder)
        result = {
            "benchmark": "topic_quality", "machine": machine(), "date": time.strftime("%Y-%m-%d"),
            "settings": {"topics": topics, "map": str(args.map)}, "runs": runs,
            "stability": {"same_data_fresh_fit": same_topic(first, again),
                          "plus_5_percent_new_queries": {"new_queries": int(frame["held_out"].sum()),
                                                         **same_topic(first, units_of(folder))}},
            "quality": quality(units_of(folder), frame, journey_map),
            "labels": label_quality(folder, frame),
            "targets": {"nmi": 0.80, "outlier_share_max": 0.10, "stage_accuracy": 0.82, "stable_share_plus_5_percent": 0.95},
        }
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

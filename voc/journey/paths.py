"""Customer paths through the journey: each customer's contacts in time order, the stage-to-stage moves they
make against the map's designed order, and the stages the map lacks.

A contact is an item (a survey answer, a ticket, a call) of a customer with a `customer_id`, placed at its main
stage: the stage most of its assigned units are in. Consecutive contacts of one customer form a move, typed by
the designed order: forward (to the next stage), skip (further ahead), backward, or repeat (the same stage).
Topics whose units are mostly 'unassigned' are what customers talk about where the map has no stage: they are
proposed as candidate stages.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from voc.config import JourneyMap
from voc.errors import VocError
from voc.schema import CUSTOMER_PATHS, MOVE, TRANSITIONS, UNASSIGNED

__all__ = ["candidate_stages", "customer_paths", "flow_summary", "transitions"]

_CUSTOMER = pl.col("customer_id")


def customer_paths(units: pl.DataFrame, journey_map: JourneyMap | None = None) -> pl.DataFrame:
    """CUSTOMER_PATHS: one row per contact of a known customer, in time order: customer_id, step (1, 2, … per
    customer), feedback_id, created_at (the item's first unit), stage_id (its main stage), channel, sentiment
    (mean of its units).

    The main stage is the one with most of the item's assigned units; ties go to the earlier stage of
    `journey_map` when one is given, else to the smaller stage id. Left out: units without a customer_id (a path
    needs a customer), items with no assigned unit, and items without a created_at (they cannot be placed in time).
    Sorted by customer_id, created_at, feedback_id.
    """
    known = units.filter(_CUSTOMER.is_not_null() & pl.col("created_at").is_not_null())
    by_unit = pl.col("unit_id")
    items = known.group_by("feedback_id").agg(
        pl.col("customer_id").sort_by(by_unit).first(),
        pl.col("created_at").min(),
        pl.col("channel").sort_by(by_unit).first(),
        pl.col("sentiment").mean(),
    )
    order = journey_map.stage_ids() if journey_map is not None else []
    assigned = known.filter(pl.col("stage_id").is_not_null() & (pl.col("stage_id") != UNASSIGNED))
    counts = assigned.group_by("feedback_id", "stage_id").agg(pl.len().alias("units"))
    main = counts.group_by("feedback_id").agg(
        pl.col("stage_id").sort_by(["units", _rank(order), "stage_id"], descending=[True, False, False]).first()
    )
    return (
        items.join(main, on="feedback_id", how="inner")
        .sort(["customer_id", "created_at", "feedback_id"])
        .with_columns(step=(pl.int_range(pl.len(), dtype=pl.Int64) + 1).over("customer_id"))
        .pipe(CUSTOMER_PATHS.conform)
    )


def transitions(paths: pl.DataFrame, journey_map: JourneyMap) -> pl.DataFrame:
    """The TRANSITIONS table: per (from_stage, to_stage), the moves customers made between consecutive contacts,
    the distinct customers who made them, their share of all moves out of from_stage, and the kind of move.

    Sorted by from_stage in map order, then moves descending, then to_stage. Raises VocError when a path holds a
    stage the map does not have (the paths were made with another map).
    """
    order = journey_map.stage_ids()
    off_map = sorted(set(paths["stage_id"].unique().to_list()) - set(order))
    if off_map:
        raise VocError(f"customer paths hold stages {off_map} that the journey map {journey_map.name!r} does not have "
                       f"(it has {order}); fix: build the paths from units assigned with this map")
    steps = paths.sort(["customer_id", "step"]).select(
        "customer_id", from_stage="stage_id", to_stage=pl.col("stage_id").shift(-1).over("customer_id"))
    counted = (
        steps.filter(pl.col("to_stage").is_not_null())
        .group_by("from_stage", "to_stage")
        .agg(moves=pl.len().cast(pl.Int64), customers=_CUSTOMER.n_unique().cast(pl.Int64))
    )
    ahead = _rank(order, "to_stage") - _rank(order, "from_stage")
    kind = (pl.when(ahead == 0).then(pl.lit("repeat")).when(ahead == 1).then(pl.lit("forward"))
            .when(ahead > 1).then(pl.lit("skip")).otherwise(pl.lit("backward")))
    table = counted.with_columns(
        share=pl.col("moves") / pl.col("moves").sum().over("from_stage"),
        move=kind.cast(MOVE),
    ).sort([_rank(order, "from_stage"), "moves", "to_stage"], descending=[False, True, False])
    return TRANSITIONS.conform(table)


def flow_summary(paths: pl.DataFrame, moves: pl.DataFrame, journey_map: JourneyMap, top: int = 10) -> dict[str, Any]:
    """A JSON-ready summary of how customers move through the journey: the designed order, customers with a
    contact and with a move, total moves, the share of each kind of move (rounded to 4 places), the `top` most
    common stage sequences of customers with two or more contacts (consecutive repeats collapsed), and the
    moves as Sankey links ({source, target, value, move}) in the order of `moves` (a TRANSITIONS table).
    """
    total = int(moves["moves"].sum())
    by_kind = dict(moves.group_by("move").agg(pl.col("moves").sum()).iter_rows())
    contacts = paths.group_by("customer_id").agg(pl.len().alias("contacts"))
    return {
        "designed_order": journey_map.stage_ids(),
        "customers": contacts.height,
        "customers_with_moves": contacts.filter(pl.col("contacts") >= 2).height,
        "moves": total,
        "share": {kind: round(by_kind.get(kind, 0) / total, 4) if total else 0.0 for kind in MOVE.categories},
        "common_paths": _common_paths(paths, top),
        "links": [{"source": a, "target": b, "value": n, "move": kind}
                  for a, b, n, kind in moves.select("from_stage", "to_stage", "moves", "move").iter_rows()],
    }


def candidate_stages(units: pl.DataFrame, topics: pl.DataFrame, min_units: int, max_stage_share: float = 0.4,
                     quotes: int = 3) -> list[dict[str, Any]]:
    """Stages the map lacks: topics typed as a pain point or a motivation (topics.kind) with at least `min_units`
    units that no stage of the map holds: the stage with most of their units has less than `max_stage_share` of
    them, the rest being unassigned or spread over other stages. Each is a JSON-ready dict: topic_id, label,
    kind, units, unassigned_share, stages (the 3 stages with most of its units: stage_id and units), channels
    (the 3 busiest) and quotes (up to `quotes` distinct texts: the topic's own quotes first, then by unit_id).
    Sorted by units descending, then topic_id. Outliers (topic -1) are no topic.
    """
    typed = topics.filter(pl.col("kind").cast(pl.String) != "neutral").select("topic_id", "label",
                                                                             kind=pl.col("kind").cast(pl.String))
    mine = units.filter(pl.col("topic_id") >= 0).join(typed.select("topic_id"), on="topic_id", how="semi")
    unassigned = (pl.col("stage_id") == UNASSIGNED).fill_null(False)
    per_stage = (mine.filter(~unassigned & pl.col("stage_id").is_not_null())
                 .group_by("topic_id", "stage_id").agg(pl.len().cast(pl.Int64).alias("units")))
    stages = (per_stage.sort(["topic_id", "units", "stage_id"], descending=[False, True, False])
              .group_by("topic_id", maintain_order=True)
              .agg(held=pl.col("units").first(), stages=pl.struct("stage_id", "units").head(3)))
    found = (mine.group_by("topic_id").agg(units=pl.len().cast(pl.Int64), unassigned_share=unassigned.mean())
             .join(stages, on="topic_id", how="left")
             .filter((pl.col("units") >= max(min_units, 1))
                     & (pl.col("held").fill_null(0) < max_stage_share * pl.col("units"))))
    busiest = pl.col("channel").sort_by(["count", "channel"], descending=[True, False])
    channels = (mine.group_by("topic_id", "channel").agg(pl.len().alias("count"))
                .group_by("topic_id").agg(channels=busiest.head(3)))
    rows = (found.join(typed, on="topic_id", how="inner")
            .join(channels, on="topic_id", how="left")
            .join(_quotes(mine.join(found.select("topic_id"), on="topic_id", how="semi"), topics, quotes), on="topic_id",
                  how="left")
            .with_columns(pl.col("unassigned_share").round(4), pl.col("stages").fill_null([]))
            .sort(["units", "topic_id"], descending=[True, False]))
    return rows.select("topic_id", "label", "kind", "units", "unassigned_share", "stages", "channels", "quotes").to_dicts()


def _quotes(left: pl.DataFrame, topics: pl.DataFrame, limit: int) -> pl.DataFrame:
    """Per topic, up to `limit` distinct texts of the units in `left`, as a list column `quotes`: texts that are
    among the topic's own quotes first (in their order), then the rest by unit_id."""
    texts = left.select("topic_id", "text").unique()
    own = (topics.select("topic_id", text="quotes").explode("text").with_row_index("position")
           .join(texts, on=["topic_id", "text"], how="semi").select("topic_id", "text", "position", tier=pl.lit(0)))
    rest = (left.sort("unit_id").with_row_index("position")
            .select("topic_id", "text", "position", tier=pl.lit(1)))
    return (
        pl.concat([own, rest])
        .sort(["topic_id", "tier", "position"])
        .unique(["topic_id", "text"], keep="first", maintain_order=True)
        .group_by("topic_id", maintain_order=True)
        .agg(quotes=pl.col("text").head(limit))
    )


def _common_paths(paths: pl.DataFrame, top: int) -> list[dict[str, Any]]:
    """The `top` most common stage sequences of customers with two or more contacts, consecutive repeats collapsed,
    as [{stages, customers}], most customers first; ties by the sequence itself."""
    ordered = paths.sort(["customer_id", "step"])
    changed = pl.col("stage_id").ne_missing(pl.col("stage_id").shift(1).over("customer_id"))
    sequences = (
        ordered.filter((pl.len().over("customer_id") >= 2) & changed)
        .group_by("customer_id", maintain_order=True)
        .agg(stages=pl.col("stage_id"))
    )
    counted = (sequences.group_by("stages", maintain_order=True).agg(customers=pl.len().cast(pl.Int64))
               .sort([pl.col("customers"), pl.col("stages").list.join(" ")], descending=[True, False], maintain_order=True))
    return counted.head(top).to_dicts()


def _rank(order: list[str], column: str = "stage_id") -> pl.Expr:
    """An expression giving each stage its position in `order`; stages not in it come after, all equal."""
    return pl.col(column).replace_strict(order, list(range(len(order))), default=len(order), return_dtype=pl.Int64)

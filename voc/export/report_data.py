"""What the HTML report shows, computed from a run folder's tables: pure functions over polars frames.

Units are never embedded in the report one by one: they are counted per topic, per week, per source and per
language here, so the page stays small with tens of thousands of units.

Languages: the languages of a run and of each topic are counted from units.language. The languages whose
sentiment and frustration scores were measured are the run's `scoring.languages_measured` in run.json (the
languages_measured of the model cards behind the scores); a language of the run outside them is flagged as not
measured. A run whose run.json does not record them flags nothing and says that it was not recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from voc.errors import VocError
from voc.schema import QUARANTINE, QUARANTINE_REASONS, STAGE_INSIGHTS, TOPIC_LINEAGE, TOPICS, UNASSIGNED, UNITS, Table

__all__ = [
    "MIN_CHANGE_UNITS",
    "SIZE_CHANGE",
    "TREND_WEEKS",
    "PreviousRun",
    "RunTables",
    "changes",
    "fix_first",
    "flow_links",
    "language_summary",
    "measured_languages",
    "quarantine_summary",
    "read_previous",
    "read_run",
    "sentiment_colour",
    "stage_names",
    "topic_records",
    "trend_weeks",
    "weekly_volume",
]

SIZE_CHANGE = 0.25  # a topic grows (fades) when its size rose (fell) by this share of its previous size …
MIN_CHANGE_UNITS = 10  # … and by at least this many units
TREND_WEEKS = 4  # trend: the last TREND_WEEKS weeks against the TREND_WEEKS before them


@dataclass(frozen=True)
class RunTables:
    """The tables and documents of one run folder that the report reads."""

    units: pl.DataFrame
    topics: pl.DataFrame
    insights: pl.DataFrame
    lineage: pl.DataFrame
    quarantine: pl.DataFrame
    journey: dict[str, Any]
    manifest: dict[str, Any]

    @property
    def run_id(self) -> str:
        return str(self.manifest.get("run_id") or self.journey.get("run_id") or "")


@dataclass(frozen=True)
class PreviousRun:
    """What the report compares with: the previous run's topics and id."""

    run_id: str
    topics: pl.DataFrame


def read_run(folder: Path) -> RunTables:
    """Read and validate the tables of a run folder; a missing file raises VocError naming it."""
    return RunTables(
        units=_table(folder, UNITS),
        topics=_table(folder, TOPICS),
        insights=_table(folder, STAGE_INSIGHTS),
        lineage=_table(folder, TOPIC_LINEAGE),
        quarantine=_table(folder, QUARANTINE),
        journey=_json(folder / "journey_map.enriched.json"),
        manifest=_json(folder / "run.json"),
    )


def read_previous(folder: Path) -> PreviousRun:
    manifest = _json(folder / "run.json")
    return PreviousRun(run_id=str(manifest.get("run_id", folder.name)), topics=_table(folder, TOPICS))


def _table(folder: Path, table: Table) -> pl.DataFrame:
    """The table, with the nullable columns a run of an earlier version of voc lacks added as nulls."""
    return table.upgrade(pl.read_parquet(_existing(folder / f"{table.name}.parquet")))


def _json(path: Path) -> dict[str, Any]:
    return json.loads(_existing(path).read_text(encoding="utf-8"))


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise VocError(f"{path}: not found; the report reads a complete run folder (out/<run_id>/ after `voc run`)")
    return path


def sentiment_colour(value: float | None) -> str:
    """A diverging colour for mean sentiment: red at -1 (and below -0.5), warm grey at 0, green at +1."""
    if value is None:
        return "#9aa1a9"
    neutral, negative, positive = (0xB8, 0xB2, 0xA7), (0xC8, 0x3E, 0x3A), (0x2E, 0x8B, 0x57)
    t = max(-1.0, min(1.0, value * 2))  # a mean of ±0.5 is already strong for utterance-level sentiment
    end = negative if t < 0 else positive
    rgb = [round(n + (e - n) * abs(t)) for n, e in zip(neutral, end, strict=True)]
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def stage_names(journey: dict[str, Any]) -> dict[str, str]:
    """Stage id to name, in map order, and the name of the 'unassigned' pseudo-stage."""
    return {s["id"]: s["name"] for s in journey.get("stages", [])} | {UNASSIGNED: "Unassigned"}


def weekly_volume(units: pl.DataFrame) -> tuple[list[str], pl.DataFrame]:
    """Week starts (Mondays, ISO dates, gaps filled) and per topic its unit count per week, aligned to them.

    Returns (weeks, frame of topic_id and `weekly`: list of counts). Units without created_at are not counted."""
    dated = units.filter(pl.col("created_at").is_not_null() & (pl.col("topic_id") >= 0)).select(
        "topic_id", week=pl.col("created_at").dt.truncate("1w"))
    if dated.is_empty():
        return [], pl.DataFrame(schema={"topic_id": pl.Int64, "weekly": pl.List(pl.Int64)})
    span = pl.datetime_range(dated["week"].min(), dated["week"].max(), "1w", time_zone="UTC", eager=True)
    grid = (pl.DataFrame({"topic_id": dated["topic_id"].unique().sort()})
            .join(pl.DataFrame({"week": span}), how="cross"))
    counts = dated.group_by("topic_id", "week").agg(pl.len().cast(pl.Int64).alias("units"))
    weekly = (grid.join(counts, on=["topic_id", "week"], how="left")
              .with_columns(pl.col("units").fill_null(0))
              .sort("topic_id", "week")
              .group_by("topic_id", maintain_order=True).agg(pl.col("units").alias("weekly")))
    return span.dt.strftime("%Y-%m-%d").to_list(), weekly


def trend_weeks(weeks: int) -> int:
    """Weeks in each window the trend compares: TREND_WEEKS, or half the weeks there are when fewer."""
    return min(TREND_WEEKS, weeks // 2)


def _windows(weeks: int) -> tuple[pl.Expr, pl.Expr]:
    """Units in the window before the last one, and in the last one (null under two weeks of data)."""
    window = trend_weeks(weeks)
    if window == 0:
        return pl.lit(None, pl.Int64), pl.lit(None, pl.Int64)
    return (pl.col("weekly").list.slice(-2 * window, window).list.sum(),
            pl.col("weekly").list.slice(-window, window).list.sum())


def measured_languages(manifest: dict[str, Any]) -> list[str] | None:
    """The languages the run's sentiment and frustration scores were measured in (run.json's
    scoring.languages_measured), sorted; None when the run did not record them."""
    measured = (manifest.get("scoring") or {}).get("languages_measured")
    return None if measured is None else sorted({_base(str(code)) for code in measured})


def language_summary(units: pl.DataFrame, manifest: dict[str, Any]) -> dict[str, Any]:
    """The run's languages, largest first ({language, units, share, measured}; measured is null when not recorded),
    the measured languages (null when not recorded) and the run's languages that were not measured, largest first."""
    measured = measured_languages(manifest)
    counts = _language_counts(units.select(pl.lit(0).alias("topic_id"), "language"))
    rows = counts["languages"].to_list()[0] if counts.height else []
    languages = [{**row, "measured": None if measured is None else _base(row["language"]) in measured} for row in rows]
    return {"languages": languages, "measured": measured,
            "unmeasured": [row["language"] for row in languages if row["measured"] is False]}


def _language_counts(units: pl.DataFrame) -> pl.DataFrame:
    """Per topic_id, `languages`: {language, units, share of the topic's units} largest first, ties by code."""
    return (units.group_by("topic_id", "language").agg(pl.len().cast(pl.Int64).alias("units"))
            .with_columns(share=(pl.col("units") / pl.col("units").sum().over("topic_id")).round(4))
            .sort(["topic_id", "units", "language"], descending=[False, True, False])
            .group_by("topic_id", maintain_order=True).agg(languages=pl.struct("language", "units", "share")))


def _base(code: str) -> str:
    """A language code without its region, lower case: en-GB and en_gb are en."""
    return code.strip().lower().replace("_", "-").split("-")[0]


def topic_records(run: RunTables, previous: PreviousRun | None) -> tuple[list[str], list[dict[str, Any]]]:
    """Weeks and one JSON-ready record per topic, largest first: scores, keywords, main stage and every stage
    where it is a pain point or motivation, three quotes, units per source, units per language, keywords per
    language (dominant first; the topic's keywords alone for a topics table made before voc kept them), weekly
    volume, units in the two trend windows and their relative change, and the size change since `previous`
    (null for a topic the previous run lacks, or with no previous run)."""
    weeks, weekly = weekly_volume(run.units)
    earlier, recent = _windows(len(weeks))
    topical = run.units.filter(pl.col("topic_id") >= 0)
    sources = (topical.group_by("topic_id", "source").agg(pl.len().alias("units"))
               .sort(["units", "source"], descending=[True, False])
               .group_by("topic_id", maintain_order=True).agg(sources=pl.struct("source", "units")))
    languages = _language_counts(topical.select("topic_id", "language"))
    insight_stages = run.insights.group_by("topic_id").agg(insight_stages=pl.col("stage_id").unique().sort())
    names = stage_names(run.journey)
    before = (previous.topics if previous else TOPICS.empty()).select("topic_id", previous_size=pl.col("size"))
    stage = pl.col("stage_id").fill_null(UNASSIGNED)
    records = (run.topics.drop("languages").join(weekly, on="topic_id", how="left").join(sources, on="topic_id", how="left")
               .join(languages, on="topic_id", how="left").join(before, on="topic_id", how="left").join(insight_stages, on="topic_id", how="left")
               .sort(["size", "topic_id"], descending=[True, False])
               .select(id="topic_id", label="label", keywords="keywords", kind="kind", size="size",
                       share=pl.col("share").round(4), sentiment=pl.col("sentiment_mean").round(4),
                       frustration=pl.col("frustration_rate").round(4), stage=stage,
                       stage_name=stage.replace_strict(names, default=stage, return_dtype=pl.String),
                       stages=pl.concat_list(stage, pl.col("insight_stages").fill_null([])).list.unique(maintain_order=True),
                       quotes=pl.col("quotes").list.head(3), sources=pl.col("sources").fill_null([]),
                       languages=pl.col("languages").fill_null([]),
                       keywords_by_language=pl.col("keywords_by_language").fill_null([]),
                       weekly=pl.col("weekly").fill_null(pl.lit([0] * len(weeks), pl.List(pl.Int64))),
                       earlier=earlier, recent=recent,
                       trend=((recent - earlier) / pl.max_horizontal(earlier, pl.lit(1))).round(4),
                       change=pl.col("size") - pl.col("previous_size"), event="lineage_event")
               .to_dicts())
    return weeks, [{**r, "colour": sentiment_colour(r["sentiment"])} for r in records]


def changes(run: RunTables, previous: PreviousRun) -> dict[str, list[dict[str, Any]]]:
    """What changed since `previous`: new topics (not among the previous run's topics; their lineage event says
    whether they were born, returned or split from another),
    growing and fading topics (size change by topic_id of at least SIZE_CHANGE and MIN_CHANGE_UNITS), and
    topics this run retired or merged into another (from this run's lineage events)."""
    new = (run.topics.join(previous.topics.select("topic_id"), on="topic_id", how="anti")
           .select("topic_id", "label", "size", event=pl.col("lineage_event").cast(pl.String),
                   related=pl.col("lineage_topic_id"))
           .sort(["size", "topic_id"], descending=[True, False]))
    compared = (run.topics.join(previous.topics.select("topic_id", before=pl.col("size")), on="topic_id", how="inner")
                .select("topic_id", "label", "before", after=pl.col("size"))
                .with_columns(delta=pl.col("after") - pl.col("before"))
                .with_columns(relative=pl.col("delta") / pl.col("before")))
    growing = compared.filter((pl.col("relative") >= SIZE_CHANGE) & (pl.col("delta") >= MIN_CHANGE_UNITS))
    fading = compared.filter((pl.col("relative") <= -SIZE_CHANGE) & (pl.col("delta") <= -MIN_CHANGE_UNITS))
    labels = previous.topics.select("topic_id", "label")
    gone = (run.lineage.filter((pl.col("run_id") == run.run_id) & pl.col("event").is_in(["retired", "merged_into"]))
            .join(labels, on="topic_id", how="left")
            .select("topic_id", pl.col("label").fill_null("Topic " + pl.col("topic_id").cast(pl.String)),
                    event=pl.col("event").cast(pl.String), related=pl.col("related_topic_id"))
            .sort("topic_id"))
    return {
        "new": new.to_dicts(),
        "growing": growing.sort(["delta", "topic_id"], descending=[True, False]).to_dicts(),
        "fading": fading.sort(["delta", "topic_id"]).to_dicts(),
        "gone": gone.to_dicts(),
    }


def quarantine_summary(quarantine: pl.DataFrame) -> pl.DataFrame:
    """Items left out per source and reason, most first, with the reason's meaning."""
    meaning = pl.DataFrame({"reason": list(QUARANTINE_REASONS), "meaning": list(QUARANTINE_REASONS.values())})
    return (quarantine.group_by("source", pl.col("reason").cast(pl.String)).agg(pl.len().alias("items"))
            .join(meaning, on="reason", how="left")
            .sort(["items", "source", "reason"], descending=[True, False, False]))


def fix_first(journey: dict[str, Any]) -> list[dict[str, Any]]:
    """The map's pain points to fix first, by priority (1 first); none for a map enriched before priorities."""
    return sorted(journey.get("fix_first") or [], key=lambda row: (row.get("priority") is None, row.get("priority") or 0))


def flow_links(journey: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The observed flow's moves between two different stages of the map, largest first, and per stage how often
    customers came back to it (repeats). Links naming a stage the map lacks are left out."""
    order = {s["id"] for s in journey.get("stages", [])}
    links = [link for link in (journey.get("observed_flow") or {}).get("links") or []
             if link["source"] in order and link["target"] in order and link.get("value")]
    repeats = {link["source"]: link["value"] for link in links if link["move"] == "repeat"}
    moves = sorted((link for link in links if link["move"] != "repeat"),
                   key=lambda link: (-link["value"], link["source"], link["target"]))
    return moves, repeats

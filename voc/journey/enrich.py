"""The enriched journey map: the company's map with what customers said, stage by stage.

Per stage: volume and share of units, mean sentiment, frustration rate, NPS and CSAT of the stage's
respondents, ranked pain points and motivations, and the touchpoints observed there — on the map (the
stage lists them) and off it (a channel no touchpoint of the stage lists, or none of the map at all).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from voc.config import JourneyMap
from voc.journey.typing import FRUSTRATED
from voc.schema import UNASSIGNED

__all__ = ["enriched_map", "with_territory"]

_INSIGHT_FIELDS = ["topic_id", "title", "volume", "share", "sentiment_mean", "frustration_rate", "impact_metric", "impact",
                   "impact_low", "impact_high", "opportunity", "priority", "fragmented_share", "trend", "quotes"]
_PRIORITY_FIELDS = ["priority", "stage_id", "topic_id", "title", "volume", "impact_metric", "impact", "impact_low", "impact_high",
                    "frustration_rate", "fragmented_share", "opportunity", "owners", "kpis"]


def enriched_map(journey_map: JourneyMap, units: pl.DataFrame, insights: pl.DataFrame, run_id: str) -> dict[str, Any]:
    """The map as a JSON-ready dict with an `observed` block per stage and a summary of what the map lacks."""
    total = units.height
    stages = []
    for stage in journey_map.stages:
        mine = units.filter(pl.col("stage_id") == stage.id)
        own = insights.filter(pl.col("stage_id") == stage.id)
        observed = {
            "units": mine.height,
            "share": round(mine.height / total, 4) if total else 0.0,
            "sentiment_mean": _round(mine["sentiment"].mean()),
            "frustration_rate": _round((mine["frustration"] >= FRUSTRATED).mean()) if mine.height else None,
            **_survey_scores(mine),
            "pain_points": _ranked(own, "pain_point"),
            "motivations": _ranked(own, "motivation"),
            "touchpoints": _touchpoints(mine, stage.touchpoints, journey_map),
        }
        stages.append({**stage.model_dump(), "observed": observed})
    on_map_channels = journey_map.channels()
    off_map = (units.filter(~pl.col("channel").is_in(list(on_map_channels))).group_by("channel").agg(pl.len().alias("units"))
               .sort(["units", "channel"], descending=[True, False]))
    return {
        "name": journey_map.name,
        "run_id": run_id,
        "stages": stages,
        "touchpoints": [t.model_dump() for t in journey_map.touchpoints],
        "unassigned_units": units.filter(pl.col("stage_id") == UNASSIGNED).height,
        "off_map_channels": off_map.to_dicts(),
    }


def with_territory(enriched: dict[str, Any], insights: pl.DataFrame, flow: dict[str, Any], candidates: list[dict[str, Any]],
                   stage_fragmentation: pl.DataFrame, alerts: pl.DataFrame, top: int = 10) -> dict[str, Any]:
    """The enriched map plus where the territory departs from it: per stage its fragmentation across channels; the
    observed stage-to-stage flow; candidate stages the map lacks; the pain points to fix first (with the owners
    and KPIs they move); and tonight's spikes."""
    per_stage = {row["stage_id"]: {k: (_round(v) if isinstance(v, float) else v) for k, v in row.items() if k != "stage_id"}
                 for row in stage_fragmentation.to_dicts()}
    stages = [{**stage, "observed": {**stage["observed"], "fragmentation": per_stage.get(stage["id"])}}
              for stage in enriched["stages"]]
    first = insights.filter(pl.col("priority").is_not_null()).sort("priority").head(top).select(_PRIORITY_FIELDS)
    return {**enriched, "stages": stages, "observed_flow": flow, "candidate_stages": candidates,
            "fix_first": [{k: (_round(v) if isinstance(v, float) else v) for k, v in row.items()} for row in first.to_dicts()],
            "alerts": alerts.to_dicts()}


def _ranked(insights: pl.DataFrame, kind: str) -> list[dict[str, Any]]:
    """Insights of one kind, most important first: volume weighted by frustration (pain) or sentiment (motivation)."""
    rows = insights.filter(pl.col("insight_type") == kind)
    weight = (1 + pl.col("frustration_rate").fill_null(0)) if kind == "pain_point" else (1 + pl.col("sentiment_mean").fill_null(0))
    rows = rows.with_columns(rank_score=pl.col("volume") * weight).sort(["rank_score", "topic_id"], descending=[True, False])
    return [{k: (_round(v) if isinstance(v, float) else v) for k, v in row.items()} for row in rows.select(_INSIGHT_FIELDS).to_dicts()]


def _survey_scores(units: pl.DataFrame) -> dict[str, Any]:
    """NPS (-100..100) and CSAT (mean, share 4-5) of the distinct respondents whose units are in the stage."""
    items = units.filter(pl.col("score").is_not_null()).unique("feedback_id")
    nps = items.filter(pl.col("score_type") == "nps")["score"]
    csat = items.filter(pl.col("score_type") == "csat")["score"]
    return {
        "nps": {"respondents": nps.len(),
                "score": _round(100 * ((nps >= 9).mean() - (nps <= 6).mean())) if nps.len() else None},
        "csat": {"respondents": csat.len(), "mean": _round(csat.mean()),
                 "satisfied_share": _round((csat >= 4).mean()) if csat.len() else None},
    }


def _touchpoints(units: pl.DataFrame, stage_touchpoints: list[str], journey_map: JourneyMap) -> dict[str, list]:
    """Channels heard in the stage: on_map when a touchpoint of this stage lists them, else off_map."""
    channel_touchpoint = {c: t for t in journey_map.touchpoints if t.id in stage_touchpoints for c in t.channels}
    counts = units.group_by("channel").agg(pl.len().alias("units")).sort(["units", "channel"], descending=[True, False])
    on_map, off_map = [], []
    for channel, count in counts.iter_rows():
        touchpoint = channel_touchpoint.get(channel)
        if touchpoint is not None:
            on_map.append({"touchpoint": touchpoint.id, "name": touchpoint.name, "channel": channel, "units": count})
        else:
            off_map.append({"channel": channel, "units": count})
    return {"on_map": on_map, "off_map": off_map}


def _round(value: Any) -> Any:
    return round(float(value), 4) if value is not None else None

"""report.html: the researchers' report of one run, a single self-contained page.

The page works offline: its styles, script and data are inline, and its Content-Security-Policy forbids
any fetch. Customer text and map text reach the page escaped: `html.escape` in the HTML, and a JSON block
whose `<`, `>` and `&` are written as \\u escapes, which the page's script only ever sets as textContent.
Weekly volume is drawn as inline SVG by a few lines of script rather than with a charting library, which
keeps the report some tens of kilobytes instead of megabytes.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from string import Template
from typing import Any

import polars as pl

from voc.export.report_data import (
    MIN_CHANGE_UNITS,
    SIZE_CHANGE,
    PreviousRun,
    RunTables,
    changes,
    quarantine_summary,
    read_previous,
    read_run,
    sentiment_colour,
    stage_names,
    topic_records,
    trend_weeks,
)
from voc.schema import UNASSIGNED

__all__ = ["REPORT", "render_report", "script_json", "write_report"]

REPORT = "report.html"
TEMPLATES = Path(__file__).with_name("templates")
TOP_INSIGHTS = 3  # pain points and motivations shown per stage card
PANEL_ROWS = 12  # topics listed per "what changed" panel

logger = logging.getLogger(__name__)


def write_report(folder: Path, previous: Path | None = None) -> Path:
    """Render <folder>/report.html from the tables in `folder` (a run folder); `previous` is the previous
    run's folder (or None) for 'what changed'. Atomic write (temp file then os.replace). Returns the path."""
    html = render_report(read_run(folder), read_previous(previous) if previous else None)
    target = folder / REPORT
    tmp = folder / f".{REPORT}.tmp"
    try:
        tmp.write_text(html, encoding="utf-8")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    logger.info("wrote %s (%d bytes)", target, target.stat().st_size)
    return target


def render_report(run: RunTables, previous: PreviousRun | None) -> str:
    """The whole page as a string."""
    weeks, topics = topic_records(run, previous)
    names = stage_names(run.journey)
    used = {t["stage"] for t in topics}
    data = {"weeks": weeks, "topics": topics, "previous": previous.run_id if previous else None}
    page = Template((TEMPLATES / REPORT).read_text(encoding="utf-8"))
    return page.substitute(
        title=escape(f"{_map_name(run)} · voice of customer · {run.run_id}"),
        masthead=_masthead(run),
        journey=_journey(run.journey),
        changes=_changes(run, previous),
        stage_options=_options([(s, name) for s, name in names.items() if s != UNASSIGNED or s in used]),
        source_options=_options([(s, s) for s in run.units["source"].unique().sort().to_list()]),
        quarantine=_quarantine(run.quarantine),
        table_class="" if previous else " first-run",
        trend_rule=_trend_rule(trend_weeks(len(weeks))),
        footer=_footer(run.manifest),
        data=script_json(data),
    )


def script_json(payload: Any) -> str:
    """JSON that is safe inside a <script> element: no `<`, `>` or `&` survives, so no text can close it."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _map_name(run: RunTables) -> str:
    return str(run.journey.get("name") or run.manifest.get("journey_map") or "Journey")


def _masthead(run: RunTables) -> str:
    manifest, counts = run.manifest, run.manifest.get("counts", {})
    workspace = Path(manifest.get("config", {}).get("path", "")).parent.name
    dated = run.units["created_at"].drop_nulls()
    meta = [f"Workspace {workspace}" if workspace else "", f"Run {run.run_id}", _when(manifest.get("started_at")),
            f"feedback from {dated.min():%d %b %Y} to {dated.max():%d %b %Y}" if dated.len() else ""]
    tiles = [("Items", _int(counts.get("feedback"))), ("Units", _int(counts.get("units", run.units.height))),
             ("Quarantined", _int(counts.get("quarantined", run.quarantine.height))),
             ("Topics", _int(counts.get("topics", run.topics.height)))]
    scoring = manifest.get("scoring", {})
    models = [f"{role} <code>{escape(str(scoring[role]))}</code>"
              for role in ("encoder", "sentiment", "frustration") if scoring.get(role)]
    return (
        '<header class="masthead"><div class="inner"><div class="eyebrow">Voice of customer · run report</div>'
        f"<h1>{escape(_map_name(run))}</h1><p class=\"meta\">{escape(' · '.join(m for m in meta if m))}</p>"
        + _figures("counts", tiles) + (f'<p class="models">Models: {" · ".join(models)}</p>' if models else "")
        + "</div></header>"
    )


def _figures(css: str, figures: list[tuple[str, str]]) -> str:
    """A list of named figures; the values are markup made here, never text from the data."""
    items = "".join(f'<div><dt>{name}</dt><dd class="num">{value}</dd></div>' for name, value in figures)
    return f'<dl class="{css}">{items}</dl>'


def _journey(journey: dict[str, Any]) -> str:
    cards = "".join(_stage_card(i, stage) for i, stage in enumerate(journey.get("stages", []), start=1))
    notes = []
    if journey.get("unassigned_units"):
        notes.append(f"{_int(journey['unassigned_units'])} units could not be placed on a stage with confidence.")
    off_map = journey.get("off_map_channels") or []
    if off_map:
        channels = ", ".join(f"{escape(c['channel'])} ({_int(c['units'])})" for c in off_map)
        notes.append(f"Channels customers used that no touchpoint of the map lists: {channels}.")
    return f'<ol class="stages">{cards}</ol>' + "".join(f'<p class="note">{n}</p>' for n in notes)


def _stage_card(step: int, stage: dict[str, Any]) -> str:
    seen = stage.get("observed", {})
    nps, csat = seen.get("nps") or {}, seen.get("csat") or {}
    metrics = [
        ("Units", f"{_int(seen.get('units'))} <small>{_pct(seen.get('share'))}</small>"),
        ("Sentiment", _signed(seen.get("sentiment_mean"), 2)),
        ("Frustrated", _pct(seen.get("frustration_rate"))),
    ]
    if nps.get("score") is not None:
        metrics.append(("NPS", f"{_signed(nps['score'], 0)} <small>n={_int(nps['respondents'])}</small>"))
    if csat.get("mean") is not None:
        metrics.append(("CSAT", f"{csat['mean']:.2f} <small>n={_int(csat['respondents'])}</small>"))
    roles = [("Owners", stage.get("owners") or []), ("KPIs", [k["name"] for k in stage.get("kpis") or []])]
    return (
        f'<li class="stage" style="--tone: {sentiment_colour(seen.get("sentiment_mean"))}">'
        f'<div class="stage-head"><span class="step">{step}</span><h3>{escape(stage["name"])}</h3></div>'
        + _figures("metrics", metrics)
        + _insight_list("Pain points", "pain", seen.get("pain_points") or [])
        + _insight_list("Motivations", "motivation", seen.get("motivations") or [])
        + '<dl class="roles">' + "".join(f"<dt>{k}</dt> <dd>{escape(', '.join(v))}</dd>" for k, v in roles if v) + "</dl></li>"
    )


def _insight_list(heading: str, css: str, insights: list[dict[str, Any]]) -> str:
    items = "".join(f"<li><span>{escape(i['title'])}</span><span>{_int(i['volume'])}</span></li>"
                    for i in insights[:TOP_INSIGHTS])
    listed = f'<ol class="insights">{items}</ol>' if items else '<p class="none">None found</p>'
    return f'<div class="block"><h4 class="{css}">{heading}</h4>{listed}</div>'


def _changes(run: RunTables, previous: PreviousRun | None) -> str:
    if previous is None:
        return ('<p class="callout">This is the first run: there is no previous run to compare with. '
                "From the next run on, this section lists new, growing, fading, retired and merged topics.</p>")
    found = changes(run, previous)
    rule = (f"A topic is growing or fading when its size rose or fell by at least {SIZE_CHANGE:.0%} "
            f"and by at least {MIN_CHANGE_UNITS} units.")
    panels = [
        _panel("new", "New topics", [(t, _event(t["event"], t["related"], f"{_int(t['size'])} units")) for t in found["new"]]),
        _panel("growing", "Growing", [(t, _size_change(t)) for t in found["growing"]]),
        _panel("fading", "Fading", [(t, _size_change(t)) for t in found["fading"]]),
        _panel("gone", "Retired or merged", [(t, _event(t["event"], t["related"], "")) for t in found["gone"]]),
    ]
    return (f'<p class="lede">Compared with run {escape(previous.run_id)}. {escape(rule)}</p>'
            f'<div class="panels">{"".join(panels)}</div>')


def _panel(key: str, title: str, rows: list[tuple[dict[str, Any], str]]) -> str:
    """A list of topics with one figure each; past PANEL_ROWS the rest is counted, not listed."""
    items = "".join(f'<li><span>{escape(t["label"])} <small>#{t["topic_id"]}</small></span><span>{escape(value)}</span></li>'
                    for t, value in rows[:PANEL_ROWS])
    more = f'<p class="note">and {len(rows) - PANEL_ROWS} more</p>' if len(rows) > PANEL_ROWS else ""
    listed = f"<ul>{items}</ul>{more}" if rows else '<p class="none">None</p>'
    return f'<div class="panel" id="changes-{key}"><h3>{title} <small>({len(rows)})</small></h3>{listed}</div>'


def _size_change(topic: dict[str, Any]) -> str:
    return f"{_int(topic['before'])} → {_int(topic['after'])} ({_signed(100 * topic['relative'], 0)}%)"


def _event(event: str, related: int | None, figure: str) -> str:
    """'split from #3 · 40 units'; a topic born in this run shows only its figure."""
    words = {"born": "", "returned": "returned", "split_from": "split from", "retired": "retired", "merged_into": "merged into"}
    said = words[event] + (f" #{related}" if related is not None else "")
    return " · ".join(part for part in (said, figure) if part)


def _quarantine(quarantine: pl.DataFrame) -> str:
    if quarantine.is_empty():
        return '<p class="callout">Nothing was quarantined: every input item was used.</p>'
    rows = "".join(
        f"<tr><td>{escape(r['source'])}</td><td><code>{escape(r['reason'])}</code></td><td class=\"r\">{_int(r['items'])}</td>"
        f"<td class=\"muted\">{escape(r['meaning'] or '')}</td></tr>"
        for r in quarantine_summary(quarantine).iter_rows(named=True)
    )
    return (f'<p class="lede">{_int(quarantine.height)} input items could not be used and are not in any figure above. '
            "Each is listed with its file and line in quarantine.parquet.</p>"
            '<table id="quarantine-table"><thead><tr><th>Source</th><th>Reason</th><th class="r">Items</th><th>Meaning</th></tr>'
            f"</thead><tbody>{rows}</tbody></table>")


def _trend_rule(window: int) -> str:
    if window == 0:
        return "Trend needs at least two weeks of dated feedback."
    return f"Trend compares the last {window} weeks with the {window} before (hover it for the counts)."


def _footer(manifest: dict[str, Any]) -> str:
    versions = manifest.get("versions", {})
    seeds = manifest.get("seeds", {})
    parts = [f"{escape(name)} {escape(str(version))}" for name, version in versions.items()]
    parts += [f"seed {escape(name)}={escape(str(seed))}" for name, seed in seeds.items()]
    return "Made by voc from this run's tables. " + " · ".join(parts)


def _options(pairs: list[tuple[str, str]]) -> str:
    return "".join(f'<option value="{escape(value)}">{escape(text)}</option>' for value, text in pairs)


def _when(stamp: str | None) -> str:
    return f"{datetime.fromisoformat(stamp).astimezone(UTC):%d %b %Y, %H:%M} UTC" if stamp else ""


def _int(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else "–"


def _pct(value: float | None) -> str:
    return f"{100 * value:.1f}%" if value is not None else "–"


def _signed(value: float | None, digits: int) -> str:
    if value is None:
        return "–"
    text = f"{abs(value):.{digits}f}"
    return text if float(text) == 0 else ("+" if value > 0 else "−") + text

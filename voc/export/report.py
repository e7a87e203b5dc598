"""report.html: the researchers' report of one run, a single self-contained page.

The page works offline: its styles, script and data are inline, and its Content-Security-Policy forbids
any fetch. Customer text and map text reach the page escaped: `html.escape` in the HTML, and a JSON block
whose `<`, `>` and `&` are written as \\u escapes, which the page's script only ever sets as textContent.
Weekly volume is drawn as inline SVG by a few lines of script rather than with a charting library, which
keeps the report some tens of kilobytes instead of megabytes; the observed flow between stages is inline SVG made here.

Languages: the masthead flags the run's languages whose sentiment and frustration scores were not measured (see
voc.export.report_data), the topic browser filters topics by language, and each topic lists its languages with their
shares and its keywords per language; quotes are shown in their own language.

What to fix first, the spikes, the observed flow, per-stage fragmentation and the stages the map lacks come from the
enriched map; a run folder made before voc computed them renders with a note in their place.
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
    fix_first,
    flow_links,
    language_summary,
    quarantine_summary,
    read_previous,
    read_run,
    sentiment_colour,
    stage_names,
    topic_records,
    trend_weeks,
)
from voc.export.flow_chart import flow_svg
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
    labels = dict(zip(run.topics["topic_id"].to_list(), run.topics["label"].to_list(), strict=True))
    languages = language_summary(run.units, run.manifest)
    data = {"weeks": weeks, "topics": topics, "previous": previous.run_id if previous else None,
            "languages": languages["languages"], "unmeasured": languages["unmeasured"]}
    page = Template((TEMPLATES / REPORT).read_text(encoding="utf-8"))
    return page.substitute(
        title=escape(f"{_map_name(run)} · voice of customer · {run.run_id}"),
        masthead=_masthead(run, languages),
        journey=_journey(run.journey, labels),
        fix_first=_fix_first(run.journey, names),
        alerts=_alerts(run.journey, names),
        flow=_flow(run.journey, names),
        candidates=_candidates(run.journey, names),
        changes=_changes(run, previous),
        stage_options=_options([(s, name) for s, name in names.items() if s != UNASSIGNED or s in used]),
        source_options=_options([(s, s) for s in run.units["source"].unique().sort().to_list()]),
        language_options=_options([(row["language"], f"{row['language']} ({_pct(row['share'])})")
                                   for row in languages["languages"]]),
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


def _masthead(run: RunTables, languages: dict[str, Any]) -> str:
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
        + _languages(languages) + "</div></header>"
    )


def _languages(summary: dict[str, Any]) -> str:
    """The run's languages with their shares, and a flag on those whose scores were not measured."""
    rows = summary["languages"]
    if not rows:
        return ""
    listed = " · ".join(f"{escape(r['language'])} {_pct(r['share'])}" for r in rows)
    line = f'<p class="languages" id="run-languages">Languages: {listed}</p>'
    if summary["measured"] is None:
        return line + ('<p class="flag" id="unmeasured-languages">Which languages the sentiment and frustration models '
                       "were measured in is not recorded for this run.</p>")
    unmeasured = [r for r in rows if r["measured"] is False]
    if not unmeasured:
        return line
    named = ", ".join(f"{escape(r['language'])} ({_int(r['units'])} unit{'' if r['units'] == 1 else 's'})" for r in unmeasured)
    return line + (f'<p class="flag" id="unmeasured-languages"><strong>Sentiment and frustration not measured for: '
                   f"{named}.</strong> Their scores come from models whose quality was measured in "
                   f"{escape(', '.join(summary['measured'])) or 'no language'} only.</p>")


def _figures(css: str, figures: list[tuple[str, str]]) -> str:
    """A list of named figures; the values are markup made here, never text from the data."""
    items = "".join(f'<div><dt>{name}</dt><dd class="num">{value}</dd></div>' for name, value in figures)
    return f'<dl class="{css}">{items}</dl>'


def _journey(journey: dict[str, Any], labels: dict[int, str]) -> str:
    cards = "".join(_stage_card(i, stage) for i, stage in enumerate(journey.get("stages", []), start=1))
    notes = []
    if journey.get("unassigned_units"):
        notes.append(f"{_int(journey['unassigned_units'])} units could not be placed on a stage with confidence.")
    off_map = journey.get("off_map_channels") or []
    if off_map:
        channels = ", ".join(f"{escape(c['channel'])} ({_int(c['units'])})" for c in off_map)
        notes.append(f"Channels customers used that no touchpoint of the map lists: {channels}.")
    return (f'<ol class="stages">{cards}</ol>' + "".join(f'<p class="note">{n}</p>' for n in notes)
            + _fragmentation(journey.get("stages", []), labels))


def _fragmentation(stages: list[dict[str, Any]], labels: dict[int, str]) -> str:
    """Per stage: customers whose contacts about one problem spread over two or more channels."""
    rows = []
    for stage in stages:
        seen = stage.get("observed", {}).get("fragmentation")
        if not seen:
            continue
        top = seen.get("top_fragmented_topic")
        topic = f"{escape(labels.get(top, f'Topic {top}'))} <small>#{top}</small>" if top is not None else "–"
        bar = f'<span class="meter"><span style="width: {100 * (seen.get("fragmentation_index") or 0):.1f}%"></span></span>'
        rows.append(f"<tr><td>{escape(stage['name'])}</td><td class=\"r\">{_int(seen.get('customers'))}</td>"
                    f"<td class=\"r\">{_int(seen.get('fragmented_customers'))}</td>"
                    f"<td class=\"r\">{_pct(seen.get('fragmentation_index'))} {bar}</td><td>{topic}</td></tr>")
    if not rows:
        return ""
    return ('<h3 class="sub">Fragmented journeys</h3><p class="lede">Customers of a stage who raised one problem through two '
            "or more channels in a short time: each channel saw a piece of it, none the whole.</p>"
            '<table id="fragmentation-table" class="compact"><thead><tr><th>Stage</th><th class="r">Customers</th>'
            '<th class="r">Fragmented customers</th><th class="r">Fragmentation index</th><th>Topic most fragmented</th>'
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")


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
    split = seen.get("fragmentation") or {}
    if split.get("fragmentation_index") is not None:
        metrics.append(("Fragmented", f"{_pct(split['fragmentation_index'])} <small>{_int(split.get('fragmented_customers'))}"
                                      f" of {_int(split.get('customers'))}</small>"))
    roles = [("Owners", stage.get("owners") or []), ("KPIs", [k["name"] for k in stage.get("kpis") or []])]
    return (
        f'<li class="stage" style="--tone: {sentiment_colour(seen.get("sentiment_mean"))}">'
        f'<div class="stage-head"><span class="step">{step}</span><h3>{escape(stage["name"])}</h3></div>'
        + _figures("metrics", metrics)
        + _insight_list("Pain points", "pain", seen.get("pain_points") or [])
        + _insight_list("Motivations", "motivation", seen.get("motivations") or [])
        + '<dl class="roles">' + "".join(f"<dt>{k}</dt> <dd>{escape(', '.join(v))}</dd>" for k, v in roles if v) + "</dl></li>"
    )


def _absent(what: str) -> str:
    return f'<p class="callout">{what} is not in this run: its folder was made before voc computed it.</p>'


def _fix_first(journey: dict[str, Any], names: dict[str, str]) -> str:
    if "fix_first" not in journey:
        return _absent("The ranking of pain points")
    rows = "".join(
        f'<tr><td class="r">{_int(r.get("priority"))}</td><td>{escape(names.get(r["stage_id"], r["stage_id"]))}</td>'
        f'<td><strong>{escape(r["title"])}</strong></td><td class="r">{_int(r.get("volume"))}</td>'
        f'<td class="r impact">{_impact(r)}</td><td class="r">{_pct(r.get("frustration_rate"))}</td>'
        f'<td class="r">{_pct(r.get("fragmented_share"))}</td><td>{escape(", ".join(r.get("owners") or []))}</td>'
        f'<td>{escape(", ".join(r.get("kpis") or []))}</td></tr>'
        for r in fix_first(journey))
    if not rows:
        return '<p class="callout">No pain point was found on any stage of the map.</p>'
    return ('<p class="lede">Pain points across the whole map, ranked by opportunity: how many customers raise it, how '
            "far it moves the stage's survey score and how frustrated they are. Impact is the stage's score minus its "
            "score without the respondents who raised the topic, with its bootstrap interval; the owners and KPIs are the "
            "stage's, from the map.</p>"
            '<table id="fix-first-table"><thead><tr><th class="r">#</th><th>Stage</th><th>Pain point</th>'
            '<th class="r">Volume</th><th class="r">Impact [interval]</th><th class="r">Frustrated</th>'
            '<th class="r">Fragmented</th><th>Owners</th><th>KPIs it moves</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def _impact(row: dict[str, Any]) -> str:
    """'−22 NPS pts [−31, −15]' or '−0.32 CSAT [−0.41, −0.22]'; too few respondents when it was not measured."""
    metric, value = row.get("impact_metric"), row.get("impact")
    if metric not in ("nps", "csat") or value is None:
        return '<span class="muted">too few respondents</span>'
    digits, unit = (0, "NPS pts") if metric == "nps" else (2, "CSAT")
    interval = ""
    if row.get("impact_low") is not None and row.get("impact_high") is not None:
        interval = f' <small>[{_signed(row["impact_low"], digits)}, {_signed(row["impact_high"], digits)}]</small>'
    return f"{_signed(value, digits)} {unit}{interval}"


def _alerts(journey: dict[str, Any], names: dict[str, str]) -> str:
    if "alerts" not in journey:
        return _absent("Spike detection")
    alerts = journey.get("alerts") or []
    if not alerts:
        return '<p class="callout">No spikes: no topic\'s volume or sentiment in the latest period was far from its baseline.</p>'
    rows = "".join(
        f'<tr><td><strong>{escape(a["label"])}</strong> <small>#{a["topic_id"]}</small></td>'
        f'<td>{escape(names.get(a.get("stage_id") or "", a.get("stage_id") or "–"))}</td><td>{escape(a["metric"])}</td>'
        f'<td class="r">{_observed(a)}</td><td class="r">{_change(a)}</td><td class="r">{a["z"]:.1f}</td>'
        f'<td class="muted">{escape(a.get("note") or "")}</td></tr>'
        for a in sorted(alerts, key=lambda a: -abs(a["z"])))
    return (f'<p class="lede">Topics whose volume or sentiment in the latest period{_period(alerts[0])} was far from their '
            "rolling baseline, largest z first. A renamed, merged or split topic is compared with its own history.</p>"
            '<table id="alerts-table"><thead><tr><th>Topic</th><th>Stage</th><th>Metric</th>'
            '<th class="r">Observed vs baseline</th><th class="r">Change</th><th class="r">z</th><th>Note</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def _observed(alert: dict[str, Any]) -> str:
    if alert["metric"] == "volume":
        return f"{alert['observed']:,.0f} vs {alert['baseline']:,.1f} units"
    return f"{_signed(alert['observed'], 2)} vs {_signed(alert['baseline'], 2)}"


def _change(alert: dict[str, Any]) -> str:
    if alert["change"] is None:
        return "new"
    return f"{_signed(100 * alert['change'], 0)}%" if alert["metric"] == "volume" else _signed(alert["change"], 2)


def _period(alert: dict[str, Any]) -> str:
    try:
        start, end = (datetime.fromisoformat(str(alert[k])) for k in ("period_start", "period_end"))
    except (KeyError, ValueError):
        return ""
    return f" ({start:%d %b} to {end:%d %b %Y})"


def _flow(journey: dict[str, Any], names: dict[str, str]) -> str:
    flow = journey.get("observed_flow")
    if not flow:
        return _absent("The observed flow between stages")
    links, repeats = flow_links(journey)
    share = flow.get("share") or {}
    figures = [("Customers", _int(flow.get("customers"))), ("With a move", _int(flow.get("customers_with_moves"))),
               ("Moves", _int(flow.get("moves")))]
    figures += [(move.capitalize(), _pct(share.get(move))) for move in ("forward", "skip", "backward", "repeat")]
    paths = "".join(f'<li><span>{escape(" → ".join(names.get(s, s) for s in p["stages"]))}'
                    f'{" only" if len(p["stages"]) == 1 else ""}</span><span>{_int(p["customers"])}</span></li>'
                    for p in flow.get("common_paths") or [])
    return ('<p class="lede">Consecutive contacts of one customer (linked across sources), each at the stage it was '
            "mostly about, against the map's designed order. Above the stages: moves ahead, to the next stage (forward) "
            "or further (skip); below: moves back. Line width is the number of moves; ↻ counts contacts about the same "
            "stage again. Hover a line for its count.</p>"
            + _figures("flow-figures", figures)
            + flow_svg([s["id"] for s in journey.get("stages", [])], names, links, repeats)
            + '<div class="legend flow-legend"><span class="key forward"></span>forward<span class="key skip"></span>skip'
            '<span class="key backward"></span>backward</div>'
            + (f'<h3 class="sub">Most common paths <small>(customers)</small></h3><ol class="paths">{paths}</ol>'
               if paths else ""))


def _candidates(journey: dict[str, Any], names: dict[str, str]) -> str:
    if "candidate_stages" not in journey:
        return _absent("The search for stages the map lacks")
    found = journey.get("candidate_stages") or []
    if not found:
        return '<p class="callout">None: every sizeable pain point and motivation sits on a stage of the map.</p>'
    panels = []
    for c in found:
        went = [f"{escape(names.get(s['stage_id'], s['stage_id']))} ({_int(s['units'])})" for s in c.get("stages") or []]
        went.append(f"unassigned ({_pct(c.get('unassigned_share'))})")
        quotes = "".join(f"<blockquote>{escape(q)}</blockquote>" for q in (c.get("quotes") or [])[:3])
        kind = c.get("kind") or "neutral"
        panels.append(
            f'<div class="panel candidate"><h3>{escape(c["label"])} <small>#{c["topic_id"]}</small></h3>'
            f'<p class="facts"><span class="badge {escape(kind)}">{escape(kind.replace("_", " "))}</span> '
            f'{_int(c.get("units"))} units</p><dl class="roles"><dt>Where its units went</dt> <dd>{" · ".join(went)}</dd>'
            f'<dt>Channels</dt> <dd>{escape(", ".join(c.get("channels") or [])) or "–"}</dd></dl>{quotes}</div>')
    return ('<p class="lede">Sizeable pain points and motivations that no stage of the map holds: most of their units '
            "could not be placed on a stage, or they spread over several. Each may be a step of the journey the map "
            f'does not draw.</p><div class="candidates">{"".join(panels)}</div>')


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

"""report.html from a tiny hand-built run folder: content, order, escaping, what changed since a previous run, and the
sections drawn from the enriched map (what to fix first, spikes, the observed flow, fragmentation, missing stages)."""

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from voc.errors import VocError
from voc.export.report import render_report, script_json, write_report
from voc.export.report_data import RunTables, changes, read_previous, read_run, topic_records, weekly_volume
from voc.schema import QUARANTINE, STAGE_INSIGHTS, TOPIC_LINEAGE, TOPICS, UNITS, Table

PLANTED = "<script>alert(1)</script><b>x</b>"
MONDAY = datetime(2026, 9, 7, 9, 30, tzinfo=UTC)
RUN, BEFORE = "20261001T020000Z", "20260930T020000Z"
DATA_BLOCK = re.compile(r'<script type="application/json" id="report-data">(.*?)</script>', re.S)


def frame(table: Table, **columns) -> pl.DataFrame:
    """A conformed table from per-row lists; a scalar fills its column, a missing column is null."""
    rows = max(len(v) for v in columns.values() if isinstance(v, list))
    data = {name: columns.get(name) for name in table.columns}
    return table.conform(pl.DataFrame({k: v if isinstance(v, list) else [v] * rows for k, v in data.items()},
                                      schema=table.schema))


def units(rows: list[tuple[int, str, str, int, str]]) -> pl.DataFrame:
    """(topic_id, stage_id, source, days after MONDAY, text) per unit."""
    topic, stage, source, days, text = (list(c) for c in zip(*rows, strict=True))
    ids = [f"fb{i}" for i in range(len(rows))]
    return frame(UNITS, unit_id=[f"{i}-00-000" for i in ids], feedback_id=ids, native_id=ids, source=source, kind="survey",
                 channel="web", created_at=[MONDAY + timedelta(days=d) for d in days], language="en", message_index=0,
                 unit_index=0, text=text, capped=False, sentiment=-0.4, sentiment_label="negative", frustration=0.7,
                 topic_id=topic, stage_id=stage, stage_confidence=0.9)


def topics(rows: list[tuple[int, str, int, str]], events: dict[int, str] | None = None,
           split_from: dict[int, int] | None = None) -> pl.DataFrame:
    """(topic_id, label, size, kind) per topic; every topic continued unless `events` says otherwise."""
    ids, labels, sizes, kinds = (list(c) for c in zip(*rows, strict=True))
    events, split_from = events or {}, split_from or {}
    return frame(TOPICS, topic_id=ids, label=labels, keywords=[[f"word{i}", "other"] for i in ids], size=sizes,
                 share=[s / sum(sizes) for s in sizes], kind=kinds, sentiment_mean=-0.4, frustration_rate=0.5,
                 quotes=[[f"quote {i} a", f"quote {i} b", f"quote {i} c", f"quote {i} d"] for i in ids], stage_id="alpha",
                 first_seen_run=BEFORE, lineage_event=[events.get(i, "continued") for i in ids],
                 lineage_topic_id=[split_from.get(i) for i in ids])


def stage(stage_id: str, name: str, pains: list[tuple[str, int]], fragmented: int = 0) -> dict:
    return {"id": stage_id, "name": name, "description": "d", "owners": ["Sales <team>"],
            "kpis": [{"id": "k", "name": "Conversion"}],
            "observed": {"units": 10, "share": 0.5, "sentiment_mean": -0.3, "frustration_rate": 0.2,
                         "nps": {"respondents": 4, "score": -25.0}, "csat": {"respondents": 0, "mean": None},
                         "pain_points": [{"topic_id": 1, "title": t, "volume": v} for t, v in pains], "motivations": [],
                         "fragmentation": {"customers": 20, "fragmented_customers": fragmented, "fragmentation_index":
                                           fragmented / 20, "top_fragmented_topic": 1 if fragmented else None}}}


def fix(priority: int, stage_id: str, title: str, impact: float | None, metric: str = "nps") -> dict:
    low, high = (None, None) if impact is None else (impact - 6, impact + 5)
    return {"priority": priority, "stage_id": stage_id, "topic_id": priority, "title": title, "volume": 10 * priority,
            "impact_metric": metric, "impact": impact, "impact_low": low, "impact_high": high, "frustration_rate": 0.3,
            "fragmented_share": 0.1, "opportunity": 1 / priority, "owners": ["Care <desk>"], "kpis": ["First contact fix"]}


FLOW = {"designed_order": ["zeta", "alpha", "mid"], "customers": 9, "customers_with_moves": 6, "moves": 12,
        "share": {"forward": 0.25, "skip": 0.25, "backward": 0.25, "repeat": 0.25},
        "common_paths": [{"stages": ["zeta", "alpha"], "customers": 4}, {"stages": ["mid"], "customers": 2}],
        "links": [{"source": "zeta", "target": "alpha", "value": 3, "move": "forward"},
                  {"source": "zeta", "target": "mid", "value": 3, "move": "skip"},
                  {"source": "mid", "target": "zeta", "value": 3, "move": "backward"},
                  {"source": "alpha", "target": "alpha", "value": 3, "move": "repeat"}]}
ALERT = {"topic_id": 1, "label": PLANTED, "stage_id": "alpha", "metric": "volume", "period_start": "2026-09-21 00:00:00+00:00",
         "period_end": "2026-09-28 00:00:00+00:00", "observed": 12.0, "baseline": 3.0, "change": 3.0, "z": 4.5,
         "p_value": 0.001, "note": "merged topic 9 into it this run"}
CANDIDATE = {"topic_id": 2, "label": "Moving <house>", "kind": "pain_point", "units": 12, "unassigned_share": 0.5,
             "stages": [{"stage_id": "alpha", "units": 4}, {"stage_id": "mid", "units": 2}], "channels": ["web_chat"],
             "quotes": [PLANTED, "we moved"]}
NEW_KEYS = ("observed_flow", "candidate_stages", "fix_first", "alerts")


def write_run(folder: Path, unit_frame: pl.DataFrame, topic_frame: pl.DataFrame, lineage: pl.DataFrame | None = None,
              run_id: str = RUN, insights: pl.DataFrame | None = None) -> Path:
    folder.mkdir(parents=True)
    unit_frame.write_parquet(folder / "units.parquet")
    topic_frame.write_parquet(folder / "topics.parquet")
    (STAGE_INSIGHTS.empty() if insights is None else insights).write_parquet(folder / "stage_insights.parquet")
    (TOPIC_LINEAGE.empty() if lineage is None else lineage).write_parquet(folder / "topic_lineage.parquet")
    frame(QUARANTINE, source=["nps", "nps", "calls"], locator=["a.csv:2", "a.csv:3", "calls.csv:9"],
          reason=["bad_score", "bad_score", "missing_file"], detail="x").write_parquet(folder / "quarantine.parquet")
    journey = {"name": "Brightline <home>", "run_id": run_id, "unassigned_units": 1, "off_map_channels": [],
               "stages": [stage("zeta", "Look around", [("Price & website", 7)]),
                          stage("alpha", "Buy it", [(PLANTED, 3)], fragmented=3), stage("mid", "Use <i>it</i>", [])],
               "observed_flow": FLOW, "candidate_stages": [CANDIDATE], "alerts": [ALERT],
               "fix_first": [fix(3, "mid", "Too few said", None), fix(1, "alpha", "Slow checkout", -25.0),
                             fix(2, "zeta", "Confusing plans", -0.4, "csat")]}
    (folder / "journey_map.enriched.json").write_text(json.dumps(journey), encoding="utf-8")
    manifest = {"run_id": run_id, "started_at": "2026-10-01T02:00:00+00:00", "config": {"path": "/w/acme/voc.yaml"},
                "counts": {"feedback": 5, "units": unit_frame.height, "quarantined": 3, "topics": topic_frame.height},
                "scoring": {"encoder": "enc@1", "sentiment": "affect@2", "frustration": "affect@2"},
                "versions": {"voc": "0.1.0"}, "seeds": {"topics": 42}}
    (folder / "run.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


@pytest.fixture
def run_folder(tmp_path):
    unit_frame = units([(1, "alpha", "nps", 0, PLANTED), (1, "alpha", "nps", 1, "too dear"), (1, "zeta", "calls", 15, "pricey"),
                        (2, "zeta", "calls", 15, "nice staff"), (-1, "unassigned", "nps", 3, "hm")])
    topic_frame = topics([(1, PLANTED, 3, "pain_point"), (2, "Staff & kind", 1, "motivation")])
    topic_frame = topic_frame.with_columns(quotes=pl.Series([[PLANTED, "too dear"], ["nice staff"]]))
    insights = frame(STAGE_INSIGHTS, stage_id=["zeta"], topic_id=[2], insight_type="motivation", title="Staff & kind",
                     volume=1, share=1.0, quotes=[["nice staff"]], owners=[[]], kpis=[[]], touchpoints=[[]])
    return write_run(tmp_path / RUN, unit_frame, topic_frame, insights=insights)


def data_block(html: str) -> str:
    return DATA_BLOCK.search(html).group(1)


def test_write_report_writes_report_html_atomically(run_folder):
    path = write_report(run_folder)
    assert path == run_folder / "report.html"
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in run_folder.iterdir() if p.name.startswith(".")] == []


def test_a_missing_table_is_named_and_the_old_report_is_kept(run_folder):
    (run_folder / "report.html").write_text("old", encoding="utf-8")
    (run_folder / "topics.parquet").unlink()
    with pytest.raises(VocError, match="topics.parquet"):
        write_report(run_folder)
    assert (run_folder / "report.html").read_text(encoding="utf-8") == "old"


def test_stages_appear_in_map_order_with_their_figures(run_folder):
    html = section(write_report(run_folder).read_text(encoding="utf-8"), "journey")
    positions = [html.index(name) for name in ("Look around", "Buy it", "Use &lt;i&gt;it&lt;/i&gt;")]
    assert positions == sorted(positions)
    assert "Price &amp; website" in html and "NPS" in html and "Sales &lt;team&gt;" in html
    assert "1 units could not be placed" in html


def test_header_names_the_map_run_counts_and_models(run_folder):
    html = write_report(run_folder).read_text(encoding="utf-8")
    assert "<h1>Brightline &lt;home&gt;</h1>" in html
    assert "Workspace acme" in html and f"Run {RUN}" in html and "01 Oct 2026, 02:00 UTC" in html
    assert "enc@1" in html and "affect@2" in html


def test_customer_text_is_escaped_in_html_and_script_data(run_folder):
    html = write_report(run_folder).read_text(encoding="utf-8")
    assert html.count("<script") == 2  # the data block and the page's own script, nothing planted
    assert "<b>x</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;" in html  # the stage card's pain point title
    block = data_block(html)
    assert "</" not in block and "<" not in block
    topic = next(t for t in json.loads(block)["topics"] if t["id"] == 1)
    assert topic["label"] == PLANTED and topic["quotes"][0] == PLANTED


def test_script_json_cannot_close_its_script_element():
    text = script_json({"q": "</script><!-- & -->"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"q": "</script><!-- & -->"}


def test_page_is_self_contained(run_folder):
    html = write_report(run_folder).read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "default-src 'none'" in html


def test_topic_records_aggregate_units_per_source_and_week(run_folder):
    run = read_run(run_folder)
    weeks, records = topic_records(run, None)
    assert weeks == ["2026-09-07", "2026-09-14", "2026-09-21"]
    first = records[0]
    assert (first["id"], first["weekly"], first["stage_name"]) == (1, [2, 0, 1], "Buy it")
    assert first["sources"] == [{"source": "nps", "units": 2}, {"source": "calls", "units": 1}]
    assert len(first["quotes"]) <= 3 and first["change"] is None
    assert [r["stages"] for r in records] == [["alpha"], ["alpha", "zeta"]]  # main stage, then where it is an insight


def test_trend_compares_the_last_four_weeks_with_the_four_before():
    one_then_three = [1] * 4 + [3] * 4
    frame_ = units([(1, "a", "s", 7 * week, "t") for week, count in enumerate(one_then_three) for _ in range(count)])
    weeks, weekly = weekly_volume(frame_)
    assert len(weeks) == 8 and weekly["weekly"].to_list() == [[1, 1, 1, 1, 3, 3, 3, 3]]
    tables = RunTables(units=frame_, topics=topics([(1, "t", 16, "neutral")]), insights=STAGE_INSIGHTS.empty(),
                       lineage=TOPIC_LINEAGE.empty(), quarantine=QUARANTINE.empty(), journey={}, manifest={})
    record = topic_records(tables, None)[1][0]
    assert (record["earlier"], record["recent"], record["trend"]) == (4, 12, 2.0)
    assert "last 4 weeks with the 4 before" in render_report(tables, None)


def test_first_run_says_so(run_folder):
    html = write_report(run_folder, previous=None).read_text(encoding="utf-8")
    assert "This is the first run" in html
    assert json.loads(data_block(html))["previous"] is None


@pytest.fixture
def two_runs(tmp_path):
    """Previous: topics 1-3, 6-8. Current: 1 doubled, 2 shrank, 3 and 6 moved too little, 4 born, 5 split from 1;
    this run retired 7 and merged 8 into 1."""
    before = topics([(1, "Grows", 20, "pain_point"), (2, "Fades", 30, "pain_point"), (3, "Steady", 20, "neutral"),
                     (6, "Small move", 10, "neutral"), (7, "Gone <b>away</b>", 12, "neutral"), (8, "Absorbed", 9, "neutral")])
    previous = write_run(tmp_path / BEFORE, units([(1, "alpha", "nps", 0, "x")]), before, run_id=BEFORE)
    now = topics([(1, "Grows", 40, "pain_point"), (2, "Fades", 10, "pain_point"), (3, "Steady", 22, "neutral"),
                   (6, "Small move", 14, "neutral"), (4, "Brand new", 11, "pain_point"), (5, "Offshoot", 6, "neutral")],
                  events={4: "born", 5: "split_from"}, split_from={5: 1})
    lineage = frame(TOPIC_LINEAGE, run_id=[BEFORE, RUN, RUN], topic_id=[7, 7, 8], event=["born", "retired", "merged_into"],
                    related_topic_id=[None, None, 1])
    current = write_run(tmp_path / RUN, units([(1, "alpha", "nps", 0, "x")]), now, lineage)
    return current, previous


def test_changes_find_new_growing_fading_and_gone_topics(two_runs):
    current, previous = two_runs
    found = changes(read_run(current), read_previous(previous))
    assert [(t["topic_id"], t["event"], t["related"]) for t in found["new"]] == [(4, "born", None), (5, "split_from", 1)]
    assert [(t["topic_id"], t["before"], t["after"]) for t in found["growing"]] == [(1, 20, 40)]
    assert [(t["topic_id"], t["delta"]) for t in found["fading"]] == [(2, -20)]
    assert [(t["topic_id"], t["label"], t["event"], t["related"]) for t in found["gone"]] == [
        (7, "Gone <b>away</b>", "retired", None), (8, "Absorbed", "merged_into", 1)]


def test_a_night_that_kept_last_nights_topics_shows_no_new_topic(two_runs):
    current, _ = two_runs  # its topics still carry the lineage event of the run that fitted them
    found = changes(read_run(current), read_previous(current))
    assert found["new"] == [] and found["growing"] == [] and found["fading"] == []


def test_changes_are_rendered_against_the_previous_run(two_runs):
    current, previous = two_runs
    html = write_report(current, previous).read_text(encoding="utf-8")
    assert f"Compared with run {BEFORE}" in html and "This is the first run" not in html
    assert "rose or fell by at least 25% and by at least 10 units" in html
    panel = re.search(r'id="changes-growing">(.*?)</div>', html).group(1)
    assert "Grows" in panel and "20 → 40 (+100%)" in panel and "Steady" not in panel
    assert "split from #1" in html and "merged into #1" in html and "Gone &lt;b&gt;away&lt;/b&gt;" in html
    record = next(t for t in json.loads(data_block(html))["topics"] if t["id"] == 2)
    assert record["change"] == -20


def test_quarantine_is_summarised_per_source_and_reason(run_folder):
    html = write_report(run_folder).read_text(encoding="utf-8")
    table = re.search(r'<table id="quarantine-table">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r"<tr><td>(.*?)</td><td><code>(.*?)</code></td><td class=\"r\">(\d+)</td>", table)
    assert rows == [("nps", "bad_score", "2"), ("calls", "missing_file", "1")]
    assert "3 input items could not be used" in html


def test_render_report_needs_no_file(run_folder):
    assert render_report(read_run(run_folder), None) == write_report(run_folder).read_text(encoding="utf-8")


def journey_of(folder: Path) -> dict:
    return json.loads((folder / "journey_map.enriched.json").read_text(encoding="utf-8"))


def rewrite_journey(folder: Path, **changes_) -> None:
    journey = {k: v for k, v in journey_of(folder).items() if k not in changes_ or changes_[k] is not None}
    journey |= {k: v for k, v in changes_.items() if v is not None}
    (folder / "journey_map.enriched.json").write_text(json.dumps(journey), encoding="utf-8")


def section(html: str, section_id: str) -> str:
    return re.search(rf'<section id="{section_id}">(.*?)</section>', html, re.S).group(1)


def test_new_sections_are_in_the_nav_and_on_the_page(run_folder):
    html = write_report(run_folder).read_text(encoding="utf-8")
    for section_id, heading in [("fix-first", "What to fix first"), ("spikes", "Spikes this period"),
                                ("flow", "The journey customers actually take"), ("missing-stages", "Stages the map lacks")]:
        assert f'href="#{section_id}"' in html
        assert f"<h2>{heading}</h2>" in section(html, section_id)


def test_fix_first_is_ranked_by_priority_with_impact_owners_and_kpis(run_folder):
    html = write_report(run_folder).read_text(encoding="utf-8")
    table = re.search(r'<table id="fix-first-table">(.*?)</table>', html, re.S).group(1)
    ranks = re.findall(r'<tr><td class="r">(\d+)</td><td>(.*?)</td><td><strong>(.*?)</strong>', table)
    assert ranks == [("1", "Buy it", "Slow checkout"), ("2", "Look around", "Confusing plans"),
                     ("3", "Use &lt;i&gt;it&lt;/i&gt;", "Too few said")]
    assert "−25 NPS pts <small>[−31, −20]</small>" in table and "−0.40 CSAT <small>[−6.40, +4.60]</small>" in table
    assert "too few respondents" in table and "Care &lt;desk&gt;" in table and "First contact fix" in table


def test_spikes_show_the_alert_escaped_or_say_there_are_none(run_folder):
    html = write_report(run_folder).read_text(encoding="utf-8")
    spikes = section(html, "spikes")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;" in spikes and "<b>" not in spikes
    assert "12 vs 3.0 units" in spikes and "+300%" in spikes and "4.5" in spikes and "merged topic 9" in spikes
    assert "21 Sep to 28 Sep 2026" in spikes and "No spikes" not in spikes
    rewrite_journey(run_folder, alerts=[])
    assert "No spikes" in section(write_report(run_folder).read_text(encoding="utf-8"), "spikes")


def test_flow_draws_one_path_per_move_between_two_stages(run_folder):
    html = write_report(run_folder).read_text(encoding="utf-8")
    chart = re.search(r'<svg class="flow".*?</svg>', html, re.S).group(0)
    paths = re.findall(r'<path class="link (\w+)" d="M([\d.]+) ([\d.]+) ', chart)
    assert sorted(move for move, _, _ in paths) == ["backward", "forward", "skip"]  # the repeat is not a line …
    assert "↻ 3 again" in chart  # … but a count on its stage
    above = {move: float(y) for move, _, y in paths}
    assert above["forward"] == above["skip"] < above["backward"]  # moves ahead above the boxes, moves back below
    names = re.findall(r"<tspan[^>]*>(.*?)</tspan>", chart)
    assert names == ["Look around", "Buy it", "Use &lt;i&gt;it&lt;/i&gt;"]  # map order, escaped
    flow = section(html, "flow")
    assert "Look around → Buy it" in flow and "Use &lt;i&gt;it&lt;/i&gt; only" in flow and "25.0%" in flow


def test_stage_cards_and_table_show_fragmentation(run_folder):
    html = write_report(run_folder).read_text(encoding="utf-8")
    assert "<dt>Fragmented</dt>" in html and "15.0% <small>3 of 20</small>" in html
    table = re.search(r'<table id="fragmentation-table".*?</table>', html, re.S).group(0)
    assert table.count("<tr>") == 4 and "&lt;script&gt;alert(1)" in table  # header + 3 stages; topic 1's label, escaped


def test_candidate_stages_show_where_their_units_went_and_escaped_quotes(run_folder):
    html = write_report(run_folder).read_text(encoding="utf-8")
    missing = section(html, "missing-stages")
    assert "Moving &lt;house&gt;" in missing and "Buy it (4)" in missing and "unassigned (50.0%)" in missing
    assert "<blockquote>&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;</blockquote>" in missing
    assert "web_chat" in missing


def test_a_run_folder_from_before_these_sections_still_renders(run_folder):
    journey = journey_of(run_folder)
    for stage_ in journey["stages"]:
        del stage_["observed"]["fragmentation"]
    for key in NEW_KEYS:
        del journey[key]
    (run_folder / "journey_map.enriched.json").write_text(json.dumps(journey), encoding="utf-8")
    html = write_report(run_folder).read_text(encoding="utf-8")
    assert html.count("is not in this run") == 4
    assert "<svg" not in html and "fragmentation-table" not in html and "<dt>Fragmented</dt>" not in html

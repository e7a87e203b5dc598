"""The report across languages: the run's languages and the flag on those whose scores were not measured, the
language filter's values, languages and keywords per language of each topic, and Italian text with planted markup."""

import json
import re

import polars as pl
from test_report import PLANTED, data_block, frame, topics, units, write_run

from voc.export.report import render_report, write_report
from voc.export.report_data import language_summary, measured_languages, read_run, topic_records
from voc.schema import UNITS

ITALIAN = f"La consegna {PLANTED} è in ritardo"
OPTION = re.compile(r'<select id="filter-language">(.*?)</select>', re.S)


def with_languages(frame_: pl.DataFrame, languages: list[str]) -> pl.DataFrame:
    return UNITS.conform(frame_.with_columns(language=pl.Series(languages, dtype=pl.String)))


def mixed_units() -> pl.DataFrame:
    """Topic 1: three Italian units and two English; topic 2: two English and one German; one Italian outlier."""
    rows = [(1, "alpha", "nps", 0, ITALIAN), (1, "alpha", "nps", 1, "consegna lenta"), (1, "alpha", "nps", 2, "pacco perso"),
            (1, "alpha", "calls", 3, "late delivery"), (1, "alpha", "calls", 4, "parcel lost"),
            (2, "zeta", "calls", 5, "nice staff"), (2, "zeta", "nps", 6, "kind people"), (2, "zeta", "nps", 7, "nette Leute"),
            (-1, "unassigned", "nps", 8, "boh")]
    return with_languages(units(rows), ["it", "it", "it", "en", "en", "en", "en", "de", "it"])


def mixed_topics() -> pl.DataFrame:
    keywords = [[{"language": "it", "share": 0.6, "keywords": ["consegna", "<b>pacco</b>"]},
                 {"language": "en", "share": 0.4, "keywords": ["delivery", "parcel"]}],
                [{"language": "en", "share": 2 / 3, "keywords": ["staff", "kind"]}]]
    frame_ = topics([(1, "Consegna & pacco", 5, "pain_point"), (2, "Staff & kind", 3, "motivation")])
    return frame_.with_columns(keywords=pl.Series([["consegna", "<b>pacco</b>"], ["staff", "kind"]]),
                               keywords_by_language=pl.Series(keywords, dtype=frame_.schema["keywords_by_language"]),
                               quotes=pl.Series([[ITALIAN, "late delivery"], ["nice staff"]]))


def mixed_run(tmp_path, measured: list[str] | None = ("en", "it")):
    folder = write_run(tmp_path / "run", mixed_units(), mixed_topics())
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    if measured is not None:
        manifest["scoring"]["languages_measured"] = list(measured)
    (folder / "run.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_the_run_languages_are_counted_and_those_not_measured_are_flagged():
    summary = language_summary(mixed_units(), {"scoring": {"languages_measured": ["it", "en"]}})
    assert summary["languages"] == [{"language": "en", "units": 4, "share": 0.4444, "measured": True},  # ties: by code
                                    {"language": "it", "units": 4, "share": 0.4444, "measured": True},
                                    {"language": "de", "units": 1, "share": 0.1111, "measured": False}]
    assert summary["measured"] == ["en", "it"] and summary["unmeasured"] == ["de"]


def test_a_regional_code_counts_as_its_language_and_nothing_is_flagged_when_not_recorded():
    regional = with_languages(mixed_units(), ["en-GB"] * 8 + ["it"])
    summary = language_summary(regional, {"scoring": {"languages_measured": ["en"]}})
    assert [(r["language"], r["measured"]) for r in summary["languages"]] == [("en-GB", True), ("it", False)]
    unrecorded = language_summary(mixed_units(), {"scoring": {}})
    assert unrecorded["measured"] is None and unrecorded["unmeasured"] == []
    assert {r["measured"] for r in unrecorded["languages"]} == {None}
    assert measured_languages({}) is None and measured_languages({"scoring": {"languages_measured": ["EN", "it_IT"]}}) == [
        "en", "it"]


def test_topic_records_carry_languages_from_the_units_and_keywords_per_language(tmp_path):
    _, records = topic_records(read_run(mixed_run(tmp_path)), None)
    first, second = records
    assert first["languages"] == [{"language": "it", "units": 3, "share": 0.6}, {"language": "en", "units": 2, "share": 0.4}]
    assert [e["language"] for e in first["keywords_by_language"]] == ["it", "en"]
    assert first["keywords_by_language"][1]["keywords"] == ["delivery", "parcel"]
    assert second["languages"] == [{"language": "en", "units": 2, "share": 0.6667}, {"language": "de", "units": 1, "share": 0.3333}]


def test_a_topics_table_without_languages_gives_empty_keywords_per_language(tmp_path):
    folder = write_run(tmp_path / "old", mixed_units(), topics([(1, "Old", 5, "pain_point"), (2, "Older", 3, "neutral")])
                       .drop("keywords_by_language", "languages"))
    _, records = topic_records(read_run(folder), None)
    assert [r["keywords_by_language"] for r in records] == [[], []]
    assert records[0]["languages"][0]["language"] == "it"


def test_the_language_filter_lists_the_run_languages_largest_first(tmp_path):
    html = write_report(mixed_run(tmp_path)).read_text(encoding="utf-8")
    values = re.findall(r'<option value="([^"]*)">([^<]*)</option>', OPTION.search(html).group(1))
    assert values == [("", "All languages"), ("en", "en (44.4%)"), ("it", "it (44.4%)"), ("de", "de (11.1%)")]
    data = json.loads(data_block(html))
    assert [row["language"] for row in data["languages"]] == ["en", "it", "de"] and data["unmeasured"] == ["de"]


def test_the_masthead_flags_languages_whose_scores_were_not_measured(tmp_path):
    html = write_report(mixed_run(tmp_path)).read_text(encoding="utf-8")
    flag = re.search(r'<p class="flag" id="unmeasured-languages">(.*?)</p>', html).group(1)
    assert "not measured for: de (1 unit)" in flag and "measured in en, it only" in flag
    measured = write_report(mixed_run(tmp_path / "all", measured=["en", "it", "de"])).read_text(encoding="utf-8")
    assert 'id="unmeasured-languages"' not in measured and 'id="run-languages"' in measured
    unrecorded = write_report(mixed_run(tmp_path / "none", measured=None)).read_text(encoding="utf-8")
    assert "is not recorded for this run" in unrecorded and "not measured for:" not in unrecorded


def test_planted_markup_in_italian_text_stays_text(tmp_path):
    run = read_run(mixed_run(tmp_path))
    html = render_report(run, None)
    assert "<b>" not in html and html.count("<script") == 2
    block = data_block(html)
    assert "<" not in block and ">" not in block
    topic = next(t for t in json.loads(block)["topics"] if t["id"] == 1)
    assert topic["quotes"][0] == ITALIAN  # exactly as said, accents included
    assert topic["keywords_by_language"][0]["keywords"] == ["consegna", "<b>pacco</b>"]
    assert "textContent" in html and "innerHTML" not in html  # the page's script sets text only

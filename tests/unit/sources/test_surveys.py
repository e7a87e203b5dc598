"""Survey answers: Qualtrics exports, scores and the accepted date forms."""

import csv
import gzip
import io
import json
from datetime import UTC, datetime

import pytest

RECOMMEND = "How likely are you to recommend us to a friend?"
REASON = "What is the main reason for your score?"


def qualtrics(recommend: str = RECOMMEND, zone: str = "America/Denver") -> str:
    """A Qualtrics 'numeric values' export: column ids, question texts, import ids, then two responses."""
    columns = [  # (column id, question text, import id metadata)
        ("StartDate", "Start Date", {"ImportId": "startDate", "timeZone": zone}),
        ("RecordedDate", "Recorded Date", {"ImportId": "recordedDate", "timeZone": zone}),
        ("ResponseId", "Response ID", {"ImportId": "_recordId"}),
        ("Q1", recommend, {"ImportId": "QID1"}),
        ("Q1_NPS_GROUP", f"{recommend} - Group", {"ImportId": "QID1_NPS_GROUP"}),
        ("Q2", REASON, {"ImportId": "QID2_TEXT"}),
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c for c, _, _ in columns])
    writer.writerow([q for _, q, _ in columns])
    writer.writerow([json.dumps(m, separators=(",", ":")) for _, _, m in columns])
    writer.writerow(["2026-09-14 08:00:00", "2026-09-14 08:31:05", "R_1abcDEF", "9", "3", "Great kit,\nfast delivery"])
    writer.writerow(["2026-01-14 09:00:00", "2026-01-14 09:31:05", "R_2ghiJKL", "3", "1", "Slow support"])
    return out.getvalue()


def assert_read_as_qualtrics(ws, c, locators=("surveys/q.csv:4", "surveys/q.csv:6")):
    assert ws.texts(c) == ["Great kit,\nfast delivery", "Slow support"]
    assert c.feedback["native_id"].to_list() == ["R_1abcDEF", "R_2ghiJKL"]
    # Denver is UTC-6 in September (MDT) and UTC-7 in January (MST)
    assert c.feedback["created_at"].to_list() == [datetime(2026, 9, 14, 14, 31, 5, tzinfo=UTC),
                                                  datetime(2026, 1, 14, 16, 31, 5, tzinfo=UTC)]
    assert c.feedback["score"].to_list() == [9.0, 3.0]
    assert c.feedback["locator"].to_list() == list(locators)  # the first response has a 2-line answer
    assert c.quarantined == 0


@pytest.mark.parametrize(
    "config",
    [
        pytest.param({"format": "qualtrics", "columns": {"score": "Q1"}, "score_type": "nps"}, id="format-qualtrics"),
        pytest.param({"format": "qualtrics", "score_type": "nps"}, id="nps-score-found-by-its-NPS_GROUP-sibling"),
        pytest.param({"columns": {"score": "Q1", "text": "Q2"}, "score_type": "nps"}, id="auto-detected"),
        pytest.param({"columns": {"score": RECOMMEND, "text": REASON}, "score_type": "nps"}, id="columns-by-question-text"),
        pytest.param({"format": "qualtrics", "columns": {"score": "Q1"}, "score_type": "nps", "timezone": "Asia/Tokyo"},
                     id="file-time-zone-wins-over-the-source's"),
    ],
)
def test_a_qualtrics_export_is_read_with_ids_dates_and_text_from_its_header(ws, config):
    ws.write("surveys/q.csv", qualtrics())
    assert_read_as_qualtrics(ws, ws.read(kind="survey", path="surveys/*", **config))


def test_a_qualtrics_nps_score_is_not_read_without_a_score_type(ws):
    ws.write("surveys/q.csv", qualtrics())
    c = ws.read(kind="survey", path="surveys/*", format="qualtrics")
    assert c.feedback["score"].to_list() == [None, None]
    assert c.feedback["score_type"].to_list() == [None, None]


def test_a_qualtrics_export_in_a_gzip_with_crlf_is_still_recognised(ws):
    ws.write("surveys/q.csv.gz", gzip.compress(qualtrics().replace("\n", "\r\n").encode("utf-8-sig")))
    c = ws.read(kind="survey", path="surveys/*", columns={"score": "Q1", "text": "Q2"}, score_type="nps")
    assert c.feedback["native_id"].to_list() == ["R_1abcDEF", "R_2ghiJKL"]


def test_a_qualtrics_export_with_a_multiline_question_is_auto_detected(ws):
    ws.write("surveys/q.csv", qualtrics(recommend="How likely are you\nto recommend us?"))
    c = ws.read(kind="survey", path="surveys/*", columns={"score": "Q1", "text": "Q2"}, score_type="nps")
    assert_read_as_qualtrics(ws, c, locators=("surveys/q.csv:6", "surveys/q.csv:8"))  # two question cells span 2 lines


def test_a_qualtrics_export_with_a_multiline_question_is_read_with_format_qualtrics(ws):
    ws.write("surveys/q.csv", qualtrics(recommend="How likely are you\nto recommend us?"))
    c = ws.read(kind="survey", path="surveys/*", format="qualtrics", score_type="nps")
    assert c.feedback["native_id"].to_list() == ["R_1abcDEF", "R_2ghiJKL"]
    assert c.feedback["locator"].to_list() == ["surveys/q.csv:6", "surveys/q.csv:8"]  # the question text (twice) adds 2 lines


def test_a_truncated_qualtrics_header_is_one_malformed_row(ws):
    ws.write("surveys/q.csv", "\n".join(qualtrics().split("\n")[:2]) + "\n")
    c = ws.read(kind="survey", path="surveys/*", format="qualtrics")
    assert ws.quarantined(c) == [("surveys/q.csv", "malformed_row")]


@pytest.mark.parametrize(
    ("value", "timezone", "date_format", "expected"),
    [
        pytest.param("2026-09-14T08:31:00Z", "Europe/Rome", None, (2026, 9, 14, 8, 31), id="iso-z"),
        pytest.param("2026-09-14T08:31:00.250z", "UTC", None, (2026, 9, 14, 8, 31, 0, 250000), id="iso-fraction-lower-z"),
        pytest.param("2026-09-14T08:31:00+02:00", "America/New_York", None, (2026, 9, 14, 6, 31), id="iso-offset"),
        pytest.param("2026-09-14 08:31:00-0500", "UTC", None, (2026, 9, 14, 13, 31), id="offset-without-colon"),
        pytest.param("2026-09-14T08:31:00", "Europe/Rome", None, (2026, 9, 14, 6, 31), id="naive-summer-rome"),
        pytest.param("2026-01-14 08:31", "Europe/Rome", None, (2026, 1, 14, 7, 31), id="naive-winter-rome"),
        pytest.param("2026-09-14", "Europe/Rome", None, (2026, 9, 13, 22, 0), id="date-only-is-local-midnight"),
        pytest.param("1789374660", "Europe/Rome", None, (2026, 9, 14, 8, 31), id="epoch-seconds-are-utc"),
        pytest.param("1789374660.5", "UTC", None, (2026, 9, 14, 8, 31, 0, 500000), id="epoch-fraction"),
        pytest.param("14/09/2026 08:31", "Europe/Rome", "%d/%m/%Y %H:%M", (2026, 9, 14, 6, 31), id="date-format"),
        pytest.param("09/14/2026", "UTC", "%m/%d/%Y", (2026, 9, 14, 0, 0), id="date-format-us-date-only"),
        pytest.param("2026-09-14T08:31:00Z", "UTC", "%d/%m/%Y %H:%M", (2026, 9, 14, 8, 31), id="iso-still-read-with-date-format"),
        pytest.param(" 2026-09-14T08:31:00Z ", "UTC", None, (2026, 9, 14, 8, 31), id="surrounding-spaces"),
    ],
)
def test_dates_are_read_and_converted_to_utc(ws, value, timezone, date_format, expected):
    ws.write("surveys/a.csv", f'id,at,score,comment\n1,"{value}",9,Great\n')
    c = ws.survey(timezone=timezone, date_format=date_format)
    assert ws.quarantined(c) == []
    assert c.feedback["created_at"].to_list() == [datetime(*expected, tzinfo=UTC)]


@pytest.mark.parametrize("value", ["yesterday", "14/09/2026 08:31", "2026-13-01", "2026-09-14T25:00:00Z", "12345"])
def test_what_is_not_a_date_is_bad_date(ws, value):
    ws.write("surveys/a.csv", f'id,at,score,comment\n1,"{value}",9,Great\n2,2026-09-14,9,Fine\n')
    c = ws.survey()
    assert ws.quarantined(c) == [("surveys/a.csv:2", "bad_date")]
    assert value.strip() in c.quarantine["detail"][0]


def test_a_blank_date_is_null_not_bad(ws):
    ws.write("surveys/a.csv", 'id,at,score,comment\n1,,9,Great\n2,"  ",8,Fine\n')
    c = ws.survey()
    assert c.feedback["created_at"].to_list() == [None, None] and c.quarantined == 0


@pytest.mark.parametrize(
    ("score_type", "score_range", "inside", "outside"),
    [
        ("nps", None, ["0", "10", "7.5"], ["11", "-1", "10.01"]),
        ("csat", None, ["1", "5"], ["0", "6"]),
        ("ces", None, ["1", "7"], ["0", "8"]),
        ("rating", (0.5, 4.5), ["0.5", "4,5"], ["0.4", "5"]),
    ],
)
def test_scores_are_checked_against_their_type_bounds_inclusive(ws, score_type, score_range, inside, outside):
    rows = [f'{i},2026-09-14,"{s}",Comment {i}\n' for i, s in enumerate(inside + outside)]
    ws.write("surveys/a.csv", ws.HEADER + "".join(rows))
    c = ws.survey(score_type=score_type, score_range=score_range)
    assert c.feedback["score"].to_list() == [float(s.replace(",", ".")) for s in inside]
    assert {reason for _, reason in ws.quarantined(c)} == {"score_out_of_range"} and c.quarantined == len(outside)


def test_a_blank_score_is_null_and_without_a_score_type_any_number_is_kept(ws):
    ws.write("surveys/a.csv", ws.HEADER + "1,2026-09-14,,No score given\n2,2026-09-14,250,Big number\n")
    c = ws.survey(score_type=None)
    assert c.feedback["score"].to_list() == [None, 250.0]
    assert ws.survey(score_type="nps").feedback["score"].to_list() == [None]

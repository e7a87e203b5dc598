"""Tabular and JSON formats give the same records, each with its file:line (or file#index) locator."""

import csv
import io
import json
from datetime import UTC, datetime

import openpyxl
import polars as pl
import pytest

ROWS = [
    {"id": "1", "at": "2026-09-14T08:31:00Z", "score": "9", "comment": "Quick setup, friendly staff"},
    {"id": "2", "at": "2026-09-15T10:00:00Z", "score": "3", "comment": "Parcel arrived broken"},
]
CREATED = [datetime(2026, 9, 14, 8, 31, tzinfo=UTC), datetime(2026, 9, 15, 10, tzinfo=UTC)]


def delimited(delimiter: str) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(ROWS[0]), delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    writer.writerows(ROWS)
    return out.getvalue().encode()


def workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(ROWS[0]))
    for row in ROWS:  # typed cells, as spreadsheets hold them: numbers and datetimes
        sheet.append([int(row["id"]), datetime.fromisoformat(row["at"]).replace(tzinfo=None), int(row["score"]), row["comment"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def parquet() -> bytes:
    frame = pl.DataFrame(ROWS).with_columns(pl.col("id", "score").cast(pl.Int64), pl.col("at").str.to_datetime(time_zone="UTC"))
    out = io.BytesIO()
    frame.write_parquet(out)
    return out.getvalue()


FORMATS = {
    "csv": ("a.csv", delimited(","), ["a.csv:2", "a.csv:3"]),
    "csv-semicolon": ("a.csv", delimited(";"), ["a.csv:2", "a.csv:3"]),
    "tsv": ("a.tsv", delimited("\t"), ["a.tsv:2", "a.tsv:3"]),
    "jsonl": ("a.jsonl", "\n".join(json.dumps(r) for r in ROWS).encode(), ["a.jsonl:1", "a.jsonl:2"]),
    "ndjson-with-blank-line": ("a.ndjson", ("\n\n".join(json.dumps(r) for r in ROWS) + "\n").encode(),
                               ["a.ndjson:1", "a.ndjson:3"]),
    "json-list": ("a.json", json.dumps(ROWS, indent=2).encode(), ["a.json#0", "a.json#1"]),
    "json-items": ("a.json", json.dumps({"count": 2, "items": ROWS}).encode(), ["a.json#0", "a.json#1"]),
    "xlsx": ("a.xlsx", workbook(), ["a.xlsx:2", "a.xlsx:3"]),
    "parquet": ("a.parquet", parquet(), ["a.parquet:1", "a.parquet:2"]),
}


@pytest.mark.parametrize(("name", "data", "locators"), list(FORMATS.values()), ids=list(FORMATS))
def test_every_survey_format_gives_the_same_feedback(ws, name, data, locators):
    ws.write(f"surveys/{name}", data)
    c = ws.survey()
    assert ws.quarantined(c) == []
    assert ws.texts(c) == [r["comment"] for r in ROWS]
    assert c.feedback["native_id"].to_list() == ["1", "2"]
    assert c.feedback["score"].to_list() == [9.0, 3.0]
    assert c.feedback["created_at"].to_list() == CREATED
    assert c.feedback["locator"].to_list() == [f"surveys/{loc}" for loc in locators]
    assert c.feedback["kind"].to_list() == ["survey"] * 2 and c.feedback["channel"].to_list() == ["src"] * 2


def test_an_explicit_format_overrides_the_extension(ws):
    ws.write("surveys/export.txt", delimited("\t"))
    assert ws.quarantined(ws.survey()) == [("surveys/export.txt", "unsupported_format")]
    assert ws.texts(ws.survey(format="tsv")) == [r["comment"] for r in ROWS]


def test_xlsx_reads_the_named_sheet(ws):
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["nothing to see"])
    answers = book.create_sheet("Answers")
    answers.append(["id", "at", "score", "comment"])
    answers.append(["7", "2026-09-14", 8, "From the second sheet"])
    out = io.BytesIO()
    book.save(out)
    ws.write("surveys/a.xlsx", out.getvalue())
    assert ws.quarantined(ws.survey()) == [("surveys/a.xlsx", "missing_column")]
    assert ws.texts(ws.survey(sheet="Answers")) == ["From the second sheet"]


@pytest.mark.parametrize(
    ("body", "locators"),
    [
        pytest.param('1,2026-09-14,9,"Line one\nline two\nline three"\n2,2026-09-14,3,next\n', [2, 5], id="multiline-field"),
        pytest.param("1,2026-09-14,9,first\n\n\n2,2026-09-14,3,after blanks\n", [2, 5], id="blank-lines"),
        pytest.param('1,2026-09-14,9,"say ""hi"", twice"\n2,2026-09-14,3,"a\n\nb"\n3,2026-09-14,3,c\n', [2, 3, 6],
                     id="quotes-and-blank-in-field"),
    ],
)
def test_a_row_is_located_at_its_first_physical_line(ws, body, locators):
    ws.write("surveys/a.csv", ws.HEADER + body)
    c = ws.survey()
    assert c.feedback["locator"].to_list() == [f"surveys/a.csv:{n}" for n in locators]


def test_header_names_are_trimmed_ids_kept_as_written_and_comments_tidied(ws):
    ws.write("surveys/a.csv", " id , at ,score, comment \n007,2026-09-14,9,  padded <b>text</b> &amp; more \n")
    c = ws.survey()
    assert c.feedback["native_id"].to_list() == ["007"]  # ids stay text: no lost leading zeros
    assert ws.texts(c) == ["padded text & more"]


@pytest.mark.parametrize(("score", "expected"), [("10 - Extremely likely", 10.0), ("0 - Not at all likely", 0.0), ("7", 7.0)])
def test_qualtrics_choice_text_scores_are_read_as_their_number(ws, score, expected):
    ws.write("surveys/a.csv", f"id,at,score,comment\n1,2026-09-14,{score},Good\n")
    assert ws.survey().feedback["score"].to_list() == [expected]


def test_a_date_in_the_score_column_is_not_a_score(ws):
    ws.write("surveys/a.csv", "id,at,score,comment\n1,2026-09-14,2026-09-01,Good\n")
    assert ws.quarantined(ws.survey()) == [("surveys/a.csv:2", "bad_score")]


def test_a_decimal_comma_score_is_read(ws):
    ws.write("surveys/a.csv", 'id;at;score;comment\n1;2026-09-14;"4,5";Good\n')
    assert ws.survey(score_type="rating", score_range=(1, 5)).feedback["score"].to_list() == [4.5]


def test_several_text_columns_make_one_message_each_and_blanks_are_skipped(ws):
    ws.write("surveys/a.csv", "id,at,score,why,improve\n"
             "1,2026-09-14,9,Fast,\n2,2026-09-14,6,,More stock\n3,2026-09-14,7,Ok,Cheaper\n")
    c = ws.survey(columns={"id": "id", "created_at": "at", "score": "score", "text": ["why", "improve"]})
    assert ws.texts(c) == ["Fast", "More stock", "Ok | Cheaper"]
    assert c.feedback["messages"].list.len().to_list() == [1, 1, 2]


def test_without_an_id_column_the_locator_is_the_id_and_identical_rows_stay_distinct(ws):
    ws.write("surveys/a.csv", "at,score,comment\n2026-09-14,9,Great\n2026-09-14,9,Great\n")
    c = ws.survey(columns={"created_at": "at", "score": "score", "text": "comment"})
    assert c.feedback["native_id"].to_list() == ["surveys/a.csv:2", "surveys/a.csv:3"]
    assert c.feedback["feedback_id"].n_unique() == 2


def test_feedback_ids_are_stable_across_runs_and_differ_by_source(ws):
    ws.write("surveys/a.csv", ws.HEADER + "1,2026-09-14,9,Great\n")
    first, again, other = ws.survey(), ws.survey(), ws.survey(name="other")
    assert first.feedback["feedback_id"].to_list() == again.feedback["feedback_id"].to_list()
    assert first.feedback["feedback_id"].to_list() != other.feedback["feedback_id"].to_list()


def test_source_settings_are_copied_to_every_row(ws):
    ws.write("surveys/a.csv", ws.HEADER + "1,2026-09-14,9,Great\n")
    c = ws.survey(channel="web", stage="buy", language="it")
    settings = c.feedback.select("channel", "stage_id", "language", pl.col("score_type").cast(pl.String))
    assert settings.row(0) == ("web", "buy", "it", "nps")


def test_a_channel_column_overrides_the_source_channel_per_row(ws):
    ws.write("surveys/a.csv", "id,comment,via\n1,Great,app\n2,Fine,\n")
    c = ws.survey(columns={"id": "id", "text": "comment", "channel": "via"}, score_type=None, channel="web")
    assert c.feedback["channel"].to_list() == ["app", "web"]


def test_an_unterminated_quote_does_not_swallow_the_rows_after_it(ws):
    ws.write("surveys/a.csv", ws.HEADER + '1,2026-09-14,9,Good\n2,2026-09-14,5,"Box was damaged\n'
             "3,2026-09-14,7,Fine\n4,2026-09-14,8,Also fine\n")
    c = ws.survey()
    assert ws.texts(c) == ["Good", "Fine", "Also fine"]
    assert ws.quarantined(c) == [("surveys/a.csv:3", "malformed_row")]

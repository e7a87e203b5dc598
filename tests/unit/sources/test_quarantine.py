"""Every quarantine reason from a realistic input: the bad item is quarantined with a precise locator and
detail, the good items of the same file survive, and read = used + quarantined."""

import json
import os

import polars as pl
import pytest

import voc.sources
from voc.schema import QUARANTINE_REASONS

HEADER = "id,at,score,comment\n"
FIRST = "1,2026-09-14T08:31:00Z,5,Quick setup\n"  # score 5 is in range for nps, csat, ces and rating 1..10
LAST = "9,2026-09-15T10:00:00Z,4,Friendly staff\n"
GOOD = ["Quick setup", "Friendly staff"]
TICKETS = {"kind": "ticket", "score_type": None, "path": "tickets/*",
           "columns": {"id": "id", "messages": "thread", "author": "from", "text": "body"}}
CALLS = {"kind": "call", "score_type": None, "path": "calls/*", "index": "calls/index.csv",
         "columns": {"file": "file", "customer_id": "customer"}}
TRANSCRIPT = "Agent: Hello, support.\nCustomer: My parcel never arrived.\n"


def survey_file(*bad_rows: str) -> dict[str, str]:
    return {"surveys/a.csv": HEADER + FIRST + "".join(bad_rows) + LAST}


def ticket(id_: str, thread) -> str:
    return json.dumps({"id": id_, "thread": thread})


CUSTOMER_SAYS = [{"from": "customer", "body": "Router is dead."}]

OUT_OF_RANGE = [("surveys/a.csv:3", "score_out_of_range")]

# id: (files, source overrides, expected quarantine (locator, reason), expected customer texts kept)
CASES = {
    "malformed_row-too-many-fields": (survey_file("2,2026-09-14,5,too,many\n"), {}, [("surveys/a.csv:3", "malformed_row")], GOOD),
    "malformed_row-too-few-fields": (survey_file("2,2026-09-14\n"), {}, [("surveys/a.csv:3", "malformed_row")], GOOD),
    "malformed_row-after-a-multiline-field": (
        {"surveys/a.csv": HEADER + '1,2026-09-14,5,"Quick\nsetup"\n' + '2,2026-09-14,5,"two\nlines",extra\n' + LAST},
        {}, [("surveys/a.csv:4", "malformed_row")], ["Quick\nsetup", "Friendly staff"],
    ),
    "bad_date": (survey_file("2,yesterday,5,Slow delivery\n"), {}, [("surveys/a.csv:3", "bad_date")], GOOD),
    "bad_date-impossible-day": (survey_file("2,2026-02-30,5,Slow delivery\n"), {}, [("surveys/a.csv:3", "bad_date")], GOOD),
    "bad_score": (survey_file("2,2026-09-14,n/a,Slow delivery\n"), {}, [("surveys/a.csv:3", "bad_score")], GOOD),
    "score_out_of_range-nps-11": (survey_file("2,2026-09-14,11,Slow\n"), {}, OUT_OF_RANGE, GOOD),
    "score_out_of_range-nps-negative": (survey_file("2,2026-09-14,-1,Slow\n"), {}, OUT_OF_RANGE, GOOD),
    "score_out_of_range-csat-0": (survey_file("2,2026-09-14,0,Slow\n"), {"score_type": "csat"}, OUT_OF_RANGE, GOOD),
    "score_out_of_range-ces-8": (survey_file("2,2026-09-14,8,Slow\n"), {"score_type": "ces"}, OUT_OF_RANGE, GOOD),
    "score_out_of_range-rating": (
        survey_file("2,2026-09-14,10.5,Slow\n"), {"score_type": "rating", "score_range": (1, 10)}, OUT_OF_RANGE, GOOD,
    ),
    "empty_text": (survey_file("2,2026-09-14,5,\n", '3,2026-09-14,5,"   "\n'), {},
                   [("surveys/a.csv:3", "empty_text"), ("surveys/a.csv:4", "empty_text")], GOOD),
    "bad_json-jsonl-line": (
        {"surveys/a.jsonl": "\n".join([json.dumps({"id": "1", "comment": "Quick setup"}), '{"id": "2", "comment": "cut off',
                                       "[1, 2]", json.dumps({"id": "9", "comment": "Friendly staff"})])},
        {"columns": {"id": "id", "text": "comment"}, "score_type": None},
        [("surveys/a.jsonl:2", "bad_json"), ("surveys/a.jsonl:3", "bad_json")], GOOD,
    ),
    "bad_json-json-file": (
        {"surveys/a.csv": HEADER + FIRST + LAST, "surveys/b.json": '[{"id": "3", "comment": "oops"'},
        {}, [("surveys/b.json", "bad_json")], GOOD,
    ),
    "bad_json-ticket-thread-not-a-list": (
        {"tickets/t.jsonl": "\n".join([ticket("T1", CUSTOMER_SAYS), ticket("T2", "Router is dead."),
                                       ticket("T3", ["Router is dead."]), ticket("T4", CUSTOMER_SAYS[::-1])])},
        TICKETS, [("tickets/t.jsonl:2", "bad_json"), ("tickets/t.jsonl:3", "bad_json")], ["Router is dead.", "Router is dead."],
    ),
    "missing_column": (
        {"surveys/a.csv": HEADER + FIRST, "surveys/b.csv": "id,at,score,remark\n3,2026-09-14,5,x\n4,2026-09-14,5,y\n",
         "surveys/c.csv": HEADER + LAST},
        {}, [("surveys/b.csv", "missing_column")], GOOD,
    ),
    "duplicate": (survey_file(FIRST), {}, [("surveys/a.csv:3", "duplicate")], GOOD),
    "duplicate-across-files": ({"surveys/a.csv": HEADER + FIRST + LAST, "surveys/b.csv": HEADER + LAST}, {},
                               [("surveys/b.csv:2", "duplicate")], GOOD),
    "duplicate_conflict": (survey_file("1,2026-09-14T08:31:00Z,5,Actually it was slow\n"), {},
                           [("surveys/a.csv:3", "duplicate_conflict")], GOOD),
    "unsupported_format": ({**survey_file(), "surveys/notes.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"}, {},
                           [("surveys/notes.pdf", "unsupported_format")], GOOD),
    "undecodable_file": ({**survey_file(), "surveys/b.csv": b"\x00\x01id,at\x00" * 30}, {},
                         [("surveys/b.csv", "undecodable_file")], GOOD),
    "missing_file": (
        {"calls/index.csv": "file,customer\nc1.txt,C1\ngone.srt,C2\n", "calls/c1.txt": TRANSCRIPT},
        CALLS, [("calls/index.csv:3", "missing_file")], ["My parcel never arrived."],
    ),
    "unknown_speakers": (
        {"calls/index.csv": "file,customer\nc1.txt,C1\n", "calls/c1.txt": TRANSCRIPT,
         "calls/c2.json": '[{"speaker": "SPEAKER_00", "text": "How can I help?"}, {"speaker": "SPEAKER_01", "text": "Bill wrong."}]'},
        CALLS, [("calls/c2.json", "unknown_speakers")], ["My parcel never arrived."],
    ),
    "unsupported_format-call": (
        {"calls/index.csv": "file,customer\nc1.txt,C1\n", "calls/c1.txt": TRANSCRIPT, "calls/c2.mp3": b"ID3\x03\x00"},
        CALLS, [("calls/c2.mp3", "unsupported_format")], ["My parcel never arrived."],
    ),
}


@pytest.mark.parametrize(("files", "overrides", "expected", "kept"), list(CASES.values()), ids=list(CASES))
def test_a_bad_item_is_quarantined_and_the_rest_of_its_file_survives(ws, files, overrides, expected, kept):
    for name, content in files.items():
        ws.write(name, content)
    c = ws.survey(**overrides)
    assert ws.quarantined(c) == expected
    assert ws.texts(c) == kept
    assert set(c.quarantine["source"]) == {"src"}
    for reason, raw in c.quarantine.select(pl.col("reason").cast(pl.String), "raw").iter_rows():
        if reason in ("missing_column", "unsupported_format", "undecodable_file", "unreadable_file"):
            assert raw is None  # a whole file: nothing to show
        else:
            assert raw  # the offending row (or JSON text), for the reader of the quarantine table


def test_every_quarantine_reason_has_a_case():
    covered = {reason for _, _, expected, _ in CASES.values() for _, reason in expected}
    assert covered | {"unreadable_file"} == set(QUARANTINE_REASONS)  # unreadable_file: the tests below


def test_details_say_what_was_wrong(ws):
    ws.write("surveys/a.csv", HEADER + FIRST + "2,2026-09-14,11,Slow\n3,tomorrow,5,Slow\n4,2026-09-14,lots,Slow\n"
             + "1,2026-09-14T08:31:00Z,5,Changed\n5,2026-09-14,5,a,b\n")
    ws.write("surveys/b.csv", "id,at,score,remark\n")
    c = ws.survey()
    detail = dict(c.quarantine.select("reason", "detail").iter_rows())
    assert "11" in detail["score_out_of_range"] and "0.0..10.0" in detail["score_out_of_range"]
    assert "tomorrow" in detail["bad_date"] and "date_format" in detail["bad_date"]
    assert "lots" in detail["bad_score"]
    assert "surveys/a.csv:2" in detail["duplicate_conflict"] and "first is kept" in detail["duplicate_conflict"]
    assert "expected 4 fields, found 5" in detail["malformed_row"]
    assert "'comment'" in detail["missing_column"] and "remark" in detail["missing_column"]


def test_a_missing_column_quarantines_the_file_once_whatever_its_length(ws):
    ws.write("surveys/a.csv", "id,at,score,remark\n" + "".join(f"{i},2026-09-14,5,x\n" for i in range(50)))
    c = ws.survey()
    assert ws.quarantined(c) == [("surveys/a.csv", "missing_column")]
    assert c.read == 1 and c.used == 0


def test_the_first_of_conflicting_items_is_kept_even_across_files(ws):
    ws.write("surveys/a.csv", HEADER + FIRST)
    ws.write("surveys/b.csv", HEADER + "1,2026-09-20,2,Changed my mind\n")
    c = ws.survey()
    assert ws.texts(c) == ["Quick setup"] and c.feedback["score"].to_list() == [5.0]
    assert ws.quarantined(c) == [("surveys/b.csv:2", "duplicate_conflict")]


def test_a_bad_first_occurrence_does_not_make_the_good_repeat_a_duplicate(ws):
    ws.write("surveys/a.csv", HEADER + "1,2026-09-14,99,Quick setup\n" + "1,2026-09-14,5,Quick setup\n")
    c = ws.survey()
    assert ws.quarantined(c) == [("surveys/a.csv:2", "score_out_of_range")]
    assert c.feedback["locator"].to_list() == ["surveys/a.csv:3"]


def test_an_unreadable_file_is_quarantined_and_the_others_are_read(ws):
    ws.write("surveys/a.csv", HEADER + FIRST)
    locked = ws.write("surveys/b.csv", HEADER + LAST)
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as root: chmod 000 does not make the file unreadable")
        c = ws.survey()
    finally:
        locked.chmod(0o644)
    assert ws.quarantined(c) == [("surveys/b.csv", "unreadable_file")]
    assert ws.texts(c) == ["Quick setup"]


def test_a_file_that_vanishes_after_listing_is_unreadable_not_fatal(ws, monkeypatch):
    ws.write("surveys/a.csv", HEADER + FIRST)
    listed = voc.sources.expand

    def expand_then_vanish(pattern, root):
        return [*listed(pattern, root), root / "surveys" / "b.csv"]  # deleted between the glob and the read

    monkeypatch.setattr(voc.sources, "expand", expand_then_vanish)
    c = ws.survey()
    assert ws.quarantined(c) == [("surveys/b.csv", "unreadable_file")]
    assert "surveys/b.csv" in c.quarantine["detail"][0]
    assert ws.texts(c) == ["Quick setup"]


def test_a_call_index_that_is_missing_is_unreadable_and_calls_are_still_read(ws):
    ws.write("calls/c1.txt", TRANSCRIPT)
    c = ws.read(**CALLS)
    assert ws.quarantined(c) == [("calls/index.csv", "unreadable_file")]
    assert ws.texts(c) == ["My parcel never arrived."]


def test_a_missing_file_row_keeps_the_index_row_as_raw(ws):
    ws.write("calls/index.csv", "file,customer\ngone.srt,C2\n")
    c = ws.read(**CALLS)
    assert ws.quarantined(c) == [("calls/index.csv:2", "missing_file")]
    assert c.quarantine["raw"].to_list() == ["gone.srt,C2"]
    assert "gone.srt" in c.quarantine["detail"][0]

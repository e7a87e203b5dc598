"""Call transcripts: every format gives turns with roles and ordinals, never speaker names."""

import gzip
import json
import re
from datetime import UTC, datetime

import pytest

CALLS = {"kind": "call", "path": "calls/*"}

VTT = """WEBVTT

NOTE recorded by the dialer, do not edit

1
00:00:01.000 --> 00:00:04.500
<v Agent Priya>Thanks for calling, you're through to Priya.</v>

2
00:00:05.000 --> 00:00:09.000 align:start
<v Customer>My broadband <i>keeps</i> dropping.</v>

3
00:00:09.500 --> 00:00:12.000
<v.loud Customer>Every single evening.</v>

00:01:02.250 --> 00:01:05.000
<v Agent Priya>Let me check the line.
"""

SRT = """1
00:00:00,500 --> 00:00:02,000
Agent: Hello, you are through to billing.

2
00:00:02,500 --> 00:00:06,000
Customer: I was billed twice this month.

3
00:00:06,100 --> 00:00:08,000
Customer: Both on the first.
"""

TXT = """[00:00] Agent Tom: Good morning, Tom speaking.
Customer: The engineer never came.
I waited in all day
- and nobody called.
Agent Tom: I am sorry about that.
Agent Sue: Supervisor here, I will book a new slot.
"""

DIARIZED = [
    {"speaker": "SPEAKER_00", "start": 0.0, "end": 2.0, "text": " Hi, support, Dan speaking. "},
    {"speaker": "SPEAKER_01", "start": 2.1, "end": 4.0, "text": "My parcel is lost."},
    {"speaker": "SPEAKER_01", "start": 4.2, "end": 5.0, "text": "Again."},
    {"speaker": "SPEAKER_00", "start": 5.5, "end": 7.0, "text": "Let me look."},
]

# name: (file, content, source overrides, expected turns (speaker, text, offset_s))
FORMATS = {
    "vtt": ("a.vtt", VTT, {}, [
        ("agent", "Thanks for calling, you're through to Priya.", 1.0),
        ("customer", "My broadband keeps dropping. Every single evening.", 5.0),
        ("agent", "Let me check the line.", 62.25),
    ]),
    "srt": ("b.srt", SRT, {}, [
        ("agent", "Hello, you are through to billing.", 0.5),
        ("customer", "I was billed twice this month. Both on the first.", 2.5),
    ]),
    "txt": ("c.txt", TXT, {}, [
        ("agent", "Good morning, Tom speaking.", None),
        ("customer", "The engineer never came. I waited in all day and nobody called.", None),
        ("agent", "I am sorry about that.", None),
        ("agent 2", "Supervisor here, I will book a new slot.", None),
    ]),
    "json-list": ("d.json", json.dumps(DIARIZED), {"first_speaker_is_agent": True}, [
        ("agent", "Hi, support, Dan speaking.", 0.0),
        ("customer", "My parcel is lost. Again.", 2.1),
        ("agent", "Let me look.", 5.5),
    ]),
    "json-segments": ("e.json", json.dumps({"language": "en", "segments": DIARIZED}), {"first_speaker_is_agent": True}, [
        ("agent", "Hi, support, Dan speaking.", 0.0),
        ("customer", "My parcel is lost. Again.", 2.1),
        ("agent", "Let me look.", 5.5),
    ]),
    "crlf-srt-in-gzip": ("f.srt.gz", SRT.replace("\n", "\r\n"), {}, [
        ("agent", "Hello, you are through to billing.", 0.5),
        ("customer", "I was billed twice this month. Both on the first.", 2.5),
    ]),
}


def turns(c, i=0) -> list[tuple]:
    return [(m["speaker"], m["text"], m["offset_s"]) for m in c.feedback["messages"][i]]


@pytest.mark.parametrize(("name", "content", "overrides", "expected"), list(FORMATS.values()), ids=list(FORMATS))
def test_each_transcript_format_gives_merged_turns_with_roles_and_offsets(ws, name, content, overrides, expected):
    ws.write(f"calls/{name}", gzip.compress(content.encode()) if name.endswith(".gz") else content)
    c = ws.read(**CALLS, **overrides)
    assert ws.quarantined(c) == []
    assert turns(c) == expected
    assert [m["role"] for m in c.feedback["messages"][0]] == [s.split()[0] for s, _, _ in expected]
    assert c.feedback.select("native_id", "locator", "kind").row(0) == (f"calls/{name}", f"calls/{name}", "call")


def test_speaker_names_never_reach_the_messages(ws):
    for name, content, _, _ in FORMATS.values():
        ws.write(f"calls/{name}", content)
    c = ws.read(**CALLS)
    speakers = {m["speaker"] for thread in c.feedback["messages"] for m in thread}
    assert all(re.fullmatch(r"(customer|agent)( \d+)?", s) for s in speakers), speakers
    assert not {"Priya", "Tom", "Sue", "SPEAKER_00"} & {w for s in speakers for w in s.split()}


def test_customer_speakers_make_every_other_speaker_an_agent(ws):
    ws.write("calls/a.txt", "Priya: Hello, billing.\nCaller Anna: I was overcharged.\nCaller Anna: Again.\n"
             "Bot: Survey follows.\n")
    c = ws.read(**CALLS, customer_speakers=["caller*"])
    assert turns(c) == [("agent", "Hello, billing.", None), ("customer", "I was overcharged. Again.", None),
                        ("agent 2", "Survey follows.", None)]


def test_by_default_unknown_speakers_are_customers_and_agents_match_agent_patterns(ws):
    ws.write("calls/a.txt", "Support Bot: Hello.\nRep: Billing here.\nAnna: Hi.\nMark: I am her husband.\n")
    c = ws.read(**CALLS)
    assert [s for s, _, _ in turns(c)] == ["agent", "agent 2", "customer", "customer 2"]


def test_an_agent_only_call_is_empty_text_and_says_how_to_fix_it(ws):
    ws.write("calls/a.txt", "Agent: Hello?\nAgent: Is anyone there?\n")
    ws.write("calls/b.txt", "Agent: Hello.\nCustomer: Hi.\n")
    c = ws.read(**CALLS)
    assert ws.quarantined(c) == [("calls/a.txt", "empty_text")]
    assert "customer_speakers" in c.quarantine["detail"][0]
    assert c.feedback["native_id"].to_list() == ["calls/b.txt"]


def test_unlabelled_lines_before_any_speaker_are_the_customer(ws):
    ws.write("calls/a.txt", "hello is this billing\nAgent: Yes it is.\n")
    c = ws.read(**CALLS)
    assert turns(c) == [("customer", "hello is this billing", None), ("agent", "Yes it is.", None)]


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        ('[{"speaker": "A", "text": "cut', "not valid JSON"),
        ('{"speaker": "A", "text": "no list"}', "segments"),
        ('[{"speaker": "A", "start": 0}]', "segments"),
    ],
    ids=["broken", "not-a-list", "segment-without-text"],
)
def test_a_broken_json_transcript_is_bad_json_and_other_calls_go_on(ws, content, detail):
    ws.write("calls/a.json", content)
    ws.write("calls/b.srt", SRT)
    c = ws.read(**CALLS)
    assert ws.quarantined(c) == [("calls/a.json", "bad_json")]
    assert detail in c.quarantine["detail"][0]
    assert c.feedback["native_id"].to_list() == ["calls/b.srt"]


def test_json_transcript_metadata_fills_id_customer_and_date(ws):
    meta = {"call_id": "K-77", "customer": "C9", "started": "2026-09-14T10:00:00+01:00", "segments": DIARIZED}
    ws.write("calls/a.json", json.dumps(meta))
    c = ws.read(**CALLS, first_speaker_is_agent=True, columns={"id": "call_id", "customer_id": "customer", "created_at": "started"})
    expected = ("K-77", "C9", datetime(2026, 9, 14, 9, tzinfo=UTC))
    assert c.feedback.select("native_id", "customer_id", "created_at").row(0) == expected


INDEXED = {**CALLS, "index": "calls/index.csv", "timezone": "Europe/London",
           "columns": {"file": "recording", "id": "call_id", "customer_id": "customer", "created_at": "started"}}


def test_an_index_joins_metadata_by_file_name_and_is_not_read_as_a_transcript(ws):
    ws.write("calls/index.csv", "call_id,recording,customer,started\n"
             "K1,exports/2026/a.vtt,C1,2026-09-14 10:00\nK2,b.srt,C2,1789374660\n")
    ws.write("calls/a.vtt", VTT)
    ws.write("calls/b.srt", SRT)
    ws.write("calls/c.txt", TXT)  # not in the index: read without metadata
    c = ws.read(**INDEXED)
    assert ws.quarantined(c) == [] and c.files == 3 and c.read == 3
    rows = c.feedback.select("native_id", "customer_id", "created_at", "locator").rows()
    assert rows == [
        ("K1", "C1", datetime(2026, 9, 14, 9, tzinfo=UTC), "calls/a.vtt"),  # London summer time is UTC+1
        ("K2", "C2", datetime(2026, 9, 14, 8, 31, tzinfo=UTC), "calls/b.srt"),
        ("calls/c.txt", None, None, "calls/c.txt"),
    ]


def test_an_index_without_the_file_column_is_missing_column_and_calls_are_read_bare(ws):
    ws.write("calls/index.csv", "call_id,customer,started\nK1,C1,2026-09-14\n")
    ws.write("calls/a.vtt", VTT)
    c = ws.read(**INDEXED)
    assert ws.quarantined(c) == [("calls/index.csv", "missing_column")]
    assert "recording" in c.quarantine["detail"][0]
    assert c.feedback["native_id"].to_list() == ["calls/a.vtt"]


def test_an_undecodable_transcript_drops_its_index_row_without_a_missing_file(ws):
    ws.write("calls/index.csv", "call_id,recording,customer,started\nK1,a.vtt,C1,2026-09-14\n")
    ws.write("calls/a.vtt", b"\x00\x00\xff\xfe garbage \x00" * 40)
    c = ws.read(**INDEXED)
    assert ws.quarantined(c) == [("calls/a.vtt", "undecodable_file")]

"""Ticket threads: nested JSON or one csv row per message; customer messages are the voice, agents are context."""

import json
from datetime import UTC, datetime

import pytest

NESTED = {"kind": "ticket", "path": "tickets/*", "columns": {
    "id": "id", "messages": "thread", "author": "from", "text": "body", "sent_at": "at"}}
FLAT = {"kind": "ticket", "path": "tickets/*", "columns": {"id": "ticket", "author": "author", "text": "body", "sent_at": "at"}}

THREAD = [
    {"from": "Customer", "at": "2026-09-14T08:00:00Z",
     "body": "<p>My router is <b>dead</b>.</p><blockquote>Earlier: have you tried turning it off?</blockquote>"},
    {"from": "agent_42", "at": "2026-09-14T09:00:00Z", "body": "<div>Sorry! We will send a new one.</div>"},
    {"from": "end-user", "at": "2026-09-14T12:00:00+02:00",
     "body": "Thanks, still waiting.\n\nOn Mon, 14 Sep 2026 at 09:00, Support <help@shop.example> wrote:\n"
             "> Sorry! We will send a new one."},
]


def jsonl(*tickets: dict) -> str:
    return "\n".join(json.dumps(t) for t in tickets) + "\n"


def roles_and_texts(c) -> list[list[tuple[str, str]]]:
    return [[(m["role"], m["text"]) for m in thread] for thread in c.feedback["messages"]]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("t.jsonl", jsonl({"id": "T1", "customer": "C1", "thread": THREAD}), id="jsonl"),
        pytest.param("t.json", json.dumps({"tickets": [{"id": "T1", "customer": "C1", "thread": THREAD}]}), id="json-object"),
    ],
)
def test_a_nested_thread_keeps_roles_order_and_plain_text_without_quotes(ws, name, content):
    ws.write(f"tickets/{name}", content)
    c = ws.read(**{**NESTED, "columns": {**NESTED["columns"], "customer_id": "customer"}})
    assert roles_and_texts(c) == [[
        ("customer", "My router is dead."),
        ("agent", "Sorry! We will send a new one."),
        ("customer", "Thanks, still waiting."),
    ]]
    messages = c.feedback["messages"][0]
    assert [m["speaker"] for m in messages] == ["customer", "agent", "customer"]  # never the author value
    assert [m["sent_at"] for m in messages] == [datetime(2026, 9, 14, h, tzinfo=UTC) for h in (8, 9, 10)]
    assert c.feedback.select("native_id", "customer_id", "kind").row(0) == ("T1", "C1", "ticket")


def test_created_at_falls_back_to_the_first_dated_message(ws):
    thread = [{"from": "customer", "body": "Undated first"}, *THREAD]
    ws.write("tickets/t.jsonl", jsonl({"id": "T1", "thread": thread},
                                      {"id": "T2", "when": "2026-09-01T00:00:00Z", "thread": THREAD}))
    c = ws.read(**NESTED)
    assert c.feedback["created_at"].to_list() == [datetime(2026, 9, 14, 8, tzinfo=UTC)] * 2
    with_column = ws.read(**{**NESTED, "columns": {**NESTED["columns"], "created_at": "when"}})
    assert with_column.feedback["created_at"].to_list() == [datetime(2026, 9, 14, 8, tzinfo=UTC),
                                                            datetime(2026, 9, 1, tzinfo=UTC)]


def test_customer_authors_decide_who_the_customer_is(ws):
    ws.write("tickets/t.jsonl", jsonl({"id": "T1", "thread": [
        {"from": "Buyer", "body": "Where is my order?"}, {"from": "customer", "body": "A note by the shop's customer team."},
        {"body": "No author at all."}]}))
    c = ws.read(**NESTED, customer_authors=["buyer"])
    assert [role for role, _ in roles_and_texts(c)[0]] == ["customer", "agent", "agent"]


def test_without_an_author_column_every_message_is_the_customer(ws):
    ws.write("tickets/t.jsonl", jsonl({"id": "T1", "thread": [{"body": "One"}, {"body": "Two"}]}))
    c = ws.read(**{**NESTED, "columns": {"id": "id", "messages": "thread", "text": "body"}})
    assert roles_and_texts(c) == [[("customer", "One"), ("customer", "Two")]]


QUOTE_ONLY = "<p> </p><blockquote>Have you tried restarting it?</blockquote>"
GOOD_TICKET = jsonl({"id": "T9", "thread": THREAD[:1]})


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("t.jsonl", jsonl({"id": "T1", "thread": THREAD[1:2]}) + GOOD_TICKET, id="nested"),
        pytest.param("t.csv", "ticket,author,body,at\nT1,agent,Anything else?,2026-09-14\nT9,customer,Hello,2026-09-14\n"
                     "T1,bot,Closing,2026-09-15\n", id="flat"),
        pytest.param("t.jsonl", jsonl({"id": "T1", "thread": [{"from": "customer", "body": QUOTE_ONLY}]}) + GOOD_TICKET,
                     id="only-quoted-text"),
        pytest.param("t.jsonl", jsonl({"id": "T1", "thread": []}) + GOOD_TICKET, id="no-messages"),
    ],
)
def test_a_thread_without_customer_text_is_empty_text(ws, name, content):
    ws.write(f"tickets/{name}", content)
    c = ws.read(**(NESTED if name.endswith("jsonl") else FLAT))
    assert ws.quarantined(c) == [(f"tickets/{name}:{1 if name.endswith('jsonl') else 2}", "empty_text")]
    assert c.feedback["native_id"].to_list() == ["T9"]


FLAT_CSV = (
    "ticket,author,body,at,customer\n"
    "T1,customer,Card was charged twice,2026-09-14T08:00:00Z,\n"
    "T2,customer,Wrong size delivered,2026-09-14T08:05:00Z,C2\n"
    "T1,agent,<p>Refund issued.</p>,2026-09-14T09:00:00Z,\n"
    'T1,customer,"Still not\nrefunded",2026-09-16T09:00:00Z,C1\n'
)


def test_flat_rows_sharing_an_id_form_one_thread_in_file_order(ws):
    ws.write("tickets/t.csv", FLAT_CSV)
    c = ws.read(**{**FLAT, "columns": {**FLAT["columns"], "customer_id": "customer"}})
    assert c.feedback["native_id"].to_list() == ["T1", "T2"]
    assert roles_and_texts(c) == [
        [("customer", "Card was charged twice"), ("agent", "Refund issued."), ("customer", "Still not\nrefunded")],
        [("customer", "Wrong size delivered")],
    ]
    assert c.feedback["locator"].to_list() == ["tickets/t.csv:2", "tickets/t.csv:3"]  # the thread's first row
    assert c.feedback["customer_id"].to_list() == ["C1", "C2"]  # from whichever row has it
    assert c.read == 2  # threads, not rows


def test_a_flat_thread_spread_over_two_files_is_one_thread(ws):
    ws.write("tickets/a.csv", "ticket,author,body,at\nT1,customer,First file,2026-09-14\n")
    ws.write("tickets/b.csv", "ticket,author,body,at\nT1,customer,Second file,2026-09-15\n")
    c = ws.read(**FLAT)
    assert [t for thread in roles_and_texts(c) for _, t in thread] == ["First file", "Second file"]
    assert ws.quarantined(c) == [] and c.read == 1


def test_a_flat_thread_created_at_falls_back_to_its_first_message_time(ws):
    ws.write("tickets/t.csv", FLAT_CSV)
    c = ws.read(**FLAT)
    assert c.feedback["created_at"].to_list() == [datetime(2026, 9, 14, 8, tzinfo=UTC), datetime(2026, 9, 14, 8, 5, tzinfo=UTC)]


def test_a_flat_created_at_column_dates_the_thread_and_its_messages(ws):
    ws.write("tickets/t.csv", FLAT_CSV)
    c = ws.read(**{**FLAT, "columns": {"id": "ticket", "author": "author", "text": "body", "created_at": "at"}})
    assert c.feedback["created_at"].to_list() == [datetime(2026, 9, 14, 8, tzinfo=UTC), datetime(2026, 9, 14, 8, 5, tzinfo=UTC)]
    assert c.feedback["messages"][0].struct.field("sent_at").dt.hour().to_list() == [8, 9, 9]


def test_flat_rows_without_an_id_are_each_their_own_ticket(ws):
    ws.write("tickets/t.csv", "author,body\ncustomer,First\ncustomer,Second\n")
    c = ws.read(kind="ticket", path="tickets/*", columns={"author": "author", "text": "body"})
    assert c.feedback["native_id"].to_list() == ["tickets/t.csv:2", "tickets/t.csv:3"]


def test_rows_of_a_thread_exported_out_of_order_are_put_in_time_order(ws):
    ws.write("tickets/t.csv", "ticket,author,body,at\nT1,agent,Sorry to hear that.,2026-09-14T09:00:00Z\n"
             "T1,customer,My router is dead.,2026-09-14T08:00:00Z\n")
    c = ws.read(**FLAT)
    assert roles_and_texts(c) == [[("customer", "My router is dead."), ("agent", "Sorry to hear that.")]]

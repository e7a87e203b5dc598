"""`voc run` on a workspace full of broken inputs of every kind: it finishes, loses nothing, leaks no PII."""

import gzip
import json
import subprocess
import sys
import textwrap

import polars as pl
import pytest

pytestmark = pytest.mark.slow

CONFIG = """
journey_map: map.yaml
sources:
  - name: nps
    kind: survey
    path: surveys/*
    columns: {id: id, text: comment, created_at: at, customer_id: customer, score: nps}
    score_type: nps
    channel: web
  - name: tickets
    kind: ticket
    path: tickets/*.jsonl*
    columns: {id: id, customer_id: customer, created_at: at, messages: thread, author: from, text: body, sent_at: at}
    channel: email
  - name: calls
    kind: call
    path: calls/*
    index: calls/index.csv
    columns: {id: call_id, file: file, customer_id: customer, created_at: at}
    channel: phone
"""
MAP = """
name: Broken corpus
stages:
  - {id: buy, name: Buy, description: Buying the product.}
touchpoints:
  - {id: all, name: All channels, channels: [web, email, phone]}
"""
GOOD_NPS = "id,at,customer,nps,comment\n1,2026-09-01T10:00:00Z,C1,9,Setup was quick and the staff were lovely.\n"
PII = "My email is jo.bloggs@example.com and my card is 4111 1111 1111 1111, call 07700 900123."


def _corpus(root):
    (root / "voc.yaml").write_text(textwrap.dedent(CONFIG))
    (root / "map.yaml").write_text(textwrap.dedent(MAP))
    surveys = root / "surveys"
    surveys.mkdir()
    (surveys / "a_good.csv").write_text(GOOD_NPS + f'2,2026-09-01,C2,3,"{PII}"\n')
    bad_rows = (
        "id,at,customer,nps,comment\n"
        "10,yesterday,C3,5,bad date\n"
        "11,2026-09-02,C3,11,out of range\n"
        "12,2026-09-02,C3,n/a,not a number\n"
        "13,2026-09-02,C3,7,\n"
        "14,2026-09-02,C3,7,too,many,fields\n"
        "15,2026-09-02,C3,8,kept\n"
        "15,2026-09-02,C3,8,kept\n"
        "15,2026-09-02,C3,2,conflicting\n"
    )
    (surveys / "b_bad_rows.csv").write_text(bad_rows)
    (surveys / "c_latin1.csv").write_bytes("id,at,customer,nps,comment\n20,2026-09-03,C4,6,Caf\u00e9 price \u00a35\n".encode("cp1252"))
    (surveys / "d_binary.csv").write_bytes(b"\x00\x01\x02garbage\x00" * 50)
    (surveys / "e_missing_col.csv").write_text("id,at,nps,comment\n30,2026-09-03,5,no customer column\n")
    (surveys / "f_notes.pdf").write_bytes(b"%PDF-1.4")
    (surveys / "g_corrupt.csv.gz").write_bytes(gzip.compress(GOOD_NPS.encode())[:20])
    tickets = root / "tickets"
    tickets.mkdir()
    good_ticket = {"id": "T1", "customer": "C1", "at": "2026-09-04T09:00:00+02:00", "thread": [
        {"from": "customer", "at": "2026-09-04T09:00:00+02:00", "body": f"<p>Router is dead.</p><p>{PII}</p>"},
        {"from": "agent", "at": "2026-09-04T10:00:00+02:00", "body": "<p>So sorry Jo, AGENTSECRET we will send a new one.</p>"},
    ]}
    lines = [json.dumps(good_ticket), "{broken json", json.dumps({"id": "T2", "customer": "C2", "thread": "not a list"}),
             json.dumps({"id": "T3", "thread": [{"from": "agent", "body": "Only the agent spoke."}]})]
    (tickets / "t.jsonl.gz").write_bytes(gzip.compress("\n".join(lines).encode()))
    calls = root / "calls"
    calls.mkdir()
    (calls / "index.csv").write_text("call_id,file,customer,at\nK1,c1.vtt,C1,2026-09-05T12:00:00Z\nK2,gone.srt,C2,2026-09-05\n")
    (calls / "c1.vtt").write_text("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Agent Priya>Hello, AGENTSECRET speaking.\n\n"
                                  "00:00:04.000 --> 00:00:09.000\n<v Customer>My internet drops every evening.\n")
    (calls / "c2.json").write_text("[{\"speaker\": \"agent\", \"text\": \"unterminated\"")


def test_voc_run_on_broken_inputs_finishes_and_accounts_for_everything(tmp_path):
    _corpus(tmp_path)
    done = subprocess.run([sys.executable, "-m", "voc.cli", "run", "--config", str(tmp_path / "voc.yaml")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    latest = tmp_path / "out" / "latest"
    manifest = json.loads((latest / "run.json").read_text())
    for name, counts in manifest["sources"].items():
        assert counts["read"] == counts["used"] + counts["quarantined"], name
    quarantine = pl.read_parquet(latest / "quarantine.parquet")
    reasons = {(r["source"], r["reason"]) for r in quarantine.iter_rows(named=True)}
    expected = {
        ("nps", "bad_date"), ("nps", "score_out_of_range"), ("nps", "bad_score"), ("nps", "empty_text"),
        ("nps", "malformed_row"), ("nps", "duplicate"), ("nps", "duplicate_conflict"), ("nps", "undecodable_file"),
        ("nps", "missing_column"), ("nps", "unsupported_format"), ("tickets", "bad_json"), ("tickets", "empty_text"),
        ("calls", "missing_file"), ("calls", "bad_json"),
    }
    assert expected <= reasons
    assert quarantine["detail"].str.len_chars().min() > 0
    units = pl.read_parquet(latest / "units.parquet")
    feedback = pl.read_parquet(latest / "feedback.parquet")
    assert set(feedback["native_id"]) == {"1", "2", "15", "20", "T1", "K1"}
    assert "Café price £5" in units["text"].to_list()
    text = " ".join(units["text"]) + " ".join(quarantine["raw"].drop_nulls())
    for secret in ("jo.bloggs@example.com", "4111 1111 1111 1111", "07700 900123"):
        assert secret not in text
    assert not units["text"].str.contains("AGENTSECRET").any()
    assert manifest["text"]["redactions"]["email"] >= 2

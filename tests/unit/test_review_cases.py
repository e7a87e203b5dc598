"""Messy real-world inputs: each case once broke a run, lost data or leaked PII."""

import json
from pathlib import Path

import polars as pl
import pytest
import spacy

from voc.cli import main
from voc.config import SourceConfig, TextConfig, load_workspace
from voc.errors import VocError
from voc.pipeline import read_sources, run
from voc.sources import read_source
from voc.store import Store
from voc.text.nlp import Nlp
from voc.text.prepare import prepare
from voc.text.redact import apply_spans, find_pii, merge_spans, redact_answer_lead

ALL = ["email", "phone", "card", "iban", "person"]


def _redact(text: str) -> str:
    return apply_spans(text, merge_spans(find_pii(text, ALL)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my name is john o'reilly", "my name is [NAME]"),
        ("my name is important to me", "my name is important to me"),
        ("Ms. Van der Berg called", "Ms. [NAME] called"),
        ("Regards, Žofie Nováková", "Regards, [NAME]"),
        ("Thanks Anna!", "Thanks [NAME]!"),
        ("my mobile is 4155552671", "my mobile is [PHONE]"),
        ("order 4155552671 shipped", "order 4155552671 shipped"),
        ("sent 2026-10-02 11:20:05 from the app", "sent 2026-10-02 11:20:05 from the app"),
        ("invoice INV-2026-000123456", "invoice INV-2026-000123456"),
    ],
)
def test_pii_rules_on_forms_seen_in_real_feedback(text, expected):
    assert _redact(text) == expected


def test_a_long_reply_to_a_name_question_loses_its_leading_name():
    assert redact_answer_lead("yeah it's sarah lindqvist and I've been waiting three weeks") == \
        "yeah it's [NAME] and I've been waiting three weeks"


def _blank(choice, language, need_ner):
    nlp = spacy.blank(language)
    nlp.add_pipe("sentencizer")
    return Nlp(nlp, "blank", has_ner=False)


def test_a_call_reply_to_the_name_question_is_redacted_even_when_merged_with_more(tmp_path):
    (tmp_path / "a.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Agent Sam>Can I take the account holder's full name?\n\n"
        "00:00:03.000 --> 00:00:04.000\n<v Customer>yeah it's sarah lindqvist\n\n"
        "00:00:05.000 --> 00:00:06.000\n<v Customer>and I've been waiting three weeks for the engineer\n"
    )
    feedback = read_source(SourceConfig(name="calls", kind="call", path="*.vtt"), tmp_path).feedback
    units = prepare(feedback, TextConfig(), load=_blank).units
    assert "sarah" not in " ".join(units["text"]).lower()
    assert units["text"].str.contains("waiting three weeks").any()


def test_a_lone_surrogate_in_json_is_replaced_not_fatal(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": 1, "comment": "broken emoji \\ud83d here"}\n{"id": 2, "comment": "fine"}\n')
    c = read_source(SourceConfig(name="s", kind="survey", path="a.jsonl", columns={"id": "id", "text": "comment"}), tmp_path)
    assert c.used == 2
    units = prepare(c.feedback, TextConfig(), load=_blank).units
    assert units.write_parquet(tmp_path / "u.parquet") is None
    assert "broken emoji \ufffd here" in units["text"].to_list()


def test_a_list_of_answers_in_json_is_read_as_text_not_as_python_repr(tmp_path):
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": 1, "answers": ["too slow", "and pricey"], "extra": {"k": "v"}}) + "\n")
    c = read_source(SourceConfig(name="s", kind="survey", path="a.jsonl", columns={"text": "answers"}), tmp_path)
    assert prepare(c.feedback, TextConfig(), load=_blank).units["text"].to_list() == ["too slow and pricey"]


WORKSPACE = """
journey_map: map.yaml
sources:
  - {name: calls, kind: call, path: "**/*.json", channel: phone}
"""
MAP = "name: m\nstages: [{id: a, name: A, description: all}]\ntouchpoints: [{id: t, name: T, channels: [phone]}]\n"


def _workspace(root: Path, config: str = WORKSPACE) -> Path:
    (root / "voc.yaml").write_text(config)
    (root / "map.yaml").write_text(MAP)
    return root / "voc.yaml"


def test_the_output_folder_is_never_read_as_input(tmp_path):
    ws = load_workspace(_workspace(tmp_path))
    (tmp_path / "out" / "run1").mkdir(parents=True)
    (tmp_path / "out" / "run1" / "run.json").write_text("{}")
    (tmp_path / "c.json").write_text('[{"speaker": "agent", "text": "Hello"}, {"speaker": "customer", "text": "Hi"}]')
    (collected,) = read_sources(ws)
    assert collected.files == 1 and collected.used == 1


def test_a_run_with_no_files_at_all_fails_and_leaves_latest_alone(tmp_path):
    with pytest.raises(VocError, match="nothing was published"):
        run(load_workspace(_workspace(tmp_path)))
    assert not (tmp_path / "out" / "latest").exists() and not list((tmp_path / "out").glob(".staging-*"))


def test_an_unsupported_language_is_a_validate_error_not_a_crash(tmp_path, capsys):
    _workspace(tmp_path, WORKSPACE.replace("channel: phone}", "channel: phone, language: zz}"))
    (tmp_path / "c.json").write_text('[{"speaker": "agent", "text": "Hello"}, {"speaker": "customer", "text": "Hi"}]')
    assert main(["validate", "--config", str(tmp_path / "voc.yaml")]) == 2
    assert "sources.0.language" in capsys.readouterr().err


def test_init_into_a_file_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    assert main(["init", str(tmp_path / "afile")]) == 2
    assert "cannot create" in capsys.readouterr().err


def test_output_folder_problems_are_named(tmp_path):
    (tmp_path / "out").write_text("x")
    with pytest.raises(VocError, match="is a file"), Store(tmp_path / "out").lock():
        pass
    (tmp_path / "out2" / "latest").mkdir(parents=True)
    with pytest.raises(VocError, match="real folder"), Store(tmp_path / "out2").lock():
        pass


def test_quarantine_detail_is_redacted(tmp_path):
    _workspace(tmp_path, "journey_map: map.yaml\nsources:\n  - {name: s, kind: survey, path: a.csv, channel: phone, "
                         "columns: {text: c, created_at: d}}\n")
    (tmp_path / "a.csv").write_text("c,d\nhello,today jane@example.com\n")
    run(load_workspace(tmp_path / "voc.yaml"))
    quarantine = pl.read_parquet(tmp_path / "out" / "latest" / "quarantine.parquet")
    assert "jane@example.com" not in quarantine["detail"][0] and "[EMAIL]" in quarantine["detail"][0]


def test_qualtrics_respondent_names_and_ip_never_leave_the_reader(tmp_path):
    header = ["ResponseId", "RecipientLastName", "IPAddress", "Q1", "Q2"]
    questions = ["Response ID", "Recipient Last Name", "IP Address", "Score?", "Why?"]
    imports = ['"{""ImportId"":""_recordId""}"', '"{""ImportId"":""recipientLastName""}"', '"{""ImportId"":""ipAddress""}"',
               '"{""ImportId"":""QID1""}"', '"{""ImportId"":""QID2_TEXT""}"']
    rows = ["R_1,Kowalczyk,203.0.113.9,9,Great", "R_2,Lindqvist,203.0.113.10,eleven,Bad score"]
    (tmp_path / "q.csv").write_text("\n".join([",".join(header), ",".join(questions), ",".join(imports), *rows]) + "\n")
    source = SourceConfig(name="q", kind="survey", path="q.csv", format="qualtrics", score_type="nps", columns={"score": "Q1"})
    c = read_source(source, tmp_path)
    assert c.used == 1 and c.quarantined == 1
    everything = str(c.feedback.to_dicts()) + str(c.quarantine.to_dicts())
    assert "Kowalczyk" not in everything and "Lindqvist" not in everything and "203.0.113" not in everything


def test_xlsx_locators_are_spreadsheet_rows_even_after_blank_rows(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["id", "comment"], [1, "first"], [None, None], [3, "third"]):
        sheet.append(row)
    book.save(tmp_path / "a.xlsx")
    c = read_source(SourceConfig(name="s", kind="survey", path="a.xlsx", columns={"id": "id", "text": "comment"}), tmp_path)
    assert c.feedback["locator"].to_list() == ["a.xlsx:2", "a.xlsx:4"] and c.read == 2

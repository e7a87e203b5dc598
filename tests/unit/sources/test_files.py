"""Files to text: compression, BOMs, encodings and line endings are transparent; what is not text is quarantined."""

import gzip
from pathlib import Path

import pytest

from voc.sources.files import expand, format_of

COMMENT = "Caf\u00e9 staff were lovely, \u00a338.50 well spent"  # é and £ differ in UTF-8, cp1252 and UTF-16
CSV = f'id,at,score,comment\n1,2026-09-14T08:31:00Z,9,"{COMMENT}"\n'


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("a.csv.gz", gzip.compress(CSV.encode("utf-8")), id="gzip"),
        pytest.param("a.csv", b"\xef\xbb\xbf" + CSV.encode("utf-8"), id="utf8-bom"),
        pytest.param("a.csv", CSV.encode("cp1252"), id="cp1252"),
        pytest.param("a.csv.gz", gzip.compress(CSV.encode("cp1252")), id="gzip-cp1252"),
        pytest.param("a.csv", CSV.replace("\n", "\r\n").encode("utf-8"), id="crlf"),
        pytest.param("a.csv", CSV.encode("utf-16"), id="utf16-bom"),
        pytest.param("a.CSV.GZ", gzip.compress(CSV.encode("utf-8")), id="upper-case-extension"),
    ],
)
def test_text_files_are_decoded_transparently(ws, name, data):
    ws.write(f"surveys/{name}", data)
    c = ws.survey()
    assert ws.quarantined(c) == []
    assert ws.texts(c) == [COMMENT]
    assert c.feedback["native_id"].to_list() == ["1"]  # a BOM does not stick to the first header name
    assert c.feedback["score"].to_list() == [9.0]
    assert c.feedback["locator"].to_list() == [f"surveys/{name}:2"]


def test_crlf_inside_a_quoted_multiline_field_becomes_a_plain_newline(ws):
    ws.write("surveys/a.csv", b'id,at,score,comment\r\n1,2026-09-14,9,"First line\r\nsecond line"\r\n2,2026-09-14,8,next\r\n')
    c = ws.survey()
    assert ws.texts(c) == ["First line\nsecond line", "next"]
    assert c.feedback["locator"].to_list() == ["surveys/a.csv:2", "surveys/a.csv:4"]


def test_a_forced_encoding_reads_a_bom_less_utf16_file(ws):
    ws.write("surveys/a.csv", CSV.encode("utf-16-le"))
    assert ws.quarantined(ws.survey()) == [("surveys/a.csv", "undecodable_file")]
    assert ws.texts(ws.survey(encoding="utf-16-le")) == [COMMENT]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("b.csv", b"id,at\x00\x01\x02\x00garbage\x00" * 40, id="nul-bytes"),
        pytest.param("b.csv", bytes(range(256)) * 8, id="all-bytes"),
        pytest.param("b.csv.gz", gzip.compress(CSV.encode())[:25], id="truncated-gzip"),
        pytest.param("b.csv.gz", b"\x1f\x8b" + b"not really gzip" * 5, id="corrupt-gzip"),
        pytest.param("b.csv.gz", gzip.compress(b"\x00\x01\x02" * 100), id="gzip-of-binary"),
        pytest.param("b.xlsx", b"PK\x03\x04 this is no workbook", id="corrupt-xlsx"),
        pytest.param("b.parquet", b"PAR1 nope", id="corrupt-parquet"),
    ],
)
def test_binary_or_corrupt_files_are_quarantined_and_the_other_files_go_on(ws, name, data):
    ws.write("surveys/a.csv", CSV)
    ws.write(f"surveys/{name}", data)
    c = ws.survey()
    assert ws.texts(c) == [COMMENT]
    assert ws.quarantined(c) == [(f"surveys/{name}", "undecodable_file")]
    assert c.read == 2 and c.files == 2
    assert name in c.quarantine["detail"][0]


def test_expand_is_sorted_recursive_and_skips_folders(tmp_path):
    for name in ("b/2.csv", "a/1.csv", "a/deeper/3.csv"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "a" / "folder.csv").mkdir()
    found = [p.relative_to(tmp_path).as_posix() for p in expand("**/*.csv", tmp_path)]
    assert found == ["a/1.csv", "a/deeper/3.csv", "b/2.csv"]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("x.csv", "csv"), ("x.CSV.gz", "csv"), ("x.ndjson", "jsonl"), ("x.jsonl.gz", "jsonl"), ("x.webvtt", "vtt"),
     ("x.pq", "parquet"), ("x.xls", "xlsx"), ("x.tar.gz", "tar"), ("README", ""), ("calls.2026.srt", "srt")],
)
def test_format_comes_from_the_extension_ignoring_gz(name, fmt):
    assert format_of(Path(name)) == fmt


def test_no_matching_files_is_a_warning_not_an_error(ws):
    c = ws.survey(path="nothing/*.csv")
    assert c.read == 0 and c.files == 0
    assert c.warnings and "nothing/*.csv" in c.warnings[0]

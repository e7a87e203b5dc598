import csv
import json
from datetime import datetime

import jsonschema
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from voc.config import ExportConfig, JourneyConfig
from voc.errors import SchemaError, VocError
from voc.export import write_exports
from voc.schema import FEEDBACK, JOURNEY_EVIDENCE, QUARANTINE, STAGE_INSIGHTS

import export_frames as given
from export_frames import AT, LATER


def _inputs():
    return given.tables(), given.journey_map()


def _write(folder, tables, journey_map, **config):
    folder.mkdir(parents=True, exist_ok=True)
    return write_exports(folder, tables, ExportConfig(**config), journey_map, JourneyConfig())


def _csv_rows(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_table_in_every_format_with_schemas_and_the_evidence(tmp_path):
    tables, journey_map = _inputs()
    written = _write(tmp_path, tables, journey_map)
    names = {t.name for t, _ in tables}
    expected = {f"{n}.{fmt}" for n in names for fmt in ("parquet", "csv", "jsonl")} | {"journey_evidence.csv"}
    expected |= {f"schemas/{n}.schema.json" for n in names | {JOURNEY_EVIDENCE.name}}
    assert {str(p.relative_to(tmp_path)) for p in written} == expected
    assert {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()} == expected  # no temporary left


def test_formats_choose_the_files_and_parquet_always_stays(tmp_path):
    tables, journey_map = _inputs()
    written = _write(tmp_path, tables, journey_map, formats=["parquet"])
    assert sorted(p.name for p in written if p.parent == tmp_path) == sorted(
        [f"{t.name}.parquet" for t, _ in tables] + ["journey_evidence.csv"])
    with pytest.raises(ValueError, match="must include parquet"):
        ExportConfig(formats=["csv", "jsonl"])


def test_parquet_round_trips_exactly(tmp_path):
    tables, journey_map = _inputs()
    _write(tmp_path, tables, journey_map)
    for table, frame in tables:
        assert_frame_equal(pl.read_parquet(tmp_path / f"{table.name}.parquet"), frame)


def _as_json(rows):
    return json.loads(json.dumps(rows, default=datetime.isoformat))


def test_jsonl_holds_every_value_with_rfc3339_datetimes(tmp_path):
    tables, journey_map = _inputs()
    _write(tmp_path, tables, journey_map)
    for table, frame in tables:
        assert_frame_equal(pl.read_ndjson(tmp_path / f"{table.name}.jsonl", schema=table.schema), frame)
    first = json.loads((tmp_path / "feedback.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["created_at"] == "2026-08-03T07:24:28+00:00"
    assert first["messages"][1]["sent_at"] == LATER.isoformat() == "2026-08-03T07:30:01.000005+00:00"
    assert "£4.99" in first["messages"][0]["text"]  # UTF-8, not \u escapes


def test_every_jsonl_record_is_valid_against_its_written_schema(tmp_path):
    tables, journey_map = _inputs()
    _write(tmp_path, tables, journey_map)
    for table, _ in tables:
        schema = json.loads((tmp_path / "schemas" / f"{table.name}.schema.json").read_text(encoding="utf-8"))
        validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
        for line in (tmp_path / f"{table.name}.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            assert not list(validator.iter_errors(record)), (table.name, record)
    feedback = json.loads((tmp_path / "schemas" / "feedback.schema.json").read_text(encoding="utf-8"))
    record = json.loads((tmp_path / "feedback.jsonl").read_text(encoding="utf-8").splitlines()[0])
    record["messages"][0]["sent_at"] = "3 August 2026"
    with pytest.raises(jsonschema.ValidationError, match="date-time"):
        jsonschema.validate(record, feedback, format_checker=jsonschema.FormatChecker())


def test_csv_cells_are_flat_as_documented(tmp_path):
    tables, journey_map = _inputs()
    _write(tmp_path, tables, journey_map)
    assert (tmp_path / "feedback.csv").read_bytes().startswith(b"\xef\xbb\xbfFEEDBACK_id".lower())
    feedback = _csv_rows(tmp_path / "feedback.csv")
    assert list(feedback[0]) == list(FEEDBACK.columns)
    assert feedback[0]["created_at"] == AT.isoformat() and feedback[1]["created_at"] == ""
    messages = json.loads(feedback[0]["messages"])  # list of structs: JSON text, every field kept
    assert messages == _as_json(tables[0][1]["messages"][0].to_list())
    topics = _csv_rows(tmp_path / "topics.csv")
    assert topics[0]["keywords"] == "fees fee | price | plan | café"  # list of strings joined with ' | '
    registry = _csv_rows(tmp_path / "topic_registry.csv")
    assert "centroid" not in registry[0] and registry[0]["keywords"] == "a | b"  # vectors are left out
    quarantine = pl.read_csv(tmp_path / "quarantine.csv", schema_overrides={"reason": QUARANTINE.schema["reason"]})
    assert_frame_equal(quarantine, tables[2][1])  # flat tables read back as they were


def test_csv_without_bom_when_configured(tmp_path):
    tables, journey_map = _inputs()
    _write(tmp_path, tables, journey_map, csv_bom=False)
    assert (tmp_path / "units.csv").read_bytes().startswith(b"unit_id,")
    assert (tmp_path / "journey_evidence.csv").read_bytes().startswith(b"evidence_id,")


def test_the_same_frames_give_byte_identical_files(tmp_path):
    tables, journey_map = _inputs()
    first = _write(tmp_path / "a", tables, journey_map)
    second = _write(tmp_path / "b", tables, journey_map)
    assert [p.relative_to(tmp_path / "a") for p in first] == [p.relative_to(tmp_path / "b") for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_a_folder_that_cannot_be_written_is_a_clear_error(tmp_path):
    tables, journey_map = _inputs()
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output folder should be")
    with pytest.raises(VocError, match=r"cannot write .*feedback\.parquet: a folder on its path is missing or is a file"):
        write_exports(blocker / "run", tables, ExportConfig(), journey_map, JourneyConfig())


def test_the_evidence_needs_stage_insights_among_the_tables(tmp_path):
    tables, journey_map = _inputs()
    without = [(t, f) for t, f in tables if t is not STAGE_INSIGHTS]
    with pytest.raises(SchemaError, match="needs the stage_insights table"):
        _write(tmp_path, without, journey_map)

import pytest
from pydantic import ValidationError

from voc.config import ExportConfig, VocConfig


def test_defaults_write_every_format_with_a_bom_and_no_database():
    config = VocConfig(sources=[{"name": "s", "kind": "survey", "path": "*.csv", "columns": {"text": "c"}}]).export
    assert (config.formats, config.csv_bom, config.database) == (["parquet", "csv", "jsonl"], True, None)


@pytest.mark.parametrize("fields, message", [
    ({"formats": ["csv"]}, "must include parquet"),
    ({"formats": ["parquet", "parquet"]}, "twice"),
    ({"formats": ["parquet", "xlsx"]}, "Input should be"),
    ({"database": "voc.db"}, "SQLAlchemy URL"),
    ({"datbase": "sqlite:///voc.db"}, "Extra inputs are not permitted"),
])
def test_bad_export_settings_are_refused(fields, message):
    with pytest.raises(ValidationError, match=message):
        ExportConfig(**fields)

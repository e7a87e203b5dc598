import polars as pl
import pytest

from voc.errors import SchemaError
from voc.schema import QUARANTINE, TABLES, UNITS


def _quarantine_row(**overrides):
    row = {"source": ["s"], "locator": ["f.csv:2"], "reason": ["bad_date"], "detail": ["x"], "raw": ["a,b"]}
    row.update(overrides)
    return pl.DataFrame(row).with_columns(pl.col("reason").cast(QUARANTINE.schema["reason"]))


def test_conform_orders_columns_and_accepts_exact_dtypes():
    frame = _quarantine_row().select("raw", "detail", "reason", "locator", "source")
    assert QUARANTINE.conform(frame).columns == list(QUARANTINE.columns)


def test_conform_rejects_missing_extra_and_wrong_dtype():
    with pytest.raises(SchemaError, match="missing columns"):
        QUARANTINE.conform(_quarantine_row().drop("raw"))
    with pytest.raises(SchemaError, match="unexpected columns"):
        QUARANTINE.conform(_quarantine_row().with_columns(extra=pl.lit(1)))
    with pytest.raises(SchemaError, match="wrong dtypes"):
        QUARANTINE.conform(_quarantine_row().with_columns(pl.col("reason").cast(pl.String)))


def test_conform_rejects_nulls_in_required_columns_and_duplicate_keys():
    with pytest.raises(SchemaError, match="nulls"):
        QUARANTINE.conform(_quarantine_row(source=[None]).with_columns(pl.col("source").cast(pl.String)))
    units = UNITS.empty()
    assert UNITS.conform(units).height == 0


def test_unknown_reason_cannot_enter_the_quarantine_enum():
    with pytest.raises(pl.exceptions.InvalidOperationError):
        pl.Series(["not_a_reason"]).cast(QUARANTINE.schema["reason"])


@pytest.mark.parametrize("name", sorted(TABLES))
def test_json_schema_lists_every_column_with_a_description(name):
    table = TABLES[name]
    schema = table.json_schema()
    assert list(schema["properties"]) == list(table.columns)
    assert all(prop["description"] for prop in schema["properties"].values())
    assert schema["additionalProperties"] is False


def test_a_table_from_an_earlier_version_gains_its_new_nullable_columns_and_nothing_else():
    old = UNITS.empty().drop("language_confidence")
    assert UNITS.upgrade(old).columns == list(UNITS.columns)
    with pytest.raises(SchemaError, match="missing columns"):
        UNITS.upgrade(UNITS.empty().drop("text"))  # a required column cannot be made up

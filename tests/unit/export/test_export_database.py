import json
import sqlite3

import polars as pl
import pytest

from voc.errors import VocError
from voc.export import write_database
from voc.schema import QUARANTINE, TOPICS

import export_frames as given


def _query(path, sql):
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


def test_every_table_lands_in_sqlite_with_nested_cells_as_json(tmp_path):
    tables = given.tables()
    write_database("sqlite:///voc.db", tables, tmp_path)  # relative to the workspace root
    db = tmp_path / "voc.db"
    for table, frame in tables:
        assert _query(db, f"select count(*) from {table.name}") == [(frame.height,)]
    (messages, created), = _query(db, "select messages, created_at from feedback where feedback_id = 'f1'")
    assert json.loads(messages)[1] == {"role": "agent", "speaker": "agent 2", "sent_at": "2026-08-03T07:30:01.000005+00:00",
                                       "offset_s": 12.5, "text": "Sorry, [NAME]."}
    assert created.startswith("2026-08-03 07:24:28")
    (keywords, centroid), = _query(db, "select keywords, centroid from topic_registry where topic_id = 1")
    assert (json.loads(keywords), json.loads(centroid)) == (["a", "b"], [0.6, -0.8])
    assert _query(db, "select name from pragma_table_info('units') where pk = 1") == [("unit_id",)]


def test_a_second_run_replaces_the_tables(tmp_path):
    tables = given.tables()
    url = f"sqlite:///{tmp_path / 'voc.db'}"
    write_database(url, tables, tmp_path)
    write_database(url, [(TOPICS, TOPICS.empty())], tmp_path)
    assert _query(tmp_path / "voc.db", "select count(*) from topics") == [(0,)]


def test_a_failed_write_leaves_every_table_as_the_last_run_left_it(tmp_path):
    tables = given.tables()
    db = tmp_path / "voc.db"
    frames = {table.name: frame for table, frame in tables}
    quarantine = frames[QUARANTINE.name]
    write_database(f"sqlite:///{db}", [(QUARANTINE, quarantine)], tmp_path)
    with sqlite3.connect(db) as connection:
        connection.execute("create view topics as select 1 as topic_id")  # the topics table cannot be created
    more = pl.concat([quarantine, quarantine.with_columns(locator=pl.lit("s.csv:10"))])
    with pytest.raises(VocError, match="the database is unchanged"):
        write_database(f"sqlite:///{db}", [(QUARANTINE, more), (TOPICS, frames[TOPICS.name])], tmp_path)
    assert _query(db, "select count(*) from quarantine") == [(1,)]


@pytest.mark.parametrize("url, message", [
    ("sqlite:/nope", "not an SQLAlchemy URL"),
    ("postgresql+nodriver://user:secret@host/db", "cannot connect"),
])
def test_a_bad_database_url_is_a_clear_error_that_hides_the_password(tmp_path, url, message):
    with pytest.raises(VocError, match=message) as caught:
        write_database(url, given.tables(), tmp_path)
    assert "secret" not in str(caught.value)

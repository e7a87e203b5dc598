import os
import subprocess
import sys
from datetime import UTC, datetime

import polars as pl
import pytest

from voc.errors import VocError, WorkspaceBusyError
from voc.schema import QUARANTINE
from voc.store import Store, write_parquet

WHEN = datetime(2026, 10, 31, 2, 0, tzinfo=UTC)


def _publish(store, payload):
    folder = store.begin(WHEN)
    write_parquet(QUARANTINE.empty(), QUARANTINE, folder.path / "quarantine.parquet")
    folder.write_json("run.json", payload)
    return store.publish(folder)


def test_publish_moves_the_run_into_place_and_switches_latest(tmp_path):
    store = Store(tmp_path / "out")
    with store.lock():
        first = _publish(store, {"n": 1})
        second = _publish(store, {"n": 2})
    assert first.name == "20261031T020000Z" and second.name == "20261031T020000Z-2"
    assert store.latest.is_symlink() and store.latest_run() == second
    assert (store.latest / "run.json").read_text().strip().endswith("}")
    assert pl.read_parquet(store.latest / "quarantine.parquet").schema == QUARANTINE.schema
    assert not list((tmp_path / "out").glob(".staging-*"))


def test_an_unfinished_run_leaves_latest_alone_and_is_cleaned_by_the_next(tmp_path):
    store = Store(tmp_path / "out")
    with store.lock():
        done = _publish(store, {"n": 1})
        store.begin(WHEN).write_json("run.json", {"n": "half"})  # killed before publish
    assert store.latest_run() == done
    with store.lock():
        assert not list((tmp_path / "out").glob(".staging-*"))


def test_a_second_run_on_the_same_workspace_is_refused(tmp_path):
    store = Store(tmp_path / "out")
    code = f"import time; from voc.store import Store; s = Store(__import__('pathlib').Path({str(tmp_path / 'out')!r}))\n" \
           "with s.lock():\n    print('locked', flush=True); time.sleep(30)"
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(WorkspaceBusyError, match=f"pid {holder.pid}"):
            with store.lock():
                pass
    finally:
        holder.kill()
        holder.wait()
    with store.lock():  # released when the holder dies, even by SIGKILL
        pass


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_unwritable_output_folder_is_a_clear_error(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o500)
    try:
        with pytest.raises(VocError, match="cannot write"):
            with Store(out).lock():
                pass
    finally:
        out.chmod(0o700)


def test_a_damaged_latest_run_is_skipped_with_a_warning_for_the_run_before_it(tmp_path):
    from voc.night import CARRIED, last_usable_run  # noqa: PLC0415

    store = Store(tmp_path / "out")

    def complete(stamp):
        folder = store.begin(stamp)
        for table in CARRIED:
            write_parquet(table.empty(), table, folder.path / f"{table.name}.parquet")
        folder.write_json("run.json", {"run_id": folder.run_id})
        return store.publish(folder)

    with store.lock():
        first = complete(WHEN)
        second = complete(WHEN.replace(hour=3))
    assert last_usable_run(store) == (second, [])
    registry = second / "topic_registry.parquet"
    registry.write_bytes(registry.read_bytes()[:40])  # truncated on disk after publishing
    run, warnings = last_usable_run(store)
    assert run == first and len(warnings) == 1 and "topic_registry.parquet" in warnings[0]
    (first / "run.json").write_text("{not json")
    assert last_usable_run(store)[0] is None and len(last_usable_run(store)[1]) == 2

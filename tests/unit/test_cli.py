import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from voc.cli import _parser, main

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_command_and_option_is_documented_in_the_readme(name):
    assert f"voc {name}" in README
    for action in _subcommands()[name]._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag != "--help":
                assert flag in README, f"{flag} of `voc {name}` is not in README.md"


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_option_has_help_text(name):
    for action in _subcommands()[name]._actions:
        assert action.help, f"`voc {name}` {action.dest} has no help"


def test_report_before_any_run_exits_with_usage_code(tmp_path, capsys):
    assert main(["init", str(tmp_path / "ws"), "--sample"]) == 0
    assert main(["report", "--config", str(tmp_path / "ws" / "voc.yaml")]) == 2
    assert "no published run yet; run `voc run` first" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["score"], "give texts to score, or --input FILE"),
        (["score", "hi", "--input", "x.csv"], "not both"),
        (["score", "--input", "{tmp}/in.csv", "--text-column", "comment"], "has no column 'comment'"),
        (["score", "--input", "{tmp}/in.xml"], "use a .csv, .tsv, .jsonl or .parquet file"),
        (["score", "--input", "{tmp}/missing.csv"], "cannot read"),
        (["train", "--labels", "{tmp}/missing.csv"], "labels file not found"),
    ],
)
def test_score_and_train_refuse_bad_usage_before_loading_any_model(argv, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.csv").write_text("text\nhello\n")
    (tmp_path / "in.xml").write_text("<a/>")
    assert main([a.format(tmp=tmp_path) for a in argv]) in (1, 2)
    assert message in capsys.readouterr().err


def test_init_writes_templates_and_refuses_to_overwrite(tmp_path, capsys):
    assert main(["init", str(tmp_path / "ws")]) == 0
    assert {p.name for p in (tmp_path / "ws").iterdir()} == {"voc.yaml", "journey_map.yaml"}
    assert main(["init", str(tmp_path / "ws")]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["init", str(tmp_path / "ws"), "--force"]) == 0


def test_validate_lists_problems_and_exits_2_on_the_unfilled_template(tmp_path, capsys):
    main(["init", str(tmp_path)])
    assert main(["-q", "validate", "--config", str(tmp_path / "voc.yaml")]) == 2
    err = capsys.readouterr().err
    assert re.search(r"voc\.yaml \[sources\.0\.path\]: no files match", err)


def test_validate_passes_once_the_template_has_data(tmp_path, capsys):
    main(["init", str(tmp_path)])
    (tmp_path / "data" / "surveys").mkdir(parents=True)
    (tmp_path / "data" / "surveys" / "a.csv").write_text(
        "response_id,submitted_at,customer_id,nps,comment\n1,2026-09-01T10:00:00Z,C1,9,Great\n"
    )
    assert main(["validate", "--config", str(tmp_path / "voc.yaml")]) == 0
    assert "is valid" in capsys.readouterr().out


def test_missing_config_is_a_usage_error(tmp_path, capsys):
    assert main(["run", "--config", str(tmp_path / "nope.yaml")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_validate_reports_a_model_path_that_does_not_exist(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "ws"]) == 0
    config = tmp_path / "ws" / "voc.yaml"
    config.write_text(config.read_text().replace("  sentiment: default", "  sentiment: models/nowhere", 1))
    assert main(["validate", "--config", str(config)]) == 2
    assert "'models/nowhere' is neither a folder" in capsys.readouterr().err


def test_the_command_exits_with_mains_code_after_the_exit_handlers_and_what_it_printed(tmp_path):
    """`voc` skips Python's teardown, not what a normal exit does: output is flushed, exit handlers run, a thread
    that is not a daemon is waited for, and a pool whose idle workers wait to be told to stop (as joblib's, which
    HDBSCAN starts on large workspaces) is told."""
    script = (
        "import atexit, sys, threading, time\n"
        "from concurrent.futures import ThreadPoolExecutor\n"
        "from voc.cli import command\n"
        "atexit.register(lambda: print('handler ran', flush=True))\n"
        "threading.Thread(target=lambda: (time.sleep(0.3), print('thread done'))).start()\n"
        "pool = ThreadPoolExecutor(2)\n"
        "pool.submit(print, 'pool used').result()\n"
        f"sys.argv = ['voc', 'run', '--config', {str(tmp_path / 'nope.yaml')!r}]\n"
        "print('before', end='')\n"
        "command()\n"
        "print('never here')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stdout.startswith("pool used\nbefore") and "thread done\nhandler ran" in done.stdout
    assert "never here" not in done.stdout
    assert "file not found" in done.stderr

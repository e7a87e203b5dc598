"""The `voc` command: a thin adapter over the library. Library errors become messages and exit codes.

Exit codes: 0 ok, 1 the run failed, 2 bad usage or config.
"""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import NoReturn

import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from voc.config import Workspace, load_workspace
from voc.errors import ConfigError, ModelNotAvailableError, Problem, VocError, WorkspaceBusyError

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
FILE_LEVEL_REASONS = {"unreadable_file", "undecodable_file", "unsupported_format", "missing_column"}

console = Console(stderr=True, highlight=False, soft_wrap=True)
stdout = Console(highlight=False, soft_wrap=True)


class UsageError(VocError):
    """Bad command-line usage (exit code 2)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voc",
        description="voc: voice-of-customer pipeline. Reads surveys, tickets and calls; publishes units, topics and "
        "journey insights to out/<run_id>/ and out/latest/.",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors and the final result")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each step's details")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str, handler: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(handler=handler)
        return command

    def with_config(command: argparse.ArgumentParser) -> None:
        command.add_argument("-c", "--config", default="voc.yaml", metavar="FILE",
                             help="workspace config (default: voc.yaml in the current folder)")

    init = add("init", "scaffold a workspace: voc.yaml, journey_map.yaml and, with --sample, sample data", _init)
    init.add_argument("dir", metavar="DIR", type=Path, help="folder to create (or fill, if empty)")
    init.add_argument("--sample", action="store_true", help="copy the bundled sample company (Brightline) with its data")
    init.add_argument("--force", action="store_true", help="overwrite voc.yaml and journey_map.yaml if DIR has them")

    validate = add("validate", "check config, journey map and sources without running; lists every problem", _validate)
    with_config(validate)

    run = add("run", "run the nightly flow once, now, and publish to the output folder", _run)
    with_config(run)
    run.add_argument("--full", action="store_true",
                     help="recompute everything: read every source, prepare and encode every text, refit the topics")

    serve = add("serve", "serve the nightly flow on a cron schedule "
                "(starts a local Prefect server unless PREFECT_API_URL is set)", _serve)
    with_config(serve)
    serve.add_argument("--cron", help='cron schedule (default: flow.cron in voc.yaml, "0 2 * * *")')
    serve.add_argument("--timezone", help="IANA time zone of the schedule, e.g. Europe/Rome (default: flow.timezone, UTC)")
    serve.add_argument("--port", type=int, default=4200, help="port of the local Prefect server and its UI (default: 4200)")

    score = add("score", "score texts for sentiment and frustration (JSON lines, or a csv/parquet file)", _score)
    score.add_argument("texts", nargs="*", metavar="TEXT", help="texts to score")
    score.add_argument("--input", type=Path, metavar="FILE", help="csv, tsv, jsonl or parquet file of texts")
    score.add_argument("--text-column", default="text", metavar="COL", help="column of --input holding the text")
    score.add_argument("--output", type=Path, metavar="FILE",
                       help="write csv or parquet here (the input's columns plus the scores) instead of JSON lines")
    score.add_argument("-c", "--config", default=None, metavar="FILE",
                       help="take models: from this voc.yaml (default: voc.yaml in the current folder if there is one)")

    train = add("train", "retrain the shipped models from the public datasets, or adapt them to labelled examples",
                _train)
    train.add_argument("--labels", type=Path, metavar="FILE",
                       help="adapt instead: csv/parquet with a text column and sentiment and/or frustration labels")
    train.add_argument("--text-column", default="text", metavar="COL", help="column of --labels holding the text")
    train.add_argument("--base", type=Path, metavar="DIR", help="model to adapt (default: the shipped model)")
    train.add_argument("--multilingual", action="store_true",
                       help="retrain the cross-lingual model (heads on the multilingual encoder) instead of the English one")
    train.add_argument("--data", type=Path, default=Path("../shared/data"), metavar="DIR",
                       help="folder of the public datasets for retraining (default: ../shared/data)")
    train.add_argument("--output", type=Path, metavar="DIR",
                       help="where to write the model (default: models/affect to retrain, models/affect-multilingual "
                       "with --multilingual, models/adapted to adapt)")
    train.add_argument("--epochs", type=int, metavar="N",
                       help="training epochs (default: 3 to retrain, 15 with --multilingual, 10 to adapt)")
    train.add_argument("--limit", type=int, metavar="N", help="retrain on at most N rows per set and split (a quick check)")
    train.add_argument("--device", default="auto", help="auto (CUDA when present), cpu or cuda")
    train.add_argument("--measure", type=Path, nargs="?", const=Path("models/affect"), metavar="DIR",
                       help="measure a model written by `voc train` again on the public datasets (default: "
                       "models/affect) and rewrite its card; its weights stay as they are")

    report = add("report", "rebuild the HTML report of the latest run (out/latest/report.html)", _report)
    with_config(report)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    console.quiet = args.quiet
    try:
        return args.handler(args)
    except ConfigError as exc:
        _print_problems(exc.problems)
        return EXIT_USAGE
    except (UsageError, WorkspaceBusyError) as exc:
        console.quiet = False
        console.print(f"[red]error:[/] {escape(str(exc))}")
        return EXIT_USAGE
    except VocError as exc:
        console.quiet = False
        console.print(f"[red]run failed:[/] {escape(str(exc))}")
        return EXIT_FAILED


def _print_problems(problems: list[Problem]) -> None:
    console.quiet = False
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        colour = "red" if problem.severity == "error" else "yellow"
        console.print(f"[{colour}]{problem.severity}:[/] {escape(str(problem))}", soft_wrap=True)
    console.print(f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s)")


# ---------------------------------------------------------------- init


def sample_workspace() -> Path:
    """The bundled sample workspace: inside the package when installed, data/sample in a checkout."""
    packaged = Path(str(resources.files("voc"))) / "sample_workspace"
    checkout = Path(__file__).resolve().parent.parent / "data" / "sample"
    for candidate in (packaged, checkout):
        if (candidate / "voc.yaml").is_file():
            return candidate
    raise VocError("the sample workspace is not installed with this copy of voc; reinstall the package")


def _init(args: argparse.Namespace) -> int:
    target: Path = args.dir
    if (target / "voc.yaml").exists() and not args.force:
        raise UsageError(f"{target / 'voc.yaml'} exists; use --force to overwrite it")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the workspace folder {target}: {exc.strerror or exc}; choose another DIR") from exc
    if args.sample:
        sample = sample_workspace()
        shutil.copytree(sample, target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("out", "__pycache__", ".*"))
        what = "the sample workspace (Brightline)"
    else:
        templates = resources.files("voc") / "templates"
        for name in ("voc.yaml", "journey_map.yaml"):
            (target / name).write_text((templates / name).read_text(encoding="utf-8"), encoding="utf-8")
        what = "voc.yaml and journey_map.yaml (edit both, then run `voc validate`)"
    stdout.print(f"wrote {what} to {target}")
    stdout.print(f"next: cd {target} && voc validate && voc run")
    return EXIT_OK


# ---------------------------------------------------------------- validate


def _validate(args: argparse.Namespace) -> int:
    from voc.pipeline import read_sources  # noqa: PLC0415  (keeps `voc --help` fast)

    workspace = load_workspace(args.config)
    problems = list(workspace.warnings)
    collected = read_sources(workspace)
    problems += _language_problems(workspace)
    problems += _model_problems(workspace)
    problems += _schedule_problems(workspace)
    summary = RichTable("source", "kind", "files", "items", "usable", "quarantined", title="sources")
    for i, (source, c) in enumerate(zip(workspace.config.sources, collected, strict=True)):
        field = f"sources.{i}.path"
        if not c.files:
            problems.append(Problem(str(workspace.config_path), f"no files match {source.path!r}", field=field,
                                    fix=f"check the path; it is relative to {workspace.root}"))
        for row in c.quarantine.filter(c.quarantine["reason"].cast(pl.String).is_in(list(FILE_LEVEL_REASONS))).iter_rows(named=True):
            problems.append(Problem(row["locator"], row["detail"], field=f"sources.{i} ({source.name})", fix=""))
        summary.add_row(source.name, source.kind, str(c.files), str(c.read), str(c.used), str(c.quarantined))
    if not args.quiet:
        stdout.print(summary)
    if problems:
        _print_problems(problems)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        return EXIT_USAGE
    stdout.print(f"[green]ok[/]: {workspace.config_path} is valid; {len(workspace.journey_map.stages)} stages, "
                 f"{len(workspace.config.sources)} sources")
    return EXIT_OK


def _model_problems(workspace: Workspace) -> list[Problem]:
    """The models of `models:` resolve (paths exist, label mappings fit) without loading any weights."""
    from voc.scoring.scorer import Scorer  # noqa: PLC0415

    try:
        Scorer(workspace.config.models, workspace.root)
    except ConfigError as exc:
        return [Problem(str(workspace.config_path), p.message, field=p.field, fix=p.fix) for p in exc.problems]
    except ModelNotAvailableError as exc:
        return [Problem(str(workspace.config_path), str(exc), field="models")]
    return []


def _schedule_problems(workspace: Workspace) -> list[Problem]:
    from flows.environment import prefect_environment  # noqa: PLC0415  (before Prefect is imported)

    prefect_environment(workspace.output_dir)
    from flows.serve import schedule_problem  # noqa: PLC0415

    problem = schedule_problem(workspace.config.flow.cron, workspace.config.flow.timezone)
    return [Problem(str(workspace.config_path), problem, field="flow.cron", fix='e.g. cron: "0 2 * * *"')] if problem else []


def _language_problems(workspace: Workspace) -> list[Problem]:
    from voc.text.nlp import load_nlp  # noqa: PLC0415

    problems = []
    text = workspace.config.text
    for i, source in enumerate(workspace.config.sources):
        try:
            load_nlp(text.spacy_model, source.language, "person" in text.redact)
        except ModelNotAvailableError as exc:
            problems.append(Problem(str(workspace.config_path), str(exc), field=f"sources.{i}.language"))
    return problems


# ---------------------------------------------------------------- run


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    """A transient progress display; yields `show(step, done, total)` (total 0 = unknown)."""
    with Progress(SpinnerColumn(), TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def show(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total or None)
            bar.update(tasks[step], completed=done, total=total or None)

        yield show


def _run(args: argparse.Namespace) -> int:
    workspace: Workspace = load_workspace(args.config)
    for warning in workspace.warnings:
        console.print(f"[yellow]warning:[/] {escape(str(warning))}")
    from flows.environment import prefect_environment  # noqa: PLC0415  (before Prefect is imported)

    prefect_environment(workspace.output_dir, args.verbose)
    from flows.nightly import NightlyRun, run_nightly  # noqa: PLC0415

    with _progress() as show:
        manifest = run_nightly(NightlyRun(config=str(workspace.config_path), full=args.full), progress=show)
    sources = manifest["sources"]
    table = RichTable("source", "files", "read", "used", "quarantined", "", title=f"run {manifest['run_id']}")
    for name, counts in sources.items():
        table.add_row(name, str(counts["files"]), str(counts["read"]), str(counts["used"]), str(counts["quarantined"]),
                      "unavailable" if counts.get("unavailable") else "unchanged" if counts.get("reused") else "")
    if not args.quiet:
        stdout.print(table)
        for name, counts in sources.items():
            for warning in counts["warnings"]:
                console.print(f"[yellow]warning:[/] {escape(str(warning))}")
    for warning in manifest["warnings"]:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    counts = manifest["counts"]
    path = workspace.output_dir / manifest["run_id"]
    stdout.print(f"published {path} ({counts['units']} units from {counts['feedback']} items, "
                 f"{counts['quarantined']} quarantined) in {sum(manifest['timings_s'].values()):.1f} s")
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from flows.environment import prefect_environment, prefect_home  # noqa: PLC0415

    workspace: Workspace = load_workspace(args.config)
    flow = workspace.config.flow
    cron, timezone = args.cron or flow.cron, args.timezone or flow.timezone
    prefect_environment(workspace.output_dir, args.verbose)
    from flows.serve import schedule_problem, serve_nightly  # noqa: PLC0415

    problem = schedule_problem(cron, timezone)
    if problem:
        raise UsageError(f"{problem}; pass --cron \"MIN HOUR DAY MONTH WEEKDAY\" (e.g. \"0 2 * * *\") and an IANA --timezone")

    stdout.print(f"serving voc-nightly for {workspace.config_path} on {cron!r} ({timezone}); stop with Ctrl+C")
    serve_nightly(workspace.config_path, cron, timezone, prefect_home(workspace.output_dir), args.port)
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    from voc.export.report import write_report  # noqa: PLC0415
    from voc.night import previous_of  # noqa: PLC0415
    from voc.store import Store  # noqa: PLC0415

    workspace: Workspace = load_workspace(args.config)
    store = Store(workspace.output_dir)
    latest = store.latest_run()
    if latest is None:
        raise UsageError(f"{workspace.output_dir} has no published run yet; run `voc run` first")
    path = write_report(latest, previous_of(latest))
    stdout.print(f"wrote {path}")
    return EXIT_OK


# ---------------------------------------------------------------- score


def _score(args: argparse.Namespace) -> int:
    from voc.scoring.adhoc import OUTPUT_COLUMNS, score_texts  # noqa: PLC0415

    if bool(args.texts) == bool(args.input):
        raise UsageError("give texts to score, or --input FILE (not both)")
    models, root = _models_config(args.config)
    if args.input:
        frame = _read_table(args.input)
        if args.text_column not in frame.columns:
            raise UsageError(f"{args.input} has no column {args.text_column!r} (columns: {', '.join(frame.columns)}); "
                             "name the text column with --text-column")
        texts = frame[args.text_column].cast(pl.String).to_list()
    else:
        frame, texts = pl.DataFrame({"text": args.texts}), list(args.texts)
    replaced = [c for c in OUTPUT_COLUMNS if c in frame.columns]
    if replaced:
        console.print(f"[yellow]warning:[/] the input's columns {replaced} are replaced by the scores")
    scores = score_texts(texts, models, root)
    empty = scores["sentiment"].null_count()
    if empty:
        console.print(f"[yellow]warning:[/] {empty} empty text(s) have no scores")
    out = pl.concat([frame.drop(replaced), scores.with_columns(pl.col("sentiment_label").cast(pl.String))], how="horizontal")
    if args.output:
        _write_table(out, args.output)
        console.print(f"wrote {out.height} rows to {args.output}")
    else:
        for row in out.select("text" if not args.input else args.text_column, *OUTPUT_COLUMNS).iter_rows(named=True):
            row = {("text" if k == args.text_column else k): v for k, v in row.items()}
            stdout.print_json(data=_rounded(row), indent=None)
    return EXIT_OK


def _models_config(config: str | None):  # noqa: ANN202
    """The models of voc.yaml (the given file, else ./voc.yaml if present), else the defaults."""
    from voc.config import ModelsConfig  # noqa: PLC0415

    if config is None and not Path("voc.yaml").is_file():
        return ModelsConfig(), None
    workspace = load_workspace(config or "voc.yaml")
    return workspace.config.models, workspace.root


def _read_table(path: Path) -> pl.DataFrame:
    readers = {".csv": lambda p: pl.read_csv(p, infer_schema=False), ".tsv": lambda p: pl.read_csv(p, separator="\t", infer_schema=False),
               ".parquet": pl.read_parquet, ".jsonl": pl.read_ndjson}
    if path.suffix.lower() not in readers:
        raise UsageError(f"{path}: use a .csv, .tsv, .jsonl or .parquet file")
    try:
        return readers[path.suffix.lower()](path)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from exc


def _write_table(frame: pl.DataFrame, path: Path) -> None:
    if path.suffix.lower() not in {".csv", ".parquet"}:
        raise UsageError(f"{path}: --output must end in .csv or .parquet")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    frame.write_parquet(temporary) if path.suffix.lower() == ".parquet" else frame.write_csv(temporary)
    temporary.replace(path)


def _rounded(row: dict) -> dict:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}


# ---------------------------------------------------------------- train


def _train(args: argparse.Namespace) -> int:
    from voc.scoring.model_folder import shipped_folder  # noqa: PLC0415
    from voc.scoring.train import TrainSettings  # noqa: PLC0415

    device = args.device
    if args.measure and (args.labels or args.multilingual):
        console.print("[red]error:[/] --measure measures an existing model; it cannot be combined with --labels or "
                      "--multilingual")
        return EXIT_USAGE
    if args.labels and args.multilingual:
        console.print("[red]error:[/] --multilingual retrains the cross-lingual model from the public datasets; "
                      "it cannot be combined with --labels")
        return EXIT_USAGE
    with _progress() as show:
        if args.measure:
            from voc.scoring.recipe import remeasure  # noqa: PLC0415

            output = args.measure
            meta = remeasure(output, args.data, device, args.limit, show)
        elif args.multilingual:
            from voc.scoring.heads_fit import HeadSettings  # noqa: PLC0415
            from voc.scoring.multilingual import train_multilingual  # noqa: PLC0415

            settings = HeadSettings() if args.epochs is None else HeadSettings(epochs=args.epochs)
            output = args.output or Path("models/affect-multilingual")
            meta = train_multilingual(args.data, output, settings, args.limit, show)
        elif args.labels:
            from voc.scoring.adapt import ADAPT_SETTINGS, adapt, read_labels  # noqa: PLC0415

            labels, skipped = read_labels(args.labels, args.text_column)
            for message in skipped:
                console.print(f"[yellow]skipped:[/] {escape(message)}")
            settings = ADAPT_SETTINGS if args.epochs is None else TrainSettings(**{**ADAPT_SETTINGS.__dict__, "epochs": args.epochs})
            output = args.output or Path("models/adapted")
            meta = adapt(args.base or shipped_folder(), labels, output, args.labels, settings, device, show)
        else:
            from voc.scoring.recipe import train_shipped  # noqa: PLC0415

            settings = TrainSettings() if args.epochs is None else TrainSettings(epochs=args.epochs)
            output = args.output or Path("models/affect")
            meta = train_shipped(args.data, output, settings, device, args.limit, show)
    for name, values in meta["metrics"].items():
        stdout.print(f"{name}: {values}")
    if args.measure:
        stdout.print(f"measured {output} again (card: {output / 'README.md'})")
        return EXIT_OK
    stdout.print(f"wrote {output} in {meta['train_seconds']} s (card: {output / 'README.md'})")
    if args.labels:
        stdout.print(f"use it: set models.sentiment and models.frustration to {output.resolve()} in voc.yaml")
    return EXIT_OK


def command() -> NoReturn:
    """The `voc` command: main(), then the process ends without tearing its modules down. Once the libraries of
    a run are imported (torch, transformers, spaCy, BERTopic, Prefect), Python's own teardown takes about 2 s on 2
    cores and does nothing the command needs. What a normal exit does first is done as it does it: the threading
    module's shutdown (it tells pools such as joblib's and concurrent.futures' to stop their threads, then waits for
    every thread that is not a daemon), then the exit handlers (log handlers flush, Prefect's temporary API server
    stops). An exception leaves by Python's usual exit."""
    code = main()
    threading._shutdown()  # noqa: SLF001  (CPython's own first step of an exit; waiting on threads alone would hang)
    atexit._run_exitfuncs()  # noqa: SLF001  (its second step; os._exit skips both)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    command()

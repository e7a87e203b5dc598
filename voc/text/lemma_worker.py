"""Lemmas of the topic fit's sample, made in a worker process while the fit lays out the vectors.

UMAP's layout epochs run on one core, and so does spaCy's tagger and lemmatizer; the fit needs the lemmas only once
its clusters are found (for keywords and labels). With a second core, a worker process lemmatises the sample's main
language meanwhile: `python -P -m voc.text.lemma_worker JOB RESULT PARENT_PID`, a fresh interpreter that inherits
nothing of the night's process but its environment and import path. The texts of other languages, usually few, are
lemmatised in this process when the lemmas are asked for. The lemmas are the same either way (a text in two language
groups takes the lemmas of the later group, as when all are lemmatised here); a worker that fails, is killed or
cannot be started only costs its time: its texts are then lemmatised here, with a warning. The worker removes the
texts it was given from disk as soon as it has read them, and leaves no result behind if the night's process is gone
when it is done.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from voc.cores import usable_cores
from voc.text.lemmas import Lemmatized, lemmatize, load_lemmatizer

__all__ = ["WORKER_MIN_TEXTS", "lemmas_meanwhile"]

log = logging.getLogger(__name__)
WORKER_MIN_TEXTS = 2000  # fewer texts are lemmatised here: starting a worker (Python, spaCy, the model) takes ~3 s
_ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


@contextmanager
def lemmas_meanwhile(groups: dict[str, list[str]]) -> Iterator[Callable[[], Lemmatized]]:
    """Lemmatise texts grouped by language; the callable waits for the lemmas and returns them. The largest group goes
    to a worker process as soon as the context opens, when it has WORKER_MIN_TEXTS texts and this process may use two
    cores; a worker still running when the context closes is stopped."""
    main = max(groups, key=lambda language: len(groups[language]), default=None)
    if main is None or len(groups[main]) < WORKER_MIN_TEXTS or usable_cores() < 2:
        yield lambda: Lemmatized.combine([_lemmatized(texts, language) for language, texts in groups.items()])
        return
    with tempfile.TemporaryDirectory(prefix="voc-lemmas-") as folder:
        job, result, errors = (Path(folder) / name for name in ("job.json", "lemmas.json", "stderr.txt"))
        job.write_text(json.dumps({"language": main, "texts": groups[main]}), encoding="utf-8")
        worker = _start(job, result, errors)

        def wait() -> Lemmatized:
            parts = {language: _lemmatized(texts, language) for language, texts in groups.items() if language != main}
            if worker is not None and worker.wait() == 0:
                parts[main] = Lemmatized.read(result)
            else:
                if worker is not None:
                    log.warning("the lemma worker process failed (exit %s: %s); lemmatising in this process",
                                worker.returncode, errors.read_text(encoding="utf-8", errors="replace").strip()[-500:]
                                or "no message")
                parts[main] = _lemmatized(groups[main], main)
            return Lemmatized.combine([parts[language] for language in groups])

        try:
            yield wait
        finally:
            if worker is not None and worker.poll() is None:
                worker.kill()
                worker.wait()


def _start(job: Path, result: Path, errors: Path) -> subprocess.Popen | None:
    """The worker: this interpreter with this process's import path (`-P`: not the working folder's), one BLAS
    thread. None when no process can be started (reported), or when this is no plain Python interpreter."""
    if not sys.executable or getattr(sys, "frozen", False):
        return None
    env = {**os.environ, **_ONE_THREAD, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    command = [sys.executable, "-P", "-m", __name__, str(job), str(result), str(os.getpid())]
    try:
        with errors.open("wb") as stderr:
            return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr, env=env)
    except (OSError, ValueError) as exc:
        log.warning("no lemma worker process could be started (%s); lemmatising in this process", exc)
        return None


def _lemmatized(texts: list[str], language: str) -> Lemmatized:
    return lemmatize(texts, load_lemmatizer(language))


def main(arguments: list[str]) -> None:
    job, result, parent = Path(arguments[0]), Path(arguments[1]), int(arguments[2])
    work = json.loads(job.read_text(encoding="utf-8"))
    job.unlink()
    lemmas = _lemmatized(work["texts"], work["language"])
    if os.getppid() != parent:  # the night's process is gone: nobody will read or remove the result
        shutil.rmtree(result.parent, ignore_errors=True)
        return
    lemmas.write(result)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Lemmas made in a worker process are the lemmas made here; a failed or unneeded worker changes nothing."""

import logging
import signal
import subprocess

import pytest

from voc.text import lemma_worker
from voc.text.lemma_worker import lemmas_meanwhile
from voc.text.lemmas import lemmatize, load_lemmatizer

pytestmark = pytest.mark.slow  # the worker loads the English spaCy model

ENGLISH = ["My card was charged twice for one booking.", "The refunds arrived after three weeks of waiting.",
           "I changed my password but the app still logs me out."]
ITALIAN = ["Le consegne arrivano sempre in ritardo.", "Gli operatori sono gentili."]
GROUPS = {"en": ENGLISH, "it": ITALIAN}


@pytest.fixture
def workers(monkeypatch):
    """The worker processes started, with English as a group big enough for one."""
    started = []
    popen = subprocess.Popen

    def recording(*args, **kwargs):
        started.append(popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(lemma_worker.subprocess, "Popen", recording)
    monkeypatch.setattr(lemma_worker, "WORKER_MIN_TEXTS", len(ENGLISH))
    monkeypatch.setattr(lemma_worker, "usable_cores", lambda: 2)
    return started


def words(lemmas, texts):
    return [[(lemma, lemmas.surface(lemma, [text])) for lemma in lemmas.document(text).split()] for text in texts]


def expected(texts, language):
    return words(lemmatize(texts, load_lemmatizer(language)), texts)


def test_the_main_language_is_lemmatised_by_a_worker_with_the_same_lemmas(workers, monkeypatch):
    here = []
    monkeypatch.setattr(lemma_worker, "lemmatize", lambda texts, nlp: here.append(texts) or lemmatize(texts, nlp))
    with lemmas_meanwhile(GROUPS) as lemmas:
        result = lemmas()
    assert len(workers) == 1 and workers[0].returncode == 0 and here == [ITALIAN]
    assert words(result, ENGLISH) == expected(ENGLISH, "en") and words(result, ITALIAN) == expected(ITALIAN, "it")
    assert result.document(ENGLISH[0]) == "card charge twice booking"


def test_a_failed_worker_is_reported_and_its_texts_lemmatised_here(workers, monkeypatch, caplog):
    monkeypatch.setattr(lemma_worker.sys, "executable", "false")
    with caplog.at_level(logging.WARNING), lemmas_meanwhile(GROUPS) as lemmas:
        result = lemmas()
    assert workers[0].returncode != 0 and "lemma worker process failed" in caplog.text
    assert words(result, ENGLISH) == expected(ENGLISH, "en")


def test_no_worker_process_at_all_is_reported_and_its_texts_lemmatised_here(workers, monkeypatch, caplog):
    monkeypatch.setattr(lemma_worker.sys, "executable", "/nonexistent/python")
    with caplog.at_level(logging.WARNING), lemmas_meanwhile(GROUPS) as lemmas:
        result = lemmas()
    assert workers == [] and "no lemma worker process could be started" in caplog.text
    assert words(result, ENGLISH) == expected(ENGLISH, "en")


def test_a_worker_not_waited_for_is_stopped(workers):
    with lemmas_meanwhile(GROUPS):
        pass
    assert workers[0].returncode == -signal.SIGKILL


def test_a_text_in_two_languages_takes_the_later_groups_lemmas_with_or_without_a_worker(workers, monkeypatch):
    shared = "The cats are running"
    groups = {"it": [shared], "en": [*ENGLISH, shared]}
    with lemmas_meanwhile(groups) as lemmas:
        with_worker = lemmas().document(shared)
    monkeypatch.setattr(lemma_worker, "usable_cores", lambda: 1)
    with lemmas_meanwhile(groups) as lemmas:
        here = lemmas().document(shared)
    assert len(workers) == 1 and with_worker == here == "cat run"


@pytest.mark.parametrize("min_texts, cores", [(len(ENGLISH) + 1, 2), (len(ENGLISH), 1)])
def test_few_texts_or_one_core_need_no_worker(workers, monkeypatch, min_texts, cores):
    monkeypatch.setattr(lemma_worker, "WORKER_MIN_TEXTS", min_texts)
    monkeypatch.setattr(lemma_worker, "usable_cores", lambda: cores)
    with lemmas_meanwhile(GROUPS) as lemmas:
        assert words(lemmas(), ENGLISH) == expected(ENGLISH, "en")
    assert workers == []

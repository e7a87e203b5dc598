"""Topic labels and representative quotes on hand-made keywords, lemma documents and 2-d vectors."""

import os
import subprocess
import sys

import numpy as np
import pytest

from voc.topics.labels import distinct_keywords, quotes_for, topic_label


def same(term: str) -> str:
    return term


def first(phrases: list[str]) -> int:
    return 0


def nearest_to(wanted: str):  # noqa: ANN201
    """A `nearest` that picks `wanted` and checks it is offered."""
    return lambda phrases: phrases.index(wanted)


def test_distinct_keywords_drops_the_same_words_in_another_order():
    keywords = ["card permission", "refund", "permission card", "card", "refund"]
    assert distinct_keywords(keywords, 10) == ["card permission", "refund", "card"]


def test_distinct_keywords_keeps_at_most_count_in_rank_order():
    assert distinct_keywords(["b", "a", "a b", "b a", "c"], 3) == ["b", "a", "a b"]


def test_distinct_keywords_drops_a_word_said_twice():
    keywords = ["transfer transfer", "cancel transfer", "transfer", "refund refund refund", "refund"]
    assert distinct_keywords(keywords, 10) == ["cancel transfer", "transfer", "refund"]


def test_a_phrase_in_a_fifth_of_the_documents_is_the_label_in_its_surface_form():
    documents = ["late refund bank", "late refund", "money back", "money bank", "bank money"]
    surface = {"late refund": "late refunds"}.get
    assert topic_label(["refund", "late refund", "money", "bank"], documents, surface, "", first) == "Late refunds"


def test_without_a_common_phrase_the_keyword_nearest_the_units_is_the_label_in_its_surface_form():
    documents = ["late refund bank"] + [f"money bank {i}" for i in range(7)] + ["money"] * 2  # phrase: 1 of 10
    offered = []

    def nearest(phrases: list[str]) -> int:
        offered.extend(phrases)
        return phrases.index("BANK")

    label = topic_label(["refund", "late refund", "money", "bank"], documents, str.upper, "", nearest)
    assert label == "BANK"
    assert offered == ["REFUND", "LATE REFUND", "MONEY", "BANK"]  # every keyword, in its surface form, in rank order


def test_the_phrase_must_be_among_the_top_five_keywords_and_the_label_among_the_top_eight():
    documents = ["late refund"] * 4 + ["aa bb"] * 2 + ["aa"]
    keywords = ["aa", "bb", "cc", "dd", "ee", "late refund", "ff", "gg", "hh"]
    assert topic_label(keywords, documents, same, "", nearest_to("late refund")) == "Late refund"
    offered = []
    topic_label(keywords, documents, same, "", lambda phrases: offered.extend(phrases) or 0)
    assert offered == keywords[:8]


def test_keywords_worded_alike_are_offered_once():
    offered = []
    surface = {"refund": "refunds", "refunds": "refunds"}.get
    label = topic_label(["refund", "refunds"], ["refund"] * 3, surface, "", lambda p: offered.extend(p) or 0)
    assert label == "Refunds" and offered == ["refunds"]


def test_a_topic_without_keywords_is_labelled_by_its_central_quote():
    assert topic_label([], ["why"], same, "  Why?\n ", first) == "“Why?”"


def test_a_long_central_quote_is_cut_with_an_ellipsis():
    quote = "The   app crashes whenever I open the settings page on my phone"
    label = topic_label([], [], same, quote, first)
    assert label == "“The app crashes whenever I open the settings pag…”"  # 48 characters, spaces collapsed
    assert len(label) == 48 + 3


def test_the_label_is_the_same_in_every_process():
    code = ("from voc.topics.labels import topic_label; "
            "print(topic_label(['delivery', 'courier', 'parcel'], ['delivery courier parcel', 'parcel courier delivery'], "
            "lambda t: t, '', lambda phrases: sorted(range(len(phrases)), key=lambda i: len(phrases[i]))[0]))")
    labels = {subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": seed},
                             capture_output=True, text=True, check=True).stdout.strip() for seed in ("0", "1", "3")}
    assert labels == {"Parcel"}


VECTORS = np.array([[1.0, 0.0], [0.8, 0.6], [0.6, 0.8], [0.0, 1.0], [0.99, 0.14]], dtype=np.float32)
READABLE = [f"a readable quote number {i}" for i in range(5)]


def test_quotes_are_the_members_closest_to_their_centroid_first():
    members = np.array([0, 1, 2])  # centroid ≈ direction of row 1
    assert quotes_for(members, VECTORS, READABLE, 3) == [READABLE[1], READABLE[2], READABLE[0]]


def test_quotes_respect_the_count_and_only_come_from_members():
    quotes = quotes_for(np.array([1, 2, 3]), VECTORS, READABLE, 2)
    assert quotes == [READABLE[2], READABLE[1]]
    assert quotes_for(np.array([], dtype=np.int64), VECTORS, READABLE, 3) == []


def test_too_short_or_too_long_texts_come_after_readable_ones():
    texts = ["ok", "x" * 281, "a quote of a readable length", "another quote that reads fine", "ok"]
    assert quotes_for(np.array([0, 1, 2, 3]), VECTORS, texts, 4) == [
        "a quote of a readable length", "another quote that reads fine", "x" * 281, "ok"]


def test_quotes_are_distinct_regardless_of_case():
    texts = ["The app keeps crashing on me", "the APP keeps crashing on me", "Support never called me back"]
    vectors = np.array([[1, 0], [1, 0], [0.9, 0.1]], dtype=np.float32)
    assert quotes_for(np.array([0, 1, 2]), vectors, texts, 3) == [
        "The app keeps crashing on me", "Support never called me back"]


# Quotes of a topic in several languages: ten units whose closeness to the centroid falls with their index.
RANKED = np.array([[1.0 - 0.05 * i, 0.0] for i in range(10)], dtype=np.float32)
TEN = [f"a readable quote number {i}" for i in range(10)]


def test_a_language_with_a_fifth_of_the_units_replaces_the_least_central_quote():
    assert quotes_for(np.arange(10), RANKED, TEN, 3) == TEN[:3]
    languages = ["en"] * 8 + ["it"] * 2  # it: 20% of the units, and the least central ones
    assert quotes_for(np.arange(10), RANKED, TEN, 3, languages) == [TEN[0], TEN[1], TEN[8]]


def test_a_language_under_a_fifth_of_the_units_is_not_forced_in():
    languages = ["en"] * 9 + ["it"]
    assert quotes_for(np.arange(10), RANKED, TEN, 3, languages) == TEN[:3]
    assert quotes_for(np.arange(10), RANKED, TEN, 3, languages, min_share=0.1) == [TEN[0], TEN[1], TEN[9]]


def test_a_language_quoted_once_is_never_swapped_out():
    languages = ["en", "it"] + ["en"] * 2 + ["it"] * 2 + ["de"] * 4  # three languages of 20% or more, two quotes
    assert quotes_for(np.arange(10), RANKED, TEN, 2, languages) == TEN[:2]  # en and it: no room for de
    languages = ["en"] * 4 + ["it"] * 3 + ["de"] * 3  # the three most central are English: two make room
    assert quotes_for(np.arange(10), RANKED, TEN, 3, languages) == [TEN[0], TEN[4], TEN[7]]


def test_quotes_already_in_every_main_language_are_unchanged():
    languages = ["it", "en"] * 5
    assert quotes_for(np.arange(10), RANKED, TEN, 4, languages) == TEN[:4]

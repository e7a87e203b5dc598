"""Motivation cues: which phrases count as a reason or a goal, which complaint readings do not, and the API."""

import subprocess
import sys

import numpy as np
import pytest
import spacy
from spacy.matcher import Matcher

from voc.text.cues import MOTIVATION_PATTERNS, _anchor, cue_names, motivation_cues

# (text, the cue it must report); every cue in MOTIVATION_PATTERNS appears at least once.
POSITIVES = [
    ("I chose you because of the price.", "because"),
    ("Cheaper than the rest, 'cause they had a deal on.", "because"),
    ("I set up a direct debit so that I never miss a payment.", "so_that"),
    ("We moved our savings here in order to get a better rate.", "so_that"),
    ("I use the app so I can track my spending.", "so_that"),
    ("I chose this bank for the low fees.", "chose"),
    ("We have finally chosen your broadband.", "chose"),
    ("I ended up choosing the family plan.", "chose"),
    ("I opted for the yearly plan.", "chose"),
    ("I picked you over the other two.", "picked"),
    ("We went with you after reading the reviews.", "went_with"),
    ("I was looking for a bank with no monthly fee.", "looking_for"),
    ("We'd been searching for a simpler tariff for ages.", "looking_for"),
    ("I was shopping around for cheaper insurance.", "looking_for"),
    ("The reason I stay is the customer service.", "reason"),
    ("The reason why we joined was the cashback.", "reason"),
    ("Main reason is the price.", "reason"),
    ("The biggest reason for choosing you was the app.", "reason"),
    ("That's why I stay.", "thats_why"),
    ("It is cheap, which is why we renewed.", "thats_why"),
    ("Fast delivery, that's the reason.", "thats_why"),
    ("I decided to go with you after the trial.", "decided"),
    ("We made the decision to move everything to you.", "decided"),
    ("I switched from my old provider last spring.", "switched"),
    ("Switching to you was easy.", "switched"),
    ("We finally made the switch.", "switched"),
    ("I came over from a competitor.", "switched"),
    ("I wanted something that just works.", "wanted_something"),
    ("We needed a bank with proper mobile banking.", "wanted_something"),
    ("What sold me was the free delivery.", "sold_me"),
    ("The app sold me on it.", "sold_me"),
    ("What made me choose you was the price match.", "sold_me"),
    ("The price won me over.", "sold_me"),
    ("Thanks to the cashback I saved a lot.", "thanks_to"),
    ("I signed up for the student offer.", "signed_up"),
    ("We signed-up last year.", "signed_up"),
    ("I joined for the rewards.", "signed_up"),
    ("I stay because the staff are friendly.", "stay_because"),
    ("We've stuck with you for ten years because you are fair.", "stay_because"),
    ("Recommended by a friend.", "recommended"),
    ("My sister recommended you.", "recommended"),
    ("[NAME] recommended this bank to me.", "recommended"),
    ("I came on a friend's recommendation.", "recommended"),
    ("Word of mouth, mostly.", "recommended"),
]

NEGATIVES = [
    "My bill is wrong",
    "the app crashes",
    "I cancelled",
    "I love the new design",  # sentiment alone is no cue
    "Great service",
]

# Complaint readings of cue words that the patterns leave out: (text, the cue it must not report).
NEAR_MISSES = [
    ("I picked up the phone and nobody answered.", "picked"),
    ("I didn't choose this plan.", "chose"),
    ("I wasn't looking for an upgrade.", "looking_for"),
    ("The reason I'm calling is my bill.", "reason"),
    ("The main reason for my complaint is the delay.", "reason"),
    ("I decided to cancel.", "decided"),
    ("My plan was switched to a worse one.", "switched"),
    ("Can you switch to paper billing?", "switched"),
    ("I need someone to call me back.", "wanted_something"),
    ("So I can't log in at all.", "so_that"),
    ("So that's not fair.", "so_that"),
    ("I went with my wife to the branch.", "went_with"),
    ("I joined the queue an hour ago.", "signed_up"),
    ("I stayed on hold because nobody answered.", "stay_because"),
]


@pytest.mark.parametrize(("text", "cue"), POSITIVES)
def test_each_cue_family_is_found(text, cue):
    assert cue in cue_names([text])[0]
    assert motivation_cues([text]).tolist() == [True]


def test_every_cue_has_a_positive_example():
    assert {cue for _, cue in POSITIVES} == set(MOTIVATION_PATTERNS)


def test_texts_without_a_cue_are_not_flagged():
    assert motivation_cues(NEGATIVES).tolist() == [False] * len(NEGATIVES)
    assert cue_names(NEGATIVES) == [[] for _ in NEGATIVES]


@pytest.mark.parametrize(("text", "cue"), NEAR_MISSES)
def test_complaint_readings_are_not_the_cue(text, cue):
    assert cue not in cue_names([text])[0]


def test_near_misses_without_because_are_not_flagged_at_all():
    texts = [text for text, _ in NEAR_MISSES if "because" not in text]
    assert motivation_cues(texts).tolist() == [False] * len(texts)


@pytest.mark.parametrize("text", ["BECAUSE it is cheap", "Because it is cheap", "i CHOSE you", "THAT'S WHY I STAY"])
def test_matching_ignores_case(text):
    assert motivation_cues([text]).tolist() == [True]


@pytest.mark.parametrize(
    "text",
    ["Because, honestly, it is cheaper.", "Cheaper,because of the fees", "(because it is cheap)", "cheap...because!",
     "That’s why I stay", "I’ve chosen you", "I was looking for: a simple app"],
)
def test_punctuation_and_curly_apostrophes_do_not_hide_a_cue(text):
    assert motivation_cues([text]).tolist() == [True]


def test_empty_input_and_empty_texts():
    flags = motivation_cues([])
    assert flags.shape == (0,)
    assert flags.dtype == np.bool_
    assert cue_names([]) == []
    assert motivation_cues(["", "   ", "because"]).tolist() == [False, False, True]
    assert cue_names(["", "because"]) == [[], ["because"]]


def test_cue_names_are_sorted_unique_and_in_input_order():
    texts = [
        "I chose you because a friend recommended you, and because of the price.",
        "My bill is wrong",
        "That's why I switched to you.",
    ]
    assert cue_names(texts) == [["because", "chose", "recommended"], [], ["switched", "thats_why"]]


def test_flags_are_a_bool_array_in_input_order():
    flags = motivation_cues(["the app crashes", "I picked you", "I cancelled", "what sold me was the price"])
    assert flags.dtype == np.bool_
    assert flags.tolist() == [False, True, False, True]


def test_batch_size_does_not_change_the_result():
    texts = [text for text, _ in POSITIVES + NEAR_MISSES] + NEGATIVES
    assert motivation_cues(texts, batch_size=1).tolist() == motivation_cues(texts).tolist()
    assert cue_names(texts, batch_size=3) == cue_names(texts)


def test_anchor_prefilter_finds_what_one_full_matcher_finds():
    texts = [text for text, _ in POSITIVES + NEAR_MISSES] + NEGATIVES
    nlp = spacy.blank("en")
    nlp.tokenizer.add_special_case("[NAME]", [{"ORTH": "[NAME]"}])
    matcher = Matcher(nlp.vocab)
    for name, patterns in MOTIVATION_PATTERNS.items():
        matcher.add(name, patterns)
    full = [sorted({nlp.vocab.strings[m] for m, _, _ in matcher(doc)}) for doc in nlp.tokenizer.pipe(texts)]
    assert cue_names(texts) == full


def test_a_non_string_text_is_refused_with_its_position():
    with pytest.raises(TypeError, match="item 1 is NoneType"):
        motivation_cues(["because", None])


def test_batch_size_must_be_positive():
    with pytest.raises(ValueError, match="batch_size"):
        cue_names(["because"], batch_size=0)


def test_importing_cues_does_not_import_spacy():
    code = "import sys, voc.text.cues; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_prefilter_anchor_is_the_rarest_required_word_list():
    stop_words = {"i", "we", "the"}
    pattern = [{"LOWER": {"IN": ["i", "we"]}}, {"LOWER": "the", "OP": "?"}, {"LOWER": {"IN": ["chose", "picked"]}}]
    assert _anchor(pattern, stop_words) == ["chose", "picked"]
    # no required positive word: the cue must run on every text
    assert _anchor([{"LOWER": {"NOT_IN": ["up"]}}, {"LOWER": "so", "OP": "?"}], stop_words) is None

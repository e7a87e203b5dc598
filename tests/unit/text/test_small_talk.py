"""Small talk: greetings, thanks, sign-offs, acknowledgements and names, in English and Italian."""

import pytest

from voc.text.small_talk import small_talk


@pytest.mark.parametrize("text", [
    "Thanks!", "Kind regards, [NAME]", "No, thank you.", "Hi, my name is [NAME].", "[NAME].", "[EMAIL]",
    "ok thanks", "Cheers", "Hello team", "Many thanks again", "That's great, thank you so much", "Thank you.",
])
def test_english_small_talk(text):
    assert small_talk([text]).tolist() == [True]


@pytest.mark.parametrize("text", [
    "Thanks, fingers crossed it works now", "Will I get anything back for this?", "Thanks for sorting the refund",
    "Can you call me back?", "The router still drops every evening", "Helpful agent, thanks", "I chose you because of the price",
    "Long wait [NAME].",
])
def test_what_says_something_is_not_small_talk(text):
    assert small_talk([text]).tolist() == [False]


def test_italian_words_for_italian_units_and_no_flag_for_a_language_without_a_list():
    flags = small_talk(["Grazie mille, cordiali saluti", "Il modem non funziona, grazie", "Danke schön", "Thanks!"],
                       ["it", "it", "de", None])
    assert flags.tolist() == [True, False, False, True]


def test_one_language_per_text():
    with pytest.raises(ValueError, match="2 texts but 1 languages"):
        small_talk(["a", "b"], ["en"])

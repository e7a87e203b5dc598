"""prepare() with language detection: a language per message picks its pipeline, a language per unit, the
item's language from its units; Italian sentence splitting."""

import polars as pl

from voc.config import TextConfig
from voc.incremental import reused_units, split_reusable
from voc.schema import FEEDBACK, UNITS
from voc.text.prepare import prepare

MIXED = (
    "The replacement router arrived quickly and the setup was easy. "
    "Però il servizio clienti non risponde mai al telefono. "
    "I have been waiting for a callback since Monday."
)


def units(prepared) -> list[tuple]:
    return prepared.units.select("text", "language", pl.col("language_confidence").is_not_null()).rows()


def test_a_mixed_message_gives_units_in_each_of_its_languages(blank, feedback):
    p = prepare(feedback({"id": "F1", "language": "en", "messages": [("customer", MIXED)]}), TextConfig(), blank)
    assert [(lang, known) for _, lang, known in units(p)] == [("en", True), ("it", True), ("en", True)]
    assert p.units.schema == UNITS.schema and p.units["language_confidence"].dtype == pl.Float32
    assert p.feedback["language"].to_list() == ["en"]  # two of its three units are English
    assert p.stats["languages"] == {"en": 2, "it": 1} and p.stats["units_language_fallback"] == 0


def test_the_message_language_picks_the_pipeline_and_the_item_takes_its_units_main_language(blank, feedback):
    fb = feedback(
        {"id": "F1", "language": "en", "messages": [
            ("customer", "Ho aspettato quaranta minuti in linea. Nessuno ha risposto alla mia email. Ok."),
            ("agent", "We are sorry about the wait, a colleague will call you back today."),
        ]},
        {"id": "F2", "language": "it", "messages": [("customer", "The delivery was two days late and nobody told me.")]},
    )
    p = prepare(fb, TextConfig(spacy_model="blank"), blank)
    assert blank.calls == [("blank", "it", True), ("blank", "en", True)]
    assert units(p) == [("Ho aspettato quaranta minuti in linea.", "it", True),
                        ("Nessuno ha risposto alla mia email.", "it", True),
                        ("Ok.", "it", False),  # too short to tell: its message's language
                        ("The delivery was two days late and nobody told me.", "en", True)]
    assert p.feedback["language"].to_list() == ["it", "en"]
    assert FEEDBACK.conform(p.feedback).equals(p.feedback)


def test_a_short_message_falls_back_to_its_source_language(blank, feedback):
    fb = feedback({"id": "F1", "language": "it", "messages": [("customer", "Top!")]},
                  {"id": "F2", "language": "de", "messages": [("customer", "OK")]})
    p = prepare(fb, TextConfig(), blank)
    assert units(p) == [("Top!", "it", False), ("OK", "de", False)]
    assert p.feedback["language"].to_list() == ["it", "de"] and p.stats["units_language_fallback"] == 2


def test_without_detection_every_unit_takes_its_source_language(blank, feedback):
    fb = feedback({"id": "F1", "language": "en", "messages": [("customer", MIXED)]})
    p = prepare(fb, TextConfig(detect_language=False), blank)
    assert [(lang, known) for _, lang, known in units(p)] == [("en", False)] * 3
    assert p.stats["nlp"] == {"en": "blank"}


def test_a_call_turn_kept_whole_takes_its_message_language(blank, feedback):
    turn = "Buongiorno, il modem si spegne ogni sera. Ho già provato a riavviarlo."
    p = prepare(feedback({"id": "C1", "kind": "call", "messages": [("customer", turn)]}), TextConfig(), blank)
    assert units(p) == [(turn, "it", True)]


def test_italian_abbreviations_do_not_end_a_sentence_and_ecc_before_a_capital_does(feedback):
    text = ("Ho parlato con il Sig. Bianchi e poi con la Dott.ssa Verdi dell'assistenza. "
            "Ho provato app, sito, numero verde ecc. ma niente da fare. "
            "Mi hanno chiesto documenti, bollette ecc. Non ho ancora ricevuto risposta.")
    p = prepare(feedback({"id": "F1", "language": "it", "messages": [("customer", text)]}),
                TextConfig(spacy_model="blank", redact=[]))
    assert p.units["text"].to_list() == [
        "Ho parlato con il Sig. Bianchi e poi con la Dott.ssa Verdi dell'assistenza.",
        "Ho provato app, sito, numero verde ecc. ma niente da fare.",
        "Mi hanno chiesto documenti, bollette ecc.",
        "Non ho ancora ricevuto risposta.",
    ]
    assert set(p.units["language"]) == {"it"}


def test_italian_names_after_titles_are_redacted_and_the_sentence_stays_whole(feedback):
    text = "Ho parlato con il Sig. Bianchi ieri. Mi chiamo Giulia Conti e sono cliente da anni."
    p = prepare(feedback({"id": "F1", "language": "it", "messages": [("customer", text)]}), TextConfig(spacy_model="blank"))
    assert p.units["text"].to_list() == ["Ho parlato con il Sig. [NAME] ieri.", "Mi chiamo [NAME] e sono cliente da anni."]


def test_reused_items_keep_their_detected_languages(blank, feedback):
    fb = feedback({"id": "F1", "language": "en", "messages": [("customer", MIXED)]})
    first = prepare(fb, TextConfig(), blank)
    fresh, kept = split_reusable(fb, first.feedback)
    assert fresh.height == 0 and kept["language"].to_list() == ["en"]
    again = reused_units(kept, first.units)
    assert again.select("unit_id", "language", "language_confidence").equals(
        first.units.select("unit_id", "language", "language_confidence"))

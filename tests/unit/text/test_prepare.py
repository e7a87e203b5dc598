"""prepare(): every message redacted, customer messages cut into units (sentences, or whole call turns)."""

import re
from datetime import UTC, datetime

import polars as pl
import pytest

from voc.config import TextConfig
from voc.schema import FEEDBACK, QUARANTINE, UNITS
from voc.text.prepare import prepare, prepare_texts, redact_column

PII = ["anna.smith@example.com", "07700 900123", "4111 1111 1111 1111", "GB82 WEST 1234 5698 7654 32", "Anna Smith", "Tom Baker"]


def unit_texts(prepared) -> list[str]:
    return prepared.units["text"].to_list()


def message_texts(prepared) -> list[str]:
    return [m["text"] for thread in prepared.feedback["messages"] for m in thread]


def test_units_come_only_from_customer_messages_with_positional_ids(blank, feedback):
    fb = feedback({"id": "F1", "kind": "ticket", "messages": [
        ("customer", "My router is dead. It blinks red."),
        ("agent", "Please restart it. Then wait a minute."),
        ("customer", "Done, still dead."),
    ]})
    p = prepare(fb, TextConfig(), blank)
    assert unit_texts(p) == ["My router is dead.", "It blinks red.", "Done, still dead."]
    assert p.units["unit_id"].to_list() == ["F1-00-000", "F1-00-001", "F1-02-000"]
    assert p.units.select("message_index", "unit_index").rows() == [(0, 0), (0, 1), (2, 0)]
    assert not any("restart" in t or "minute" in t for t in unit_texts(p))
    assert message_texts(p)[1] == "Please restart it. Then wait a minute."  # agent text stays as context


def test_unit_ids_are_zero_padded_and_unique_across_items(blank, feedback):
    many = " ".join(f"Point {i}." for i in range(12))
    fb = feedback({"id": "a1", "messages": [("agent", "Hi.")] * 10 + [("customer", many)]},
                  {"id": "b2", "messages": [("customer", many)]})
    p = prepare(fb, TextConfig(), blank)
    ids = p.units["unit_id"].to_list()
    assert ids[0] == "a1-10-000" and ids[11] == "a1-10-011" and ids[12] == "b2-00-000"
    assert all(re.fullmatch(r"(a1|b2)-\d{2}-\d{3}", i) for i in ids) and len(set(ids)) == len(ids) == 24


def test_pii_never_reaches_units_nor_the_redacted_messages_of_either_role(blank, feedback):
    fb = feedback({"id": "F1", "kind": "ticket", "messages": [
        ("customer", "Email anna.smith@example.com or call 07700 900123. My name is Anna Smith.\n"
                     "Refund card 4111 1111 1111 1111 to GB82 WEST 1234 5698 7654 32 please."),
        ("agent", "We wrote to anna.smith@example.com and called 07700 900123.\nRegards,\nTom Baker"),
    ]})
    p = prepare(fb, TextConfig(spacy_model="blank"), blank)
    for text in unit_texts(p) + message_texts(p):
        assert not [pii for pii in PII if pii in text], text
    customer, agent = message_texts(p)
    assert customer == ("Email [EMAIL] or call [PHONE]. My name is [NAME].\nRefund card [CARD] to [IBAN] please.")
    assert agent == "We wrote to [EMAIL] and called [PHONE].\nRegards,\n[NAME]"
    assert unit_texts(p) == ["Email [EMAIL] or call [PHONE].", "My name is [NAME].", "Refund card [CARD] to [IBAN] please."]


def test_redaction_stats_count_each_kind_per_message(blank, feedback):
    fb = feedback(
        {"id": "F1", "messages": [("customer", "Mail anna@example.com or bob@example.com.")]},
        {"id": "F2", "messages": [("customer", "Mail anna@example.com or bob@example.com."), ("agent", "Call 07700 900123.")]},
        {"id": "F3", "messages": [("customer", "Nothing personal here.")]},
    )
    p = prepare(fb, TextConfig(), blank)
    assert p.stats["redactions"] == {"email": 4, "phone": 1}
    assert p.stats["messages"] == 4 and p.stats["units"] == 3 and p.stats["nlp"] == {"en": "blank"}


def test_only_the_configured_kinds_are_redacted(blank, feedback):
    fb = feedback({"id": "F1", "messages": [("customer", "Mail anna@example.com or call 07700 900123.")]})
    p = prepare(fb, TextConfig(redact=["phone"]), blank)
    assert unit_texts(p) == ["Mail anna@example.com or call [PHONE]."]
    assert blank.calls == [("auto", "en", False)]  # no person redaction: no NER needed


def test_a_long_unit_is_capped_at_a_word_boundary(blank, feedback):
    sentence = "The replacement router arrived after three weeks and it still drops the connection every evening"
    fb = feedback({"id": "F1", "messages": [("customer", f"{sentence}. Short one.")]})
    p = prepare(fb, TextConfig(max_unit_chars=50), blank)
    first, second = p.units.select("text", "capped").rows()
    assert len(first[0]) <= 50 and first[1] is True
    assert sentence.startswith(first[0]) and sentence[len(first[0])] == " "
    assert second == ("Short one.", False)
    assert p.stats["units_capped"] == 1


def test_text_beyond_max_item_chars_is_truncated_and_counted(blank, feedback):
    long = "Word " * 80  # 400 characters
    fb = feedback({"id": "F1", "messages": [("customer", long), ("customer", "Short and sweet.")]})
    p = prepare(fb, TextConfig(max_item_chars=200), blank)
    assert p.stats["messages_truncated"] == 1
    assert len(message_texts(p)[0]) == 200
    assert sum(len(t) for t in p.units.filter(pl.col("message_index") == 0)["text"]) <= 200
    assert unit_texts(p)[-1] == "Short and sweet."


def test_pii_cut_by_max_item_chars_is_not_left_half_visible(blank, feedback):
    text = "x" * 178 + " reach me at anna.smith@example.com"  # the cut at 200 falls inside the address
    p = prepare(feedback({"id": "F1", "messages": [("customer", text)]}), TextConfig(max_item_chars=200), blank)
    assert not [t for t in unit_texts(p) + message_texts(p) if "anna.smi" in t]


def test_units_with_too_few_letters_or_digits_are_dropped(blank, feedback):
    fb = feedback({"id": "F1", "messages": [("customer", "!!! The app crashed."), ("customer", ":-)"),
                                            ("customer", "Fine. 5. Ok")]})
    assert unit_texts(prepare(fb, TextConfig(), blank)) == ["The app crashed.", "Fine.", "Ok"]
    assert unit_texts(prepare(fb, TextConfig(min_unit_chars=1), blank)) == ["The app crashed.", "Fine.", "5.", "Ok"]
    assert unit_texts(prepare(fb, TextConfig(min_unit_chars=5), blank)) == ["The app crashed."]


def test_a_short_call_turn_is_one_unit_and_a_long_one_is_split_into_sentences(blank, feedback):
    short = "My broadband drops. Every evening."
    long = "My broadband drops every evening at nine. The router lights go red. Then it comes back."
    fb = feedback({"id": "C1", "kind": "call", "messages": [("agent", "Hello."), ("customer", short), ("customer", long)]})
    p = prepare(fb, TextConfig(max_unit_chars=60), blank)
    assert unit_texts(p) == [short, *(f"{s}." for s in long.split(". ")[:2]), "Then it comes back."]
    assert p.units["unit_id"].to_list() == ["C1-01-000", "C1-02-000", "C1-02-001", "C1-02-002"]
    assert not any(p.units["capped"])


def test_a_whole_call_turn_is_redacted_and_has_its_whitespace_collapsed(blank, feedback):
    fb = feedback({"id": "C1", "kind": "call", "messages": [("customer", "Call me on\n07700 900123.   Thanks.")]})
    assert unit_texts(prepare(fb, TextConfig(), blank)) == ["Call me on [PHONE]. Thanks."]


def test_outputs_conform_to_the_schemas_and_units_inherit_item_fields(blank, feedback):
    sent = datetime(2026, 9, 14, 8, tzinfo=UTC)
    created = datetime(2026, 9, 1, tzinfo=UTC)
    fb = feedback({"id": "F1", "score": 9.0, "score_type": "nps", "stage_id": "buy", "customer_id": "C1", "created_at": created,
                   "messages": [("customer", "Dated message.", sent), ("customer", "Undated message.")]},
                  {"id": "F2", "messages": [("agent", "Only the agent.")]})
    p = prepare(fb, TextConfig(), blank)
    assert UNITS.conform(p.units).equals(p.units) and FEEDBACK.conform(p.feedback).equals(p.feedback)
    assert p.feedback["feedback_id"].to_list() == ["F1", "F2"]
    assert p.units.select("created_at", "score", "customer_id", "stage_id", "stage_confidence").rows() == [
        (sent, 9.0, "C1", "buy", 1.0), (created, 9.0, "C1", "buy", 1.0)]
    assert p.units.select("sentiment", "sentiment_label", "frustration", "topic_id").null_count().row(0) == (2, 2, 2, 2)


def test_an_empty_feedback_frame_gives_empty_conforming_tables(blank):
    p = prepare(FEEDBACK.empty(), TextConfig(), blank)
    assert p.units.height == 0 and p.units.schema == UNITS.schema and p.feedback.schema == FEEDBACK.schema
    assert p.stats["messages"] == 0 and p.stats["redactions"] == {}


def test_each_language_gets_its_own_pipeline(blank, feedback):
    fb = feedback({"id": "F1", "messages": [("customer", "Great.")]},
                  {"id": "F2", "language": "it", "messages": [("customer", "Ottimo.")]},
                  {"id": "F3", "messages": [("customer", "Fine.")]})
    p = prepare(fb, TextConfig(spacy_model="blank"), blank)
    assert blank.calls == [("blank", "en", True), ("blank", "it", True)]
    assert p.stats["nlp"] == {"en": "blank", "it": "blank"}
    assert p.units["language"].to_list() == ["en", "it", "en"]


def test_ner_names_are_redacted_when_capitalised_and_not_kept_terms(ner_loader, feedback):
    loader = ner_loader(["Priya Sharma", "sm", "Mastercard"])
    fb = feedback({"id": "F1", "messages": [("customer", "Priya Sharma refunded my Mastercard. Size sm fits.")]})
    p = prepare(fb, TextConfig(keep_terms=["MASTERCARD"]), loader)
    assert unit_texts(p) == ["[NAME] refunded my Mastercard.", "Size sm fits."]
    assert p.stats["redactions"] == {"person": 1}


def test_the_pronoun_i_and_words_the_texts_also_write_in_lower_case_are_never_names(ner_loader, feedback):
    loader = ner_loader(["I", "Refund", "Sneaky Fee", "Marco"])
    texts = ["I was charged twice.", "Refund please.", "Sneaky Fee again.", "Marco helped me.",
             "No refund yet.", "The refund is late.", "A refund, a fee.", "What a sneaky fee.", "Another sneaky fee.",
             "So sneaky."]
    fb = feedback(*({"id": f"F{i}", "messages": [("customer", t)]} for i, t in enumerate(texts)))
    p = prepare(fb, TextConfig(), loader)
    assert unit_texts(p)[:4] == ["I was charged twice.", "Refund please.", "Sneaky Fee again.", "[NAME] helped me."]


def test_keep_terms_also_protect_words_the_name_rules_find(blank, feedback):
    fb = feedback({"id": "F1", "messages": [("customer", "I spoke to Customer Services twice.")]})
    p = prepare(fb, TextConfig(keep_terms=["Customer Services"]), blank)
    assert unit_texts(p) == ["I spoke to Customer Services twice."]


def test_prepare_texts_returns_redacted_text_sentences_and_counts(blank):
    nlp = blank("blank", "en", True)
    (out,) = prepare_texts(["Hi. Mail anna@example.com now."], nlp, TextConfig())
    assert out.redacted == "Hi. Mail [EMAIL] now."
    assert out.sentences == [("Hi.", False), ("Mail [EMAIL] now.", False)]
    assert out.redactions == {"email": 1}


def test_redact_column_redacts_a_quarantine_raw_column_and_keeps_nulls(blank):
    frame = pl.DataFrame({
        "source": ["s"] * 3, "locator": ["a.csv:2", "a.csv:3", "a.csv"], "reason": ["bad_date", "bad_score", "missing_column"],
        "detail": ["d"] * 3, "raw": ["1,yesterday,9,Call 07700 900123", "2,2026-09-14,n/a,anna@example.com", None],
    }, schema_overrides={"reason": QUARANTINE.schema["reason"]})
    out = redact_column(frame, "raw", TextConfig(), blank)
    assert out["raw"].to_list() == ["1,yesterday,9,Call [PHONE]", "2,2026-09-14,n/a,[EMAIL]", None]
    assert out.drop("raw").equals(frame.drop("raw")) and QUARANTINE.conform(out).height == 3


def test_redact_column_with_nothing_to_redact_does_not_load_a_pipeline(blank):
    frame = pl.DataFrame({"raw": [None, ""]}, schema={"raw": pl.String})
    assert redact_column(frame, "raw", TextConfig(), blank).equals(frame)
    assert blank.calls == []


@pytest.mark.slow
def test_the_real_english_model_redacts_names_the_rules_miss(feedback):
    from voc.text.nlp import load_nlp

    nlp = load_nlp("auto", "en", True)
    if not nlp.has_ner:
        pytest.skip("no English spaCy model installed")
    text = "Yesterday Priya Sharma from your team hung up on me. I want a refund."
    fb = feedback({"id": "F1", "messages": [("customer", text)]})
    p = prepare(fb, TextConfig(), lambda *args: load_nlp(*args))
    assert "Priya" not in " ".join(unit_texts(p)) and "[NAME]" in unit_texts(p)[0]
    assert unit_texts(p)[1] == "I want a refund."


@pytest.mark.slow
def test_ner_runs_only_where_a_name_can_be_kept_and_keeps_the_same_names():
    from voc.text.nlp import load_nlp
    from voc.text.prepare import _common_lowercase_words, _is_name, _parsed

    nlp = load_nlp("auto", "en", True)
    if not nlp.has_ner:
        pytest.skip("no English spaCy model installed")
    assert "tok2vec" not in nlp.pipeline.pipe_names  # en_core_web_sm's shared tok2vec feeds only excluded components
    texts = ["My card was charged twice and nobody answers.", "Yesterday Priya Sharma from your team hung up on me.",
             "I spoke with Tom at the Leeds branch.", "How do I top up with Apple Pay?", "Cancel Transaction",
             "Do you accept Mastercard?", "Please ask Dr Okafor to call me back.", "The card is not working."] * 3
    common = _common_lowercase_words(texts)
    gated = [[e.text for e in doc.ents if _is_name(e, common)] for doc in _parsed(nlp, texts, common, chunk=5)]
    everywhere = [[e.text for e in doc.ents if _is_name(e, common)] for doc in nlp.pipeline.pipe(texts)]
    assert gated == everywhere
    assert ["Priya Sharma"] in gated and not any(names for names, text in zip(gated, texts) if text.startswith("My card"))

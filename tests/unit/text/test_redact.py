"""PII detection and replacement: e-mail, phone, card (Luhn), IBAN (mod 97), person names by rule."""

import pytest

from voc.text.redact import PLACEHOLDERS, PiiSpan, apply_spans, find_pii, iban_ok, luhn_ok, merge_spans, person_rule_spans

ALL = list(PLACEHOLDERS)


def redact(text: str, kinds=ALL) -> str:
    return apply_spans(text, merge_spans(find_pii(text, kinds)))


@pytest.mark.parametrize(
    "email",
    ["anna@example.com", "anna.smith+voc@example.co.uk", "j_o-e@mail-server.example.org", "ANNA.SMITH@EXAMPLE.COM"],
)
def test_emails_are_redacted(email):
    assert redact(f"Write to {email}, please.") == "Write to [EMAIL], please."


@pytest.mark.parametrize(
    "phone",
    [
        "07700 900123", "07700900123", "+44 7700 900123", "+447700900123", "020 7946 0958", "(020) 7946 0958",
        "0161-496-0000", "+39 06 1234 5678", "+1 415-555-0132", "+49 (0)30 1234567", "+353 87 123 4567",
    ],
)
def test_uk_and_international_phone_numbers_are_redacted(phone):
    assert redact(f"Call me on {phone} after 5pm.") == "Call me on [PHONE] after 5pm."


@pytest.mark.parametrize("phone", ["+33 6 12 34 56 78", "+33 1 23 45 67 89"])
def test_phone_numbers_with_a_one_digit_group_are_redacted(phone):
    assert redact(f"Call me on {phone} after 5pm.") == "Call me on [PHONE] after 5pm."


@pytest.mark.parametrize(
    "text",
    [
        "It cost \u00a338.50, then \u00a31,250.00 more.",
        "Booked for 2026-09-01 and again on 01/09/2026 at 10:30.",
        "Order 48211 and order #482117 are both late.",
        "Version 2.10.3 of the app, open 9-5.",
        "Reference AB-1234-XY, 3 items, 12 days.",
    ],
)
def test_amounts_dates_and_short_numbers_are_not_redacted(text):
    assert redact(text) == text


@pytest.mark.parametrize(
    "card",
    ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "5555 5555 5555 4444", "3782 822463 10005"],
)
def test_card_numbers_passing_luhn_are_redacted_as_cards(card):
    assert redact(f"My card {card} was charged twice.") == "My card [CARD] was charged twice."


@pytest.mark.parametrize("text", ["My card is 4111 1111 1111 1111 123", "Charged card 4111111111111111 2 times"])
def test_a_card_followed_by_more_digits_is_still_redacted(text):
    assert "1111 1111" not in redact(text) and "11111111" not in redact(text)


@pytest.mark.parametrize("number", ["4111 1111 1111 1112", "1234 5678 9012 3456", "4111111111111113"])
def test_card_like_numbers_failing_luhn_are_kept(number):
    assert redact(f"Tracking {number} shows nothing.") == f"Tracking {number} shows nothing."


def test_luhn():
    assert luhn_ok("79927398713") and luhn_ok("4111111111111111") and luhn_ok("0")
    assert not luhn_ok("79927398710") and not luhn_ok("4111111111111112")


@pytest.mark.parametrize("iban", ["GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", "DE89 3704 0044 0532 0130 00",
                                  "de89370400440532013000", "FR14 2004 1010 0505 0001 3M02 606"])
def test_ibans_with_a_valid_checksum_are_redacted(iban):
    assert redact(f"Refund to {iban} please.") == "Refund to [IBAN] please."


@pytest.mark.parametrize("iban", ["DE89 3704 0044 0532 0130 01", "FR14 2004 1010 0505 0001 3M02 607"])
def test_ibans_with_a_bad_checksum_are_kept(iban):
    assert redact(f"Refund to {iban} please.") == f"Refund to {iban} please."


def test_a_bad_checksum_iban_is_never_redacted_as_an_iban():
    # Its digits may still look like a phone number (GB: 4 digit groups, 14 digits): see the report.
    assert "[IBAN]" not in redact("Refund to GB82 WEST 1234 5698 7654 33 please.")


def test_iban_checksum():
    assert iban_ok("GB82WEST12345698765432") and iban_ok("gb82 west 1234 5698 7654 32")
    assert not iban_ok("GB82WEST12345698765431") and not iban_ok("GB82WEST123")


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("My name is Anna Smith and I want a refund.", "My name is [NAME] and I want a refund."),
        ("my name's Tom.", "my name's [NAME]."),
        ("Name is Tom Baker, account 48211.", "Name is [NAME], account 48211."),
        ("I SPOKE TO Sarah and she hung up.", "I SPOKE TO [NAME] and she hung up."),
        ("Talked to Priya yesterday.", "Talked to [NAME] yesterday."),
        ("Mr Jones at the desk was rude.", "Mr [NAME] at the desk was rude."),
        ("I asked for Dr. Anne-Marie Duval.", "I asked for Dr. [NAME]."),
        ("Still broken.\nThanks,\nTom", "Still broken.\nThanks,\n[NAME]"),
        ("Kind regards,\nAnna Smith", "Kind regards,\n[NAME]"),
        ("Cheers Tom", "Cheers [NAME]"),
    ],
)
def test_person_names_found_by_rules_are_redacted(text, redacted):
    assert redact(text, ["person"]) == redacted


@pytest.mark.parametrize(
    "text",
    [
        "I'm really annoyed.", "I am waiting for a refund.", "This is terrible service.", "It's broken again.",
        "Thanks for nothing", "Thanks again", "my name is important to me", "I spoke to them twice.",
        "Mr smith", "Thanks,\nAgain", "Thanks,\nAll", "My name is Not Important.",
        "Thanks, Tom said he would call back.",  # a sign-off is the message's last line
    ],
)
def test_ordinary_and_stop_list_words_after_name_cues_are_not_names(text):
    assert person_rule_spans(text) == []
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "redacted"),
    [("Mrs O'Neil called back.", "Mrs [NAME] called back."), ("Mr McDonald called back.", "Mr [NAME] called back.")],
)
def test_surnames_with_an_inner_capital_are_redacted_whole(text, redacted):
    assert redact(text, ["person"]) == redacted


def test_only_the_requested_kinds_are_detected():
    text = "anna@example.com, 07700 900123, card 4111 1111 1111 1111, GB82 WEST 1234 5698 7654 32, my name is Anna"
    assert {s.kind for s in find_pii(text, ["email"])} == {"email"}
    assert find_pii(text, []) == []
    assert redact(text, ["phone", "iban"]) == "anna@example.com, [PHONE], card 4111 1111 1111 1111, [IBAN], my name is Anna"
    assert redact(text) == "[EMAIL], [PHONE], card [CARD], [IBAN], my name is [NAME]"


@pytest.mark.parametrize(
    ("spans", "merged"),
    [
        pytest.param([(0, 20, "email"), (5, 10, "phone")], [(0, 20, "email")], id="nested-shorter-dropped"),
        pytest.param([(0, 5, "phone"), (0, 10, "email")], [(0, 10, "email")], id="same-start-longer-wins"),
        pytest.param([(0, 10, "card"), (0, 10, "phone")], [(0, 10, "card")], id="identical-first-listed-wins"),
        pytest.param([(0, 10, "person"), (5, 20, "phone")], [(0, 20, "phone")], id="partial-overlap-union-longer-kind"),
        pytest.param([(0, 10, "phone"), (5, 12, "person")], [(0, 12, "phone")], id="partial-overlap-union-first-kind"),
        pytest.param([(5, 10, "phone"), (0, 5, "email")], [(0, 5, "email"), (5, 10, "phone")], id="adjacent-kept-sorted"),
        pytest.param([], [], id="empty"),
    ],
)
def test_merge_spans_leaves_non_overlapping_spans_earliest_first(spans, merged):
    assert merge_spans([PiiSpan(*s) for s in spans]) == [PiiSpan(*m) for m in merged]


def test_no_character_of_a_detected_span_survives_merging():
    text = "Anna Smith07700 900123"
    spans = [PiiSpan(0, 10, "person"), PiiSpan(5, 22, "phone")]
    assert "Anna" not in apply_spans(text, merge_spans(spans))


TEXT = "Mail anna@example.com now. Call 07700 900123 today."
SPANS = merge_spans(find_pii(TEXT, ALL))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(0, len(TEXT), "Mail [EMAIL] now. Call [PHONE] today.", id="whole"),
        pytest.param(27, len(TEXT), "Call [PHONE] today.", id="second-sentence"),
        pytest.param(0, 26, "Mail [EMAIL] now.", id="first-sentence"),
        pytest.param(10, 26, "[EMAIL] now.", id="span-straddles-start"),
        pytest.param(27, 38, "Call [PHONE]", id="span-straddles-end"),
        pytest.param(21, 27, " now. ", id="between-spans"),
    ],
)
def test_apply_spans_on_a_sub_range_clips_to_it(start, end, expected):
    assert apply_spans(TEXT, SPANS, start, end) == expected


def test_apply_spans_without_spans_is_the_slice():
    assert apply_spans(TEXT, [], 5, 21) == TEXT[5:21]

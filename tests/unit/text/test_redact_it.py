"""Italian PII: codice fiscale and partita IVA (check characters), Italian IBAN, phone formats, person rules."""

import string

import pytest

from voc.text.redact import PLACEHOLDERS, apply_spans, find_pii, merge_spans, person_rule_spans
from voc.text.tax_ids import codice_fiscale_ok, partita_iva_ok

ALL = list(PLACEHOLDERS)


def redact(text: str, kinds=ALL) -> str:
    return apply_spans(text, merge_spans(find_pii(text, kinds)))


# ---------------------------------------------------------------- codice fiscale

@pytest.mark.parametrize("code", [
    "RSSMRA85T10A562S",  # the check letter of the well-known example
    "rssmra85t10a562s",  # written in lower case
    "BNCGLI90D45F205A",  # a woman: day + 40
    "RSSMRA85T10A5MNN",  # omocodia: the last two digits of the municipality as letters (6 -> M, 2 -> N)
])
def test_valid_codici_fiscali_are_redacted_as_tax_ids(code):
    assert codice_fiscale_ok(code)
    assert redact(f"Il mio codice fiscale è {code}, grazie.") == "Il mio codice fiscale è [TAX_ID], grazie."
    assert find_pii(code, ["tax_code"])[0].kind == "tax_code"


@pytest.mark.parametrize("code", [
    "RSSMRA85T10A562T",  # wrong check letter
    "RSSMRA85T10A5MNS",  # omocodic form with the plain form's check letter
    "RSSMRA85Z10A562S",  # Z is no month
    "ABCDEF12G34H567I",  # shaped like one, check letter wrong
    "RSSMRA85T10A562",  # 15 characters
])
def test_invalid_codici_fiscali_are_kept(code):
    assert not codice_fiscale_ok(code)
    assert redact(f"Codice {code} nel modulo.") == f"Codice {code} nel modulo."


def test_a_day_outside_1_31_and_41_71_is_never_a_codice_fiscale():
    assert not any(codice_fiscale_ok("VRDLCU72C99H501" + letter) for letter in string.ascii_uppercase)
    assert sum(codice_fiscale_ok("VRDLCU72C19H501" + letter) for letter in string.ascii_uppercase) == 1


# ---------------------------------------------------------------- partita IVA

@pytest.mark.parametrize("vat", ["07643520567", "00488410010", "IT07643520567", "IT 07643520567"])
def test_valid_partite_iva_are_redacted_as_tax_ids(vat):
    assert partita_iva_ok(vat)
    assert redact(f"Fatturare a P.IVA {vat} entro venerdì.") == "Fatturare a P.IVA [TAX_ID] entro venerdì."


@pytest.mark.parametrize("number", [
    "07643520568",  # wrong check digit
    "12345678903",  # passes Luhn, but 890 is no tax office
    "00000000000",  # no company number
])
def test_eleven_digit_numbers_that_are_no_partita_iva_are_not_tax_ids(number):
    assert not partita_iva_ok(number)
    assert "[TAX_ID]" not in redact(f"Il codice {number} non corrisponde.")


def test_a_valid_partita_iva_written_as_an_order_number_stays():
    for text in ("Ordine 07643520567 consegnato in ritardo.", "Order no. 00488410010 never arrived."):
        assert redact(text) == text
    assert redact("Ordine per la P.IVA 07643520567 evaso.") == "Ordine per la P.IVA [TAX_ID] evaso."


def test_random_eleven_digit_numbers_rarely_pass_as_partita_iva():
    numbers = [f"{(n * 7919 + 12345) % 10**11:011d}" for n in range(20000)]
    assert sum(map(partita_iva_ok, numbers)) / len(numbers) < 0.02  # about 1%: Luhn (1/10) x tax offices (~1/10)


# ---------------------------------------------------------------- IBAN

@pytest.mark.parametrize("iban", [
    "IT60X0542811101000000123456", "IT60 X054 2811 1010 0000 0123 456", "IT 60 X 05428 11101 000000123456",
    "IT60-X054-2811-1010-0000-0123-456", "it60x0542811101000000123456",
])
def test_italian_ibans_are_redacted_however_spaced(iban):
    assert redact(f"Rimborso sull'IBAN {iban} per favore.") == "Rimborso sull'IBAN [IBAN] per favore."


@pytest.mark.parametrize("iban", ["IT61X0542811101000000123456", "IT60 X054 2811 1010 0000 0123 457"])
def test_italian_ibans_with_a_bad_checksum_are_not_ibans(iban):
    assert "[IBAN]" not in redact(f"Rimborso sull'IBAN {iban} per favore.")


# ---------------------------------------------------------------- phones

@pytest.mark.parametrize("phone", [
    "+39 333 123 4567", "+393331234567", "0039 333 1234567", "333 123 4567", "333-123-4567", "333.123.4567",
    "333 1234567", "+39 02 1234 5678", "02 12345678", "06-1234-5678", "011 123 4567", "0471 123456", "(+39) 347 765 4321",
])
def test_italian_phone_numbers_are_redacted(phone):
    assert redact(f"Richiamatemi al {phone} dopo le 17.") == "Richiamatemi al [PHONE] dopo le 17."


def test_an_unseparated_mobile_is_a_phone_after_a_phone_word_only():
    assert redact("Il mio cellulare è 3331234567.") == "Il mio cellulare è [PHONE]."
    assert redact("Codice promozionale 3331234567 non valido.") == "Codice promozionale 3331234567 non valido."


@pytest.mark.parametrize("text", [
    "Ho pagato 1.234,56 € il 12/03/2024 alle 14.30.",
    "Addebito di 1.234.567,00 euro sul conto.",
    "Prezzo: 1.299,00 EUR invece di 999,00.",
    "Ordine n. 0012345678 del 12.03.2024 non ancora spedito.",
    "Fattura n. 2024000123 pagata, pratica 0987654321 aperta.",
    "Numero d'ordine 100234567, scadenza 31-12-2025.",
    "Il contratto 0123456789 è scaduto.",
])
def test_amounts_dates_and_order_numbers_are_not_phones(text):
    assert redact(text) == text


# ---------------------------------------------------------------- person rules

@pytest.mark.parametrize(("text", "redacted"), [
    ("Mi chiamo Giulia Conti e vorrei disdire.", "Mi chiamo [NAME] e vorrei disdire."),
    ("mi chiamo giulia conti.", "mi chiamo [NAME]."),
    ("Ho parlato con Marco ieri.", "Ho parlato con [NAME] ieri."),
    ("Ho parlato con l'operatrice Sara, gentilissima.", "Ho parlato con l'operatrice [NAME], gentilissima."),
    ("La Sig.ra Bianchi mi ha richiamato.", "La Sig.ra [NAME] mi ha richiamato."),
    ("Il sig. De Luca non ha risposto.", "Il sig. [NAME] non ha risposto."),
    ("Il dott. Ferri è stato chiaro.", "Il dott. [NAME] è stato chiaro."),
    ("Buongiorno, sono Luca Moretti, cliente da anni.", "Buongiorno, sono [NAME], cliente da anni."),
    ("Il modem è guasto.\nCordiali saluti,\nAnna Ricci", "Il modem è guasto.\nCordiali saluti,\n[NAME]"),
    ("Servizio pessimo. Grazie, Paolo", "Servizio pessimo. Grazie, [NAME]"),
    ("Distinti saluti\nFrancesca Romano Esposito", "Distinti saluti\n[NAME]"),
])
def test_italian_person_rules(text, redacted):
    assert redact(text, ["person"]) == redacted


@pytest.mark.parametrize("text", [
    "Sono molto deluso.", "Sono stato al telefono per ore.", "Sono Cliente da dieci anni.", "Grazie mille",
    "Grazie,\nCordiali Saluti", "Ho parlato con il servizio clienti.", "Cordiali saluti", "Grazie Mille!",
    "Ho parlato con il Sig.", "Grazie, Ancora nessuna risposta dal tecnico.",
])
def test_ordinary_italian_words_after_name_cues_are_not_names(text):
    assert person_rule_spans(text) == []


def test_tax_ids_have_their_own_kinds_and_one_placeholder():
    text = "CF RSSMRA85T10A562S, P.IVA 07643520567, cell. 333 123 4567"
    assert redact(text, ["tax_code"]) == "CF [TAX_ID], P.IVA 07643520567, cell. 333 123 4567"
    assert redact(text, ["vat_number", "phone"]) == "CF RSSMRA85T10A562S, P.IVA [TAX_ID], cell. [PHONE]"
    assert redact(text) == "CF [TAX_ID], P.IVA [TAX_ID], cell. [PHONE]"

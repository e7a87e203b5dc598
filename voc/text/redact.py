"""PII detection: e-mail, phone numbers, payment cards (Luhn), IBAN (mod 97), Italian tax ids, person names.

Detection returns character spans; `apply_spans` replaces them with placeholders such as `[EMAIL]`.
Person names come from a spaCy NER model when one is loaded, plus rules that also work without one
("my name is …", "Mr …", sign-offs), in English and Italian ("mi chiamo …", "Sig.ra …", "Cordiali saluti, …").
Every rule runs on every text whatever its language: a text's language is detected after redaction, and
customers mix languages (an English e-mail signed "Cordiali saluti").

Italian: codice fiscale (`tax_code`) and partita IVA (`vat_number`, 11 digits, optional "IT") become
`[TAX_ID]` when their check character is valid (see voc.text.tax_ids); Italian IBANs are found however they
are spaced; phone numbers take +39 / 0039 prefixes, mobiles (3xx xxx xxxx) and landlines (0x…). A digit run
right after an order, invoice or ticket word ("ordine n.", "fattura", "order") is not a phone number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import regex
from dataclasses import dataclass

from voc.text.tax_ids import codice_fiscale_ok, partita_iva_ok

__all__ = ["ASKS_FOR_NAME", "NAME_ANSWER_MAX_WORDS", "PLACEHOLDERS", "redact_answer_lead", "PiiSpan", "apply_spans", "find_pii", "luhn_ok", "iban_ok", "merge_spans", "person_rule_spans"]

PLACEHOLDERS = {"email": "[EMAIL]", "phone": "[PHONE]", "card": "[CARD]", "iban": "[IBAN]", "person": "[NAME]",
                "tax_code": "[TAX_ID]", "vat_number": "[TAX_ID]"}

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d])")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b", re.I)
# Italian IBAN, 27 characters however spaced or dashed: IT, 2 check digits, CIN letter, ABI and CAB (5 digits
# each), 12 account characters.
_IBAN_IT = re.compile(r"\bIT[ -]?\d{2}(?:[ -]?[0-9A-Z]){23}\b", re.I)
_IBAN_IT_SHAPE = re.compile(r"IT\d{2}[A-Z]\d{10}[0-9A-Z]{12}")
_CODICE_FISCALE = re.compile(r"\b[A-Z]{6}[\dLMNPQRSTUV]{2}[A-Z][\dLMNPQRSTUV]{2}[A-Z][\dLMNPQRSTUV]{3}[A-Z]\b", re.I)
_PARTITA_IVA = re.compile(r"(?<![\w.,/-])(?:IT ?)?\d{11}(?![\w/-]|[.,]\d)", re.I)
_VAT_WORDS = re.compile(r"(?i)\b(?:p\.? ?iva|partita|vat|iva|c\.? ?f|codice fiscale|fiscale|tax)\b")
# Order, invoice and ticket numbers: a digit run right after one of these words is neither a phone nor a VAT number.
_ORDER_WORDS = re.compile(
    r"(?i)\b(?:order|orders|ordine|ordini|ordinazione|invoice|fattura|ticket|pratica|tracking|spedizione|parcel|pacco|"
    r"ref|rif|riferimento|reference|booking|prenotazione|contratto|contract)\b"
    r"(?:[\s:#°]|\b(?:n|no|nr|num|number|numero|di|del|della|id|code|codice)\b\.?)*$"
)
_PHONE = re.compile(r"(?<![\w+/-])(?:(?:\+\d{1,3}|\(\+\d{1,3}\))[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{1,5}(?:[ .-]?\d{1,5}){1,6}(?![\w/-])")
_DATE_LIKE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b")
_PHONE_WORDS = re.compile(
    r"(?i)\b(?:phone|mobile|cell|tel|telephone|number|call|ring|text|whatsapp|reach me|"
    r"telefono|cellulare|numero|recapito|chiamatemi|chiamami|richiamatemi|contattatemi|fisso)\b[^.\n]{0,20}$"
)
_AMOUNT_AFTER = re.compile(r"^\s*(?:,\d{1,2}\b|€|eur\b|euro\b)", re.I)
# Names: a capital then lower-case letters in any script (Ó, Ž, Nguyễn), O'Neil, McDonald, double-barrelled;
# particles inside a name (van der, de la, bin) are kept with it.
_NAME = r"(?:\p{Lu}'|Ma?c)?\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?"
_FULL_NAME = rf"{_NAME}(?: (?:(?:van|von|der|den|de|del|della|di|da|dos|du|la|le|bin|al|ter)\s)*{_NAME}){{0,2}}"
_ANY_CASE_NAME = r"[\p{L}'-]{2,}(?: [\p{L}'-]{2,})?"
# Trigger words are matched in any case, names only when capitalised (but after "my name is" in any case).
_PERSON_RULES = (
    regex.compile(rf"\b(?i:my name is|my name's|name is|name:)\s+({_FULL_NAME})"),
    regex.compile(rf"\b(?i:my name is|my name's|name:)\s+({_ANY_CASE_NAME})(?=\s*(?:$|[,.!?;]|(?i:and|but|from|here)\b))"),
    regex.compile(rf"\b(?i:spoke to|spoke with|talked to|chatting with|speaking with|speaking to)\s+({_FULL_NAME})"),
    regex.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Dr|Mx)\.?\s+({_FULL_NAME})"),
    regex.compile(rf"\b({_FULL_NAME}) (?i:speaking)\b"),
    regex.compile(rf"\b(?i:i'm|i am|this is)\s+({_FULL_NAME})(?=\s*[.,!]|\s+(?i:from|at|with|here)\b)"),
    regex.compile(rf"(?:^|\n)\s*(?i:thanks|thank you|regards|kind regards|best|cheers|many thanks|best wishes),?\s*\n?\s*"
                  rf"({_FULL_NAME})\s*[.!]?\s*(?:\n|$)"),
    # Italian: "mi chiamo …", "ho parlato con …", titles, "sono …", sign-offs (also after a sentence on the same line)
    regex.compile(rf"\b(?i:mi chiamo|il mio nome è|il mio nome e'|nome:)\s+({_FULL_NAME})"),
    regex.compile(rf"\b(?i:mi chiamo)\s+({_ANY_CASE_NAME})(?=\s*(?:$|[,.!?;]|(?i:e|ma|da|di|sono)\b))"),
    regex.compile(rf"\b(?i:parlato con|parlato col|parlando con|sentito|scritto a|risposto)\s+(?:(?i:il|la|lo)\s+)?({_FULL_NAME})"),
    regex.compile(rf"\b(?i:sig(?:\.ra|\.na|nora|norina|nor|g)?|dott(?:\.ssa|oressa)?|dr|ing|avv|prof(?:\.ssa|essoressa|essore)?|"
                  rf"geom|rag|gent(?:\.mo|\.ma|ile)?|egr(?:egio|egia)?)\.?\s+({_FULL_NAME})"),
    regex.compile(rf"\b(?i:l['’]operatore|l['’]operatrice|il tecnico|la tecnica|il consulente|la consulente|l['’]addetto|"
                  rf"l['’]addetta)\s+({_FULL_NAME})"),
    regex.compile(rf"\b(?i:sono|qui è|vi scrive|le scrive|ti scrive)\s+({_FULL_NAME})(?=\s*[.,!;]|\s+(?i:e|di|da|della|del|"
                  rf"dalla|dal|cliente|titolare|intestatario|intestataria)\b)"),
    regex.compile(rf"(?:^|\n|(?<=[.!?])[ \t]+)[ \t]*(?i:grazie mille|grazie|cordiali saluti|distinti saluti|saluti|un saluto|"
                  rf"cordialmente|a presto|buona giornata|buona serata),?[ \t]*\n?[ \t]*({_FULL_NAME})\s*[.!]?\s*(?:\n|$)"),
)
# An agent asking who they are talking to: the customer's short reply is the name, often in lower case.
ASKS_FOR_NAME = r"(?i)\b(?:your|full|holder'?s?)\s+(?:full\s+)?name\b|\bwho (?:am i|are we) (?:speaking|talking) (?:to|with)\b"
NAME_ANSWER_MAX_WORDS = 8
_ANSWER_LEAD = regex.compile(
    r"^\W*(?:(?:yeah|yes|yep|sure|ok|okay|hi|hello|hiya)\W+)*(?:(?:it's|it is|its|my name is|my name's|this is|i'm|i am)\s+)?"
    r"([\p{L}'-]+(?:\s+[\p{L}'-]+){0,2}?)(?=\s*(?:$|[,.!?;]|\s(?:and|but|i|i've|i'm|from|here|speaking)\b))",
    regex.IGNORECASE,
)


def redact_answer_lead(text: str) -> str:
    """The name that opens a reply to "can I take your full name?" ("yeah it's sarah lindqvist and …")."""
    match = _ANSWER_LEAD.match(text)
    return text if match is None else text[: match.start(1)] + PLACEHOLDERS["person"] + text[match.end(1) :]
# Words the name rules must not take for names ("spoke to Really", "Thanks, Again").
_NOT_NAMES = {
    "really", "very", "so", "not", "still", "just", "now", "the", "a", "an", "here", "there", "sorry", "happy",
    "frustrated", "angry", "afraid", "annoyed", "disappointed", "calling", "writing", "trying", "going", "getting",
    "done", "fine", "ok", "okay", "sure", "again", "back", "also", "all", "ridiculous", "unacceptable", "absolutely",
    "on", "in", "under", "and", "but", "is", "was", "with", "for", "to", "of", "my", "your", "their",
    # Italian
    "molto", "stato", "stata", "stati", "state", "ancora", "davvero", "proprio", "qui", "io", "un", "una", "il", "lo",
    "la", "gli", "le", "cliente", "clienti", "deluso", "delusa", "arrabbiato", "arrabbiata", "contento", "contenta",
    "soddisfatto", "soddisfatta", "felice", "già", "sempre", "mai", "grazie", "mille", "cordiali", "distinti", "saluti",
    "buona", "buongiorno", "buonasera", "salve", "ma", "per", "con", "non", "anche", "tutti", "tutto", "servizio",
    "assistenza", "tecnico", "operatore", "operatrice", "consulente", "lei", "voi", "loro",
    # titles: the name is the word after them ("con il Sig. Bianchi", "spoke to Mr Jones")
    "sig", "sigg", "signor", "signora", "signorina", "dott", "dottor", "dottore", "dottoressa", "dr", "ing", "avv",
    "avvocato", "prof", "professore", "professoressa", "geom", "rag", "gent", "gentile", "egr", "egregio", "egregia",
    "mr", "mrs", "ms", "miss", "mx",
}


@dataclass(frozen=True, order=True)
class PiiSpan:
    start: int
    end: int
    kind: str


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_ok(candidate: str) -> bool:
    compact = candidate.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _card_span(match: re.Match[str]) -> PiiSpan | None:
    """The longest prefix of a digit run that is a Luhn-valid card number (a CVV or count may follow it)."""
    positions = [match.start() + i for i, ch in enumerate(match.group()) if ch.isdigit()]
    digits = _digits(match.group())
    for length in range(min(19, len(digits)), 12, -1):
        if luhn_ok(digits[:length]):
            return PiiSpan(match.start(), positions[length - 1] + 1, "card")
    return None


def _phone_like(match: str, before: str, after: str = "") -> bool:
    """9-15 digits written as a phone number (leading + or 0, or grouped), or any such digit run right after
    a word like "mobile" or "call"; dates, times, amounts ("1.234.567,00 €") and order numbers are not."""
    digits = _digits(match)
    if not 9 <= len(digits) <= 15 or _DATE_LIKE.search(match) or _AMOUNT_AFTER.match(after):
        return False
    if not match.startswith("+") and _ORDER_WORDS.search(before):
        return False
    separated = bool(re.search(r"\d[ .-]\d", match)) or "(" in match
    return match.startswith(("+", "(", "0")) or separated or bool(_PHONE_WORDS.search(before))


def _italian_iban(match: re.Match[str]) -> bool:
    compact = re.sub(r"[ -]", "", match.group()).upper()
    return bool(_IBAN_IT_SHAPE.fullmatch(compact)) and iban_ok(compact)


def _vat_number(match: re.Match[str], before: str) -> bool:
    """A valid partita IVA, unless it follows an order or invoice word with no VAT word nor IT prefix."""
    if not partita_iva_ok(match.group()):
        return False
    return match.group()[:2].upper() == "IT" or bool(_VAT_WORDS.search(before)) or not _ORDER_WORDS.search(before)


def find_pii(text: str, kinds: Iterable[str]) -> list[PiiSpan]:
    """Spans of e-mail, card, IBAN, Italian tax ids, phone numbers and names (rule-based), for the kinds asked for."""
    kinds = set(kinds)
    spans: list[PiiSpan] = []
    if "email" in kinds:
        spans += [PiiSpan(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]
    if "card" in kinds:
        spans += [span for m in _CARD.finditer(text) if (span := _card_span(m)) is not None]
    if "iban" in kinds:
        spans += [PiiSpan(m.start(), m.end(), "iban") for m in _IBAN.finditer(text) if iban_ok(m.group())]
        spans += [PiiSpan(m.start(), m.end(), "iban") for m in _IBAN_IT.finditer(text) if _italian_iban(m)]
    if "tax_code" in kinds:
        spans += [PiiSpan(m.start(), m.end(), "tax_code") for m in _CODICE_FISCALE.finditer(text)
                  if codice_fiscale_ok(m.group())]
    if "vat_number" in kinds:  # before phones: an 11-digit run starting with 0 is both, and the first listed wins
        spans += [PiiSpan(m.start(), m.end(), "vat_number") for m in _PARTITA_IVA.finditer(text)
                  if _vat_number(m, text[max(0, m.start() - 40) : m.start()])]
    if "phone" in kinds:
        spans += [PiiSpan(m.start(), m.end(), "phone") for m in _PHONE.finditer(text)
                  if _phone_like(m.group(), text[max(0, m.start() - 40) : m.start()], text[m.end() : m.end() + 6])]
    if "person" in kinds:
        spans += person_rule_spans(text)
    return spans


def person_rule_spans(text: str) -> list[PiiSpan]:
    spans = []
    for rule in _PERSON_RULES:
        for match in rule.finditer(text):
            name = match.group(1)
            words = name.split()
            while words and words[-1].lower() in _NOT_NAMES:
                words.pop()
            if words and words[0].lower() not in _NOT_NAMES:
                start = match.start(1)
                spans.append(PiiSpan(start, start + len(" ".join(words)), "person"))
    return spans


def merge_spans(spans: Iterable[PiiSpan]) -> list[PiiSpan]:
    """Non-overlapping spans, earliest first. Overlapping spans become one span covering both (so no
    character of either is left in clear), labelled with the kind of the longer one."""
    chosen: list[PiiSpan] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if chosen and span.start < chosen[-1].end:
            last = chosen[-1]
            kind = span.kind if span.end - span.start > last.end - last.start else last.kind
            chosen[-1] = PiiSpan(last.start, max(last.end, span.end), kind)
            continue
        chosen.append(span)
    return chosen


def apply_spans(text: str, spans: list[PiiSpan], start: int = 0, end: int | None = None) -> str:
    """text[start:end] with every (merged) span inside or overlapping it replaced by its placeholder."""
    end = len(text) if end is None else end
    out: list[str] = []
    cursor = start
    for span in spans:
        if span.end <= start or span.start >= end:
            continue
        out.append(text[cursor : max(cursor, span.start)])
        out.append(PLACEHOLDERS[span.kind])
        cursor = max(cursor, min(span.end, end))
    out.append(text[cursor:end])
    return "".join(out)

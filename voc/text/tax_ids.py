"""Check characters of Italian tax identifiers: the codice fiscale of a person and the partita IVA.

Codice fiscale (16 characters): surname (3 letters), name (3), year (2 digits), month (a letter of
ABCDEHLMPRST), day (2 digits, +40 for women), municipality (a letter and 3 digits), check letter. When two
people would get the same code, the tax office replaces digits from the right with letters L M N P Q R S T U V
(0..9; "omocodia"): any of the 7 digit positions may be such a letter. The check letter is the sum, over the
first 15 characters, of a value from one table for odd positions (1st, 3rd, …) and another for even ones,
modulo 26, as a letter A..Z.

Partita IVA (11 digits): a 7-digit company number, a 3-digit tax office code and a check digit computed as
in Luhn's algorithm (every second digit from the left, starting with the 2nd, doubled, minus 9 above 9).
"""

from __future__ import annotations

import re

__all__ = ["codice_fiscale_ok", "partita_iva_ok"]

# Value of a character at an odd position (1st, 3rd, …); digits take the value of the letter in the same place.
_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]
_OMOCODIA = str.maketrans("LMNPQRSTUV", "0123456789")
_SHAPE = re.compile(r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]")
_DIGIT_POSITIONS = (6, 7, 9, 10, 12, 13, 14)
# Tax office codes (digits 8-10) in use: provinces 001-100, 120 and 121 (special cases), 888 and 999 (non-residents).
_OFFICES = {*range(1, 101), 120, 121, 888, 999}


def _index(ch: str) -> int:
    """0..25 for A..Z, 0..9 for digits (where the tables read a digit as the letter in the same place)."""
    return int(ch) if ch.isdigit() else ord(ch) - ord("A")


def codice_fiscale_ok(code: str) -> bool:
    """A well-formed codice fiscale (omocodia letters allowed) with a valid day and check letter; any case."""
    code = code.upper()
    if not _SHAPE.fullmatch(code):
        return False
    decoded = [code[i].translate(_OMOCODIA) for i in _DIGIT_POSITIONS]
    if not all(d.isdigit() for d in decoded):
        return False
    day = int(decoded[2] + decoded[3])
    if not (1 <= day <= 31 or 41 <= day <= 71):
        return False
    total = sum(_ODD[_index(ch)] if i % 2 == 0 else _index(ch) for i, ch in enumerate(code[:15]))
    return code[15] == chr(ord("A") + total % 26)


def partita_iva_ok(number: str) -> bool:
    """11 digits (an "IT" prefix and spaces allowed) with a company number, a tax office in use and the check digit."""
    digits = re.sub(r"^IT|\s", "", number.upper())
    if not re.fullmatch(r"\d{11}", digits) or digits[:7] == "0000000":
        return False
    if int(digits[7:10]) not in _OFFICES:
        return False
    odd = sum(int(d) for d in digits[0:10:2])
    even = sum(2 * int(d) - 9 if int(d) > 4 else 2 * int(d) for d in digits[1:10:2])
    return int(digits[10]) == (10 - (odd + even) % 10) % 10

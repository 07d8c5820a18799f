"""Check digits that tell an identifier from any other run of digits: a payment card (Luhn),
an IBAN (ISO 7064 mod 97, at its country's length) and an NHS number (mod 11). Redaction removes a number of one of
these shapes only when its check digit holds, so most figures in questions are left alone."""

from __future__ import annotations


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def luhn(number: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits(number))):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


# Each country's IBAN length (SWIFT's IBAN registry). A run of letters and digits that happens
# to pass mod 97 (one in 97 do) is an IBAN only at its country's exact length: without this,
# "QQ123456C and postcode SW1A..." passed at one of its many lengths and took an NI number and
# half a postcode with it.
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip


def iban(text: str) -> bool:
    compact = "".join(c for c in text if c.isascii() and c.isalnum()).upper()
    if len(compact) != IBAN_LENGTHS.get(compact[:2], 0) or not compact[2:4].isdigit():
        return False
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def nhs_number(text: str) -> bool:
    number = digits(text)
    if len(number) != 10:
        return False
    total = sum(int(d) * weight for d, weight in zip(number[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return check != 10 and check % 11 == int(number[9])

"""Check digits that tell an identifier from any other run of digits: a payment card (Luhn),
an IBAN (ISO 7064 mod 97) and an NHS number (mod 11). Redaction removes a number of one of
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


def iban(text: str) -> bool:
    compact = "".join(c for c in text if c.isascii() and c.isalnum()).upper()
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha() or not compact[2:4].isdigit():
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

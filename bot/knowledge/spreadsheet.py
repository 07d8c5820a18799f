"""Cells a spreadsheet shows as text, never runs: the one guard against CSV (formula)
injection, for every CSV the assistant writes (``kb export``, ``gaps report``).

A cell starting with ``= + - @``, a tab or a carriage return is read by Excel, LibreOffice
and Google Sheets as a formula (OWASP, "CSV Injection"): ``=HYPERLINK(...)`` in a question
would become a live link, ``=cmd|' /C calc'!A0`` a command. Such a cell is written with a
single quote in front, as OWASP advises. So that this is reversible, a cell that already
starts with quotes before one of those characters gets one more: ``unguard_cell`` then takes
exactly one quote off any cell of that shape, and ``unguard_cell(guard_cell(x)) == x`` for
every text ``x``. ``kb import`` does so, so an exported file imports back unchanged.
"""

from __future__ import annotations

import re

# OWASP, CSV injection: a cell starting with one of these is read as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_GUARDED = re.compile("'*[" + re.escape("".join(FORMULA_STARTS)) + "]")


def guard_cell(value: object) -> object:
    """A value a spreadsheet shows as it is: text that would start a formula (after any
    quotes) gets a single quote in front. Numbers and other values are left alone."""
    if isinstance(value, str) and _GUARDED.match(value):
        return "'" + value
    return value


def unguard_cell(value: str) -> str:
    """The text ``guard_cell`` was given: one leading quote taken off a cell whose quotes are
    followed by a formula character; every other cell as it is."""
    if value.startswith("'") and _GUARDED.match(value):
        return value[1:]
    return value

"""The one CSV formula guard (kb export, gaps report) and its exact inverse (kb import)."""

from __future__ import annotations

import pytest

from bot.knowledge.spreadsheet import FORMULA_STARTS, guard_cell, unguard_cell

TEXTS = [
    '=HYPERLINK("http://evil.example","x")',
    "=cmd|' /C calc'!A0",
    "+44 1234",
    "-5",
    "- a bullet",
    "@SUM(1+1)",
    "\tindented",
    "\rreturn",
    "'=already quoted",
    "''+twice",
    "'plain quote",
    "'",
    "''",
    "",
    "plain text",
    "it's = fine",
]


@pytest.mark.parametrize("text", TEXTS)
def test_guarded_cells_never_start_a_formula_and_come_back_exactly(text: str) -> None:
    guarded = guard_cell(text)
    assert isinstance(guarded, str)
    assert not guarded.startswith(FORMULA_STARTS)
    assert unguard_cell(guarded) == text


def test_only_cells_that_need_it_change() -> None:
    assert guard_cell("=1") == "'=1"
    assert guard_cell("'=1") == "''=1"
    assert guard_cell("'plain quote") == "'plain quote"
    assert unguard_cell("'plain quote") == "'plain quote"
    assert guard_cell(4) == 4
    assert guard_cell(-4) == -4  # numbers are numbers, not formulas

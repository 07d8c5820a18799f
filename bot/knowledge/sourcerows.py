"""The rows ``kb import`` reads from a file, before they become entries: values that pass
from the CSV, JSON and Excel readers to the conversion."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.errors import CompactError


class ImportFileError(CompactError):
    """The file could not be read or converted at all (a bad row is not this: it is skipped)."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why a row was skipped, or what the user should know of how it was read. ``row`` is
    the number a spreadsheet shows (a CSV's header is row 1); 0 is the file as a whole."""

    row: int
    message: str
    sheet: str = ""  # a workbook's sheet, where it has several

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else ""
        if self.sheet:
            where = f"sheet '{self.sheet}'" + (f" {where}" if where else "")
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One row of the file: its number, its values by column (``columns.COLUMNS``), and why
    it cannot be read at all, if it cannot."""

    number: int
    values: dict[str, Any]
    sheet: str = ""
    problem: str = ""
    # Why a column's cell reads as empty, where the reader can say ("its cell holds a
    # formula whose value was never saved"): added to "has no question" and "has no answer".
    why_empty: Mapping[str, str] = field(default_factory=dict)

    def problem_with(self, message: str) -> RowProblem:
        return RowProblem(self.number, message, self.sheet)


@dataclass(frozen=True, slots=True)
class SourceFile:
    """Every row of the file, and notes on the file as a whole (columns not imported)."""

    rows: tuple[SourceRow, ...]
    notes: tuple[RowProblem, ...] = ()

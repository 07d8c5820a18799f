"""Read FAQs from an Excel workbook (.xlsx, .xlsm) for ``kb import``, with the optional
``excel`` extra (openpyxl; defusedxml, when installed, guards its XML parsing).

Every sheet whose header row names a question and an answer column is read: councils keep a
sheet per topic, so where several sheets hold FAQs, a sheet's name is the topic of its rows
that give none. The header may follow a title and notes (the first ``HEADER_ROWS`` rows are
looked through). Rows keep the numbers Excel shows. A formula gives the value Excel saved
for it; a cell showing an Excel error (#N/A) is a problem with its row, never the text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.knowledge.columns import Header, clash_message, text_of
from bot.knowledge.sourcerows import ImportFileError, RowProblem, SourceFile, SourceRow

# A sheet's header may follow a title and a few notes: these many rows are looked through.
HEADER_ROWS = 10
# Why a row's question or answer cell reads as empty: said with "has no question" or "has no
# answer". Only a cell that holds a formula gets the advice to save the file in Excel: the
# value of a formula is read as Excel last saved it, and a program that writes workbooks
# without calculating them (or a formula that gives nothing) leaves none.
EMPTY_CELL = "its cell is empty"
BLANK_CELL = "its cell holds only spaces"
FORMULA_CELL = (
    "its cell holds a formula with no saved value: open the file in Excel, check the formula "
    "gives text, and save it"
)
UNKNOWN_CELL = (
    "its cell is empty, or holds a formula whose value was never saved: open the file in "
    "Excel and save it"
)
EMPTY_COLUMNS = ("question", "answer")

Cell = tuple[str, int, int]  # a sheet's title, a row's number, a column's position (from 0)
# A FAQ sheet: its title, its header's row number and columns, its rows with anything in them.
Sheet = tuple[str, int, Header, list[tuple[int, list[Any]]]]


def read_workbook(path: Path) -> SourceFile:
    """The FAQ rows of every sheet of ``path`` with a question and an answer column."""
    try:
        import openpyxl  # the "excel" extra, imported only for a workbook
        from openpyxl.cell.cell import ERROR_CODES
        from openpyxl.utils.escape import unescape
    except ImportError as exc:
        raise ImportFileError(
            f"{path}: reading Excel workbooks needs openpyxl: pip install "
            "'compact-assistant[excel]' (python3 run.py installs it), or save the sheet as "
            "CSV UTF-8 and import that."
        ) from exc
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:
        raise ImportFileError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportFileError(
            f"{path} is not an Excel workbook that can be read ({type(exc).__name__}: {exc}). "
            "Open it in Excel and save it as .xlsx, or as CSV UTF-8."
        ) from exc

    def cell(value: Any) -> Any:
        # Excel keeps a carriage return as "_x000D_", which openpyxl passes through.
        return unescape(value) if isinstance(value, str) else value

    try:
        sheets: list[Sheet] = []
        skipped: list[str] = []
        for sheet in workbook.worksheets:
            # A workbook may declare a smaller range than it uses (some tools write it wrong),
            # and read-only mode would believe it and drop rows and columns.
            sheet.reset_dimensions()
            rows = (
                (number, [cell(v) for v in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            )
            found = _header(rows)
            if isinstance(found, str):
                skipped.append(f"'{sheet.title}' ({found})")
                continue
            number, header = found
            clashes = header.clashes
            if clashes:
                raise ImportFileError(
                    f"{path}, sheet '{sheet.title}', row {number}: "
                    + "; ".join(clash_message(column, names) for column, names in clashes)
                )
            sheets.append((sheet.title, number, header, [(n, c) for n, c in rows if any(c)]))
    finally:
        workbook.close()
    if not sheets:
        raise ImportFileError(
            f"{path}: no sheet has a header row naming a question and an answer column in its "
            f"first {HEADER_ROWS} rows (the names kb import reads are in `compact-bot kb import "
            f"--help`); the sheets are {'; '.join(skipped) or 'none'}"
        )
    empty = _empty_cells(sheets)
    formulas = _formula_cells(path, empty)
    several = len(sheets) > 1
    found_rows: list[SourceRow] = []
    notes: list[RowProblem] = []
    for title, number, header, filled in sheets:
        sheet_name = title if several else ""
        if header.unused:
            notes.append(
                RowProblem(number, f"columns not imported: {', '.join(header.unused)}", sheet_name)
            )
        unnamed = [n for n, cells in filled if header.unnamed(cells)]
        if unnamed:
            listed = ", ".join(map(str, unnamed[:10])) + (" ..." if len(unnamed) > 10 else "")
            notes.append(
                RowProblem(
                    number,
                    "cells in columns with no name in the header were not imported (rows "
                    f"{listed})",
                    sheet_name,
                )
            )
        named = sorted({p for found in header.positions.values() for p in found})
        for row_number, cells in filled:
            values = header.row(cells)
            shown = (cells[p] for p in named if p < len(cells))
            errors = sorted({v for v in shown if isinstance(v, str) and v in ERROR_CODES})
            problem = (
                f"shows the Excel error {', '.join(errors)}; correct it in the sheet"
                if errors
                else ""
            )
            if several and not text_of(values.get("topic")):
                values["topic"] = title
            why_empty = {
                column: _why_empty(cells, position, formulas, at)
                for column in EMPTY_COLUMNS
                for position in header.positions[column][:1]
                if (at := (title, row_number, position)) in empty
            }
            found_rows.append(SourceRow(row_number, values, sheet_name, problem, why_empty))
    return SourceFile(tuple(found_rows), tuple(notes))


def _empty_cells(sheets: list[Sheet]) -> set[Cell]:
    """The question and answer cells of the FAQ rows that read as empty."""
    return {
        (title, row_number, position)
        for title, _, header, filled in sheets
        for row_number, cells in filled
        for column in EMPTY_COLUMNS
        for position in header.positions[column][:1]
        if position >= len(cells) or not text_of(cells[position])
    }


def _formula_cells(path: Path, empty: set[Cell]) -> set[Cell] | None:
    """Which of the ``empty`` cells hold a formula. The values were read with the saved
    results in place of formulas, so the formulas are read again, only when a cell is empty
    (a second pass over the sheets concerned). None when that reading fails: it cannot say."""
    if not empty:
        return set()
    import openpyxl  # read_workbook has imported it already

    titles = {title for title, _, _ in empty}
    found: set[Cell] = set()
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
        try:
            for sheet in workbook.worksheets:
                if sheet.title not in titles:
                    continue
                sheet.reset_dimensions()
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                    found.update(
                        cell
                        for position, value in enumerate(values)
                        if (cell := (sheet.title, number, position)) in empty and _is_formula(value)
                    )
        finally:
            workbook.close()
    except Exception:  # read once already; if it cannot be read again, the hint says so
        return None
    return found


def _is_formula(value: Any) -> bool:
    """A cell read with its formulas: text starting "=", or an array or data-table formula.
    Only cells whose saved value read as empty are asked, so no text that merely starts with
    "=" is among them."""
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    if isinstance(value, str):
        return value.startswith("=")
    return isinstance(value, ArrayFormula | DataTableFormula)


def _why_empty(cells: list[Any], position: int, formulas: set[Cell] | None, cell: Cell) -> str:
    """Why the cell at ``position`` reads as empty (asked only of cells that do)."""
    if formulas is None:
        return UNKNOWN_CELL
    if cell in formulas:
        return FORMULA_CELL
    value = cells[position] if position < len(cells) else None
    return BLANK_CELL if isinstance(value, str) and value else EMPTY_CELL


def _header(rows: Iterator[tuple[int, list[Any]]]) -> tuple[int, Header] | str:
    """The header row's number and columns: the first of the first ``HEADER_ROWS`` rows to
    name a question and an answer column. Otherwise, what the sheet's first row said."""
    first = ""
    for number, cells in rows:
        header = Header.of(text_of(c) for c in cells)
        if header.has("question") and header.has("answer"):
            return number, header
        first = first or ", ".join(t for t in (text_of(c) for c in cells) if t)
        if number >= HEADER_ROWS:
            break
    return first or "empty"

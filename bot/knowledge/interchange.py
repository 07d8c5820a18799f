"""Bring FAQs in from spreadsheets (CSV, Excel or JSON) and send the knowledge base back out.

CSV columns: id, question, answer, alternates, topic (alternates separated by ``|``); the
delimiter may be a comma, a semicolon (as spreadsheets save CSV where the decimal mark is a
comma) or a tab (``.tsv``). Column names are matched whatever their case, spacing or
underscores, and the names other FAQ tools export under are understood (``COLUMN_NAMES``:
"Title" and "Body", "Category", QnA Maker's "QnaId"); columns the import does not use are
listed in a note.
Excel (.xlsx, with the ``excel`` extra): the first sheet with those columns.
JSON: a list of objects with the same keys (alternates a list or a ``|`` string), or an object
holding such a list (``{"faqs": [...]}``; QnA Maker's ``{"qnaDocuments": [...]}``). A
``questions`` list is the question and then its alternates.
Rows that give the same id and the same answer are one FAQ asked several ways (QnA Maker
exports each alternate as a row of its own): the later rows' questions become alternates of
the first.
An import builds every file in memory first and writes nothing unless the whole input
converts; bad rows are reported with their row numbers and skipped. An id that is not in the
knowledge base's form (lower-case words joined by hyphens: ``FAQ_002``) is converted to it
(``faq-002``) and the change reported, so a spreadsheet's own numbering never costs a row.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.errors import CompactError
from bot.knowledge.atomic import atomic_write_text
from bot.knowledge.loader import SLUG, slugify
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.spreadsheet import guard_cell, unguard_cell

COLUMNS = ("id", "question", "answer", "alternates", "topic")
DEFAULT_TOPIC = "Imported"
# The names each column goes by in other FAQ tools' exports, most telling first: the first
# one a file has is read, and any other is left unused (and said). Compared after
# ``_folded`` (case, underscores and hyphens, spacing).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("id", "qnaid", "qna id", "faq id", "key"),
    "question": ("question", "questions", "title", "query", "q"),
    "answer": ("answer", "response", "reply", "body", "a"),
    "alternates": (
        "alternates",
        "alternate questions",
        "alternative questions",
        "alternatives",
        "paraphrases",
        "variations",
    ),
    "topic": ("topic", "category", "section", "group"),
}
# An Excel sheet's header may follow a title and a few notes: these many rows are looked
# through for it.
HEADER_ROWS = 10


class ImportFileError(CompactError):
    """The file could not be read or converted at all (a bad row is not this: it is skipped)."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


@dataclass(frozen=True, slots=True)
class ImportedEntry:
    id: str
    topic: str
    question: str
    answer: str
    alternates: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ImportResult:
    entries: tuple[ImportedEntry, ...]
    problems: tuple[RowProblem, ...]
    files: dict[str, str] = field(default_factory=dict)  # file name -> YAML text
    # Rows imported with a change the user should know of (an id converted to slug form).
    notes: tuple[RowProblem, ...] = ()


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows with their numbers as a person sees them (CSV and Excel: the header is row 1)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        yield from _xlsx_rows(path)
        return
    if suffix not in {".json", ".csv", ".tsv", ".txt"}:
        raise ImportFileError(
            f"{path}: use a .csv, .tsv, .xlsx or .json file (got '{path.suffix or 'no extension'}')."
            + (" Save an .xls workbook as .xlsx or CSV UTF-8 first." if suffix == ".xls" else "")
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"{path} is not UTF-8 text (byte {exc.start} is invalid). Save it as "
            "'CSV UTF-8' or UTF-8 JSON and try again."
        ) from exc
    except OSError as exc:
        raise ImportFileError(f"Cannot read {path}: {exc.strerror}") from exc
    if not text.strip():
        raise ImportFileError(f"{path} is empty; nothing to import.")
    if suffix == ".json":
        yield from _json_rows(path, text)
    else:
        yield from _csv_rows(path, text)


def _json_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from exc
    except RecursionError as exc:
        raise ImportFileError(f"{path}: lists or objects are nested too deeply") from exc
    if isinstance(data, dict):
        # An export wrapped in an object ({"faqs": [...]}, {"qnaDocuments": [...]}): the list
        # it holds, or where it holds several (QnA Maker's "synonyms" beside its "qnaList"),
        # the one of objects with questions.
        lists = [value for value in data.values() if isinstance(value, list)]
        faqs = [value for value in lists if _holds_questions(value)]
        data = lists[0] if len(lists) == 1 else faqs[0] if len(faqs) == 1 else data
    if not isinstance(data, list):
        raise ImportFileError(
            f"{path}: expected a JSON list of objects with {', '.join(COLUMNS)} "
            "(or an object holding one such list)"
        )
    for number, item in enumerate(data, start=1):
        if isinstance(item, dict):
            yield number, _named(map(str, item)).row(item.values())
        else:
            yield number, {"__bad__": item}


def _holds_questions(items: list[Any]) -> bool:
    """Whether a list reads as FAQs: its first item is an object with a question."""
    first = items[0] if items else None
    return isinstance(first, dict) and _named(map(str, first)).column["question"] is not None


def _folded(name: str) -> str:
    """A column name as ``COLUMN_NAMES`` spells it: "Alternate_Questions" is "alternate
    questions", "QnaId" is "qnaid"."""
    return " ".join(re.sub(r"[_\-]+", " ", name).casefold().split())


@dataclass(frozen=True, slots=True)
class _Columns:
    """Which of a file's columns (by position) is read as each of ``COLUMNS``."""

    names: tuple[str, ...]  # the file's own names
    column: dict[str, int | None]

    @property
    def unused(self) -> list[str]:
        used = set(self.column.values())
        return [
            name for number, name in enumerate(self.names) if number not in used and name.strip()
        ]

    def row(self, cells: Iterable[Any]) -> dict[str, Any]:
        values = list(cells)
        return {
            column: values[number]
            for column, number in self.column.items()
            if number is not None and number < len(values)
        }


def _named(names: Iterable[str]) -> _Columns:
    """The columns of a file whose header (or JSON object's keys) are ``names``."""
    given = tuple(names)
    folded = [_folded(name) for name in given]
    column = {
        name: next((folded.index(alias) for alias in aliases if alias in folded), None)
        for name, aliases in COLUMN_NAMES.items()
    }
    return _Columns(given, column)


_EXCEL_SEPARATOR = re.compile(r"^sep=(.)\r?$")


def _delimiter(header: str) -> str:
    """The CSV's delimiter, read off its header row: a comma unless the header is split by
    semicolons or tabs instead."""
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _csv_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    first, _, rest = text.partition("\n")
    declared = _EXCEL_SEPARATOR.match(first)
    if declared:  # Excel's "sep=;" line names the delimiter; the header follows it
        delimiter, text = declared.group(1), rest
    else:
        delimiter = _delimiter(first)
    # Strict: a quote never closed is an error, not every later row swallowed into one cell.
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    before = 1 if declared else 0  # file lines before the header, for messages
    columns = _named(h.strip() for h in next(reader, []))
    missing = [name for name in ("answer", "question") if columns.column[name] is None]
    if missing:
        raise ImportFileError(
            f"{path}: the header row needs columns {', '.join(COLUMNS)}; "
            f"missing {', '.join(missing)} (found: {', '.join(columns.names) or 'none'})"
        )
    if columns.unused:
        yield 1, {"__unused__": columns.unused}
    number = 1  # rows as a spreadsheet numbers them: the header is row 1
    while True:
        line = reader.line_num + 1 + before
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            raise ImportFileError(
                f"{path}:{line}: row {number + 1} cannot be read ({exc}): a quoted cell is "
                'probably not closed; check the quotes (") from that line on'
            ) from exc
        if cells is None:
            return
        number += 1
        if any(cell.strip() for cell in cells):  # blank lines are not rows to report
            # A cell kb export guarded against formulas ("'=x") comes back as it was ("=x").
            yield number, columns.row(unguard_cell(cell) for cell in cells)


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """An Excel workbook's rows: from its first sheet with a header row (``_header``) that names
    a question and an answer column, numbered as Excel numbers them. Formulas give the value
    Excel last showed for them, never the formula."""
    try:
        import openpyxl  # the "excel" extra, imported only for an .xlsx file
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
    try:
        seen: list[str] = []
        for sheet in workbook.worksheets:
            rows = enumerate(sheet.iter_rows(values_only=True), start=1)
            filled = ((n, [_cell(c) for c in cells]) for n, cells in rows)
            found = _header(filled)
            if isinstance(found, str):
                seen.append(f"'{sheet.title}' ({found})")
                continue
            header_row, columns = found
            if columns.unused:
                yield header_row, {"__unused__": columns.unused}
            for number, cells in filled:
                if any(cells):
                    yield number, columns.row(cells)
            return
        raise ImportFileError(
            f"{path}: no sheet has a header row with question and answer columns in its first "
            f"{HEADER_ROWS} rows; the sheets are {'; '.join(seen) or 'none'}"
        )
    finally:
        workbook.close()


def _header(rows: Iterator[tuple[int, list[str]]]) -> tuple[int, _Columns] | str:
    """The header row's number and columns: the first of the first ``HEADER_ROWS`` rows to
    name a question and an answer column. Otherwise, what the sheet's first row said."""
    first = ""
    for number, cells in rows:
        columns = _named(cells)
        if columns.column["question"] is not None and columns.column["answer"] is not None:
            return number, columns
        first = first or ", ".join(c for c in cells if c)
        if number >= HEADER_ROWS:
            break
    return first or "empty"


def _cell(value: Any) -> str:
    """A cell as text: empty for a blank one, 12 (not 12.0) for a whole number."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def convert(
    rows: Iterable[tuple[int, dict[str, Any]]], *, progress: Callable[[], None] = lambda: None
) -> ImportResult:
    entries: list[ImportedEntry] = []
    problems: list[RowProblem] = []
    notes: list[RowProblem] = []
    seen: dict[str, tuple[int, str]] = {}  # id -> the row that gave it, and its answer
    placed: dict[str, int] = {}  # id -> its place in ``entries``
    rows = list(rows)
    for number, row in rows:
        if "__unused__" in row:
            unused = ", ".join(row["__unused__"])
            notes.append(RowProblem(number, f"columns not imported: {unused}"))
    rows = [(number, row) for number, row in rows if "__unused__" not in row]
    # The ids the sheet gives: an id made from a question must not take one of them, or the
    # row that gives it would be lost as a duplicate.
    given_ids = {_given_id(row) for _, row in rows if "__bad__" not in row} - {""}
    for number, row in rows:
        progress()
        entry, problem = _entry(number, row, seen, given_ids)
        if problem and entry:
            # The same id and answer as an earlier row: its question is another way of asking.
            first = placed[entry.id]
            entries[first] = _merged(entries[first], entry)
            notes.append(problem)
        elif problem:
            problems.append(problem)
        elif entry:
            seen[entry.id] = (number, entry.answer)
            placed[entry.id] = len(entries)
            entries.append(entry)
            given = _text(row.get("id"))
            if given and given != entry.id:
                notes.append(RowProblem(number, f"id {given!r} is stored as {entry.id!r}"))
    return ImportResult(tuple(entries), tuple(problems), _files(entries), tuple(notes))


def _merged(first: ImportedEntry, again: ImportedEntry) -> ImportedEntry:
    asked = (*first.alternates, again.question, *again.alternates)
    alternates = tuple(dict.fromkeys(a for a in asked if a != first.question))
    return ImportedEntry(first.id, first.topic, first.question, first.answer, alternates)


def _given_id(row: dict[str, Any]) -> str:
    """The row's own id in the knowledge base's form ("FAQ_002" -> "faq-002"), or ""."""
    given = _text(row.get("id"))
    return given if SLUG.match(given) else slugify(given)[:60].strip("-")


def _made_id(question: str, number: int, taken: set[str]) -> str:
    """An id for a row that gives none: the question's slug ("faq-<row>" when it has no
    letters or digits), numbered on where the sheet already uses it."""
    base = slugify(question)[:60].strip("-") or f"faq-{number}"
    made, count = base, 1
    while made in taken:
        count += 1
        made = f"{base}-{count}"
    return made


def _entry(
    number: int, row: dict[str, Any], seen: dict[str, tuple[int, str]], given_ids: set[str]
) -> tuple[ImportedEntry | None, RowProblem | None]:
    """The row's entry, or the problem that skips it. Both when the row gives the id and the
    answer of an earlier row: its entry is then that row's asked another way."""
    if "__bad__" in row:
        return None, RowProblem(number, "is not an object with question and answer")
    asked = row.get("question")
    if isinstance(asked, list) and all(isinstance(q, str | int | float) for q in asked):
        # A "questions" list (QnA Maker's JSON): the question, then its alternates.
        texts = [_text(q) for q in asked if _text(q)]
        row = {**row, "question": texts[0] if texts else ""}
        row["alternates"] = [*texts[1:], *_alternates(row.get("alternates"))]
    for column in ("id", "question", "answer", "topic"):
        value = row.get(column)
        if value is not None and not isinstance(value, str | int | float):
            kind = "a list" if isinstance(value, list) else "an object"
            return None, RowProblem(number, f"its {column} is {kind}, not text")
    question = _text(row.get("question"))
    # Answers keep their line breaks: paragraphs and bullets are part of the markdown.
    answer = str(row.get("answer") or "").replace("\r\n", "\n").strip()
    if not question:
        return None, RowProblem(number, "has no question")
    if not answer:
        return None, RowProblem(number, "has no answer")
    entry_id = _given_id(row)
    if not entry_id:
        if _text(row.get("id")):
            return None, RowProblem(
                number, f"id {_text(row.get('id'))!r} has no letters or digits to make an id of"
            )
        entry_id = _made_id(question, number, set(seen) | given_ids)
    alternates = tuple(
        dict.fromkeys(a for a in _alternates(row.get("alternates")) if a != question)
    )
    topic = _text(row.get("topic")) or DEFAULT_TOPIC
    entry = ImportedEntry(entry_id, topic, question, answer, alternates)
    if entry_id in seen:
        earlier, earlier_answer = seen[entry_id]
        if answer == earlier_answer:
            said = f"same id and answer as row {earlier}, so its question is an alternate"
            return entry, RowProblem(number, said)
        return None, RowProblem(number, f"id {entry_id!r} is already used on row {earlier}")
    return entry, None


def _alternates(raw: Any) -> list[str]:
    """Alternates as a list, a ``|``-separated text, or a JSON list written in one cell."""
    if isinstance(raw, str) and raw.lstrip().startswith("["):
        try:
            parsed = json.loads(raw)
        except json.JSONDecodeError:
            parsed = None
        if isinstance(parsed, list):
            raw = parsed
    parts = raw if isinstance(raw, list) else str(raw or "").split("|")
    return [text for text in (_text(p) for p in parts) if text]


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _files(entries: Iterable[ImportedEntry]) -> dict[str, str]:
    by_topic: dict[str, list[ImportedEntry]] = {}
    for entry in entries:
        by_topic.setdefault(entry.topic, []).append(entry)
    files = {}
    for topic, items in by_topic.items():
        body = {
            "topic": topic,
            "entries": [
                {
                    "id": e.id,
                    "question": e.question,
                    "alternates": list(e.alternates),
                    "answer": e.answer,
                }
                for e in items
            ],
        }
        name = f"{slugify(topic) or 'imported'}.yml"
        files[name] = (
            "# Imported by compact-bot kb import. Add sources, applies_to, owner and\n# reviewed to each entry, then run: compact-bot kb check\n"
            + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=88)
        )
    return files


def write_files(result: ImportResult, folder: Path, *, force: bool) -> list[Path]:
    """Write every file, or none: existing files are refused unless ``force``."""
    targets = [folder / name for name in result.files]
    clashes = [str(p) for p in targets if p.exists()]
    if clashes and not force:
        raise ImportFileError(
            f"Refusing to overwrite {', '.join(clashes)}; use --force to replace them."
        )
    for path in targets:
        atomic_write_text(path, result.files[path.name])
    return targets


def export_rows(kb: KnowledgeBase) -> list[dict[str, str]]:
    return [
        {
            "id": e.id,
            "question": e.question,
            "answer": e.answer.strip(),
            "alternates": "|".join(e.alternates),
            "topic": e.topic,
        }
        for e in kb.entries
    ]


# Excel reads a CSV without it in the machine's legacy code page (£ shows as Â£).
UTF8_BOM = "\ufeff"


def export_text(kb: KnowledgeBase, fmt: str) -> str:
    """The knowledge base as JSON, or as CSV for spreadsheets: with a UTF-8 byte order mark
    so that Excel reads it as UTF-8, and every cell that a spreadsheet would run as a formula
    (``=HYPERLINK(...)``, an answer starting "- ") guarded with a leading quote
    (bot/knowledge/spreadsheet.py). ``read_rows`` drops the mark and that one quote again,
    so an export imports back unchanged."""
    rows = export_rows(kb)
    if fmt == "json":
        for row in rows:
            row["alternates"] = row["alternates"].split("|") if row["alternates"] else []  # type: ignore[assignment]
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({name: guard_cell(value) for name, value in row.items()} for row in rows)
    return UTF8_BOM + buffer.getvalue()

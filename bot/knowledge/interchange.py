"""Bring FAQs in from spreadsheets (CSV, Excel or JSON) and send the knowledge base back out.

CSV columns: id, question, answer, alternates, topic (alternates separated by ``|``); the
delimiter may be a comma, a semicolon (as spreadsheets save CSV where the decimal mark is a
comma) or a tab (``.tsv``). Column names are read as other FAQ tools export them too
(``bot.knowledge.columns``: "Title" and "Body", "Category", QnA Maker's "QnaId"); columns the
import does not use are listed in a note, and two columns that could both be the question (or
the answer, id or topic) stop the import rather than one being dropped.
Excel (.xlsx, with the ``excel`` extra): every sheet with those columns
(``bot.knowledge.workbook``).
JSON: a list of objects with the same keys (alternates a list or a ``|`` string), an object
holding such a list (``{"faqs": [...]}``; QnA Maker's ``{"qnaList": [...]}`` beside its
``synonyms``), or one such object. A ``questions`` list is the question and then its
alternates.
Rows that give the same id and the same answer are one FAQ asked several ways (QnA Maker
exports each alternate as a row of its own): the later rows' questions become alternates of
the first.
An import builds every file in memory first and writes nothing unless the whole input
converts; bad rows are reported with their row numbers and skipped. An id that is not in the
knowledge base's form (lower-case words joined by hyphens: ``FAQ_002``) is converted to it
(``faq-002``) and the change reported, so a spreadsheet's own numbering never costs a row.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.atomic import atomic_write_text
from bot.knowledge.columns import (
    COLUMNS,
    Header,
    alternates_of,
    as_shown,
    clash_message,
    field_of,
    text_of,
)
from bot.knowledge.loader import CONTROL, SLUG, slugify
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.sourcerows import ImportFileError, RowProblem, SourceFile, SourceRow
from bot.knowledge.spreadsheet import guard_cell, unguard_cell

__all__ = ["COLUMNS", "ImportFileError", "RowProblem", "convert", "read_rows", "write_files"]

DEFAULT_TOPIC = "Imported"
WORKBOOKS = {".xlsx", ".xlsm"}


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
    # What the user should know of how rows were read (an id converted to slug form, a row
    # merged into another, columns not imported).
    notes: tuple[RowProblem, ...] = ()


def read_rows(path: Path) -> SourceFile:
    """Every row of ``path``, numbered as a person sees them (CSV: the header is row 1)."""
    suffix = path.suffix.lower()
    if suffix in WORKBOOKS:
        from bot.knowledge.workbook import read_workbook  # openpyxl, only for a workbook

        return read_workbook(path)
    if suffix not in {".json", ".csv", ".tsv", ".txt"}:
        raise ImportFileError(
            f"{path}: use a .csv, .tsv, .xlsx or .json file (got '{path.suffix or 'no extension'}')."
            + (" Save an .xls workbook as .xlsx or CSV UTF-8 first." if suffix == ".xls" else "")
        )
    try:
        raw = path.read_bytes()
        # Excel's "Unicode Text" (.txt, tab-separated) is UTF-16 with a byte order mark.
        utf16 = raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        text = raw.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError as exc:
        kind = "UTF-16 text that can be read" if utf16 else "UTF-8 text"
        raise ImportFileError(
            f"{path} is not {kind} (byte {exc.start} is invalid). Save it as "
            "'CSV UTF-8' or UTF-8 JSON and try again."
        ) from exc
    except OSError as exc:
        raise ImportFileError(f"Cannot read {path}: {exc.strerror}") from exc
    if not text.strip():
        raise ImportFileError(f"{path} is empty; nothing to import.")
    return _json_rows(path, text) if suffix == ".json" else _csv_rows(path, text)


def _json_rows(path: Path, text: str) -> SourceFile:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from exc
    except RecursionError as exc:
        raise ImportFileError(f"{path}: lists or objects are nested too deeply") from exc
    except ValueError as exc:  # int() refuses a number of more than 4,300 digits
        raise ImportFileError(
            f"{path}: a number in it has more than 4,300 digits, too many to read; put it in "
            'quotes ("...") to import it as text'
        ) from exc
    if isinstance(data, dict):
        data = _faq_list(path, data)
    if not isinstance(data, list):
        raise ImportFileError(
            f"{path}: expected a JSON list of objects with {', '.join(COLUMNS)} "
            "(or an object holding one such list)"
        )
    rows: list[SourceRow] = []
    unused: dict[str, None] = {}
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            rows.append(SourceRow(number, {}, problem="is not an object with question and answer"))
            continue
        header = Header.of(map(str, item))
        unused |= dict.fromkeys(header.unused)
        cells = list(item.values())
        problems = [clash_message(column, names) for column, names in header.clashes]
        # Wordings that are not text would be dropped (or written as "{'a': 1}") quietly.
        for column, named in (("question", "questions"), ("alternates", "alternates")):
            for place in header.positions[column]:
                value = cells[place]
                odd = (
                    _not_wordings(value)
                    if column == "alternates" or isinstance(value, list)
                    else None
                )
                if odd:
                    problems.append(f"its {named} {odd}, not text")
        rows.append(SourceRow(number, header.row(cells), problem="; ".join(problems)))
    notes = (RowProblem(0, f"keys not imported: {', '.join(unused)}"),) if unused else ()
    return SourceFile(tuple(rows), notes)


def _faq_list(path: Path, data: dict[str, Any]) -> Any:
    """The FAQs an object holds: itself when it is one FAQ; else its one list, or the one of
    its lists whose objects have questions (QnA Maker's "qnaList" beside its "synonyms")."""
    if any(field_of(str(key)) == "question" for key in data):
        return [data]
    lists = {key: value for key, value in data.items() if isinstance(value, list)}
    faqs = [value for value in lists.values() if _holds_questions(value)]
    if len(faqs) == 1:
        return faqs[0]
    if len(lists) == 1:
        return next(iter(lists.values()))
    if len(faqs) > 1:
        named = ", ".join(key for key, value in lists.items() if _holds_questions(value))
        raise ImportFileError(
            f"{path}: the object holds several lists of questions ({named}); put the FAQs "
            "in one list, or import each list from a file of its own"
        )
    return data


def _holds_questions(items: list[Any]) -> bool:
    """Whether a list reads as FAQs: its first item is an object with a question."""
    first = items[0] if items else None
    return isinstance(first, dict) and Header.of(map(str, first)).has("question")


_EXCEL_SEPARATOR = re.compile(r"^sep=(.)\r?$")


def _delimiter(header: str) -> str:
    """The CSV's delimiter, read off its header row: a comma unless the header is split by
    semicolons or tabs instead."""
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _csv_rows(path: Path, text: str) -> SourceFile:
    first, _, rest = text.partition("\n")
    declared = _EXCEL_SEPARATOR.match(first)
    if declared:  # Excel's "sep=;" line names the delimiter; the header follows it
        delimiter, text = declared.group(1), rest
    else:
        delimiter = _delimiter(first)
    # Strict: a quote never closed is an error, not every later row swallowed into one cell.
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    before = 1 if declared else 0  # file lines before the header, for messages
    try:
        header = Header.of(next(reader, []))
    except csv.Error as exc:
        raise ImportFileError(
            _unreadable_row(path, text, delimiter, Header.of(()), 1 + before, 1, exc)
        ) from exc
    missing = [name for name in ("answer", "question") if not header.has(name)]
    if missing:
        raise ImportFileError(
            f"{path}: the header row needs columns {', '.join(COLUMNS)}; "
            f"missing {', '.join(missing)} (found: {', '.join(header.names) or 'none'}). "
            "Other names read are listed in `compact-bot kb import --help`."
        )
    if header.clashes:
        raise ImportFileError(
            f"{path}: row 1: "
            + "; ".join(clash_message(column, names) for column, names in header.clashes)
        )
    notes = (
        (RowProblem(1, f"columns not imported: {', '.join(header.unused)}"),)
        if header.unused
        else ()
    )
    rows: list[SourceRow] = []
    number = 1  # rows as a spreadsheet numbers them: the header is row 1
    split = "semicolon" if delimiter == ";" else "tab" if delimiter == "\t" else "comma"
    while True:
        line = reader.line_num + 1 + before
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            raise ImportFileError(
                _unreadable_row(path, text, delimiter, header, line, number + 1, exc)
            ) from exc
        if cells is None:
            return SourceFile(tuple(rows), notes)
        number += 1
        if not any(cell.strip() for cell in cells):  # blank lines are not rows to report
            continue
        # A cell kb export guarded against formulas ("'=x") comes back as it was ("=x").
        values = header.row([unguard_cell(cell) for cell in cells])
        problem = (
            f"has more cells than the header has columns: a cell with a {split} in it "
            'needs quotes (") around it'
            if header.unnamed(cells)
            else ""
        )
        rows.append(SourceRow(number, values, problem=problem))


def _unreadable_row(
    path: Path,
    text: str,
    delimiter: str,
    header: Header,
    line: int,
    row: int,
    error: csv.Error,
) -> str:
    """Why a row could not be read. Past the csv module's limit on a cell's size, the cell
    is either that long, or a quote never closed has run on through the file: reading the
    file again without the limit tells which."""
    unclosed = (
        f"{path}:{line}: row {row} cannot be read ({error}): a quoted cell is probably not "
        'closed; check the quotes (") from that line on'
    )
    if "field larger than field limit" not in str(error):
        return unclosed
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter, strict=True))
    except csv.Error:  # a quote that is never closed, which the limit stopped early
        return (
            f"{path}:{line}: row {row} cannot be read: a quoted cell runs on for more than "
            f'{limit:,} characters, so a quote (") is probably not closed; check the quotes '
            "from that line on"
        )
    finally:
        csv.field_size_limit(limit)
    cells = rows[row - 1] if row - 1 < len(rows) else []
    longest = max(range(len(cells)), key=lambda i: len(cells[i]), default=None)
    column = ""
    if longest is not None:
        names = header.names
        column = f" (column {names[longest][:40]})" if longest < len(names) else ""
        size = f"{len(cells[longest]):,} characters"
    else:
        size = "too long"
    return (
        f"{path}:{line}: row {row}: a cell{column} is {size}; a cell can be at most "
        f"{limit:,} characters ({limit // 1024} KB). Shorten it, or split a long answer "
        "into several entries."
    )


def convert(source: SourceFile, *, progress: Callable[[], None] = lambda: None) -> ImportResult:
    entries: list[ImportedEntry] = []
    problems: list[RowProblem] = []
    notes: list[RowProblem] = list(source.notes)
    seen: dict[str, SourceRow] = {}  # id -> the row that gave it
    placed: dict[str, int] = {}  # id -> its place in ``entries``
    rows = source.rows
    # The ids the sheet gives: an id made from a question must not take one of them, or the
    # row that gives it would be lost as a duplicate.
    given_ids = {_given_id(row.values) for row in rows if not row.problem} - {""}
    for row in rows:
        progress()
        entry, problem = _entry(row, seen, given_ids)
        if problem and entry:
            # The same id and answer as an earlier row: its question is another way of asking.
            first = placed[entry.id]
            entries[first] = _merged(entries[first], entry)
            notes.append(problem)
        elif problem:
            problems.append(problem)
        elif entry:
            seen[entry.id] = row
            placed[entry.id] = len(entries)
            entries.append(entry)
            given = text_of(row.values.get("id"))
            if given and given != entry.id:
                notes.append(row.problem_with(f"id {given!r} is stored as {entry.id!r}"))
    files, renamed = _files(entries)
    notes += renamed
    return ImportResult(tuple(entries), tuple(problems), files, tuple(notes))


def _merged(first: ImportedEntry, again: ImportedEntry) -> ImportedEntry:
    asked = (*first.alternates, again.question, *again.alternates)
    return replace(first, alternates=tuple(dict.fromkeys(a for a in asked if a != first.question)))


def _given_id(row: dict[str, Any]) -> str:
    """The row's own id in the knowledge base's form ("FAQ_002" -> "faq-002"), or ""."""
    given = text_of(row.get("id"))
    return given if SLUG.match(given) else slugify(given)[:60].strip("-")


def _made_id(base: str, *taken: Container[str]) -> str:
    """``base``, numbered ("what-is-x-2") where one of ``taken`` already holds it."""
    made, count = base, 1
    while any(made in ids for ids in taken):
        count += 1
        made = f"{base}-{count}"
    return made


def _not_wordings(value: object) -> str | None:
    """What in a list of wordings (or alternates given as one value) is not a wording:
    "hold an object", "are true or false"; None when every item is text, a number or empty."""
    if isinstance(value, dict):
        return "are an object"
    if isinstance(value, bool):
        return "are true or false"
    for item in value if isinstance(value, list) else ():
        if isinstance(item, dict):
            return "hold an object"
        if isinstance(item, list):
            return "hold a list"
        if isinstance(item, bool):
            return "hold true or false"
    return None


def _entry(
    row: SourceRow, seen: dict[str, SourceRow], given_ids: set[str]
) -> tuple[ImportedEntry | None, RowProblem | None]:
    """The row's entry, or the problem that skips it. Both when the row gives the id and the
    answer of an earlier row: its entry is then that row's asked another way."""
    if row.problem:
        return None, row.problem_with(row.problem)
    values = dict(row.values)
    asked = values.get("question")
    if isinstance(asked, list):
        # A "questions" list (QnA Maker's JSON): the question, then its alternates.
        texts = alternates_of(asked)
        values["question"] = texts[0] if texts else ""
        values["alternates"] = [*texts[1:], *alternates_of(values.get("alternates"))]
    for column in ("id", "question", "answer", "topic"):
        value = values.get(column)
        if isinstance(value, list | dict):
            kind = "a list" if isinstance(value, list) else "an object"
            return None, row.problem_with(f"its {column} is {kind}, not text")
    question = text_of(values.get("question"))
    answer = _answer_text(values.get("answer"))
    for column, text in (("question", question), ("answer", answer)):
        if not text:
            why = row.why_empty.get(column)
            return None, row.problem_with(f"has no {column}" + (f" ({why})" if why else ""))
    entry_id = _given_id(values)
    if not entry_id:
        if text_of(values.get("id")):
            return None, row.problem_with(
                f"id {text_of(values.get('id'))!r} has no letters or digits to make an id of"
            )
        # The question's slug ("faq-<row>" when it has no letters or digits).
        base = slugify(question)[:60].strip("-") or f"faq-{row.number}"
        entry_id = _made_id(base, seen, given_ids)
    alternates = tuple(
        dict.fromkeys(a for a in alternates_of(values.get("alternates")) if a != question)
    )
    topic = text_of(values.get("topic")) or DEFAULT_TOPIC
    for column, written in (
        ("question", [question]),
        ("answer", [answer]),
        ("alternates", list(alternates)),
        ("topic", [topic]),
    ):
        found = next((c for t in written if (c := CONTROL.search(t))), None)
        if found is not None:  # kb check would refuse the file: say so now, at the row
            return None, row.problem_with(
                f"its {column} contains the control character U+{ord(found.group()):04X}, "
                "which the knowledge base does not allow; delete it from the cell"
            )
    entry = ImportedEntry(entry_id, topic, question, answer, alternates)
    if entry_id not in seen:
        return entry, None
    earlier = seen[entry_id]
    first = RowProblem(earlier.number, "", earlier.sheet)
    at = str(first).removesuffix(": ")
    given, earlier_given = text_of(values.get("id")), text_of(earlier.values.get("id"))
    same_answer = text_of(answer) == text_of(_answer_text(earlier.values.get("answer")))
    if not same_answer and given != earlier_given:
        # Two ids of the sheet's own that convert to one ("FAQ-1", "faq_1"): the later is
        # numbered, so the sheet's numbering never costs a row.
        numbered = _made_id(entry_id, seen, given_ids)
        return replace(entry, id=numbered), None
    if not same_answer:
        return None, row.problem_with(
            f"id {entry_id!r} is already used on {at} with another answer; give one of them "
            "another id, or the same answer to make this row's question an alternate"
        )
    said = f"same id and answer as {at}, so its question is an alternate there"
    if topic != (text_of(earlier.values.get("topic")) or DEFAULT_TOPIC):
        said += f" (its topic {topic!r} is not used)"
    return entry, row.problem_with(said)


def _answer_text(value: Any) -> str:
    """An answer as written, keeping its line breaks (paragraphs and bullets are part of the
    markdown); a number or a date as a spreadsheet shows it (0 is an answer, 12.0 is 12, a
    date has no midnight time)."""
    return as_shown(value).replace("\r\n", "\n").strip()


def _files(entries: Iterable[ImportedEntry]) -> tuple[dict[str, str], list[RowProblem]]:
    """One YAML text per topic, by file name, and a note for each topic written under the
    spelling of another with the same file name ("Council tax" beside "Council Tax")."""
    by_name: dict[str, tuple[str, list[ImportedEntry]]] = {}
    renamed: dict[str, str] = {}
    for entry in entries:
        name = f"{slugify(entry.topic) or 'imported'}.yml"
        topic, items = by_name.setdefault(name, (entry.topic, []))
        items.append(entry)
        if entry.topic != topic:
            renamed[entry.topic] = topic
    files = {}
    for name, (topic, items) in by_name.items():
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
        files[name] = (
            "# Imported by compact-bot kb import. Add sources, applies_to, owner and\n# reviewed to each entry, then run: compact-bot kb check\n"
            + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=88)
        )
    notes = [
        RowProblem(0, f"topic {spelt!r} is written as {topic!r}: they make the same file name")
        for spelt, topic in renamed.items()
    ]
    return files, notes


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


def export_rows(kb: KnowledgeBase) -> list[dict[str, Any]]:
    """One row per entry; alternates as a list (``export_text`` joins them for CSV)."""
    return [
        {
            "id": e.id,
            "question": e.question,
            "answer": e.answer.strip(),
            "alternates": list(e.alternates),
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
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    for row in rows:
        # A "|" inside an alternate is written "\\|", so kb import keeps it one alternate.
        row["alternates"] = "|".join(a.replace("|", "\\|") for a in row["alternates"])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({name: guard_cell(value) for name, value in row.items()} for row in rows)
    return UTF8_BOM + buffer.getvalue()

"""``compact-bot kb import`` on the files other FAQ tools and spreadsheets make: QnA Maker's
exports, a site's FAQ table, Excel workbooks. Every way of asking is kept, what is not
imported is said, and nothing is dropped without a word."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import KnowledgeBase

from .conftest import Run


def imported(run: Run, source: Path, out: Path) -> tuple[KnowledgeBase, str]:
    result = run("kb", "import", str(source), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return load_knowledge(out), " ".join(result.stderr.split())


def refused(run: Run, source: Path, out: Path) -> str:
    result = run("kb", "import", str(source), "--out", str(out))
    assert result.returncode == 1, result.stdout + result.stderr
    assert not out.exists()
    return " ".join(result.stderr.split())


def test_qna_maker_tsv_rows_sharing_an_id_and_answer_are_one_entry(
    run: Run, tmp_path: Path
) -> None:
    source = tmp_path / "qnamaker.tsv"
    source.write_text(
        "Question\tAnswer\tSource\tMetadata\tQnaId\n"
        "How do I reset my password?\tUse the portal.\tEditorial\t\t1\n"
        "forgot my password\tUse the portal.\tEditorial\t\t1\n"
        "When does the office open?\tAt 9am.\tEditorial\t\t2\n"
        "opening hours\tAt 10am.\tEditorial\t\t2\n",
        encoding="utf-8",
    )
    kb, said = imported(run, source, tmp_path / "out")
    assert [(e.id, e.question, e.alternates) for e in kb.entries] == [
        ("1", "How do I reset my password?", ("forgot my password",)),
        ("2", "When does the office open?", ()),
    ]
    assert "row 3: same id and answer as row 2, so its question is an alternate there" in said
    # The same id with another answer is a clash, not another way of asking: the row is
    # skipped, and the message says what to do.
    assert (
        "skipped qnamaker.tsv: row 5: id '2' is already used on row 4 with another answer; "
        "give one of them another id" in said.replace(str(tmp_path) + "/", "")
    )
    assert "row 1: columns not imported: Source, Metadata" in said


def test_qna_maker_json_questions_list_beside_its_synonyms(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "qna.json"
    source.write_text(
        json.dumps(
            {
                "qnaList": [
                    {
                        "id": 7,
                        "answer": "Use the portal.",
                        "questions": ["How do I reset my password?", "forgot password", None],
                        "metadata": {},
                    }
                ],
                "synonyms": [{"alterations": ["password", "pwd"]}],
            }
        ),
        encoding="utf-8",
    )
    kb, said = imported(run, source, tmp_path / "out")
    [entry] = kb.entries
    assert (entry.id, entry.question, entry.alternates) == (
        "7",
        "How do I reset my password?",
        ("forgot password",),
    )
    assert "keys not imported: metadata" in said


def test_json_keys_are_read_in_any_style_and_the_unread_ones_said(run: Run, tmp_path: Path) -> None:
    """camelCase keys, a float id as pandas writes it, one FAQ object on its own; two keys
    that could both be the question skip that object with both named."""
    rows: list[dict[str, Any]] = [
        {
            "FaqId": 2.0,
            "question": "How do I pay?",
            "answer": "By card.",
            "alternateQuestions": ["paying online"],
            "category": "Money",
            "views": 3,
        },
        {"id": "x", "question": "Who?", "title": "Who is it?", "answer": "Us."},
    ]
    source = tmp_path / "faqs.json"
    source.write_text(json.dumps(rows), encoding="utf-8")
    kb, said = imported(run, source, tmp_path / "out")
    [entry] = kb.entries
    assert (entry.id, entry.topic, entry.alternates) == ("2", "Money", ("paying online",))
    assert "keys not imported: views" in said
    assert "row 2: 'question' and 'title' could each be the question" in said

    single = tmp_path / "one.json"
    single.write_text(json.dumps({"questions": ["How do I pay?", "paying"], "answer": "Card."}))
    kb, _ = imported(run, single, tmp_path / "one")
    assert [(e.question, e.alternates) for e in kb.entries] == [("How do I pay?", ("paying",))]


def test_a_site_faq_table_with_its_own_column_names(run: Run, tmp_path: Path) -> None:
    """Title/Body/Category, alternates from every alternates column (one a JSON list in a
    cell); an unquoted comma is a skipped row that says so, never a cut-off answer."""
    source = tmp_path / "site.csv"
    source.write_text(
        "Title,Body,Category,Alternate_Questions,Variations,Views\n"
        'How do I pay?,By card.,Payments,"[""paying online""]",card payment|pay,120\n'
        "Can I pay cash?,Yes, at the office.,Payments,,,4\n",
        encoding="utf-8",
    )
    kb, said = imported(run, source, tmp_path / "out")
    [entry] = kb.entries
    assert (entry.topic, entry.question, entry.answer, entry.alternates) == (
        "Payments",
        "How do I pay?",
        "By card.",
        ("paying online", "card payment", "pay"),
    )
    assert "columns not imported: Views" in said
    assert "row 3: has more cells than the header has columns: a cell with a comma" in said

    clash = tmp_path / "clash.csv"
    clash.write_text("Question,Title,Answer\nA?,B?,C.\n", encoding="utf-8")
    assert "'Question' and 'Title' could each be the question" in refused(
        run, clash, tmp_path / "never"
    )


def test_topics_that_make_the_same_file_name_share_one_file(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "topics.csv"
    source.write_text(
        "question,answer,category\nHow do I pay?,By card.,Council Tax\n"
        "Any discounts?,If you live alone.,Council tax\n",
        encoding="utf-8",
    )
    kb, said = imported(run, source, tmp_path / "out")
    assert [(e.id, e.topic) for e in kb.entries] == [
        ("how-do-i-pay", "Council Tax"),
        ("any-discounts", "Council Tax"),
    ]
    assert "topic 'Council tax' is written as 'Council Tax'" in said


def workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """An .xlsx file of ``sheets`` (openpyxl is the ``excel`` extra, in the test extras)."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_an_excel_workbook_as_excel_shows_it(run: Run, tmp_path: Path) -> None:
    """Every FAQ sheet, a sheet's name as the topic of its rows that give none, the header
    found below a title, Excel's row numbers, whole numbers without ".0", Excel's stored
    line breaks, and error cells reported rather than imported."""
    source = workbook(
        tmp_path / "faqs.xlsx",
        {
            "Read me": [["This workbook lists our FAQs"]],
            "Consultation": [
                ["Council FAQs, kept by the partnerships team"],
                [],
                ["FAQ ID", "Question", "Answer", "Owner"],
                [101.0, "How long is a consultation?", "Twelve weeks._x000D_\nOften.", "Sam"],
                [],
                [102, "Who signs the local Compact?", None, "Sam"],
                [104, "What is the deadline?", "#N/A", "Sam"],
            ],
            "Volunteering": [
                ["Question", "Answer", "Category"],
                ["Can volunteers claim expenses?", "Yes, at cost.", "Expenses"],
                ["Do volunteers need checks?", "Sometimes.", None],
            ],
        },
    )
    kb, said = imported(run, source, tmp_path / "out")
    assert [(e.id, e.topic, e.answer) for e in kb.entries] == [
        ("101", "Consultation", "Twelve weeks.\nOften."),
        ("can-volunteers-claim-expenses", "Expenses", "Yes, at cost."),
        ("do-volunteers-need-checks", "Volunteering", "Sometimes."),
    ]
    assert "sheet 'Consultation' row 6: has no answer (its cell is empty)" in said
    assert "sheet 'Consultation' row 7: shows the Excel error #N/A" in said
    assert "sheet 'Consultation' row 3: columns not imported: Owner" in said


def test_a_workbook_that_declares_too_small_a_range_loses_nothing(run: Run, tmp_path: Path) -> None:
    """Some tools write a sheet's range wrong; read-only reading would believe it."""
    rows: list[list[Any]] = [["Question", "Answer", "Topic"]]
    rows += [[f"Question {n}?", f"Answer {n}.", "Money"] for n in range(5)]
    source = workbook(tmp_path / "made.xlsx", {"FAQ": rows})
    shrunk = tmp_path / "shrunk.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(shrunk, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:C6" />' in data
                data = data.replace(b'<dimension ref="A1:C6" />', b'<dimension ref="A1:B3" />')
            copy.writestr(item, data)
    kb, _ = imported(run, shrunk, tmp_path / "out")
    assert [(e.question, e.topic) for e in kb.entries] == [
        (f"Question {n}?", "Money") for n in range(5)
    ]


def test_a_workbook_without_faqs_or_not_a_workbook_is_refused(run: Run, tmp_path: Path) -> None:
    for name, content, message in [
        ("fake.xlsx", b"question,answer\nA,B\n", "is not an Excel workbook that can be read"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "Save an .xls workbook as .xlsx or CSV UTF-8 first"),
    ]:
        (tmp_path / name).write_bytes(content)
        assert message in refused(run, tmp_path / name, tmp_path / "never")
    contacts = workbook(tmp_path / "contacts.xlsx", {"People": [["Name", "Phone"]]})
    said = refused(run, contacts, tmp_path / "never")
    assert "no sheet has a header row naming a question and an answer column" in said
    assert "'People' (Name, Phone)" in said
    late = workbook(
        tmp_path / "late.xlsx", {"FAQ": [[f"note {n}"] for n in range(12)] + [["Q", "A"]]}
    )
    assert "in its first 10 rows" in refused(run, late, tmp_path / "never")


def test_ids_that_convert_to_one_and_numbers_as_answers_cost_no_row(
    run: Run, tmp_path: Path
) -> None:
    rows = [
        {"id": "FAQ-1", "question": "How many staff?", "answer": 12.0},
        {"id": "faq_1", "question": "How many sites?", "answer": 0},
    ]
    source = tmp_path / "numbers.json"
    source.write_text(json.dumps(rows), encoding="utf-8")
    kb, said = imported(run, source, tmp_path / "out")
    assert [(e.id, e.answer) for e in kb.entries] == [("faq-1", "12"), ("faq-1-2", "0")]
    assert "row 2: id 'faq_1' is stored as 'faq-1-2'" in said
    assert "skipped" not in said


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_alternate_holding_a_bar_survives_export_and_import(
    run: Run, tmp_path: Path, fmt: str
) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "t.yml").write_text(
        "topic: T\nentries:\n  - id: one\n    question: Which one?\n"
        "    alternates: ['either A | or B', 'plain']\n    answer: Both.\n",
        encoding="utf-8",
    )
    exported = tmp_path / f"kb.{fmt}"
    result = run("kb", "export", "--kb", str(folder), "--format", fmt, "--out", str(exported))
    assert result.returncode == 0, result.stderr
    kb, _ = imported(run, exported, tmp_path / "back")
    assert kb["one"].alternates == ("either A | or B", "plain")


def test_excel_unicode_text_which_is_utf16_imports_as_it_shows(run: Run, tmp_path: Path) -> None:
    # Excel's "Save as Unicode Text" writes UTF-16 with a byte order mark, tabs between cells.
    source = tmp_path / "faqs.txt"
    sheet = "Question\tAnswer\r\nWhat is the café fund?\tA £500 grant – for groups.\r\n"
    source.write_bytes(sheet.encode("utf-16"))
    kb, _ = imported(run, source, tmp_path / "out")
    assert [(e.question, e.answer) for e in kb.entries] == [
        ("What is the café fund?", "A £500 grant – for groups.")
    ]
    big_endian = tmp_path / "be.txt"
    big_endian.write_bytes(b"\xfe\xff" + sheet.encode("utf-16-be"))
    kb, _ = imported(run, big_endian, tmp_path / "out-be")
    assert kb.entries[0].question == "What is the café fund?"
    latin = tmp_path / "latin.csv"
    latin.write_bytes("question,answer\nWhat is the café fund?,A grant.\n".encode("latin-1"))
    assert "is not UTF-8 text" in refused(run, latin, tmp_path / "out-latin")


def test_a_cell_over_the_size_limit_is_named_as_too_large_not_as_a_quote(
    run: Run, tmp_path: Path
) -> None:
    long_answer = "Plan on three months. " * 8_000  # 176,000 characters
    for quoted in (True, False):
        source = tmp_path / f"long-{quoted}.csv"
        cell = f'"{long_answer}"' if quoted else long_answer
        source.write_text(f"question,answer\nWhat is it?,Short.\nHow long?,{cell}\n")
        said = refused(run, source, tmp_path / f"out-{quoted}")
        assert "row 3" in said
        assert "column answer" in said
        assert f"{len(long_answer):,} characters" in said
        assert "at most 131,072 characters (128 KB)" in said
        assert "not closed" not in said
        assert "Traceback" not in said
    header = tmp_path / "long-header.csv"
    header.write_text(f"question,answer,{long_answer}\nWhat is it?,Short.,x\n")
    said = refused(run, header, tmp_path / "out-header")
    assert "row 1" in said
    assert "at most 131,072 characters" in said
    assert "Traceback" not in said


def test_a_quote_never_closed_is_still_named_when_it_runs_past_the_size_limit(
    run: Run, tmp_path: Path
) -> None:
    source = tmp_path / "unclosed.csv"
    rows = "\n".join(f"Question {n}?,Answer {n}." for n in range(20_000))
    source.write_text(f'question,answer\nWhat is it?,"Short.\n{rows}\n')
    said = refused(run, source, tmp_path / "out")
    assert "row 2 cannot be read" in said
    assert "probably not closed" in said


def test_json_wordings_that_are_not_text_skip_their_row_with_a_reason(
    run: Run, tmp_path: Path
) -> None:
    # Dropped quietly, {"a": 1} would be a wording lost; written out, "{'a': 1}" one made up.
    source = tmp_path / "odd.json"
    source.write_text(
        json.dumps(
            [
                {"question": "Kept?", "answer": "Yes.", "alternates": ["kept too", 7, None]},
                {"question": "Q2?", "answer": "A2.", "alternates": ["fine", {"a": 1}]},
                {"question": "Q3?", "answer": "A3.", "alternates": {"x": "y"}},
                {"question": "Q4?", "answer": "A4.", "alternates": True},
                {"questions": ["Q5?", ["nested"]], "answer": "A5."},
            ]
        )
    )
    kb, said = imported(run, source, tmp_path / "out")
    assert [e.question for e in kb.entries] == ["Kept?"]
    assert kb.entries[0].alternates == ("kept too", "7")
    assert "row 2: its alternates hold an object, not text" in said
    assert "row 3: its alternates are an object, not text" in said
    assert "row 4: its alternates are true or false, not text" in said
    assert "row 5: its questions hold a list, not text" in said


def test_numbers_too_long_to_read_and_cells_nested_too_deep_are_no_traceback(
    run: Run, tmp_path: Path
) -> None:
    # int() refuses more than 4,300 digits; JSON in a cell can nest past Python's recursion.
    many = "1" * 5000
    source = tmp_path / "faq.json"
    source.write_text(f'[{{"question": "Can we claim mileage?", "answer": "Yes.", "id": {many}}}]')
    refused = run("kb", "import", str(source), "--out", str(tmp_path / "a"))
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    said = " ".join(refused.stderr.split())
    assert "faq.json: a number in it has more than 4,300 digits, too many to read" in said
    table = tmp_path / "faq.csv"
    table.write_text(
        "question,answer,alternates\n"
        f'Can we claim mileage?,Yes.,"[{many}]"\n'
        f'Is mileage paid?,Yes.,"{"[" * 50_000}"\n'
    )
    imported = run("kb", "import", str(table), "--out", str(tmp_path / "b"))
    assert imported.returncode == 0, imported.stderr
    assert "Imported 2 entries" in imported.stdout


def test_a_row_with_a_control_character_is_skipped_with_the_reason_at_import(
    run: Run, tmp_path: Path
) -> None:
    # kb check refuses the file it would make (a terminal escape in an answer could recolour
    # the console chat): the import named nothing and wrote a file that does not load.
    table = tmp_path / "faq.csv"
    table.write_text(
        "question,answer\n"
        'What is the Compact?,"An \x1b[31magreement."\n'
        "How long is a consultation?,Twelve weeks.\n"
    )
    out = tmp_path / "out"
    result = run("kb", "import", str(table), "--out", str(out))
    assert result.returncode == 0, result.stderr
    said = " ".join((result.stdout + result.stderr).split())
    assert "row 2: its answer contains the control character U+001B" in said
    assert "Imported 1 entry" in said
    checked = run("kb", "check", "--kb", str(out))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_an_answer_excel_made_a_date_reads_as_the_date(run: Run, tmp_path: Path) -> None:
    # Excel turns "July 2025" typed in a cell into a date: it came in as "2025-07-01 00:00:00".
    source = workbook(
        tmp_path / "faqs.xlsx",
        {
            "Covenant": [
                ["Question", "Answer"],
                ["When did the Covenant start?", dt.datetime(2025, 7, 1)],
                ["When is the meeting?", dt.datetime(2026, 3, 4, 14, 30)],
            ]
        },
    )
    kb, _ = imported(run, source, tmp_path / "out")
    assert [e.answer for e in kb.entries] == ["2025-07-01", "2026-03-04 14:30:00"]

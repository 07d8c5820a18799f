from __future__ import annotations

import csv
import json
from pathlib import Path

from bot.knowledge.loader import load_knowledge

from .conftest import Run


def test_kb_check_reports_warnings_but_passes_unless_strict(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "t.yml").write_text(
        "topic: T\nentries:\n  - id: one\n    question: What does the LGO do?\n    answer: It looks at complaints.\n"
    )
    plain = run("kb", "check", "--kb", str(folder))
    assert plain.returncode == 0, plain.stderr
    assert "warning" in plain.stdout
    assert "kb/t.yml:3 entry 'one': uses LGO but the glossary does not define it" in plain.stdout
    assert "cites no sources" in plain.stdout
    strict = run("kb", "check", "--strict", "--kb", str(folder))
    assert strict.returncode == 1
    as_json = json.loads(run("kb", "check", "--format", "json", "--kb", str(folder)).stdout)
    assert {w["code"] for w in as_json["warnings"]} >= {"acronym", "no-source", "no-owner"}


def test_the_bundled_knowledge_base_is_clean(run: Run) -> None:
    # As of a fixed day: review dates falling due later must not fail the test suite.
    result = run("kb", "check", "--strict", "--as-of", "2026-12-05")
    assert result.returncode == 0, result.stdout + result.stderr


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["id", "question", "answer", "alternates", "topic"]
        )
        writer.writeheader()
        writer.writerows(rows)


def test_import_csv_writes_loadable_yaml_and_reports_bad_rows(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "faq.csv"
    write_csv(
        source,
        [
            {
                "id": "",
                "question": "How do I apply for a grant?",
                "answer": "Use the form.",
                "alternates": "grant form|apply for funding",
                "topic": "Grants",
            },
            {
                "id": "no-answer",
                "question": "Missing answer?",
                "answer": "",
                "alternates": "",
                "topic": "Grants",
            },
            {"id": "Bad Id", "question": "Q?", "answer": "A.", "alternates": "", "topic": "Grants"},
            {
                "id": "volunteers",
                "question": "Who can volunteer?",
                "answer": "Anyone.",
                "alternates": "",
                "topic": "Volunteering",
            },
            {
                "id": "volunteers",
                "question": "Again?",
                "answer": "A.",
                "alternates": "",
                "topic": "Other",
            },
        ],
    )
    out = tmp_path / "imported"
    result = run("kb", "import", str(source), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "row 3: has no answer" in result.stderr
    # A spreadsheet's own id that is not in slug form costs no row: it is converted, and said.
    assert "row 4: id 'Bad Id' is stored as 'bad-id'" in result.stderr
    assert "row 6: id 'volunteers' is already used on row 5" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["grants.yml", "volunteering.yml"]
    kb = load_knowledge(out)
    assert kb["how-do-i-apply-for-a-grant"].alternates == ("grant form", "apply for funding")
    again = run("kb", "import", str(source), "--out", str(out))
    assert again.returncode == 1
    assert "Refusing to overwrite" in again.stderr
    assert run("kb", "import", str(source), "--out", str(out), "--force").returncode == 0


def test_import_reads_spreadsheets_as_they_are_saved(run: Run, tmp_path: Path) -> None:
    """Semicolon CSV (Excel where the decimal mark is a comma), tab-separated text, JSON with
    capitalised keys wrapped in an object, and ids in a spreadsheet's own numbering."""
    sources = {
        "semi.csv": "Id;Question;Answer\nFAQ_001;Who funds us?;The council, mostly.\n",
        "tabs.tsv": "question\tanswer\nWho funds us, and how?\tThe council; see grants.\n",
        "wrapped.json": json.dumps({"faqs": [{"ID": "Q 7", "Question": "Who?", "Answer": "Us."}]}),
        "excel.csv": 'sep=;\r\nquestion;answer\r\n"Who pays,\r\nand when?";"Us; soon."\r\n',
    }
    expected = {
        "semi.csv": ("faq-001", "Who funds us?", "The council, mostly."),
        "tabs.tsv": ("who-funds-us-and-how", "Who funds us, and how?", "The council; see grants."),
        "wrapped.json": ("q-7", "Who?", "Us."),
        "excel.csv": ("who-pays-and-when", "Who pays, and when?", "Us; soon."),
    }
    for name, text in sources.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        out = tmp_path / f"out-{name}"
        result = run("kb", "import", str(path), "--out", str(out))
        assert result.returncode == 0, (name, result.stderr)
        [entry] = load_knowledge(out).entries
        assert (entry.id, entry.question, entry.answer) == expected[name], name
    assert (
        "id 'FAQ_001' is stored as 'faq-001'"
        in run("kb", "import", str(tmp_path / "semi.csv"), "--out", str(tmp_path / "again")).stderr
    )


def test_import_never_loses_a_row_to_an_id_it_made(run: Run, tmp_path: Path) -> None:
    """A row with no id gets its question's slug, numbered where a later row of the sheet
    gives that id itself; a question of punctuation alone still gets an id."""
    source = tmp_path / "faq.csv"
    source.write_text(
        "id,question,answer\n,What is X?,First.\nwhat-is-x,What is X exactly?,Second.\n"
        ",???,Third.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run("kb", "import", str(source), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "skipped" not in result.stderr
    kb = load_knowledge(out)
    assert [(e.id, e.answer) for e in kb.entries] == [
        ("what-is-x-2", "First."),
        ("what-is-x", "Second."),
        ("faq-4", "Third."),
    ]


def test_import_handles_thousands_of_rows(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "big.json"
    rows = [
        {
            "id": f"q-{n}",
            "question": f"Question number {n}?",
            "answer": f"Answer {n}.",
            "alternates": [f"q {n}"],
            "topic": f"Topic {n % 7}",
        }
        for n in range(5000)
    ]
    source.write_text(json.dumps(rows))
    result = run("kb", "import", str(source), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert len(load_knowledge(tmp_path / "out")) == 5000


def test_a_broken_file_writes_nothing(run: Run, tmp_path: Path) -> None:
    for name, content, message in [
        ("bad.json", '[{"question": ', "not valid JSON"),
        ("empty.csv", "", "is empty"),
        ("latin.csv", "question,answer\nCaf\xe9?,Oui\n", "is not UTF-8"),
        ("cols.csv", "colour,size\nA,B\n", "missing answer, question"),
        # An unclosed quote would otherwise swallow every later row into one cell.
        ("quote.csv", 'question,answer\n"Who?,A\nWhy?,B\n', "quoted cell is probably not closed"),
    ]:
        path = tmp_path / name
        path.write_bytes(content.encode("latin-1"))
        result = run("kb", "import", str(path), "--out", str(tmp_path / "never"))
        assert result.returncode == 1, name
        assert message in result.stderr, (name, result.stderr)
    assert not (tmp_path / "never").exists()


def test_export_then_import_round_trips(run: Run, tmp_path: Path) -> None:
    for fmt in ("csv", "json"):
        exported = tmp_path / f"kb.{fmt}"
        result = run("kb", "export", "--format", fmt, "--out", str(exported))
        assert result.returncode == 0, result.stderr
        out = tmp_path / f"back-{fmt}"
        assert run("kb", "import", str(exported), "--out", str(out)).returncode == 0
        original = load_knowledge(Path(__file__).resolve().parents[2] / "knowledge")
        back = load_knowledge(out)
        assert [e.id for e in back.entries] == [e.id for e in original.entries]
        notice = back["funding-notice"]
        assert notice.question == original["funding-notice"].question
        assert notice.alternates == original["funding-notice"].alternates
        assert " ".join(notice.answer.split()) == " ".join(
            original["funding-notice"].answer.split()
        )


HOSTILE_KB = """topic: Hostile
entries:
  - id: formula-question
    question: "=HYPERLINK(\\"http://evil.example\\",\\"Click for the grant form\\")"
    alternates: ["@SUM(1+1) grant", "+44 grant helpline", "'=already quoted by someone"]
    answer: "=cmd|' /C calc'!A0 costs £5 – or nothing"
  - id: bullet-answer
    question: "How do I claim expenses?"
    answer: |
      - Fill in the form.
      - Send it to finance.
  - id: quoted-already
    question: "'=SUM(A1) was typed with a quote in front"
    answer: "'Quoted' answers stay as they are."
"""


def test_kb_export_csv_guards_formulas_has_a_bom_and_imports_back_unchanged(
    run: Run, tmp_path: Path
) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "hostile.yml").write_text(HOSTILE_KB, encoding="utf-8")
    original = load_knowledge(folder)
    exported = tmp_path / "kb.csv"
    result = run("kb", "export", "--kb", str(folder), "--out", str(exported))
    assert result.returncode == 0, result.stderr
    assert "Wrote 3 entries" in result.stderr
    raw = exported.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "a UTF-8 BOM, so Excel shows £ and dashes"
    assert "£5 – or nothing" in raw.decode("utf-8-sig")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines(keepends=True)))
    cells = [value for row in rows for value in row.values()]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))], cells
    assert rows[0]["question"].startswith("'=HYPERLINK(")
    assert rows[0]["answer"] == "'=cmd|' /C calc'!A0 costs £5 – or nothing"
    assert rows[1]["answer"].startswith("'- Fill in the form.")
    assert rows[0]["alternates"].startswith("'@SUM(1+1) grant")
    assert rows[2]["question"] == "''=SUM(A1) was typed with a quote in front"
    assert rows[2]["answer"] == "'Quoted' answers stay as they are."
    # Standard output gets the same guarded text.
    assert run("kb", "export", "--kb", str(folder)).stdout == raw.decode("utf-8")
    back_folder = tmp_path / "back"
    imported = run("kb", "import", str(exported), "--out", str(back_folder))
    assert imported.returncode == 0, imported.stderr
    assert "Imported 3 entries into 1 file" in imported.stdout
    back = load_knowledge(back_folder)
    for entry in original.entries:
        again = back[entry.id]
        assert again.question == entry.question
        assert set(again.alternates) == set(entry.alternates)
        assert again.answer.strip() == entry.answer.strip()


def test_kb_check_refuses_an_unknown_format_and_says_strict_fails_on_warnings(
    run: Run, tmp_path: Path
) -> None:
    bad = run("kb", "check", "--format", "yaml")
    assert bad.returncode == 2
    assert "'yaml' is not one of" in bad.stderr
    assert "'text', 'json'" in bad.stderr
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "t.yml").write_text(
        "topic: T\nentries:\n  - id: one\n    question: What does the LGO do?\n    answer: It looks at complaints.\n"
    )
    strict = run("kb", "check", "--strict", "--kb", str(folder))
    assert strict.returncode == 1
    assert "FAILED (--strict fails on warnings)" in strict.stdout
    assert "OK with warnings" not in strict.stdout
    assert "1 entry (0 glossary terms) in 1 topic" in strict.stdout
    assert "OK with warnings" in run("kb", "check", "--kb", str(folder)).stdout


def test_counts_read_naturally(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "faq.csv"
    source.write_text(
        "question,answer\nHow do I apply?,Use the form.\nNo answer here,\n", encoding="utf-8"
    )
    result = run("kb", "import", str(source), "--out", str(tmp_path / "kb"))
    assert result.returncode == 0, result.stderr
    assert "Imported 1 entry into 1 file" in result.stdout
    assert "skipped 1 row." in result.stdout
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "t.yml").write_text("topic: T\nentries:\n  - id: Bad Id\n    question: q\n")
    check = run("kb", "check", "--kb", str(broken))
    assert check.returncode == 1
    assert "error(s)" not in check.stderr
    assert "; the knowledge base was not loaded" in check.stderr


def test_kb_check_names_what_it_did_not_read_and_why(run: Run, tmp_path: Path) -> None:
    # A folder named like a file, links to nothing, to themselves, and to a folder (one back
    # up the tree would loop): none is read, and each is named with the reason.
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "t.yml").write_text(
        "topic: T\nentries:\n  - id: one\n    question: How long is a consultation?\n"
        "    answer: Twelve weeks.\n"
    )
    (folder / "archive.yml").mkdir()
    (folder / "gone.yml").symlink_to("missing.yml")
    (folder / "self.yml").symlink_to("self.yml")
    (folder / "loop").symlink_to("..")
    (tmp_path / "shared-drafts").mkdir()
    (folder / "drafts").symlink_to(tmp_path / "shared-drafts")  # never read: no warning
    checked = run("kb", "check", "--kb", str(folder))
    assert checked.returncode == 0, checked.stderr
    said = checked.stdout
    assert "kb/archive.yml: was not read: it is a folder, not a file" in said
    assert "kb/gone.yml: was not read: it is a link to missing.yml, which does not exist" in said
    assert "kb/self.yml: was not read: it is a link to self.yml, which leads back to itself" in said
    assert "kb/loop: was not read: it is a link to a folder" in said
    assert "OK with warnings" in said
    assert run("kb", "check", "--strict", "--kb", str(folder)).returncode == 1
    as_json = json.loads(run("kb", "check", "--format", "json", "--kb", str(folder)).stdout)
    not_read = [w["file"] for w in as_json["warnings"] if w["code"] == "not-read"]
    assert [Path(f).name for f in not_read] == ["archive.yml", "gone.yml", "loop", "self.yml"]
    # With nothing else to read, the error comes with the reason.
    (folder / "t.yml").unlink()
    failed = run("kb", "check", "--kb", str(folder))
    assert failed.returncode == 1
    assert "has no .yml files" in failed.stderr
    assert "gone.yml: was not read" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_a_number_too_long_to_read_is_named_at_its_key_not_a_traceback(
    run: Run, tmp_path: Path
) -> None:
    # YAML reads it with int(), which refuses more than 4,300 digits.
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "t.yml").write_text(
        "topic: T\nentries:\n  - id: one\n    question: How long is a consultation?\n"
        f"    answer: Twelve weeks.\n    review_every: {'1' * 5000}\n"
    )
    checked = run("kb", "check", "--kb", str(folder))
    assert checked.returncode == 1
    assert "Traceback" not in checked.stderr
    said = " ".join(checked.stderr.split())
    assert "kb/t.yml:6 entry 'one': 'review_every' must be a number of months, 1 to 120" in said

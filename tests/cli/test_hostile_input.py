"""Bad input gets a clear answer or a clear error, never a crash: bytes that are not UTF-8,
very long lines, text that looks like terminal markup, and broken or deeply nested YAML."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from bot.settings import bundled_knowledge
from bot.storage.database import Database
from bot.storage.interaction_log import InteractionLog
from bot.storage.pseudonyms import Pseudonymiser

from .conftest import Run


def ask_bytes(stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", *args, "-"],
        input=stdin,
        capture_output=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )


def test_invalid_utf8_on_standard_input_gives_one_json_object_per_line(tmp_path: Path) -> None:
    lines = [
        b"how much notice must we give before ending a grant? \xff\xfe",
        b"\xc3\x28 broken sequence",
        b"lone surrogate \xed\xa0\x80 encoded",
        "line\u2028separator and NEL\x85 inside".encode(),
        b"what is the compact",
    ]
    for extra in ([], ["--no-log"]):
        url = f"sqlite:///{tmp_path / f'log{len(extra)}.db'}"
        result = ask_bytes(b"\n".join(lines) + b"\n", "--db", url, *extra)
        assert result.returncode == 0, result.stderr.decode(errors="replace")
        out = result.stdout.decode("utf-8")  # strict: every byte written is valid UTF-8
        replies = [json.loads(line) for line in out.split("\n") if line]
        assert len(out.splitlines()) == len(replies) == len(lines)
        assert replies[0]["entry_id"] == "funding-notice"
        assert replies[1]["question"] == "\ufffd( broken sequence"
        assert replies[3]["question"] == "line\u2028separator and NEL\x85 inside"
        assert replies[4]["outcome"] == "answer"
        assert b"Traceback" not in result.stderr
    database = Database.connect(f"sqlite:///{tmp_path / 'log0.db'}")
    stored = [
        row.question
        for row in InteractionLog(database, pseudonymiser=Pseudonymiser("x" * 16)).recent()
    ]
    database.dispose()
    assert len(stored) == len(lines)


def test_a_very_long_question_is_answered_and_stored_capped(tmp_path: Path) -> None:
    """Matching and storing see the first 2,000 characters; redaction stays linear (this line
    took 29 seconds to redact before)."""
    url = f"sqlite:///{tmp_path / 'long.db'}"
    long_line = "how much notice before ending a grant " + "a.b" * 33_000 + "@x"
    result = ask_bytes(long_line.encode() + b"\n", "--db", url)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    [reply] = [json.loads(line) for line in result.stdout.splitlines()]
    assert reply["question"] == long_line  # echoed whole
    database = Database.connect(url)
    [row] = InteractionLog(database, pseudonymiser=Pseudonymiser("x" * 16)).recent()
    database.dispose()
    assert len(row.question) == 2000
    assert row.question.startswith("how much notice before ending a grant a.b")


def test_an_unknown_driver_keeps_its_brackets_and_gets_no_install_hint(run: Run) -> None:
    # The install hint (with its '.[postgres]') is only for a missing psycopg: see
    # tests/storage/test_database_url.py, which checks its brackets survive.
    result = run("db", "upgrade", "--db", "postgresql+nosuchdriver://bot@db/compact")
    assert result.returncode == 1
    assert "[postgres" not in result.stderr
    assert "sqlalchemy.dialects:postgresql.nosuchdriver" in result.stderr
    assert "Traceback" not in result.stderr


def test_kb_check_shows_markup_in_its_messages_as_text(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "kb [/x] [link=mailto:x]here[/link]"
    shutil.copytree(bundled_knowledge(), folder)
    ok = run("kb", "check", "--kb", str(folder))
    assert ok.returncode == 0, ok.stderr
    assert "kb [/x] [link=mailto:x]here[/link]" in ok.stdout
    (folder / "bad.yml").write_text(
        "topic: Odd\n'[/x]': 1\nentries:\n  - id: '[bold]Not a slug[/bold]'\n"
        "    question: q?\n    answer: a\n"
    )
    bad = run("kb", "check", "--kb", str(folder))
    assert bad.returncode == 1
    assert "unknown top-level key '[/x]'" in bad.stderr
    assert "id '[bold]Not a slug[/bold]' must be lower-case" in bad.stderr
    assert "Traceback" not in bad.stderr


def _bundled_with_funding_line_edited(
    tmp_path: Path, starts: str, edit: Callable[[str], str]
) -> tuple[Path, int]:
    """A copy of the bundled knowledge base whose funding.yml has its first line starting with
    ``starts`` changed by ``edit``; the folder and that line's number."""
    folder = tmp_path / "kb"
    shutil.copytree(bundled_knowledge(), folder)
    funding = folder / "funding.yml"
    lines = funding.read_text().splitlines()
    number = next(n for n, line in enumerate(lines) if line.startswith(starts))
    lines[number] = edit(lines[number])
    funding.write_text("\n".join(lines) + "\n")
    return folder, number + 1


def test_a_yaml_syntax_error_is_reported_at_its_own_line_and_alone(
    run: Run, tmp_path: Path
) -> None:
    # The closing quote is missing.
    folder, broken = _bundled_with_funding_line_edited(
        tmp_path, "      - ", lambda _: '      - "grant ending notice?'
    )
    result = run("kb", "check", "--kb", str(folder))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1, result.stderr  # no "'related' names unknown id" from other files
    assert f"funding.yml:{broken}: YAML syntax error" in errors[0]
    assert "closing quote" in errors[0]


def test_deeply_nested_yaml_is_reported_like_any_other_bad_file(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    shutil.copytree(bundled_knowledge(), folder)
    (folder / "deep.yml").write_text("entries:\n  - id: deep\n    question: " + "[" * 50_000 + "\n")
    result = run("kb", "check", "--kb", str(folder))
    assert result.returncode == 1
    assert "deep.yml:3: YAML syntax error: lists or mappings are nested more than 50 deep" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    (tmp_path / "deep.json").write_text("[" * 50_000)
    imported = run("kb", "import", str(tmp_path / "deep.json"), "--out", str(tmp_path / "out"))
    assert imported.returncode == 1
    assert "nested too deeply" in imported.stderr
    assert "Traceback" not in imported.stderr


def test_a_control_character_in_a_knowledge_file_is_a_located_problem(
    run: Run, tmp_path: Path
) -> None:
    # A bell or escape pasted from a terminal: YAML refuses such characters while it reads.
    folder, pasted = _bundled_with_funding_line_edited(
        tmp_path, "    question: ", lambda line: line + "\x07"
    )
    result = run("kb", "check", "--kb", str(folder))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1, result.stderr
    assert f"funding.yml:{pasted} entry " in errors[0]
    assert "control character U+0007" in errors[0]


def test_control_characters_written_as_escapes_or_imported_are_named(
    run: Run, tmp_path: Path
) -> None:
    # Quoted YAML may hold "\e" (escape) or "\0" (NUL): kb check errors. kb import would
    # bring them in from a spreadsheet cell: it skips the row, naming the character. In an
    # answer, an escape sequence would recolour a terminal.
    sheet = tmp_path / "faqs.csv"
    sheet.write_text(
        "question,answer,alternates\n"
        "What is \x07x?,X is a thing.,ok wording\n"
        "What is y?,Y is \x1b[31m a thing.,ok wording\n"
        "What is z?,Z is a thing.,ok wording|bad \x00wording\n"
        "What is w?,W is a thing.,ok\n",
        encoding="utf-8",
    )
    out = tmp_path / "imported"
    imported = run("kb", "import", str(sheet), "--out", str(out))
    assert imported.returncode == 0, imported.stderr
    said = " ".join((imported.stdout + imported.stderr).split())
    assert "row 2: its question contains the control character U+0007" in said
    assert "row 3: its answer contains the control character U+001B" in said
    assert "row 4: its alternates contains the control character U+0000" in said
    assert "Imported 1 entry" in said
    written = out / "imported.yml"
    written.write_text(
        written.read_text()
        .replace("question: What is w?", 'question: "What is \\aw?"')
        .replace("answer: W is a thing.", 'answer: "W is \\e[31m a thing."')
    )
    result = run("kb", "check", "--kb", str(out))
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert any("'question' contains the control character U+0007" in e for e in errors), errors
    assert any("'answer' contains the control character U+001B" in e for e in errors), errors
    assert "Traceback" not in result.stderr


def test_a_tab_used_for_indentation_says_to_indent_with_spaces(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    shutil.copytree(bundled_knowledge(), folder)
    funding = folder / "funding.yml"
    lines = funding.read_text().splitlines()
    tabbed = next(n for n, line in enumerate(lines) if line.startswith("    question: "))
    lines[tabbed] = "\t" + lines[tabbed].lstrip()  # as Notepad's Tab key writes it
    funding.write_text("\n".join(lines) + "\n")
    result = run("kb", "check", "--kb", str(folder))
    assert result.returncode == 1
    [error] = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert f"funding.yml:{tabbed + 1}: YAML syntax error" in error
    assert "indent with spaces: YAML does not allow tabs at the start of a line" in error

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.storage.database import HEAD_REVISION, Database

from .conftest import Run


def test_kb_check_passes_on_the_bundled_knowledge(run: Run) -> None:
    result = run("kb", "check")
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout
    assert "entries" in result.stdout


def test_kb_check_lists_problems_and_exits_non_zero(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "funding.yml").write_text(
        "topic: Funding\nentries:\n  - id: funding-notice\n    question: How much notice?\n"
    )
    (folder / "broken.yml").write_text("entries: [\n")
    result = run("kb", "check", "--kb", str(folder))
    assert result.returncode == 1
    assert "kb/funding.yml:3 entry 'funding-notice': 'answer' is missing" in result.stderr
    assert "kb/broken.yml:" in result.stderr
    assert "YAML syntax error" in result.stderr


def test_a_bad_kb_stops_ask_with_the_problems_listed(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("topic: T\nentries:\n  - id: x\n    question: Q?\n")
    result = run("ask", "--kb", str(bad), "hello")
    assert result.returncode == 1
    assert "bad.yml:3 entry 'x': 'answer' is missing" in result.stderr


def test_db_upgrade_creates_and_reports_the_revision(run: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    first = run("db", "upgrade", "--db", url)
    again = run("db", "upgrade", "--db", url)
    assert first.returncode == 0, first.stderr
    assert again.returncode == 0, again.stderr
    [head] = Database.connect(url).head_revisions()
    assert f"is at revision {head}" in first.stdout


def test_every_command_explains_itself(run: Run) -> None:
    for command in (["--help"], ["ask", "--help"], ["chat", "--help"], ["kb", "check", "--help"]):
        result = run(*command)
        assert result.returncode == 0, result.stderr
        assert "Usage" in result.stdout
    ask_help = run("ask", "--help").stdout
    assert "--kb" in ask_help
    assert "--db" in ask_help
    assert "--json" in ask_help


def test_help_text_is_filled_to_the_terminal_not_broken_where_the_source_breaks(
    run: Run,
) -> None:
    """On an 80-column terminal, a description's lines run to the width; a docstring's own
    line breaks must not leave a stub of a line ("writes one" / "JSON object per line")."""
    for command in (["ask"], ["kb", "check"], ["kb", "import"], ["eval"], ["gaps", "digest"]):
        result = run(*command, "--help", env={"COLUMNS": "80"})
        assert result.returncode == 0, result.stderr
        description = result.stdout.split("Usage:", 1)[1].split("╭", 1)[0].splitlines()[1:]
        paragraphs: list[list[str]] = [[]]
        for line in description:
            if line.strip():
                paragraphs[-1].append(line.rstrip())
            elif paragraphs[-1]:
                paragraphs.append([])
        for paragraph in paragraphs:
            for line in paragraph[:-1]:  # every line but a paragraph's last is filled
                assert len(line) >= 40, (command, line)


def test_an_sqlite_url_without_a_file_is_refused_not_kept_in_memory(run: Run) -> None:
    # "sqlite:///" with the path left off: every question would be lost at exit, while
    # db upgrade said OK.
    for url in ("sqlite://", "sqlite:///", "sqlite:///:memory:"):
        upgrade = run("db", "upgrade", "--db", url)
        assert upgrade.returncode == 1, (url, upgrade.stdout)
        said = " ".join(upgrade.stderr.split())
        assert "names no database file" in said
        assert "sqlite:///path/to/compact.db" in said
        # Answers go on (a misconfigured database never stops them), with the one warning.
        asked = run("ask", "what is the compact", env={"DATABASE_URL": url})
        assert asked.returncode == 0, (url, asked.stderr)
        assert "The Compact was an" in asked.stdout
        assert "names no database file" in " ".join(asked.stderr.split())
        assert "Traceback" not in upgrade.stderr + asked.stderr


def test_a_database_a_newer_release_upgraded_is_named_not_a_traceback(
    run: Run, tmp_path: Path
) -> None:
    # Upgrade, then roll the release back: the database's schema version is unknown here.
    path = tmp_path / "log.db"
    url = f"sqlite:///{path}"
    assert run("db", "upgrade", "--db", url).returncode == 0
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    for command in (["db", "upgrade"], ["gaps", "list"], ["db", "purge"]):
        result = run(*command, "--db", url)
        assert result.returncode == 1, (command, result.stdout)
        assert "Traceback" not in result.stderr
        said = " ".join(result.stderr.split())
        assert "carries a schema version this release of the Compact Assistant does not know" in (
            said
        )
        assert "restore the database from a backup" in said
        assert f"this release's is {HEAD_REVISION}, as compact-bot --version says" in said
    version = run("--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip().endswith(f"(database schema {HEAD_REVISION})")
    assert version.stdout.startswith("compact-bot ")
    chat = run("chat", "--db", url, stdin="what is the compact\nquit\n")
    assert chat.returncode == 0, chat.stderr
    assert "The Compact was" in chat.stdout  # answers go on, unlogged
    assert "Traceback" not in chat.stderr

"""What the terminal shows is the text as written: an answer that holds HTML shows its tags
as text (rich's markdown used to drop them, leaving an empty box), and commands in messages
are never broken over two lines when the output is a file or a pipe."""

from __future__ import annotations

from pathlib import Path

from .conftest import Run


def test_an_answer_holding_html_shows_the_html_as_text(run: Run, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "grants.yml").write_text(
        "topic: Grants\nentries:\n"
        "  - id: small-grant-deadline\n"
        "    question: When is the small grant deadline?\n"
        '    answer: "<div>The deadline is 31 March.</div>"\n'
        "  - id: small-grant-size\n"
        "    question: How big is a small grant?\n"
        '    answer: "It is <b>always</b> under 5,000 pounds, **in full** &amp; on time."\n'
    )
    deadline = run("ask", "--kb", str(kb), "small grant deadline")
    assert deadline.returncode == 0, deadline.stderr
    assert "<div>The deadline is 31 March.</div>" in deadline.stdout
    size = run("ask", "--kb", str(kb), "how big is a small grant")
    assert size.returncode == 0, size.stderr
    # Tags and entities as typed; the knowledge base's own markdown still works.
    assert "It is <b>always</b> under 5,000 pounds, in full &amp; on time." in size.stdout


def test_an_imported_row_holding_a_script_tag_shows_it_as_text(run: Run, tmp_path: Path) -> None:
    table = tmp_path / "faq.csv"
    table.write_text(
        "question,answer\n"
        'What is the small grant deadline?,"<script>alert(1)</script> The deadline is '
        '@channel 31 March."\n'
    )
    out = tmp_path / "imported"
    imported = run("kb", "import", str(table), "--out", str(out))
    assert imported.returncode == 0, imported.stderr
    result = run("chat", "--kb", str(out), stdin="small grant deadline\nquit\n")
    assert result.returncode == 0, result.stderr
    shown = "<script>alert(1)</script> The deadline is @channel 31 March."
    assert shown in result.stdout


def test_piped_output_keeps_each_command_on_one_line(run: Run, tmp_path: Path) -> None:
    """Printed to a pipe (as here, and in CI logs and scripts), rich assumed 80 columns, or
    COLUMNS, and broke lines there: "Next: compact-bot kb⏎check --kb imp1". A line of text
    is now written whole; only boxes and tables keep to the width."""
    narrow = {"COLUMNS": "40"}
    table = tmp_path / "faq.csv"
    table.write_text("question,answer\nWhen is the deadline?,The deadline is 31 March.\n")
    out = tmp_path / "imported-knowledge-base"
    imported = run("kb", "import", str(table), "--out", str(out), env=narrow)
    assert imported.returncode == 0, imported.stderr
    lines = (imported.stdout + imported.stderr).splitlines()
    assert any(line.endswith(f"Next: compact-bot kb check --kb {out}") for line in lines), lines

    db = f"sqlite:///{tmp_path / 'a-log-database-with-a-long-name.db'}"
    upgraded = run("db", "upgrade", "--db", db, env=narrow)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"OK {db} is at revision 0009" in upgraded.stdout.splitlines()

    # Markdown printed on its own (not in a box) is one line per paragraph too.
    meaning = run("ask", "quit", env=narrow)
    assert meaning.returncode == 0, meaning.stderr
    assert any(
        line.endswith(
            'Ask your question in quotes: compact-bot ask "how much notice before ending a grant?"'
        )
        for line in meaning.stdout.splitlines()
    ), meaning.stdout

    chat = run(
        "chat",
        "--db",
        db,
        stdin="grant finishes, notice?\nhow much notice must we give before ending a grant?\n"
        "quit\n",
        env=narrow,
    )
    assert chat.returncode == 0, chat.stderr
    # The answer's box still fits the width.
    assert max(len(line) for line in chat.stdout.splitlines() if line.startswith("│")) == 40
    listed = run("gaps", "suggestions", "--db", db, env=narrow)
    assert listed.returncode == 0, listed.stderr
    assert (
        "Accept with: compact-bot gaps suggestions accept ID   (reject works the same way)"
        in listed.stdout.splitlines()
    ), listed.stdout

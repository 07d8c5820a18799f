"""Open the HTML report in a real headless browser: it must render with no console errors
and no network requests. Skips when Debian's chromium is not installed (``.ci/run`` installs
it)."""

from __future__ import annotations

from pathlib import Path

from bot.core.assistant import Assistant

from ..browser import needs_chromium, render
from ..conftest import Run
from .conftest import EXPENSES, Ask


@needs_chromium
def test_the_html_report_renders_in_chromium(
    run: Run, ask: Ask, assistant: Assistant, database_url: str, kb_copy: Path, tmp_path: Path
) -> None:
    for n, text in enumerate(EXPENSES):
        ask(text, user=f"U{n}", days_ago=n * 4)
    ask('<img src="missing.png" onerror="console.error(1)"> zebra crossing paint')  # as text
    answer = ask("can we pay a grant in advance?")
    assistant.feedback(answer.question, answer.interaction_id, helpful=True)
    page = tmp_path / "report.html"
    made = run(
        "gaps",
        "report",
        "--format",
        "html",
        "--out",
        str(page),
        "--db",
        database_url,
        "--kb",
        str(kb_copy),
    )
    assert made.returncode == 0, made.stderr
    rendered = render(page, tmp_path)
    assert rendered.console == []
    assert rendered.screenshot.exists()
    assert rendered.screenshot.stat().st_size > 20_000, "a blank page would be a tiny PNG"

"""Open the HTML report in a real headless browser: it must render with no console errors
and no network requests. Skips when Debian's chromium is not installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bot.core.assistant import Assistant

from ..conftest import Run
from .conftest import EXPENSES, Ask

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_the_html_report_renders_in_chromium(
    run: Run, ask: Ask, assistant: Assistant, database_url: str, kb_copy: Path, tmp_path: Path
) -> None:
    for n, text in enumerate(EXPENSES):
        ask(text, user=f"U{n}", days_ago=n * 4)
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
    screenshot = tmp_path / "report.png"
    browser = subprocess.run(
        [
            str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
            "--window-size=900,1400", f"--screenshot={screenshot}", page.as_uri(),
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert browser.returncode == 0, browser.stderr[-2000:]
    console = [
        line
        for line in browser.stderr.splitlines()
        if "CONSOLE" in line or "Failed to load resource" in line
    ]
    assert console == []
    assert screenshot.exists()
    assert screenshot.stat().st_size > 20_000, "a blank page would be a tiny PNG"

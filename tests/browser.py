"""Render a page in a real headless browser (Debian's chromium), for the tests of every HTML
page the assistant writes. ``.ci/run`` installs chromium when it can; elsewhere these tests
skip, saying how to install it."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (.ci/run installs it; or: apt-get install chromium)",
)


@dataclass(frozen=True)
class Rendered:
    screenshot: Path
    console: list[str]  # console messages and failed loads: a clean page has none


def render(page: Path, workdir: Path) -> Rendered:
    """Open ``page`` with networking off, screenshot it, and collect its console output."""
    assert CHROMIUM is not None
    screenshot = workdir / f"{page.stem}.png"
    browser = subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={workdir / 'profile'}", "--enable-logging=stderr", "--v=0",
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
    return Rendered(screenshot, console)

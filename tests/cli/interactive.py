"""A ``compact-bot`` process a test types into line by line, reading what it prints as a
person at the terminal would, with a deadline: a reply that never comes fails the test
instead of hanging it."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time

WAIT_S = 60.0


class Conversation:
    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})},
        )
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put("")  # the end of its output

    def until(self, marker: str, typed: str | None = None) -> tuple[float, str]:
        """Type ``typed`` (if given), then read until a line holds ``marker``: the seconds
        that took, and everything printed up to and including that line."""
        assert self.process.stdin is not None
        started = time.monotonic()
        if typed is not None:
            self.process.stdin.write(typed + "\n")
            self.process.stdin.flush()
        seen: list[str] = []
        while True:
            left = WAIT_S - (time.monotonic() - started)
            try:
                line = self._lines.get(timeout=max(left, 0.01))
            except queue.Empty:
                raise AssertionError(f"no {marker!r} within {WAIT_S} s: {''.join(seen)}") from None
            if not line:
                raise AssertionError(f"ended before {marker!r}: {''.join(seen)}")
            seen.append(line)
            if marker in line:
                return time.monotonic() - started, "".join(seen)

    def end(self, typed: str) -> tuple[int, str]:
        """Type the last line; the exit status and what went to standard error."""
        try:
            _, err = self.process.communicate(typed + "\n", timeout=WAIT_S)
        finally:
            self.process.kill()
        return self.process.returncode, err

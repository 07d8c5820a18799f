"""Waiting for what happens just after a reply: a log row written behind it, a listener run
after the acknowledgement, a thread finishing its work."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(probe: Callable[[], T], timeout: float = 10.0) -> T:
    """Poll until ``probe`` returns something truthy, or ``timeout`` seconds pass; return its
    last value, so ``assert eventually(...)`` fails with what was last seen."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(0.02)

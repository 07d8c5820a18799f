"""Read durations such as ``30d``, ``12w``, ``6m`` or ``1y`` for --since and --older-than."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.errors import CompactError

_PERIOD = re.compile(r"^\s*(\d+)\s*([dwmy])\s*$", re.IGNORECASE)
_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}


class PeriodError(CompactError):
    """A duration the assistant cannot read."""


def parse_period(text: str) -> timedelta:
    match = _PERIOD.match(text)
    if not match or int(match.group(1)) == 0:
        raise PeriodError(
            f"'{text}' is not a period. Use a number and a unit: 30d (days), 12w (weeks), "
            "6m (months) or 1y (years)."
        )
    return timedelta(days=int(match.group(1)) * _DAYS[match.group(2).lower()])

"""Read durations such as ``30d``, ``12w``, ``6m`` or ``1y`` for --since and --older-than."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.errors import CompactError

_PERIOD = re.compile(r"^\s*(\d+)\s*([dwmy])\s*$", re.IGNORECASE)
_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}
# The longest period accepted: longer ones reach back before the calendar's first year.
LONGEST = "100y"
MAX_DAYS = 100 * _DAYS["y"]


class PeriodError(CompactError):
    """A duration the assistant cannot read."""


def parse_period(text: str) -> timedelta:
    match = _PERIOD.match(text)
    if match is None or not match.group(1).strip("0"):
        raise PeriodError(
            f"'{text}' is not a period. Use a number and a unit: 30d (days), 12w (weeks), "
            "6m (months of 30 days) or 1y (years of 365 days)."
        )
    number = match.group(1).lstrip("0")  # "1" followed by 5,000 noughts is too long, not an error
    days = int(number) * _DAYS[match.group(2).lower()] if len(number) <= 9 else MAX_DAYS + 1
    if days > MAX_DAYS:
        raise PeriodError(
            f"'{text.strip()}' is too long a period: the longest accepted is {LONGEST} "
            f"({MAX_DAYS} days), which covers everything ever logged."
        )
    return timedelta(days=days)

"""Retry what the Teams connector asks us to retry, which the SDK does not.

The connector answers 429 when the bot sends too fast (with ``Retry-After``), 412 when two
writes to one conversation collide, and 502 or 504 when a gateway between us gives up. Each
is retried with exponential backoff, honouring ``Retry-After``, but within a bounded total
time: a reply that cannot go out in ``budget_s`` is logged as failed rather than held forever.

It is a middleware of the SDK's HTTP client (``Client.use``), so every send goes through it:
replies, card updates and proactive messages alike.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

log = logging.getLogger(__name__)

RETRIED_STATUSES = frozenset({412, 429, 502, 504})


def retry_after_s(response: httpx.Response, now: float | None = None) -> float | None:
    """The wait ``Retry-After`` asks for, in seconds (it may be seconds or an HTTP date)."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, float(moment) - (time.time() if now is None else now))


class ConnectorRetries:
    """``send(context, next)``: the SDK's ``Middleware`` protocol."""

    def __init__(
        self,
        *,
        attempts: int = 5,
        first_delay_s: float = 0.5,
        budget_s: float = 20.0,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.attempts = attempts
        self.first_delay_s = first_delay_s
        self.budget_s = budget_s
        self._sleep = sleep
        self._clock = clock

    async def send(
        self, context: Any, next: Callable[[], Awaitable[httpx.Response]]
    ) -> httpx.Response:
        started = self._clock()
        for attempt in range(1, self.attempts + 1):
            try:
                return await next()
            except httpx.HTTPStatusError as error:
                status = error.response.status_code
                if status not in RETRIED_STATUSES or attempt == self.attempts:
                    raise
                delay = self._delay(error.response, attempt)
                if self._clock() - started + delay > self.budget_s:
                    log.warning(
                        "Teams answered %s to %s %s; not retrying: waiting %.1f s more would pass "
                        "the %.0f s budget",
                        status,
                        getattr(context, "method", "?"),
                        _path(context),
                        delay,
                        self.budget_s,
                    )
                    raise
                log.info(
                    "Teams answered %s to %s %s; retry %d in %.2f s",
                    status,
                    getattr(context, "method", "?"),
                    _path(context),
                    attempt,
                    delay,
                )
                await self._sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _delay(self, response: httpx.Response, attempt: int) -> float:
        asked = retry_after_s(response)
        if asked is not None:
            return asked
        backoff: float = self.first_delay_s * 2.0 ** (attempt - 1)
        return backoff / 2 + random.uniform(0, backoff / 2)  # jitter spreads out retries


def _path(context: Any) -> str:
    """The request's path without the host, for logs (conversation ids are not secret, but
    keep the line short)."""
    return str(httpx.URL(str(getattr(context, "url", ""))).path)[:120]

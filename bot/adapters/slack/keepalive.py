"""A Web API client that keeps its connection to Slack open between calls.

slack-sdk's ``WebClient`` opens a new connection, with a new TLS handshake, for every call.
Every reply the bot sends is a call, so this client keeps one HTTP/1.1 keep-alive connection
per thread and server (``http.client`` connections are not thread-safe) and reuses it. The
connections belong to the thread, not to one client: Bolt builds a fresh client for every
request (the ``KeepAlive`` middleware turns it into one of these), and each must find the
connection the last request on that thread left open. Everything else, including the retry
handlers that wait out a 429, is the stock client's: only the final "send this request" step
is replaced. With a proxy configured it falls back to the stock
behaviour.
"""

from __future__ import annotations

import http.client
import io
import threading
from collections.abc import Callable
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlsplit
from urllib.request import Request

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient

# Errors that mean the server closed a kept-alive connection before our request reached it,
# so sending again on a fresh connection is safe.
_STALE_CONNECTION = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


_THREAD_CONNECTIONS = threading.local()


class KeepAliveWebClient(WebClient):
    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        parts = urlsplit(url)
        if self.proxy is not None or parts.scheme not in {"http", "https"}:
            return super()._perform_urllib_http_request_internal(url, req)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {name: str(value) for name, value in req.header_items()}
        connection, reused = self._connection(parts.scheme, parts.netloc)
        try:
            connection.request(req.get_method(), target, body=req.data, headers=headers)
            response = connection.getresponse()
        except _STALE_CONNECTION:
            self._drop(parts.scheme, parts.netloc)
            if not reused:
                raise
            connection, _ = self._connection(parts.scheme, parts.netloc)
            connection.request(req.get_method(), target, body=req.data, headers=headers)
            response = connection.getresponse()
        except OSError:
            self._drop(parts.scheme, parts.netloc)
            raise
        raw = response.read()
        if response.will_close:
            self._drop(parts.scheme, parts.netloc)
        if response.status >= 400:
            # The stock client reads errors (a 429 and its Retry-After, say) from HTTPError.
            raise HTTPError(url, response.status, response.reason, response.msg, io.BytesIO(raw))
        if response.msg.get_content_type() == "application/gzip":
            return {"status": response.status, "headers": response.msg, "body": raw}
        charset = response.msg.get_content_charset() or "utf-8"
        return {"status": response.status, "headers": response.msg, "body": raw.decode(charset)}

    def _connection(self, scheme: str, netloc: str) -> tuple[http.client.HTTPConnection, bool]:
        pool: dict[tuple[str, str], http.client.HTTPConnection] = self._pool()
        existing = pool.get((scheme, netloc))
        if existing is not None:
            return existing, True
        if scheme == "https":
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                netloc, timeout=self.timeout, context=self.ssl
            )
        else:
            connection = http.client.HTTPConnection(netloc, timeout=self.timeout)
        pool[(scheme, netloc)] = connection
        return connection, False

    def _drop(self, scheme: str, netloc: str) -> None:
        connection = self._pool().pop((scheme, netloc), None)
        if connection is not None:
            connection.close()

    def _pool(self) -> dict[tuple[str, str], http.client.HTTPConnection]:
        pool = getattr(_THREAD_CONNECTIONS, "pool", None)
        if pool is None:
            pool = _THREAD_CONNECTIONS.pool = {}
        return pool


class KeepAlive(Middleware):
    """Bolt middleware: Bolt gives each request a new stock ``WebClient`` (one new connection
    per call), and by the time global middleware runs, ``say`` and other helpers already hold
    it. So the client itself becomes a keep-alive one: the subclass adds no state of its own
    (the connections are the thread's), only the final "send this request" step differs.

    A ``Middleware`` subclass rather than a function, because Bolt calls these directly, while
    a function middleware costs a round of argument injection on every request."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        client = req.context.client
        if type(client) is WebClient:
            client.__class__ = KeepAliveWebClient
        return next()

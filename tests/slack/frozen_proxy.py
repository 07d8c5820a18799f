"""A TCP proxy in front of PostgreSQL that can freeze: it keeps accepting connections and
reading what the bot sends, but passes nothing on either way until it thaws. To the bot that
is a hung server (a stalled disk, a lock, a network partition that drops no packets)."""

from __future__ import annotations

import selectors
import socket
import threading
from dataclasses import dataclass, field


@dataclass
class _Pair:
    client: socket.socket
    server: socket.socket | None
    held: dict[socket.socket, list[bytes]] = field(default_factory=dict)


class FrozenProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._frozen = threading.Event()
        self._stopped = threading.Event()
        self._pairs: list[_Pair] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def freeze(self) -> None:
        self._frozen.set()

    def thaw(self) -> None:
        self._frozen.clear()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(5)
        self._listener.close()
        with self._lock:
            for pair in self._pairs:
                for end in (pair.client, pair.server):
                    if end is not None:
                        end.close()

    def _run(self) -> None:
        selector = selectors.DefaultSelector()
        self._listener.setblocking(False)
        selector.register(self._listener, selectors.EVENT_READ)
        while not self._stopped.is_set():
            for key, _ in selector.select(0.02):
                if key.fileobj is self._listener:
                    client, _ = self._listener.accept()
                    pair = _Pair(client, None)
                    with self._lock:
                        self._pairs.append(pair)
                    selector.register(client, selectors.EVENT_READ, pair)
                    continue
                pair = key.data
                end = key.fileobj
                assert isinstance(end, socket.socket)
                try:
                    chunk = end.recv(65536)
                except OSError:
                    chunk = b""
                if not chunk:  # one side hung up: so does the other
                    self._close(selector, pair)
                    continue
                pair.held.setdefault(end, []).append(chunk)
            if not self._frozen.is_set():
                self._forward(selector)

    def _close(self, selector: selectors.BaseSelector, pair: _Pair) -> None:
        with self._lock:
            if pair not in self._pairs:
                return  # both ends hung up at once
            self._pairs.remove(pair)
        for end in (pair.client, pair.server):
            if end is not None and end.fileno() != -1:
                selector.unregister(end)
                end.close()

    def _forward(self, selector: selectors.BaseSelector) -> None:
        with self._lock:
            pairs = list(self._pairs)
        for pair in pairs:
            if pair.server is None:
                pair.server = socket.create_connection(self._target)
                selector.register(pair.server, selectors.EVENT_READ, pair)
            for source, chunks in list(pair.held.items()):
                destination = pair.server if source is pair.client else pair.client
                if destination is None or destination.fileno() == -1:
                    continue
                for chunk in chunks:
                    try:
                        destination.sendall(chunk)
                    except OSError:
                        break
                pair.held[source] = []

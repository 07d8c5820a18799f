"""Ports for the local servers tests start."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port nothing listens on, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])

"""A built knowledge base kept on disk between runs, so a cold start skips parsing and indexing.

Each cached build is one file in the cache folder (``<data folder>/cache``), named by a key:
a hash of every knowledge file the build read (its name and bytes), the options it was built
with, and the code that builds it (``code_version``: the source of ``bot/matching``,
``bot/knowledge`` and ``bot/induction``, the static vectors' record in
``bot/matching/static_model/source.json``, and the Python and NumPy versions). Change any of
them and the key changes, so a cached build is never used for other content or by other code.

The file holds a header line, the SHA-256 of the payload and the payload, a pickle. Anything
wrong with it (missing, truncated, from another version, not what was expected) is a miss:
the caller builds as if there were no cache, and a damaged file costs one log line. Writes go
to a temporary file renamed over the old one, so a reader never sees half a file.

Unpickling runs code named in the file, so the cache is only as safe as the folder it is in:
the data folder must be writable by the assistant alone. Files not owned by this user, or
writable by its group or by others, are ignored (README: ``COMPACT_DATA_DIR``).
"""

from __future__ import annotations

import copyreg
import hashlib
import io
import logging
import os
import pickle
import stat
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from bot.knowledge.atomic import atomic_write_bytes

log = logging.getLogger(__name__)

MAGIC = b"compact-bot build cache 1\n"
SUFFIX = ".build"
# Old builds are removed when a new one is written: enough for a few knowledge bases (national,
# with and without a local layer; tests' copies) without the folder growing for ever.
KEEP = 8
_BOT = Path(__file__).resolve().parent.parent
_CODE = ("matching", "knowledge", "induction")

T = TypeVar("T")


@cache
def code_version() -> str:
    """A hash of the code a cached build depends on: a change to any of it is a new key."""
    digest = hashlib.sha256()
    digest.update(sys.version.encode())
    digest.update(_numpy_version().encode())
    for package in _CODE:
        for source in sorted((_BOT / package).glob("*.py")):
            digest.update(f"{package}/{source.name}\0".encode())
            digest.update(source.read_bytes())
    # The static vectors a build stores for every phrasing: their record holds each file's
    # SHA-256 (a test checks it against the files), so they need not be hashed on every start.
    digest.update((_BOT / "matching" / "static_model" / "source.json").read_bytes())
    return digest.hexdigest()


def _numpy_version() -> str:
    import numpy  # already imported by the index; here only to name its version

    return str(numpy.__version__)


def content_key(files: Iterable[tuple[str, Path]], options: Iterable[str] = ()) -> str:
    """The key of a build from ``files`` (each as the name the build records, and its path)
    with ``options``. Raises OSError when a file cannot be read."""
    digest = hashlib.sha256(code_version().encode())
    for option in options:
        digest.update(b"\1" + option.encode("utf-8", "surrogateescape"))
    for shown, path in files:
        data = path.read_bytes()
        digest.update(b"\2" + shown.encode("utf-8", "surrogateescape"))
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


class BuildCache:
    """Cached builds in ``folder``, one file per key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_of(self, key: str) -> Path:
        return self.folder / f"{key[:40]}{SUFFIX}"

    def get(self, key: str, kind: type[T]) -> T | None:
        """The build stored under ``key`` if there is a sound one of type ``kind``; else None."""
        path = self.path_of(key)
        try:
            with path.open("rb") as handle:
                if not _trusted(os.fstat(handle.fileno())):
                    log.warning("build cache %s ignored: writable by others than this user", path)
                    return None
                data = handle.read()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("build cache %s unreadable, building instead: %s", path, exc)
            return None
        value = _decode(data, key)
        if value is None or not isinstance(value, kind):
            log.warning("build cache %s is damaged or out of date; building instead", path)
            return None
        return value

    def put(self, key: str, value: object) -> None:
        """Store ``value`` under ``key``; a folder that cannot be written costs a log line."""
        try:
            payload = _pickled(value)
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            atomic_write_bytes(self.path_of(key), _encode(payload, key))
            self._prune(keep=self.path_of(key))
        except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
            log.warning("build cache not written to %s: %s", self.folder, exc)

    def _prune(self, keep: Path) -> None:
        builds = sorted(
            (p for p in self.folder.glob(f"*{SUFFIX}") if p != keep),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in builds[KEEP - 1 :]:
            old.unlink(missing_ok=True)


def _read_only(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(mapping)


def _reduce_read_only(proxy: MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    return _read_only, (dict(proxy),)


def _pickled(value: object) -> bytes:
    """``value`` pickled, with read-only mappings (as in KnowledgeBase) kept read-only."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, MappingProxyType: _reduce_read_only}
    pickler.dump(value)
    return buffer.getvalue()


def _encode(payload: bytes, key: str) -> bytes:
    return MAGIC + key.encode() + b"\n" + hashlib.sha256(payload).digest() + payload


def _decode(data: bytes, key: str) -> object | None:
    header = MAGIC + key.encode() + b"\n"
    if not data.startswith(header):
        return None
    checksum, payload = data[len(header) : len(header) + 32], data[len(header) + 32 :]
    if hashlib.sha256(payload).digest() != checksum:
        return None
    try:
        value: object = pickle.loads(payload)  # our own file, checked above (module docs)
    except Exception:  # any failure to unpickle is a miss, never an outage
        return None
    return value


def _trusted(status: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else (always true where there are no uids)."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return True
    return status.st_uid == getuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)

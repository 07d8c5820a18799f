"""Write files so that a crash half-way never leaves a broken file behind: knowledge files,
the build cache and the embedding cache all go through here.

Two kinds of file, two modes:

- private (the caches, ``atomic_write_bytes``' default): always 0600, whatever was there
  before, because the build cache is unpickled and must be writable by nobody else;
- shared (knowledge files, drafts and imports, ``atomic_write_text``' default): a file that
  is replaced keeps its mode (a topic file that was 0644 stays 0644, for the web server or the
  colleague who reads it), and a new file gets the usual mode for the user, 0666 less the
  umask (0644 under the common umask 022), as any editor would give it.
"""

from __future__ import annotations

import os
import stat
import tempfile
import threading
from pathlib import Path

PRIVATE_MODE = 0o600
_umask_lock = threading.Lock()


def current_umask() -> int:
    """The process's umask. Reading it means setting it for a moment, hence the lock."""
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _shared_mode(path: Path) -> int:
    """The mode a replaced file had, or the umask-derived mode for a new file."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~current_umask()


def atomic_write_bytes(path: Path, data: bytes, *, private: bool = True) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, then rename it
    over ``path``. Readers see the old file or the new one, never a half-written one; the
    temporary file is removed if anything fails. The file ends up 0600 when ``private``,
    else with the mode described in the module docstring."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = PRIVATE_MODE if private else _shared_mode(path)
    descriptor, temporary = tempfile.mkstemp(  # created 0600
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode != PRIVATE_MODE:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str, *, private: bool = False) -> None:
    """``atomic_write_bytes`` for text, in UTF-8, its line endings written as they are. Text
    files are shared by default: knowledge files people read and edit (module docstring)."""
    atomic_write_bytes(path, text.encode("utf-8"), private=private)

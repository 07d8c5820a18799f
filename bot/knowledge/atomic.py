"""Write files so that a crash half-way never leaves a broken file behind: knowledge files,
the build cache and the embedding cache all go through here."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` (mode 0600), flush it to disk, then
    rename it over ``path``. Readers see the old file or the new one, never a half-written
    one; the temporary file is removed if anything fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """``atomic_write_bytes`` for text, in UTF-8, its line endings written as they are."""
    atomic_write_bytes(path, text.encode("utf-8"))

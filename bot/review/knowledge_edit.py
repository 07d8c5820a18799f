"""Add wordings to an entry's alternates in its YAML file, in place.

ruamel.yaml round-trips the file, so comments, order and layout survive; the write is atomic
and the knowledge base is re-validated before the new file replaces the old one.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.errors import KnowledgeBaseError, ReviewActionError
from bot.knowledge.atomic import atomic_write_text
from bot.knowledge.loader import load_knowledge, slugify
from bot.knowledge.model import KnowledgeBase


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def add_alternates(kb: KnowledgeBase, entry_id: str, wordings: Sequence[str]) -> list[str]:
    """Append the wordings the entry does not already have. Returns those added."""
    entry = kb.get(entry_id)
    if entry is None:
        raise ReviewActionError(
            f"There is no entry {entry_id!r} in the knowledge base; check the id with "
            "compact-bot kb export, or promote the theme to a draft instead."
        )
    path = Path(entry.file)
    yaml = _yaml()
    document = yaml.load(path.read_text(encoding="utf-8"))
    item = _find(document, entry_id)
    if item is None:
        raise ReviewActionError(
            f"Entry {entry_id!r} was not found in {path}; has the file changed?"
        )
    known = {p.casefold() for p in entry.phrasings}
    new = [w for w in dict.fromkeys(w.strip() for w in wordings) if w and w.casefold() not in known]
    if not new:
        return []
    alternates = item.get("alternates")
    if alternates is None:
        alternates = CommentedSeq()
        item["alternates"] = alternates
    alternates.extend(new)
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    _check_then_write(path, buffer.getvalue(), kb)
    return new


def _find(document: object, entry_id: str) -> CommentedMap | None:
    if not isinstance(document, CommentedMap):
        return None
    for item in document.get("entries") or []:
        if isinstance(item, CommentedMap) and item.get("id") == entry_id:
            return item
    for item in document.get("glossary") or []:
        if isinstance(item, CommentedMap) and entry_id in {
            item.get("id"),
            f"glossary-{slugify(str(item.get('term')))}",
        }:
            return item
    return None


def _check_then_write(path: Path, text: str, kb: KnowledgeBase) -> None:
    """Validate a copy of the whole knowledge base with the new text; only then replace the
    real file (atomically)."""
    root = kb.root if kb.root is not None and kb.root.is_dir() else path.parent
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "kb"
        shutil.copytree(root, copy)
        (copy / path.resolve().relative_to(root.resolve())).write_text(text, encoding="utf-8")
        try:
            load_knowledge(copy)
        except KnowledgeBaseError as exc:
            raise ReviewActionError(
                f"The change would break the knowledge base, so it was not made:\n{exc}"
            ) from exc
    atomic_write_text(path, text)

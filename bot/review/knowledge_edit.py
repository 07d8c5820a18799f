"""Add wordings to an entry's alternates in its YAML file, in place.

ruamel.yaml round-trips the file, so comments, order and layout survive; the write is atomic
and the knowledge base is re-validated before the new file replaces the old one.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from yaml.nodes import ScalarNode

from bot.errors import KnowledgeBaseError, ReviewActionError
from bot.knowledge.atomic import atomic_write_text
from bot.knowledge.lint import wording_key
from bot.knowledge.loader import load_knowledge, slugify
from bot.knowledge.model import KnowledgeBase
from bot.review.signature import redacted

# How the loader (PyYAML, YAML 1.1) reads a plain scalar.
_YAML_1_1 = pyyaml.resolver.Resolver()


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def add_alternates(
    kb: KnowledgeBase,
    entry_id: str,
    wordings: Sequence[str],
    *,
    settings: Mapping[str, str] | None = None,
) -> list[str]:
    """Append the wordings the entry does not already have, in the file that defines the
    entry (a local layer's file for a local entry). Returns those added. ``settings`` are
    the answer settings the knowledge base is validated with, as it is loaded."""
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
    known = {same_wording(p) for p in entry.phrasings}
    new = [w for w in new_wordings(wordings) if same_wording(w) not in known]
    if not new:
        return []
    alternates = item.get("alternates")
    if alternates is None:
        alternates = CommentedSeq()
        item["alternates"] = alternates
    alternates.extend(_scalar(w) for w in new)
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    _check_then_write(path, buffer.getvalue(), kb, settings)
    return new


def new_wordings(wordings: Sequence[str]) -> list[str]:
    """The wordings as they would be added: trimmed, once each, without those redaction
    removed personal data from (they hold a placeholder such as "[email]"): with the
    placeholder taken out, what is left is not what anyone typed ("my email is and phone
    can volunteers claim mileage"), and with it, no question anyone would type."""
    kept: dict[str, str] = {}
    for wording in wordings:
        cleaned = wording.strip()
        if cleaned and not redacted(cleaned):
            kept.setdefault(same_wording(cleaned), cleaned)
    return list(kept.values())


def same_wording(wording: str) -> str:
    """What two wordings share when they are the same question: its words, in any case,
    spacing and punctuation ("Can volunteers claim mileage?" and "can volunteers claim
    mileage"), as kb check compares them; for a wording with no words the matcher reads
    (another script), its text without case, extra spaces or end punctuation."""
    return wording_key(wording) or " ".join(wording.casefold().split()).strip(_END_MARKS)


_END_MARKS = " ?!.,;:\u2026\uff1f\uff01\u3002\u061f"  # and the full-width, CJK and Arabic ones


def _scalar(wording: str) -> str:
    """``wording`` quoted when, written plain, the loader would not read it back as the same
    text. ruamel.yaml quotes what YAML 1.2 reads otherwise (null, ~, numbers, dates), but the
    loader reads YAML 1.1 (PyYAML), where no, yes, on, off, true and the like are booleans
    and 12:30 is a number; y and n are YAML 1.1 booleans too, though PyYAML reads them as
    text."""
    tag = _YAML_1_1.resolve(ScalarNode, wording, (True, False))  # type: ignore[no-untyped-call]
    if tag != "tag:yaml.org,2002:str" or wording in {"y", "Y", "n", "N"}:
        quoted: str = DoubleQuotedScalarString(wording)
        return quoted
    return wording


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


def _check_then_write(
    path: Path, text: str, kb: KnowledgeBase, settings: Mapping[str, str] | None
) -> None:
    """Validate a copy of the whole knowledge base (the national folder and, when there is
    one, the local layer over it) with the new text in ``path``, whichever of the two holds
    it; only then replace the real file (atomically)."""
    national = kb.root if kb.root is not None else path.parent
    layers = [national] if kb.local_root is None else [national, kb.local_root]
    with tempfile.TemporaryDirectory() as scratch:
        copies = {
            source: Path(scratch) / str(number) / (source.resolve().name or "kb")
            for number, source in enumerate(layers)
        }
        if not any([_copy_with(source, copy, path, text) for source, copy in copies.items()]):
            raise ReviewActionError(
                f"{path} is not in the knowledge base ({' or '.join(map(str, layers))}); "
                "nothing was changed."
            )
        try:
            load_knowledge(
                copies[national],
                local=copies[kb.local_root] if kb.local_root is not None else None,
                settings=settings,
            )
        except KnowledgeBaseError as exc:
            message = str(exc)
            for source, copy in copies.items():  # name the real files, not the scratch copies
                message = message.replace(str(copy.resolve()), str(source))
            raise ReviewActionError(
                f"The change would break the knowledge base, so it was not made:\n{message}"
            ) from exc
    atomic_write_text(path, text)


def _copy_with(source: Path, copy: Path, path: Path, text: str) -> bool:
    """Copy ``source`` (a folder or one YAML file) to ``copy``, with ``text`` in place of
    ``path`` when ``path`` is in it. Returns whether it was."""
    copy.parent.mkdir(parents=True, exist_ok=True)
    if source.is_file():
        shutil.copyfile(source, copy)
        if source.resolve() == path.resolve():
            copy.write_text(text, encoding="utf-8")
            return True
        return False
    shutil.copytree(source, copy)
    if not path.resolve().is_relative_to(source.resolve()):
        return False
    (copy / path.resolve().relative_to(source.resolve())).write_text(text, encoding="utf-8")
    return True

"""The stable JSON shape of a reply, one object per question (``compact-bot ask --json``).

Fields: question, outcome, entry_id, answer, confidence, candidates, options, message,
interaction_id, and for answers their standing: status, binds_now, applies_to, reviewed,
local_compact, sources. Documented in docs/ask-json.md; add fields freely, never rename or
remove one.
"""

from __future__ import annotations

import json
from typing import Any

from bot.core.replies import Answer, Clarify, NoMatch, Reply, SmallTalk
from bot.core.standing import standing_of
from bot.core.wording import no_match_text
from bot.knowledge.model import KnowledgeBase


def reply_to_json(reply: Reply, kb: KnowledgeBase | None = None) -> dict[str, Any]:
    """``kb`` gives scope labels and the local layer's name; without it ids stand in."""
    return {
        "question": reply.question.text,
        "outcome": str(reply.outcome),
        "entry_id": reply.entry.id if isinstance(reply, Answer) else None,
        "answer": reply.entry.answer if isinstance(reply, Answer) else None,
        "confidence": round(float(reply.confidence), 4),
        "candidates": [
            {"entry_id": c.entry.id, "question": c.entry.question, "score": round(c.score, 4)}
            for c in reply.candidates[:5]
        ],
        "options": [c.entry.id for c in reply.options] if isinstance(reply, Clarify) else [],
        "message": _message(reply),
        "interaction_id": reply.interaction_id,
        **_standing(reply, kb),
    }


def _standing(reply: Reply, kb: KnowledgeBase | None) -> dict[str, Any]:
    if not isinstance(reply, Answer):
        return {
            "status": None,
            "binds_now": None,
            "applies_to": [],
            "reviewed": None,
            "local_compact": None,
            "sources": [],
        }
    entry = reply.entry
    standing = standing_of(entry, kb or KnowledgeBase(entries=()))
    return {
        "status": entry.status.value if entry.status else None,
        "binds_now": standing.binds_now or None,
        "applies_to": [
            {"id": scope, "label": label}
            for scope, label in zip(entry.applies_to, standing.applies_to, strict=True)
        ],
        "reviewed": entry.reviewed.isoformat() if entry.reviewed else None,
        "local_compact": standing.local_label or None,
        "sources": [
            {"title": s.title, "section": s.section, "url": s.url, "archived": s.archived}
            for s in entry.sources
        ],
    }


def _message(reply: Reply) -> str:
    match reply:
        case Answer():
            return reply.entry.answer
        case Clarify():
            # The options are questions already: only a list that ends without one gets "?".
            listed = "; ".join(o.entry.question for o in reply.options)
            return f"Did you mean: {listed}" + ("" if listed.endswith("?") else "?")
        case NoMatch():
            return no_match_text(logged=reply.logged, outside=reply.outside)
        case SmallTalk():
            return reply.text


# Characters a reader splitting on lines (Python's str.splitlines, JavaScript) may take for a
# line break; JSON allows them raw, so escape them to keep one object per line.
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_line(value: dict[str, Any]) -> str:
    """``value`` as JSON on exactly one line."""
    line = json.dumps(value, ensure_ascii=False)
    for character, escaped in _LINE_BREAKS.items():
        line = line.replace(character, escaped)
    return line

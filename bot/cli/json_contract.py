"""The stable JSON shape of a reply, one object per question (``compact-bot ask --json``).

Fields: question, outcome, entry_id, answer, confidence, candidates, message, interaction_id.
Documented in docs/ask-json.md; add fields freely, never rename or remove one.
"""

from __future__ import annotations

import json
from typing import Any

from bot.core.replies import Answer, Clarify, NoMatch, Reply, SmallTalk
from bot.core.wording import NO_MATCH_TEXT


def reply_to_json(reply: Reply) -> dict[str, Any]:
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
    }


def _message(reply: Reply) -> str:
    match reply:
        case Answer():
            return reply.entry.answer
        case Clarify():
            return "Did you mean: " + "; ".join(o.entry.question for o in reply.options) + "?"
        case NoMatch():
            return NO_MATCH_TEXT
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

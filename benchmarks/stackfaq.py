"""Load the StackFAQ collection as two knowledge bases, each imported with ``compact-bot kb
import`` as a council would import its FAQ, with one answer per FAQ (the thread's first):

- title only: each entry is the thread's title; every rephrasing is a query;
- with alternates: the first half of each thread's rephrasings are the entry's alternates,
  and the second half are the queries.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from sets import BenchSet, Part, kb_import

RELATIVE = Path("shared/data/stackfaq/stackExchange-FAQ.json")


def _default_path() -> Path:
    """$STACKFAQ_PATH, or shared/data/stackfaq beside the checkout or any folder above it."""
    if os.environ.get("STACKFAQ_PATH"):
        return Path(os.environ["STACKFAQ_PATH"])
    here = Path(__file__).resolve().parent.parent
    for folder in here.parents:
        if (folder / RELATIVE).exists():
            return folder / RELATIVE
    return here.parent / RELATIVE


DEFAULT_PATH = _default_path()
SOURCE = "StackFAQ (Karan and Snajder 2018), StackExchange content, CC BY-SA"


def load(path: Path = DEFAULT_PATH) -> list[BenchSet]:
    pairs = json.loads(path.read_text(encoding="utf-8"))["root"]["qapair"]
    titles, halves, all_queries, second_half = [], [], [], []
    for number, pair in enumerate(pairs):
        entry_id = f"faq-{number}"
        rephrasings = [r.strip() for r in pair["rephr"] if r and len(r.strip()) > 3]
        answers = pair["answer"] if isinstance(pair["answer"], list) else [pair["answer"]]
        answer = next((str(a).strip() for a in answers if a and str(a).strip()), "")
        half = len(rephrasings) // 2
        row = {"id": entry_id, "topic": "StackFAQ", "question": pair["question"], "answer": answer}
        titles.append(row)
        halves.append({**row, "alternates": rephrasings[:half]})
        expected = frozenset({entry_id})
        all_queries += [(q, expected) for q in rephrasings]
        second_half += [(q, expected) for q in rephrasings[half:]]
    return [
        BenchSet("StackFAQ title only", (Part(kb_import(titles), tuple(all_queries)),), SOURCE),
        BenchSet(
            "StackFAQ with alternates", (Part(kb_import(halves), tuple(second_half)),), SOURCE
        ),
    ]

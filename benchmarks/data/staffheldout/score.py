"""Score the staff held-out questions (queries.tsv beside this file) with ``compact-bot ask``.

Run from the project's root, so the CLI reads this checkout's knowledge/:

    COMPACT_KB=$PWD/knowledge python benchmarks/data/staffheldout/score.py

It prints, for the in-scope questions: answered with a right entry, answered with a wrong one
(confidently wrong, the worst outcome), "did you mean" offering a right entry, "did you mean"
without one, and "I don't know"; and for the out-of-scope ones, how many got an outright
answer. Nothing is logged (``--no-log``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load(path: Path) -> list[tuple[frozenset[str], str]]:
    """(expected ids, question) per line; no ids for "-" (no entry should answer it)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        ids, question = line.split("\t", 1)
        expected = frozenset() if ids.strip() == "-" else frozenset(ids.strip().split(","))
        rows.append((expected, question.strip()))
    return rows


def bot() -> str:
    return shutil.which("compact-bot") or str(Path(sys.executable).with_name("compact-bot"))


def known_ids() -> set[str]:
    """The ids of the knowledge base the CLI serves (glossary terms included)."""
    done = subprocess.run(
        [bot(), "kb", "export", "--format", "json"], capture_output=True, text=True, check=True
    )
    data = json.loads(done.stdout)
    rows = data if isinstance(data, list) else next(v for v in data.values() if isinstance(v, list))
    return {str(row["id"]) for row in rows}


def ask(questions: list[str]) -> list[dict[str, object]]:
    done = subprocess.run(
        [bot(), "ask", "--json", "--no-log", "-"],
        input="\n".join(questions) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def outcome(expected: frozenset[str], reply: dict[str, object]) -> str:
    kind = reply["outcome"]
    if not expected:
        return f"out of scope: {kind}"
    if kind == "answer":
        return "answered right" if reply["entry_id"] in expected else "answered wrong"
    if kind == "clarify":
        options = reply.get("options")
        offered = set(options) if isinstance(options, list) else set()
        return (
            "did you mean, right option" if offered & expected else "did you mean, no right option"
        )
    return "I don't know" if kind == "no_match" else str(kind)


def main() -> None:
    rows = load(HERE / "queries.tsv")
    unknown = set().union(*(expected for expected, _ in rows)) - known_ids()
    if unknown:
        raise SystemExit(f"queries.tsv names unknown entry ids: {sorted(unknown)}")
    replies = ask([question for _, question in rows])
    if len(replies) != len(rows):
        raise SystemExit(f"asked {len(rows)} questions, got {len(replies)} replies")
    tally = Counter(
        outcome(expected, reply) for (expected, _), reply in zip(rows, replies, strict=True)
    )
    for key, count in sorted(tally.items()):
        print(f"{key:32} {count}")
    if "-v" in sys.argv:
        for (expected, question), reply in zip(rows, replies, strict=True):
            kind = outcome(expected, reply)
            if kind not in ("answered right", "out of scope: clarify", "out of scope: no_match"):
                print(
                    f"{kind}\t{','.join(sorted(expected)) or '-'}\t{reply['entry_id']}\t{question}"
                )


if __name__ == "__main__":
    main()

"""The benchmark sets: each a knowledge base (or several, for leave-alternates-out) and the
queries asked of it, with the entry (or entries) that should answer each.

Sets whose FAQs come from outside the project are brought in the way a council brings in its
own FAQ: written as a JSON spreadsheet and converted by ``compact-bot kb import``, then loaded
like any knowledge folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bot.evaluation.eval_set import default_eval_folder, load_eval_set
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import KnowledgeBase

DATA = Path(__file__).resolve().parent / "data"
PYTHON_FAQ = DATA / "pythonfaq"
DEBIAN_FAQ = DATA / "debianfaq"
STAFF_HELD_OUT = DATA / "staffheldout"
# COVID-Q's converted files are not kept here (benchmarks/data/README.md): they are read from
# $COVIDQ_PATH, or shared/data/covidq beside the checkout or any folder above it.
COVIDQ_RELATIVE = Path("shared/data/covidq")
LEAVE_OUT_FOLDS = 10

Query = tuple[str, frozenset[str]]  # (question, the ids of the entries that answer it)


@dataclass(frozen=True)
class Part:
    kb: KnowledgeBase
    queries: tuple[Query, ...]
    # Questions no entry answers: any outright answer to one is confidently wrong.
    unanswerable: tuple[str, ...] = ()


@dataclass(frozen=True)
class BenchSet:
    """One benchmark set. Most have one part; leave-alternates-out has one per fold."""

    name: str
    parts: tuple[Part, ...]
    source: str = ""

    @property
    def size(self) -> int:
        return sum(len(p.queries) for p in self.parts)

    @property
    def unanswerable(self) -> int:
        return sum(len(p.unanswerable) for p in self.parts)


def kb_import(rows: Sequence[dict[str, object]]) -> KnowledgeBase:
    """Convert FAQ rows (id, question, answer, alternates, topic) with ``compact-bot kb import``
    and load the folder it writes, as a council importing its spreadsheet would."""
    with tempfile.TemporaryDirectory(prefix="faq-bench-") as tmp:
        source, out = Path(tmp) / "faq.json", Path(tmp) / "kb"
        source.write_text(json.dumps(list(rows), ensure_ascii=False), encoding="utf-8")
        out.mkdir()
        command = [sys.executable, "-c", "from bot.cli.app import main; main()"]
        done = subprocess.run(
            [*command, "kb", "import", str(source), "--out", str(out)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"kb import failed: {done.stderr or done.stdout}")
        return load_knowledge(out)


def held_out_faq(folder: Path, name: str, source: str) -> BenchSet:
    """A public FAQ (``faq.json``: id, part, question, answer) imported with ``kb import``,
    and the queries written for it (``queries.tsv``: ids or ``-`` for "no FAQ answers this",
    a tab, the query); see benchmarks/data/README.md."""
    faqs = json.loads((folder / "faq.json").read_text(encoding="utf-8"))
    rows = [
        {"id": f["id"], "question": f["question"], "answer": f["answer"], "topic": f["part"]}
        for f in faqs
    ]
    kb = kb_import(rows)
    return BenchSet(name, (_part(kb, folder / "queries.tsv"),), source)


def _part(kb: KnowledgeBase, path: Path) -> Part:
    """``kb`` and the queries of ``path`` (``queries.tsv``: ids or ``-`` for "no entry
    answers this", a tab, the query)."""
    known = {e.id for e in kb.entries}
    queries, unanswerable = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        ids, question = line.split("\t", 1)
        if ids.strip() == "-":
            unanswerable.append(question.strip())
            continue
        expected = frozenset(i.strip() for i in ids.split(","))
        if not expected <= known:
            raise ValueError(f"{path}: unknown ids {sorted(expected - known)}")
        queries.append((question.strip(), expected))
    return Part(kb, tuple(queries), tuple(unanswerable))


def staff_held_out(kb: KnowledgeBase, folder: Path = STAFF_HELD_OUT) -> BenchSet:
    """Staff questions written blind (before the knowledge base was read) and asked of the
    bundled knowledge base; the half kept out of every change (benchmarks/data/staffheldout)."""
    return BenchSet(
        "staff questions (held out)",
        (_part(kb, folder / "queries.tsv"),),
        "80 staff questions written blind, never used to change the knowledge base, and 40 "
        "it must not answer",
    )


def python_faq(folder: Path = PYTHON_FAQ) -> BenchSet:
    return held_out_faq(
        folder,
        "Python FAQ (held out)",
        "Python 3.11 FAQ, PSF licence; queries written from its titles",
    )


def debian_faq(folder: Path = DEBIAN_FAQ) -> BenchSet:
    return held_out_faq(
        folder,
        "Debian FAQ (held out)",
        "Debian FAQ 11.1, SPI permission notice; queries written before reading it",
    )


def covidq_folder() -> Path | None:
    """Where COVID-Q's ``faq.json`` and ``queries.tsv`` are, or None when they are absent."""
    if os.environ.get("COVIDQ_PATH"):
        folder = Path(os.environ["COVIDQ_PATH"])
        return folder if (folder / "faq.json").exists() else None
    for parent in Path(__file__).resolve().parents:
        if (parent / COVIDQ_RELATIVE / "faq.json").exists():
            return parent / COVIDQ_RELATIVE
    return None


COVIDQ_MISSING = (
    "COVID-Q real queries skipped: set $COVIDQ_PATH to the folder that "
    "benchmarks/data/covidq/build.py writes (see benchmarks/data/README.md)\n"
)


def covid_q(folder: Path) -> BenchSet:
    """Real users' COVID-19 questions (Quora, Yahoo Answers, search-box suggestions) asked of
    seven official FAQ pages, labelled by COVID-Q's question classes; the questions whose
    class has no FAQ question are the unanswerable ones."""
    return held_out_faq(
        folder,
        "COVID-Q real queries",
        "COVID-Q (Wei et al. 2020): the public's questions asked of 7 COVID-19 FAQ pages; "
        "not redistributed, built from $COVIDQ_PATH",
    )


def _generated(kb: KnowledgeBase) -> set[str]:
    """The wordings the loader makes from each glossary term ("what is VCS", "VCS meaning",
    ...): templates, not phrasings anyone wrote, so they are never asked as queries."""
    made: set[str] = set()
    for term in kb.glossary:
        for name in (term.term, *term.acronyms):
            made |= {f"what is {name}", f"{name} meaning", f"define {name}"}
        for acronym in term.acronyms:
            made |= {f"what does {acronym} stand for", f"what is {acronym} short for"}
    return {m.casefold() for m in made}


def leave_alternates_out(kb: KnowledgeBase, folds: int = LEAVE_OUT_FOLDS) -> BenchSet:
    """Every written alternate in turn is a query against the knowledge base without it.

    Alternates are dealt into ``folds`` folds by position within their entry (the 1st, 11th,
    21st... of each entry in fold 0), so each fold's index lacks a tenth of every entry's
    alternates, and each alternate is asked exactly once, of the fold that lacks it."""
    generated = _generated(kb)
    parts = []
    for fold in range(folds):
        entries, queries = [], []
        for entry in kb.entries:
            kept = []
            for position, alternate in enumerate(entry.alternates):
                if position % folds == fold and alternate.casefold() not in generated:
                    queries.append((alternate, frozenset({entry.id})))
                else:
                    kept.append(alternate)
            entries.append(replace(entry, alternates=tuple(kept)))
        parts.append(Part(replace(kb, entries=tuple(entries)), tuple(queries)))
    return BenchSet(
        "leave-alternates-out",
        tuple(parts),
        f"the bundled knowledge base; each written alternate asked of a KB without it ({folds} folds)",
    )


def compact_eval(kb: KnowledgeBase, folder: Path | None = None) -> BenchSet:
    """The Compact evaluation set: in-scope questions, and out-of-scope ones as unanswerable."""
    cases = load_eval_set(folder or default_eval_folder(), kb)
    queries = tuple((c.question, frozenset({c.expect})) for c in cases if c.in_scope and c.expect)
    unanswerable = tuple(c.question for c in cases if not c.in_scope)
    return BenchSet("Compact eval", (Part(kb, queries, unanswerable),), "tests/eval")

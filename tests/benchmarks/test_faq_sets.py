"""The matching benchmark's loaders and scoring, run on tiny data through the same code
path as ``python benchmarks/faq.py`` (kb import, the assistant's decisions), so they cannot
rot unnoticed. No timings are asserted."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import faq  # noqa: E402
import sets  # noqa: E402
import stackfaq  # noqa: E402

from bot.knowledge.model import Entry, GlossaryTerm, KnowledgeBase  # noqa: E402

THREADS = [
    {
        "question": "How do I cancel my library card",
        "answer": ["Ask at any branch desk.", "A second answer that a council would not keep."],
        "rephr": ["stop my library membership", "close library account", "*"],
    },
    {
        "question": "When is the swimming pool open",
        "answer": ["Daily from 7am to 9pm."],
        "rephr": ["pool opening hours", "what time does the swimming baths shut"],
    },
    {
        "question": "How do I report a pothole",
        "answer": ["Use the roads form."],
        "rephr": ["there is a hole in the road outside my house", "report road damage"],
    },
]


def test_stackfaq_is_imported_with_one_answer_per_faq(tmp_path: Path) -> None:
    path = tmp_path / "stackExchange-FAQ.json"
    path.write_text(json.dumps({"root": {"qapair": THREADS}}), encoding="utf-8")

    title_only, with_alternates = stackfaq.load(path)

    entries = title_only.parts[0].kb.entries
    assert [e.question for e in entries] == [t["question"] for t in THREADS]
    assert entries[0].answer == "Ask at any branch desk."  # the first answer only
    assert all(not e.alternates for e in entries)
    assert title_only.size == 6  # every rephrasing but the "*" placeholder
    assert with_alternates.parts[0].kb.entries[0].alternates == ("stop my library membership",)
    assert ("close library account", frozenset({"faq-0"})) in with_alternates.parts[0].queries
    assert with_alternates.size == 3


def _python_faq_folder(tmp_path: Path, queries: str) -> Path:
    rows = [
        {
            "id": f"py-{n:03d}",
            "part": "general",
            "question": t["question"],
            "answer": t["answer"][0],
        }
        for n, t in enumerate(THREADS)
    ]
    (tmp_path / "faq.json").write_text(json.dumps(rows), encoding="utf-8")
    (tmp_path / "queries.tsv").write_text(queries, encoding="utf-8")
    return tmp_path


def test_held_out_faq_is_scored_through_the_assistant(tmp_path: Path) -> None:
    folder = _python_faq_folder(
        tmp_path,
        "# comment\n"
        "py-002\tHow do I report a pothole\n"
        "py-001,py-000\twhen is the swimming pool open\n"
        "py-000\tpool opening hours\n"
        "-\tparking permit for my street\n",
    )
    bench = sets.python_faq(folder)
    assert bench.size == 3
    assert bench.unanswerable == 1

    tallies = {t.method: t for t in faq.measure(bench, ["lexical"])}

    assert {"BM25 (bm25s, Snowball, stopwords)", "BM25 (bm25s, Snowball, no stopwords)"} <= set(
        tallies
    )
    ours = tallies["our matcher"]
    assert ours.queries == 3
    # An FAQ's own title is answered outright, and right; the second query accepts either id.
    assert ours.answered >= 2
    assert ours.right_answers >= 2
    assert ours.top1 >= 2
    # The third query names the wrong FAQ on purpose: ranked first, it is not a hit.
    assert ours.top1 < 3
    # The question no FAQ answers is asked too, and must not be answered outright.
    assert ours.unanswerable == 1
    assert ours.unanswerable_answered == 0
    # Every confidently wrong answer is listed for --wrong.
    assert len(ours.wrong or []) == ours.answered - ours.right_answers + ours.unanswerable_answered
    assert "our matcher" in ours.row(bench)
    assert "ours hit@1" in faq._verdict(bench, list(tallies.values()))


def test_held_out_queries_must_name_known_faqs(tmp_path: Path) -> None:
    folder = _python_faq_folder(tmp_path, "py-999\tno such faq\n")
    with pytest.raises(ValueError, match="py-999"):
        sets.python_faq(folder)


def test_the_shipped_held_out_sets_load() -> None:
    python = sets.python_faq()
    kb = python.parts[0].kb
    assert len(kb) == 174
    asked = set().union(*(expected for _, expected in python.parts[0].queries))
    assert asked == {e.id for e in kb.entries}  # every FAQ is asked at least once

    debian = sets.debian_faq()
    assert len(debian.parts[0].kb) == 127
    assert debian.size + debian.unanswerable == 89


def test_leave_alternates_out_asks_each_written_alternate_once_of_a_kb_without_it() -> None:
    entry = Entry(
        id="vcs",
        topic="Glossary",
        question="What does VCS mean?",
        answer="The voluntary and community sector.",
        alternates=("what is VCS", "voluntary sector explained", "charities and groups", "vcs?"),
    )
    other = Entry(
        id="notice", topic="Funding", question="How much notice before a grant ends?", answer="..."
    )
    kb = KnowledgeBase(
        (entry, other),
        glossary=(GlossaryTerm("voluntary and community sector", "...", ("VCS",), (), "vcs"),),
    )

    bench = sets.leave_alternates_out(kb, folds=2)

    asked = [q for part in bench.parts for q, _ in part.queries]
    # "what is VCS" is a wording the loader generates from the glossary: never a query.
    assert sorted(asked) == sorted(["voluntary sector explained", "charities and groups", "vcs?"])
    for part in bench.parts:
        kept = set(part.kb["vcs"].alternates)
        assert "what is VCS" in kept
        assert all(q not in kept for q, _ in part.queries)


def _covidq_checkout(root: Path, build: Any) -> Path:
    """A COVID-Q checkout in miniature: the master file (lower-cased, the virus called
    "covid") and each source's file as published."""
    header = "Question,Answer,Source,Date Retrieved\n"
    originals = root / "data" / "Original CSVs"
    originals.mkdir(parents=True)
    for file, _ in build.FAQ_SOURCES.values():
        (originals / file).write_text(header, encoding="utf-8")
    for file in build.QUERY_SOURCES.values():
        (originals / file).write_text(header, encoding="utf-8")
    (originals / "CDC_Dataset.csv").write_text(
        header
        + '"How does the coronavirus spread ","Mainly between people in close contact.",CDC,1\n'
        + '"Who is at higher risk ","Older adults. '
        + "Long answer. " * 80
        + '",CDC,1\n',
        encoding="utf-8",
    )
    (originals / "FDA_Dataset.csv").write_text(
        header + '"Q: How does the coronavirus spread","Between people.",FDA,1\n', encoding="utf-8"
    )
    (originals / "Quora_Dataset.csv").write_text(
        header
        + '"Can COVID-19 spread through the air?",-,Quora,1\n'
        + '"Is China lying about COVID-19?",-,Quora,1\n',
        encoding="utf-8",
    )
    (root / "final_master_dataset.csv").write_text(
        "Category,Question ID,Question,Source,Answers\n"
        "Transmission,1,how does the covid spread,Center for Disease Control,x\n"
        "Spread,4,how does the covid spread,Food and Drug Administration,x\n"
        "Risk,2,who is at higher risk,Center for Disease Control,x\n"
        "Transmission,1,can covid spread through the air,Quora,x\n"
        "Politics,3,is china lying about covid,Quora,\n"
        "Transmission,1,covid spread,Google Search,x\n"
        "Transmission,1,how is covid spread,Author Generated,x\n"
        "Spread,4,does covid spread from person to person,Bing Search,\n",
        encoding="utf-8",
    )
    return root


def test_covidq_is_built_from_a_checkout_and_read_from_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sys.path.insert(0, str(BENCHMARKS / "data" / "covidq"))
    import build  # type: ignore[import-not-found]

    source, out = _covidq_checkout(tmp_path / "COVID-Q", build), tmp_path / "covidq"
    monkeypatch.setattr(sys, "argv", ["build.py", str(source), str(out)])
    build.main()

    faqs = json.loads((out / "faq.json").read_text(encoding="utf-8"))
    # As published, asked once though two pages ask it, and the long answer cut.
    assert [f["question"] for f in faqs] == [
        "How does the coronavirus spread?",
        "Who is at higher risk?",
    ]
    assert len(faqs[1]["answer"]) <= 700
    lines = (out / "queries.tsv").read_text(encoding="utf-8").splitlines()[1:]
    # The public's questions only (not the authors'), as published; no FAQ in class 3.
    assert lines == [
        "cq-000\tCan COVID-19 spread through the air?",
        "-\tIs China lying about COVID-19?",
        "cq-000\tcovid spread",
        "cq-000\tdoes covid spread from person to person",  # the FDA's copy's class
    ]

    monkeypatch.delenv("COVIDQ_PATH", raising=False)
    monkeypatch.setenv("COVIDQ_PATH", str(out))
    assert sets.covidq_folder() == out
    bench = sets.covid_q(out)
    assert (bench.size, bench.unanswerable) == (3, 1)
    monkeypatch.setenv("COVIDQ_PATH", str(tmp_path / "absent"))
    assert sets.covidq_folder() is None

from __future__ import annotations

import os
import textwrap
from datetime import date
from pathlib import Path

import pytest

from bot.errors import KnowledgeBaseError
from bot.knowledge import yaml_source
from bot.knowledge.loader import load_knowledge
from bot.knowledge.yaml_source import LocatedDict, LocatedList, read_yaml
from bot.settings import bundled_knowledge

GOOD_ENTRY = """
  - id: {id}
    question: {question}
    answer: An answer.
    sources:
      - title: A source
        url: https://example.org/a
    applies_to: [national-compact-2010]
    owner: Review group
    reviewed: 2026-01-01
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def rel(path: Path) -> str:
    """Problems name files as the user would type them: relative to the working folder when
    under it, else absolute (never "../../tmp/...")."""
    relative = os.path.relpath(path)
    return str(path.absolute()) if relative.startswith(os.pardir) else relative


def problems_of(path: Path) -> list[str]:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge(path)
    return [str(p) for p in caught.value.problems]


def test_bundled_knowledge_loads_with_glossary_and_topics() -> None:
    kb = load_knowledge(bundled_knowledge())
    assert len(kb) >= 20
    assert "funding-notice" in kb
    assert {t.name for t in kb.topics()} >= {"Funding", "Consultation", "Glossary"}
    vcfs = kb["glossary-voluntary-community-and-faith-sector"]
    assert vcfs.question == "What does voluntary, community and faith sector mean?"
    assert "what does VCFS stand for" in vcfs.alternates
    assert all(entry.sources for entry in kb.entries), "every bundled entry cites a source"


def test_entry_fields_and_file_defaults_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "funding.yml",
        """
        topic: Funding
        defaults:
          owner: Grants team
          reviewed: 2026-03-31
          review_every: 6
        entries:
          - id: funding-notice
            question: How much notice?
            alternates:
              - grant ending notice?
              - notice to end funding
            answer: Three months.
            sources:
              - {title: CAP slides, section: Key principles, url: "https://example.org/cap"}
            applies_to: [national-compact-2010]
            related: [other]
          - id: other
            topic: Other topic
            question: Something else?
            answer: Yes.
        """,
    )
    kb = load_knowledge(path)
    entry = kb["funding-notice"]
    assert entry.topic == "Funding"
    assert entry.alternates == ("grant ending notice?", "notice to end funding")
    assert entry.owner == "Grants team"
    assert entry.reviewed == date(2026, 3, 31)
    assert entry.review_due == date(2026, 9, 30)
    assert entry.sources[0].cite() == "CAP slides, Key principles"
    assert entry.line == 7
    assert kb.related_to(entry) == (kb["other"],)
    assert kb["other"].topic == "Other topic"


def test_missing_answer_names_file_line_and_entry(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "funding.yml",
        """
        topic: Funding
        entries:
          - id: funding-notice
            question: How much notice?
        """,
    )
    assert problems_of(path) == [f"{rel(path)}:3 entry 'funding-notice': 'answer' is missing"]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", "topic: A\nentries:" + GOOD_ENTRY.format(id="same", question="Q1?"))
    write(
        tmp_path,
        "b.yml",
        """
        topic: B
        entries:
          - id: same
            question: Q2?
            answer: A.
          - id: points-nowhere
            question: Q3?
            answer: A.
            related: [missing-entry]
            applies_to: [narnia-compact]
          - id: Bad Id
            question: Q4?
            answer: A.
          - id: bad-date
            question: Q5?
            answer: A.
            reviewed: last tuesday
            alternate: [typo in key name]
        """,
    )
    found = problems_of(tmp_path)
    assert len(found) == 6, found
    joined = "\n".join(found)
    assert "b.yml:3 entry 'same': duplicate id; it is already used at" in joined
    assert "a.yml:3" in joined
    assert "entry 'points-nowhere': 'related' names unknown id 'missing-entry'" in joined
    assert "'applies_to' has unknown value 'narnia-compact'" in joined
    assert "id 'Bad Id' must be lower-case words joined by hyphens" in joined
    assert "b.yml:17 entry 'bad-date': 'reviewed' must be a date" in joined
    assert "b.yml:18 entry 'bad-date': unknown key 'alternate'" in joined


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "broken.yml",
        """
        topic: Broken
        entries:
          - id: one
            question: "unclosed quote
            answer: A.
        """,
    )
    [problem] = problems_of(path)
    assert problem.startswith(f"{rel(path)}:")
    assert "YAML syntax error" in problem
    line = int(problem.split(":")[1])
    assert 4 <= line <= 6
    assert problem.endswith("(in entry 'one')"), "the docs promise file, line and entry"


def test_a_broken_file_means_nothing_is_loaded(tmp_path: Path) -> None:
    write(
        tmp_path, "good.yml", "topic: Good\nentries:" + GOOD_ENTRY.format(id="good", question="Q?")
    )
    write(tmp_path, "bad.yml", "topic: Bad\nentries:\n  - id: bad\n    question: Q?\n")
    with pytest.raises(KnowledgeBaseError, match="1 problem"):
        load_knowledge(tmp_path)


def test_duplicate_keys_and_yes_no_values_are_caught(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "dupe.yml",
        """
        topic: T
        entries:
          - id: one
            question: Q?
            answer: First.
            answer: Second.
          - id: two
            question: no
            answer: A.
        """,
    )
    found = problems_of(path)
    assert f"{rel(path)}:6 entry 'one': key 'answer' appears twice in the same block; keep one" in (
        found
    )
    assert any(
        "'question' must be text, not true/false" in p and ":8 entry 'two'" in p for p in found
    )


def test_drafts_folder_and_underscore_files_are_not_served(tmp_path: Path) -> None:
    write(
        tmp_path, "live.yml", "topic: Live\nentries:" + GOOD_ENTRY.format(id="live", question="Q?")
    )
    write(tmp_path, "drafts/new.yml", "topic: Draft\nentries:\n  - id: draft\n")
    write(tmp_path, "_scratch.yml", "not: [valid")
    kb = load_knowledge(tmp_path)
    assert [e.id for e in kb.entries] == ["live"]


def test_custom_scopes_can_be_declared(tmp_path: Path) -> None:
    write(tmp_path, "scopes.yml", "scopes:\n  - id: preston-compact\n    label: Preston Compact\n")
    write(
        tmp_path,
        "local.yml",
        "topic: Local\nentries:\n  - id: local\n    question: Q?\n    answer: A.\n"
        "    applies_to: [preston-compact]\n",
    )
    kb = load_knowledge(tmp_path)
    assert kb.scope_label("preston-compact") == "Preston Compact"


def test_missing_path_and_empty_folder_are_clear(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    assert problems_of(missing) == [
        f"{rel(missing)}: does not exist; set --kb (or COMPACT_KB) to a knowledge folder or file"
    ]
    (tmp_path / "empty").mkdir()
    assert problems_of(tmp_path / "empty") == [f"{rel(tmp_path / 'empty')}: has no .yml files"]


@pytest.mark.parametrize("key", ["subject", "keep_apart"])
def test_lists_of_names_are_read_and_bad_ones_named(tmp_path: Path, key: str) -> None:
    write(
        tmp_path,
        "about.yml",
        f"{key}: [Compact, Civil Society Covenant, Compact]\n"
        + "topic: A\nentries:"
        + GOOD_ENTRY.format(id="a", question="Q?"),
    )
    assert getattr(load_knowledge(tmp_path), key) == ("Compact", "Civil Society Covenant")
    write(
        tmp_path,
        "about.yml",
        f"{key}:\n  - Compact\n  - [nested]\ntopic: A\nentries:"
        + GOOD_ENTRY.format(id="a", question="Q?"),
    )
    [problem] = problems_of(tmp_path)
    assert problem.startswith(f"{rel(tmp_path / 'about.yml')}:3:")
    assert f"each '{key}' item must be a word or phrase" in problem


def same_tree(fast: object, slow: object) -> bool:
    """The same values, of the same types, with the same lines recorded."""
    if type(fast) is not type(slow):
        return False
    if isinstance(fast, LocatedDict) and isinstance(slow, LocatedDict):
        return (
            (fast.line, fast.key_lines) == (slow.line, slow.key_lines)
            and list(fast) == list(slow)
            and all(same_tree(fast[k], slow[k]) for k in fast)
        )
    if isinstance(fast, LocatedList) and isinstance(slow, LocatedList):
        return (
            (fast.line, fast.item_lines) == (slow.line, slow.item_lines)
            and len(fast) == len(slow)
            and all(same_tree(a, b) for a, b in zip(fast, slow, strict=True))
        )
    return fast == slow


def test_the_fast_yaml_reader_gives_the_python_reader_s_documents_and_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = sorted(bundled_knowledge().rglob("*.yml"))
    fast = [read_yaml(file, file.name) for file in files]
    monkeypatch.setattr(yaml_source, "_read_fast", lambda text: None)
    slow = [read_yaml(file, file.name) for file in files]
    assert len(files) > 10
    for file, (fast_data, fast_problems), (slow_data, slow_problems) in zip(
        files, fast, slow, strict=True
    ):
        assert same_tree(fast_data, slow_data), file
        assert fast_problems == slow_problems == []


def test_a_repeated_key_is_found_by_the_fast_reader_too(tmp_path: Path) -> None:
    file = tmp_path / "twice.yml"
    file.write_text("topic: A\nentries:\n  - id: a\n    question: Q?\n    question: R?\n")
    data, problems = read_yaml(file, "twice.yml")
    assert data is not None
    assert [(p.line, p.message) for p in problems] == [
        (5, "key 'question' appears twice in the same block; keep one")
    ]

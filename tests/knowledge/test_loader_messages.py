"""What ``kb check`` (and every command that loads the knowledge base) says about common
mistakes: impossible dates, several mistakes at once, and YAML that means something else than
it seems. Each names the file, the line and the entry, and never a Python class name."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from bot.errors import KnowledgeBaseError
from bot.knowledge import yaml_source
from bot.knowledge.loader import load_knowledge
from bot.settings import bundled_knowledge
from tests.conftest import Run

IMPOSSIBLE = [
    ("2026-02-30", "day is out of range for month"),
    ("2026-13-01", "month must be in 1..12"),
    ("2026-11-01 10:99:00", "minute must be in 0..59"),
]


def write(folder: Path, text: str, name: str = "t.yml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def shown(path: Path) -> str:
    """A file as problems name it (relative to the working folder, the test's own)."""
    relative = os.path.relpath(path)
    return str(path.absolute()) if relative.startswith(os.pardir) else relative


def problems(path: Path) -> list[str]:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge(path)
    return [str(p) for p in caught.value.problems]


@pytest.fixture(params=["libyaml", "python"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both YAML readers: libyaml's, and the Python one used when that one fails."""
    if request.param == "python":
        monkeypatch.setattr(yaml_source, "_read_fast", lambda text: None)
    return str(request.param)


@pytest.mark.parametrize(("written", "reason"), IMPOSSIBLE)
def test_an_impossible_reviewed_date_in_an_entry_is_a_located_problem(
    tmp_path: Path, reader: str, written: str, reason: str
) -> None:
    path = write(
        tmp_path,
        f"""
        topic: T
        entries:
          - id: one
            question: Q?
            answer: A.
            reviewed: {written}
        """,
    )
    assert problems(path) == [
        f"{shown(path)}:6 entry 'one': 'reviewed' must be a real date like 2026-11-01; {written} does "
        f"not exist ({reason})"
    ]


@pytest.mark.parametrize(("written", "reason"), IMPOSSIBLE)
def test_an_impossible_date_under_defaults_is_named_once_at_its_line(
    tmp_path: Path, reader: str, written: str, reason: str
) -> None:
    path = write(
        tmp_path,
        f"""
        topic: T
        defaults:
          reviewed: {written}
        entries:
          - id: one
            question: Q?
            answer: A.
          - id: two
            question: R?
            answer: B.
        """,
    )
    assert problems(path) == [
        f"{shown(path)}:3: 'reviewed' must be a real date like 2026-11-01; {written} does not exist "
        f"({reason}) (set under 'defaults:', so every entry of this file has it)"
    ]


def test_an_impossible_date_in_a_local_layer_or_a_text_field_is_named_too(tmp_path: Path) -> None:
    local = tmp_path / "local"
    local.mkdir()
    path = write(
        local,
        """
        topic: Ours
        entries:
          - id: ours
            question: 2026-02-30
            answer: A.
            reviewed: 2026-04-31
        """,
    )
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge(bundled_knowledge(), local=local)
    found = sorted(str(p) for p in caught.value.problems)
    assert found == [
        f"{shown(path)}:4 entry 'ours': 'question' must be text, not 2026-02-30, which reads as a date "
        "or time that does not exist (day is out of range for month); put it in quotes",
        f"{shown(path)}:6 entry 'ours': 'reviewed' must be a real date like 2026-11-01; 2026-04-31 does "
        "not exist (day is out of range for month)",
    ]


def test_a_date_with_a_time_is_read_as_its_day(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        topic: T
        entries:
          - id: one
            question: Q?
            answer: A.
            reviewed: 2026-11-01 10:30:00
        """,
    )
    assert str(load_knowledge(path)["one"].reviewed) == "2026-11-01"


@pytest.mark.parametrize("command", [["kb", "check"], ["ask", "--no-log", "notice"], ["eval"]])
def test_an_impossible_date_stops_no_command_with_a_traceback(
    run: Run, kb_copy: Path, command: list[str]
) -> None:
    funding = kb_copy / "funding.yml"
    text = funding.read_text(encoding="utf-8")
    head, tail = text.split("\n  reviewed: ", 1)
    funding.write_text(head + "\n  reviewed: 2026-02-30\n" + tail.split("\n", 1)[1])
    line = head.count("\n") + 2
    result = run(*command, "--kb", str(kb_copy))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"funding.yml:{line}: 'reviewed' must be a real date like 2026-11-01" in (
        result.stdout + result.stderr
    )


def test_a_missing_answer_does_not_hide_a_duplicate_id(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        topic: T
        entries:
          - id: dup-x
            question: First?
          - id: dup-x
            question: Second?
            answer: A.
        """,
    )
    assert sorted(problems(path)) == [
        f"{shown(path)}:3 entry 'dup-x': 'answer' is missing",
        f"{shown(path)}:5 entry 'dup-x': duplicate id; it is already used at {shown(path)}:3",
    ]


def test_every_field_of_an_entry_is_checked_in_one_run(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        topic: T
        entries:
          - id: one
            question: 5
            status: maybe
            review_every: -1
            answer: A.
            related: [nowhere]
          - id: two
            term: glossary only
          - question: No id?
            answer: B.
            owner: [a, b]
        """,
    )
    assert sorted(problems(path)) == sorted(
        [
            f"{shown(path)}:4 entry 'one': 'question' must be text, not the number 5; put it in quotes",
            f"{shown(path)}:5 entry 'one': 'status' must be one of current, historical, local-only, "
            "not 'maybe'",
            f"{shown(path)}:6 entry 'one': 'review_every' must be a number of months, 1 to 120, not "
            "the number -1",
            f"{shown(path)}:8 entry 'one': 'related' names unknown id 'nowhere'",
            f"{shown(path)}:9 entry 'two': 'question' is missing",
            f"{shown(path)}:9 entry 'two': 'answer' is missing",
            f"{shown(path)}:10 entry 'two': unknown key 'term'; allowed keys: alternates, answer, "
            "applies_to, binds_now, id, owner, question, related, review_every, reviewed, "
            "sources, status, topic, when_set",
            f"{shown(path)}:11: 'id' is missing",
            f"{shown(path)}:13: 'owner' must be text, not a list",
        ]
    )


def test_a_syntax_error_names_the_entry_it_is_in(tmp_path: Path, reader: str) -> None:
    path = write(
        tmp_path,
        """
        topic: T
        scopes:
          - id: ours
            label: Ours
        entries:
          - id: one
            question: Q?
            answer: A.
          - id: "two"  # the second
            question: what is it: a question
            answer: B.
        """,
    )
    assert problems(path) == [
        f"{shown(path)}:10: YAML syntax error: mapping values are not allowed here; a value "
        "holding a colon and a space (': ') must be in quotes: put \" before and after the "
        "value on line 10 (in entry 'two')"
    ]
    broken_scope = write(tmp_path, "scopes:\n  - id: ours\n    label: a: b\n", "s.yml")
    [problem] = problems(broken_scope)
    assert problem.startswith(f"{shown(broken_scope)}:3: YAML syntax error")
    assert "in entry" not in problem, "a scope is not an entry"


def test_a_repeated_key_names_its_entry(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        topic: T
        entries:
          - id: one
            question: Q?
            answer: A.
            answer: B.
        """,
    )
    assert problems(path) == [
        f"{shown(path)}:6 entry 'one': key 'answer' appears twice in the same block; keep one"
    ]


def test_wordings_yaml_reads_as_something_else_are_named_at_their_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        topic: T
        entries:
          - id: one
            question: Q?
            alternates:
              - a fine one
              - volunteer needs a dbs: is it free
              - #dbs
              - [a, list]
            answer: [1, 2]
            sources: {title: x}
        """,
    )
    found = problems(path)
    assert sorted(found) == sorted(
        [
            f"{shown(path)}:7 entry 'one': 'alternates' item 2 is a 'key: value' pair, not text: a "
            "colon followed by a space makes YAML read it as one; put the wording in quotes",
            f"{shown(path)}:8 entry 'one': 'alternates' item 3 is empty; if its text starts with '#', "
            "put it in quotes (a '#' starts a comment in YAML)",
            f"{shown(path)}:9 entry 'one': 'alternates' item 4 must be text, not a list; put it in "
            "quotes",
            f"{shown(path)}:10 entry 'one': 'answer' must be text, not a list; put it in quotes",
            f"{shown(path)}:11 entry 'one': 'sources' must be a list of {{title, section, url}}",
        ]
    )
    for name in ("Located", "NoneType", "dict", "list ["):
        assert not [p for p in found if name in p], name


def test_an_impossible_date_in_the_induction_file_is_a_located_problem(
    run: Run, kb_copy: Path
) -> None:
    tour = kb_copy / "induction.yml"
    lines = tour.read_text(encoding="utf-8").splitlines()
    title = next(n for n, line in enumerate(lines) if line.startswith("    title: "))
    lines[title] = "    title: 2026-02-30"
    tour.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("kb", "check", "--kb", str(kb_copy))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"induction.yml:{title + 1}: step 1 " in result.stderr
    assert "'title' is missing or is not text" in result.stderr


def test_a_file_not_saved_as_utf8_says_so_at_its_line_and_how_to_fix_it(
    run: Run, kb_copy: Path
) -> None:
    """Python's decoder message ("'utf-8' codec can't decode byte 0xe9 in position 1234")
    names no line and no fix."""
    funding = kb_copy / "funding.yml"
    text = funding.read_text(encoding="utf-8")
    head, tail = text.split("\n    answer: |\n", 1)
    funding.write_bytes((head + "\n    answer: |\n      caf").encode() + b"\xe9 " + tail.encode())
    result = run("kb", "check", "--kb", str(kb_copy))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = head.count("\n") + 3
    assert f"funding.yml:{line}: is not UTF-8 text (byte " in result.stderr
    assert "is 0xe9): save it as UTF-8" in result.stderr
    assert "codec" not in result.stderr

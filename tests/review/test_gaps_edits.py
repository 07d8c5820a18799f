"""What ``gaps link`` and ``gaps suggestions accept`` write, and where: into the file that
defines the entry (a council's local layer too), only wordings no other entry has, quoted so
they read back as the same text; and periods too long to mean anything (SQLite and
PostgreSQL)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from bot.core.replies import Answer, Clarify
from bot.knowledge.loader import load_knowledge
from bot.review.signature import signature
from bot.storage import redaction

from ..conftest import Run
from .conftest import Ask
from .test_gaps_cli import gaps

LOCAL = """\
topic: Our local Compact
defaults:
  owner: Compact review group
  status: current
  applies_to: [our-local-compact]
  review_every: 12
scopes:
  - id: our-local-compact
    label: Our local Compact
entries:
  # Replaces the national answer.
  - id: funding-notice
    question: How much notice must we give before ending or reducing a grant?
    answer: |
      Our local Compact asks for four months' notice.
    sources:
      - title: Our local Compact 2025
        section: "4.2"
    reviewed: 2026-12-01
  - id: our-compact-parking
    question: Can voluntary groups park at the civic centre?
    answer: |
      Yes, in the visitors' bays, for meetings with the council.
    sources:
      - title: Our local Compact 2025
        section: "7.1"
    reviewed: 2026-12-01
"""


@pytest.fixture
def local(tmp_path: Path) -> Path:
    folder = tmp_path / "local"
    folder.mkdir()
    (folder / "local.yml").write_text(LOCAL, encoding="utf-8")
    return folder


def test_link_adds_to_a_local_entry_in_the_local_file(
    run: Run, database_url: str, kb_copy: Path, local: Path
) -> None:
    national = (kb_copy / "funding.yml").read_text()
    linked = gaps(
        run, database_url, kb_copy, "link", "grant ending wording", "funding-notice",
        "--local-kb", str(local),
    )  # fmt: skip
    assert linked.returncode == 0, linked.stderr
    assert "Traceback" not in linked.stderr
    assert "Added 1 wording to funding-notice" in linked.stdout
    kb = load_knowledge(kb_copy, local=local)
    assert "grant ending wording" in kb["funding-notice"].alternates
    assert (kb_copy / "funding.yml").read_text() == national, "the national file is untouched"
    # The same through COMPACT_LOCAL_KB, and for an entry only the local layer has.
    by_env = run(
        "gaps", "link", "parking at the civic centre for charities", "our-compact-parking",
        "--db", database_url, "--kb", str(kb_copy),
        env={"COMPACT_LOCAL_KB": str(local)},
    )  # fmt: skip
    assert by_env.returncode == 0, by_env.stderr
    kb = load_knowledge(kb_copy, local=local)
    assert "parking at the civic centre for charities" in kb["our-compact-parking"].alternates


def test_link_to_a_local_entry_is_validated_with_the_local_layer(
    run: Run, database_url: str, kb_copy: Path, local: Path
) -> None:
    """A local wording is checked against the whole knowledge base, local layer included:
    the wording of another local entry is refused, naming it, and nothing is written."""
    before = (local / "local.yml").read_text()
    refused = gaps(
        run, database_url, kb_copy, "link",
        "Can voluntary groups park at the civic centre?", "funding-notice",
        "--local-kb", str(local),
    )  # fmt: skip
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert "our-compact-parking" in refused.stderr
    assert (local / "local.yml").read_text() == before


def test_accept_adds_a_suggestion_to_a_local_entry(
    run: Run, ask: Ask, database_url: str, kb_copy: Path, local: Path
) -> None:
    assert isinstance(ask("grant finishes, notice?", days_ago=1 / (24 * 60)), Clarify)
    assert isinstance(ask("how much notice before ending a grant"), Answer)
    listed = gaps(run, database_url, kb_copy, "suggestions", "--local-kb", str(local))
    assert listed.returncode == 0, listed.stderr
    assert "grant finishes, notice?" in listed.stdout
    accepted = gaps(
        run, database_url, kb_copy, "suggestions", "accept", "1", "--local-kb", str(local)
    )
    assert accepted.returncode == 0, accepted.stderr
    kb = load_knowledge(kb_copy, local=local)
    assert "grant finishes, notice?" in kb["funding-notice"].alternates
    assert "grant finishes, notice?" in (local / "local.yml").read_text()
    assert "grant finishes, notice?" not in (kb_copy / "funding.yml").read_text()


def test_link_refuses_another_entrys_wording_unless_forced(
    run: Run, database_url: str, kb_copy: Path
) -> None:
    before = (kb_copy / "funding.yml").read_text()
    refused = gaps(run, database_url, kb_copy, "link", "what is the compact", "funding-notice")
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert "Nothing was linked" in refused.stderr
    assert "'what-is-the-compact'" in refused.stderr, "names the entry that has it"
    assert "--force" in refused.stderr
    assert (kb_copy / "funding.yml").read_text() == before
    forced = gaps(
        run, database_url, kb_copy, "link", "what is the compact", "funding-notice", "--force"
    )
    assert forced.returncode == 0, forced.stderr
    assert "what is the compact" in load_knowledge(kb_copy)["funding-notice"].alternates


@pytest.mark.parametrize("wording", ["no", "Yes", "on", "OFF", "true", "n", "12:30"])
def test_link_writes_wordings_that_read_back_as_text(
    run: Run, database_url: str, kb_copy: Path, wording: str
) -> None:
    """YAML 1.1, which the loader reads, takes a plain no, on or true for a boolean and a
    plain 12:30 for a number: such a wording is written quoted, so it stays a wording."""
    linked = gaps(run, database_url, kb_copy, "link", wording, "funding-notice")
    assert linked.returncode == 0, linked.stderr
    assert wording in load_knowledge(kb_copy)["funding-notice"].alternates


@pytest.mark.parametrize(
    "args",
    [
        ("report", "--since", "99999y"),
        ("list", "--since", "99999999d"),
        ("digest", "--since", "5000y"),
        ("list", "--since", "1" + "0" * 5000 + "d"),
    ],
)
def test_a_period_too_long_is_a_clear_error(
    run: Run, database_url: str, kb_copy: Path, args: tuple[str, ...]
) -> None:
    result = gaps(run, database_url, kb_copy, *args)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "the longest accepted is 100y (36500 days)" in result.stderr


REDACTED = [  # stored as "from [email], [phone], [postcode]: ..."
    ("from jo@example.org, 07700 900123, SW1A 1AA: staff parking permits?", "U1"),
    ("from sam@example.net, 07700 900456, M1 1AE: trustees minutes?", "U2"),
]


def test_redaction_placeholders_neither_group_questions_nor_become_wordings(
    run: Run, ask: Ask, database_url: str, kb_copy: Path
) -> None:
    """Two unrelated questions that each carried an email address, a phone number and a
    postcode are two themes, not one about "email phone postcode"; linking one is refused,
    as what is left without the placeholders is not what the person typed."""
    for text, user in REDACTED:
        assert not isinstance(ask(text, user=user), Answer)
    listed = gaps(run, database_url, kb_copy, "list")
    assert listed.returncode == 0, listed.stderr
    shown = [gaps(run, database_url, kb_copy, "show", theme) for theme in ("1", "2")]
    assert all(s.returncode == 0 for s in shown), [s.stderr for s in shown]
    assert all("1 question from 1 person" in s.stdout for s in shown)
    for s in shown:
        [keywords] = [line for line in s.stdout.splitlines() if line.startswith("keywords:")]
        assert not {"email", "phone", "postcode"} & set(keywords.replace(",", " ").split())
    parking = 1 if "parking" in shown[0].stdout else 2
    before = load_knowledge(kb_copy)["volunteering-code"].alternates
    linked = gaps(run, database_url, kb_copy, "link", str(parking), "volunteering-code")
    assert linked.returncode == 1
    assert "personal data" in linked.stderr
    assert load_knowledge(kb_copy)["volunteering-code"].alternates == before


def test_every_placeholder_redaction_writes_is_known_to_the_review_tools() -> None:
    """Redaction's labels live in its rules; a new one must join redaction.PLACEHOLDERS, or
    it would group questions and name themes again."""
    written = re.findall(r'(?<=["\d])\[([a-z][a-z-]*)\]"', inspect.getsource(redaction))
    assert set(written) == set(redaction.PLACEHOLDERS)
    stored = redaction.storable("mail jo@example.org, call 07700 900123 or see 7 Willow Close")
    assert stored == "mail [email], call [phone] or see [address]"
    assert signature(stored) == signature("mail call or see")


@pytest.mark.parametrize("limit", ["0", "-2"])
def test_list_needs_a_limit_of_one_or_more(
    run: Run, ask: Ask, database_url: str, kb_copy: Path, limit: str
) -> None:
    ask("parking permits for charity staff at the civic centre")
    listed = gaps(run, database_url, kb_copy, "list", "--limit", limit)
    assert listed.returncode == 2
    assert "No unanswered questions" not in listed.stdout
    assert f"{limit} is not in the range x>=1" in listed.stderr


def test_promote_twice_says_the_theme_has_a_draft(
    run: Run, ask: Ask, database_url: str, kb_copy: Path
) -> None:
    ask("parking permits for charity staff at the civic centre")
    first = gaps(run, database_url, kb_copy, "promote", "1")
    assert first.returncode == 0, first.stderr
    [draft] = (kb_copy / "drafts").glob("*.yml")
    again = gaps(run, database_url, kb_copy, "promote", "1")
    assert again.returncode == 1
    assert f"Theme 1 already has a draft: {draft}" in again.stderr
    assert "--force" in again.stderr
    assert list((kb_copy / "drafts").glob("*.yml")) == [draft], "no second draft"
    forced = gaps(run, database_url, kb_copy, "promote", "1", "--force")
    assert forced.returncode == 0, forced.stderr
    assert len(list((kb_copy / "drafts").glob("*.yml"))) == 2

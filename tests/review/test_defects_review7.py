"""Defects an independent tester found in the review group's tools, each checked through the
command line (or the click handler the chat listeners call) as a user would meet it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bot.core.replies import Clarify
from bot.knowledge.loader import load_knowledge
from bot.settings import bundled_knowledge

from ..conftest import Run
from .conftest import Ask

MINUTE = 1 / (24 * 60)
GRANT = "how much notice before ending a grant"
REPHRASED = "grant finishes, notice?"  # a did-you-mean on the bundled knowledge base


def _fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.yml")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def test_suggestions_group_options_reach_accept_and_reject(
    run: Run, ask: Ask, database_url: str, kb_copy: Path
) -> None:
    """--kb and --db given to "gaps suggestions" before accept or reject were ignored: accept
    edited the bundled knowledge base, reject read the default database."""
    assert isinstance(ask(REPHRASED, days_ago=MINUTE), Clarify)
    ask(GRANT)
    bundled = _fingerprint(bundled_knowledge())
    group = ["gaps", "suggestions", "--db", database_url, "--kb", str(kb_copy)]
    listed = run(*group)
    assert REPHRASED in listed.stdout, listed.stderr
    accepted = run(*group, "accept", "1")
    assert accepted.returncode == 0, accepted.stderr
    assert REPHRASED in load_knowledge(kb_copy)["funding-notice"].alternates
    assert _fingerprint(bundled_knowledge()) == bundled


def test_suggestions_reject_reads_the_groups_database_and_later_options_win(
    run: Run, ask: Ask, database_url: str, kb_copy: Path, tmp_path: Path
) -> None:
    assert isinstance(ask(REPHRASED, days_ago=MINUTE), Clarify)
    ask(GRANT)
    assert REPHRASED in run("gaps", "suggestions", "--db", database_url).stdout
    rejected = run("gaps", "suggestions", "--db", database_url, "reject", "1")
    assert rejected.returncode == 0, rejected.stderr
    assert "Rejected suggestion 1" in rejected.stdout
    listed = run("gaps", "suggestions", "--db", database_url, "--kb", str(kb_copy))
    assert "No suggestions waiting" in listed.stdout, listed.stdout + listed.stderr
    # An option after the subcommand overrides the group's.
    empty = f"sqlite:///{tmp_path / 'other.db'}"
    overridden = run("gaps", "suggestions", "--db", database_url, "reject", "1", "--db", empty)
    assert overridden.returncode == 1
    assert "There is no suggestion 1" in overridden.stderr

"""Defects an independent tester found in the review group's tools, each checked through the
command line (or the click handler the chat listeners call) as a user would meet it."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from markdown_it import MarkdownIt
from sqlalchemy import select

from bot.chat import clicks
from bot.chat.services import ChannelSetup, ChatServices
from bot.core.assistant import Assistant
from bot.core.knowledge_store import KnowledgeStore
from bot.core.question import ChannelKind, Context
from bot.core.replies import Clarify
from bot.knowledge.loader import load_knowledge
from bot.review.themes import ThemeService, ThemeStatus
from bot.settings import bundled_knowledge, load_settings
from bot.storage.database import Database
from bot.storage.interaction_log import InteractionLog
from bot.storage.tables import ThemeRow

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


def test_triage_from_the_digest_buttons_stores_no_raw_user_id(
    run: Run,
    ask: Ask,
    assistant: Assistant,
    store: KnowledgeStore,
    log: InteractionLog,
    themes: ThemeService,
    database: Database,
    database_url: str,
    kb_copy: Path,
) -> None:
    """The button's note said "Set from Slack by U0ADMIN42": a raw chat user id, stored and
    then shown wherever the note is."""
    ask("where can I park my bicycle at the civic centre")
    themes.refresh()
    services = ChatServices(
        assistant=assistant,
        store=store,
        settings=load_settings(),
        setup=ChannelSetup("Slack", admins=frozenset({"U0ADMIN42"})),
        database=database,
        themes=themes,
        log=log,
    )
    admin = Context(ChannelKind.SLACK, "U0ADMIN42", "CREVIEW", "T1")
    view = clicks.triage(services, admin, "1", ThemeStatus.IGNORED)
    assert "Theme 1 is now ignored" in str(view)
    with database.session() as session:
        notes = list(session.scalars(select(ThemeRow.note)))
    assert notes
    assert all("U0ADMIN42" not in note for note in notes), notes
    shown = run("gaps", "show", "1", "--db", database_url, "--kb", str(kb_copy))
    assert "status: ignored" in shown.stdout, shown.stderr
    assert "Set from the digest" in shown.stdout
    assert "U0ADMIN42" not in shown.stdout


NOTE = "=Asked *HR* <b>twice</b>"


def test_the_triage_note_is_shown_escaped_in_every_report_and_the_digest(
    run: Run, ask: Ask, database_url: str, kb_copy: Path
) -> None:
    """--note said "Why; shown in reports", but no report showed it."""
    ask("where can I park my bicycle at the civic centre")
    where = ["--db", database_url, "--kb", str(kb_copy)]
    triaged = run("gaps", "triage", "1", "--status", "in_review", "--note", NOTE, *where)
    assert triaged.returncode == 0, triaged.stderr
    markdown = run("gaps", "report", "--format", "md", *where).stdout
    assert r"- Note: =Asked \*HR\* &lt;b&gt;twice&lt;/b&gt;" in markdown
    html = run("gaps", "report", "--format", "html", *where).stdout
    assert "=Asked *HR* &lt;b&gt;twice&lt;/b&gt;" in html
    assert "<b>twice" not in html
    table = list(csv.reader(io.StringIO(run("gaps", "report", "--format", "csv", *where).stdout)))
    assert ["theme", "1", "note", "'" + NOTE] in table
    digest = run("gaps", "digest", "--since", "60d", *where).stdout
    assert r"Note: =Asked \*HR\* &lt;b&gt;twice&lt;/b&gt;" in digest


def test_each_triage_replaces_the_last_ones_note_and_entry(
    run: Run, ask: Ask, database_url: str, kb_copy: Path
) -> None:
    """ignored "spam", then answered by funding-notice, then in review, showed
    "in_review (entry funding-notice); note: spam"."""
    ask("where can I park my bicycle at the civic centre")
    where = ["--db", database_url, "--kb", str(kb_copy)]

    def triage(*args: str) -> str:
        done = run("gaps", "triage", "1", *args, *where)
        assert done.returncode == 0, done.stderr
        shown = run("gaps", "show", "1", *where)
        return next(line for line in shown.stdout.splitlines() if line.startswith("status:"))

    assert triage("--status", "ignored", "--note", "spam") == "status: ignored; note: spam"
    assert (
        triage("--status", "answered", "--entry", "funding-notice")
        == "status: answered (entry funding-notice); note: -"
    )
    assert triage("--status", "in_review") == "status: in_review; note: -"
    assert triage("--status", "in_review", "--note", "  ") == "status: in_review; note: -"
    blank = run("gaps", "triage", "1", "--status", "ignored", "--note", "   ", *where)
    assert blank.returncode == 2
    assert "say why" in blank.stderr


MILEAGE_REDACTED = (
    "my email is john@example.org and phone 07700 900123, can volunteers claim mileage"
)
MILEAGE = "can volunteers claim mileage for their own cars"


def test_a_wording_redaction_cut_never_becomes_a_knowledge_base_wording(
    run: Run, ask: Ask, database_url: str, kb_copy: Path
) -> None:
    """promote and link wrote "my email is and phone can volunteers claim mileage", the stored
    question with redaction's placeholders cut out, into YAML as if someone had typed it."""
    ask(MILEAGE_REDACTED, user="U1")
    where = ["--db", database_url, "--kb", str(kb_copy)]
    shown = run("gaps", "show", "1", *where)
    assert "my email is [email] and phone [phone]" in shown.stdout, shown.stderr
    promoted = run("gaps", "promote", "1", *where)
    assert promoted.returncode == 1
    assert "personal data" in promoted.stderr
    assert not list((kb_copy / "drafts").glob("*.yml"))
    before = load_knowledge(kb_copy)["volunteering-code"].alternates
    linked = run("gaps", "link", "1", "volunteering-code", *where)
    assert linked.returncode == 1
    assert "personal data" in linked.stderr
    assert "gaps triage 1 --status answered --entry volunteering-code" in linked.stderr
    assert load_knowledge(kb_copy)["volunteering-code"].alternates == before
    # With a wording as someone typed it in the theme, that one is added and the other left out.
    ask(MILEAGE, user="U2")
    promoted = run("gaps", "promote", "1", *where)
    assert promoted.returncode == 0, promoted.stderr
    [draft] = (kb_copy / "drafts").glob("*.yml")
    assert MILEAGE in draft.read_text()
    assert "my email is" not in draft.read_text()
    linked = run("gaps", "link", "1", "volunteering-code", *where)
    assert linked.returncode == 0, linked.stderr
    assert "Left out 1 wording with personal data removed" in linked.stdout
    alternates = load_knowledge(kb_copy)["volunteering-code"].alternates
    assert MILEAGE in alternates
    assert not [a for a in alternates if "my email is" in a]


def test_no_suggestion_from_a_wording_redaction_cut(
    run: Run, ask: Ask, assistant: Assistant, database_url: str, kb_copy: Path
) -> None:
    """A did-you-mean pick suggests the question's wording, which here is stored as
    "mail [email]: grant finishes, notice?": not what the person typed."""
    reply = ask("mail jo@example.org: grant finishes, notice?")
    assistant.choose(reply.question, "funding-notice", interaction_id=reply.interaction_id)
    listed = run("gaps", "suggestions", "--db", database_url, "--kb", str(kb_copy))
    assert "No suggestions waiting" in listed.stdout, listed.stdout + listed.stderr


LINKS = "# Big heading see http://evil.example/login and www.evil.example/x"


def test_bare_links_in_questions_are_not_links_in_the_markdown_report_or_digest(
    run: Run, ask: Ask, database_url: str, kb_copy: Path
) -> None:
    """The # was escaped but http:// and www. stayed raw, so GitHub-style Markdown made links
    of them; a question must never become a link."""
    ask(LINKS)
    where = ["--db", database_url, "--kb", str(kb_copy)]
    report = run("gaps", "report", "--format", "md", *where)
    digest = run("gaps", "digest", "--since", "60d", *where)
    for output in (report, digest):
        assert output.returncode == 0, output.stderr
        assert "evil.example/login" in output.stdout
        assert "http://" not in output.stdout
        assert "www." not in output.stdout.casefold()
    # ... while it reads as the question typed.
    [line] = [line for line in report.stdout.splitlines() if line.startswith("### Theme 1")]
    rendered = MarkdownIt("commonmark").render(line.removeprefix("### "))
    assert rendered == f"<p>Theme 1: {LINKS}</p>\n"


def test_link_adds_a_wording_once_whatever_its_case_spaces_and_end_punctuation(
    run: Run, ask: Ask, database_url: str, kb_copy: Path
) -> None:
    """Linking a theme added "... cars?" and "... cars" to one entry as two wordings."""
    for n, text in enumerate(
        [
            "can volunteers claim mileage for their cars?",
            "Can volunteers  claim mileage for their cars",
            "can volunteers claim mileage for their cars.",
        ]
    ):
        ask(text, user=f"U{n}")
    where = ["--db", database_url, "--kb", str(kb_copy)]
    before = load_knowledge(kb_copy)["volunteering-code"].alternates
    linked = run("gaps", "link", "1", "volunteering-code", *where)
    assert linked.returncode == 0, linked.stderr
    assert "Added 1 wording to volunteering-code" in linked.stdout
    after = load_knowledge(kb_copy)["volunteering-code"].alternates
    assert len(after) == len(before) + 1
    # The same question again, in other case and punctuation, is already there.
    again = run(
        "gaps",
        "link",
        "CAN volunteers claim mileage for their cars ?!",
        "volunteering-code",
        *where,
    )
    assert again.returncode == 0, again.stderr
    assert "volunteering-code already has those wordings" in again.stdout
    assert load_knowledge(kb_copy)["volunteering-code"].alternates == after

from __future__ import annotations

import re
from pathlib import Path

from bot.core.recording import FeedbackKind
from bot.storage.database import Database
from bot.storage.interaction_log import InteractionLog
from bot.storage.pseudonyms import Pseudonymiser

from .conftest import Run
from .interactive import Conversation


def test_a_console_conversation(run: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'chat.db'}"
    script = [
        "how much notice must we give before ending a grant?",
        "y",
        "consultation",
        "1",
        "n",
        "what is a flibbertigibbet",
        "topics",
        "quit",
    ]
    result = run("chat", "--db", url, stdin="\n".join(script) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "three months" in out
    assert "Was this helpful?" in out
    assert "glad it helped" in out
    assert "Did you mean:" in out
    assert "\n  1. " in out
    assert "0. None of these" in out
    assert out.count("Was this helpful?") == 2
    assert "flagged that answer" in out
    assert "doesn't look like a question about the Compact" in out  # no word it uses
    assert "Funding" in out
    assert re.search(r"\(\d+ questions?\)", out)
    assert not re.search(r"\(1 questions\)", out)
    assert out.rstrip().endswith("Goodbye.")

    database = Database.connect(url)
    log = InteractionLog(database, pseudonymiser=Pseudonymiser("x" * 16))
    rows = list(reversed(log.recent()))
    assert [r.outcome for r in rows] == ["answer", "clarify", "no_match", "smalltalk"]
    assert [(f.kind, f.entry_id) for f in log.feedback_for(rows[0].id)] == [
        (FeedbackKind.HELPFUL, "funding-notice")
    ]
    chose, not_helpful = log.feedback_for(rows[1].id)
    assert chose.kind is FeedbackKind.CHOSE
    assert chose.entry_id in {c["entry_id"] for c in rows[1].candidates}
    assert (not_helpful.kind, not_helpful.entry_id) == (FeedbackKind.NOT_HELPFUL, chose.entry_id)
    database.dispose()


def test_chat_ends_cleanly_at_end_of_input(run: Run) -> None:
    result = run("chat", stdin="what is the compact?\n")
    assert result.returncode == 0, result.stderr
    assert "agreement between government" in result.stdout


def test_start_without_credentials_opens_the_console_chat(run: Run) -> None:
    result = run("start", stdin="help\nquit\n")
    assert result.returncode == 0, result.stderr
    assert "Compact Assistant" in result.stdout
    assert "I answer questions about the Compact" in result.stdout
    assert "Goodbye." in result.stdout


def logged_questions(url: str) -> list[str]:
    database = Database.connect(url)
    try:
        log = InteractionLog(database, pseudonymiser=Pseudonymiser("x" * 16))
        return [r.question for r in reversed(log.recent())]
    finally:
        database.dispose()


def test_stray_choices_get_a_hint_and_are_never_asked_or_logged(run: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'chat.db'}"
    script = [
        *["0", "y", "r1", "r9", "3", "n"],  # nothing to choose from yet
        "how much notice must we give before ending a grant?",
        "y",
        "y",  # already answered: the related questions are still there
        "r2",  # opens the second related question
        "n",
        "r9",  # there is no r9
        "consultation",
        "7",  # not one of the options
        "2",
        "quit",
    ]
    result = run("chat", "--db", url, stdin="\n".join(script) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("Nothing to choose from just now. Ask a question, or type help.") == 6
    assert "Did you mean:" in out  # only for "consultation"
    assert out.count("Did you mean:") == 1
    assert "fund voluntary organisations for more than one year" not in out  # the stray "3"
    assert out.count("glad it helped") == 1
    assert "Does the Covenant keep the Compact's three months' notice" in out  # r2
    assert "flagged that answer" in out
    assert out.count("for a related question, or ask another question.") == 2
    assert "Type a number from 1 to 3, 0 for none of these" in out
    assert logged_questions(url) == [
        "how much notice must we give before ending a grant?",
        "Does the Covenant keep the Compact's three months' notice and 12-week consultation?",
        "consultation",
    ]
    themes = run("gaps", "list", "--since", "1d", "--db", url)
    assert themes.returncode == 0, themes.stderr
    for stray in ("r9", "r1", "│ 0 ", "│ y ", "│ n "):
        assert stray not in themes.stdout


def test_digits_that_are_not_numbers_do_not_end_the_chat(run: Run) -> None:
    # "²" is the key left of 1 on a French keyboard: str.isdigit() says yes, int() says no.
    script = ["consultation", "²", "how much notice must we give before ending a grant?"]
    # and more digits than int() reads (4,300): "Exceeds the limit" ended the chat too.
    many = "1" * 5000
    result = run("chat", stdin="\n".join([*script, "r²", "١", many, "consultation", many, "quit"]))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Did you mean:" in result.stdout
    assert "three months" in result.stdout
    assert "Goodbye" in result.stdout


def test_end_of_input_and_bye_say_goodbye(run: Run) -> None:
    for script in ("what is the compact?\n", "what is the compact?\nbye\n", "goodbye\n"):
        result = run("chat", stdin=script)
        assert result.returncode == 0, result.stderr
        assert result.stdout.rstrip().endswith("Goodbye."), result.stdout[-200:]
        assert not result.stdout.rstrip().endswith("you>")
        assert "welcome" not in result.stdout.casefold()


def test_help_says_how_to_ask_and_topics_lists_what_is_covered(run: Run) -> None:
    """Help points at "topics" and stops there; "topics" lists every topic."""
    helped = run("chat", stdin="help\nquit\n")
    assert helped.returncode == 0, helped.stderr
    assert "Type topics to see everything I cover" in " ".join(helped.stdout.split())
    assert not re.search(r"\(\d+ questions?\)", helped.stdout)
    listed = run("chat", stdin="topics\nquit\n")
    assert listed.returncode == 0, listed.stderr
    assert len(re.findall(r"\(\d+ questions?\)", listed.stdout)) >= 10


def test_replies_say_when_nothing_was_logged(run: Run, tmp_path: Path) -> None:
    unlogged = run("ask", "--no-log", "where do I get a parking permit for the bike shed")
    assert unlogged.returncode == 0, unlogged.stderr
    assert "logged your question" not in unlogged.stdout
    assert "was not logged" in " ".join(unlogged.stdout.split())
    folder = tmp_path / "a-folder.db"
    folder.mkdir()  # a database that cannot be opened
    script = [
        "where do I get a parking permit for the bike shed",
        "how much notice must we give before ending a grant?",
        "n",
        "consultation",
        "0",
        "quit",
    ]
    down = run("chat", "--db", f"sqlite:///{folder}", stdin="\n".join(script) + "\n")
    assert down.returncode == 0, down.stderr
    out = " ".join(down.stdout.split())
    assert "logged your question" not in out
    assert "was not logged, so the Compact review group won't see it" in out
    assert "flagged that answer" not in out
    assert "That could not be recorded, so the Compact review group won't see it" in out
    assert "will see your question" not in out
    assert "won't see your question" in out


def test_thanks_after_an_answer_leaves_its_related_questions_and_feedback_open(
    run: Run, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'chat.db'}"
    script = ["how much notice must we give before ending a grant?", "thanks!", "y", "r2", "quit"]
    result = run("chat", "--db", url, stdin="\n".join(script) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "You're welcome" in out
    assert "Nothing to choose from just now" not in out
    assert out.count("glad it helped") == 1
    assert "Does the Covenant keep the Compact's three months' notice" in out  # r2


def test_a_spoken_no_after_an_answer_is_a_vote_not_a_question(run: Run, tmp_path: Path) -> None:
    """ "nope, not really" after an answer was asked as a question, so it was logged and
    grouped as a gap for the review group. It says the answer did not help."""
    url = f"sqlite:///{tmp_path / 'chat.db'}"
    script = [
        "how long should a consultation last",
        "nope, not really",
        "how much notice must we give before ending a grant?",
        "No, it didn't.",
        "not really",  # already said: a hint, not a question
        "quit",
    ]
    result = run("chat", "--db", url, stdin="\n".join(script) + "\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("flagged that answer") == 2
    assert "Type r1 to r3 for a related question" in result.stdout
    assert logged_questions(url) == [
        "how long should a consultation last",
        "how much notice must we give before ending a grant?",
    ]
    database = Database.connect(url)
    try:
        log = InteractionLog(database, pseudonymiser=Pseudonymiser("x" * 16))
        for row in log.recent():
            assert [f.kind for f in log.feedback_for(row.id)] == [FeedbackKind.NOT_HELPFUL]
    finally:
        database.dispose()


def test_reload_in_the_console_reads_the_knowledge_files_again(
    kb_copy: Path, tmp_path: Path
) -> None:
    """ "reload" was asked as a question and logged as a gap. In the console, run by the
    person who edits the knowledge files, it reloads them as the Slack and Teams admin
    command does; a broken edit is named and the knowledge base already loaded answers on."""
    url = f"sqlite:///{tmp_path / 'chat.db'}"
    funding = kb_copy / "funding.yml"
    chat = Conversation("chat", "--kb", str(kb_copy), "--db", url)
    _, before = chat.until("Was this helpful?", "minimum notice to end a grant")
    assert "three months" in before
    funding.write_text(
        funding.read_text().replace(
            "question: How much notice must we give before ending or reducing a grant?",
            "question: How much notice must we give before ending or cutting a grant?",
        )
    )
    _, reloaded = chat.until("Reloaded the knowledge base", "reload")
    assert "entries in" in reloaded
    _, after = chat.until("Was this helpful?", "minimum notice to end a grant")
    assert "How much notice must we give before ending or cutting a grant?" in after
    funding.write_text(funding.read_text() + "\n  - id: [broken\n")
    _, refused = chat.until("funding.yml", "Reload.")
    assert "The knowledge base was not reloaded; the previous one is still answering" in refused
    _, still = chat.until("Was this helpful?", "minimum notice to end a grant")
    assert "ending or cutting a grant?" in still
    status, err = chat.end("quit")
    assert status == 0, err
    assert logged_questions(url) == ["minimum notice to end a grant"] * 3

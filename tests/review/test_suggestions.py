"""Suggested wordings need real evidence: a rephrasing close in wording to the answered
question, from the same person within minutes, with the answer not marked not helpful, and a
wording no other entry has claimed (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from bot.core.assistant import Assistant
from bot.core.knowledge_store import KnowledgeStore
from bot.core.replies import Answer, Clarify
from bot.knowledge.loader import load_knowledge
from bot.review.suggestions import SuggestionService
from bot.review.themes import ThemeService, ThemeStatus
from bot.storage.database import Database

from ..conftest import Run
from .conftest import Ask
from .test_gaps_cli import gaps

PARKING = "where do I get a parking permit for the town hall"
GRANT = "how much notice before ending a grant"
REPHRASED = "grant finishes, notice?"  # a did-you-mean on the bundled knowledge base
MINUTE = 1 / (24 * 60)


def suggestions(database: Database, store: KnowledgeStore) -> SuggestionService:
    return SuggestionService(database=database, knowledge=store)


def test_an_unrelated_question_before_an_answer_is_not_a_rephrasing(
    ask: Ask, database: Database, store: KnowledgeStore
) -> None:
    assert not isinstance(ask(PARKING, days_ago=2 * MINUTE), Answer)
    mileage = ["volunteer mileage rate", "mileage for volunteers 45p?", "volunteer car miles"]
    for text in mileage:
        ask(text, days_ago=MINUTE)
    answer = ask(GRANT)
    assert isinstance(answer, Answer)
    assert answer.entry.id == "funding-notice"
    service = suggestions(database, store)
    assert service.refresh() == 0
    assert service.pending() == []


def test_a_rephrasing_that_was_answered_is_suggested(
    ask: Ask, database: Database, store: KnowledgeStore
) -> None:
    assert isinstance(ask(REPHRASED, days_ago=MINUTE), Clarify)
    assert isinstance(ask(GRANT), Answer)
    service = suggestions(database, store)
    assert service.refresh() == 1
    [suggested] = service.pending()
    assert (suggested.entry_id, suggested.wording) == ("funding-notice", REPHRASED)


def test_no_suggestion_from_an_answer_marked_not_helpful(
    ask: Ask, assistant: Assistant, database: Database, store: KnowledgeStore
) -> None:
    ask(REPHRASED, days_ago=MINUTE)
    answer = ask(GRANT)
    assert isinstance(answer, Answer)
    assistant.feedback(
        answer.question, answer.interaction_id, helpful=False, entry_id=answer.entry.id
    )
    service = suggestions(database, store)
    service.refresh()
    assert service.pending() == []


def test_a_not_helpful_vote_after_the_suggestion_takes_it_back(
    ask: Ask, assistant: Assistant, database: Database, store: KnowledgeStore
) -> None:
    ask(REPHRASED, days_ago=MINUTE)
    answer = ask(GRANT)
    assert isinstance(answer, Answer)
    service = suggestions(database, store)
    service.refresh()
    assert [s.wording for s in service.pending()] == [REPHRASED]
    assistant.feedback(
        answer.question, answer.interaction_id, helpful=False, entry_id=answer.entry.id
    )
    service.refresh()
    assert service.pending() == []


def test_no_suggestion_from_a_choice_marked_not_helpful(
    ask: Ask, assistant: Assistant, database: Database, store: KnowledgeStore
) -> None:
    clarify = ask("consultation")
    assert isinstance(clarify, Clarify)
    picked = clarify.options[0].entry.id
    assistant.choose(clarify.question, picked, interaction_id=clarify.interaction_id)
    assistant.feedback(clarify.question, clarify.interaction_id, helpful=False, entry_id=picked)
    service = suggestions(database, store)
    service.refresh()
    assert service.pending() == []


def test_no_suggestion_once_the_window_has_passed(
    ask: Ask, database: Database, store: KnowledgeStore
) -> None:
    ask(REPHRASED, days_ago=11 * MINUTE)
    ask(GRANT)
    ask(REPHRASED, user="U2", conversation="C2")
    ask(GRANT, user="U3", conversation="C2")  # someone else's answer
    service = suggestions(database, store)
    service.refresh()
    assert service.pending() == []


def test_a_question_linked_to_another_entry_is_not_suggested_for_this_one(
    ask: Ask,
    assistant: Assistant,
    database: Database,
    store: KnowledgeStore,
    themes: ThemeService,
) -> None:
    def none_fitted_then_answered(user: str) -> None:
        clarify = ask(REPHRASED, user=user, days_ago=MINUTE)
        assert isinstance(clarify, Clarify)
        assistant.choose(clarify.question, None, interaction_id=clarify.interaction_id)
        ask(GRANT, user=user)

    none_fitted_then_answered("U1")
    service = suggestions(database, store)
    service.refresh()
    assert [s.wording for s in service.pending()] == [REPHRASED]
    themes.refresh()
    [theme] = themes.top()
    themes.triage(theme.id, status=ThemeStatus.ANSWERED, entry_id="covenant-compact-numbers")
    assert service.pending() == []  # claimed since it was suggested
    none_fitted_then_answered("U2")
    themes.refresh()
    service.refresh()
    assert service.pending() == []  # and never suggested again


def test_accept_refuses_a_wording_that_collides_with_another_entry(
    run: Run,
    ask: Ask,
    assistant: Assistant,
    database_url: str,
    kb_copy: Path,
) -> None:
    # A stale or forged button: the consultation question "chose" the grant notice entry.
    answer = ask("how long should a consultation run please")
    assistant.choose(answer.question, "funding-notice", interaction_id=answer.interaction_id)
    listed = gaps(run, database_url, kb_copy, "suggestions")
    assert "funding-notice" in listed.stdout
    refused = gaps(run, database_url, kb_copy, "suggestions", "accept", "1")
    assert refused.returncode == 1
    assert "not accepted" in refused.stderr
    assert "closer to 'consultation-length'" in refused.stderr
    assert "how long should a consultation run please" not in (
        load_knowledge(kb_copy)["funding-notice"].alternates
    )
    forced = gaps(run, database_url, kb_copy, "suggestions", "accept", "1", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "how long should a consultation run please" in (
        load_knowledge(kb_copy)["funding-notice"].alternates
    )


def test_accept_refuses_a_wording_another_entry_has_since_taken(
    run: Run, ask: Ask, database_url: str, kb_copy: Path
) -> None:
    ask(REPHRASED, days_ago=MINUTE)
    ask(GRANT)
    assert REPHRASED in gaps(run, database_url, kb_copy, "suggestions").stdout
    linked = gaps(run, database_url, kb_copy, "link", REPHRASED, "covenant-compact-numbers")
    assert linked.returncode == 0, linked.stderr
    assert "No suggestions waiting" in gaps(run, database_url, kb_copy, "suggestions").stdout
    refused = gaps(run, database_url, kb_copy, "suggestions", "accept", "1")
    assert refused.returncode == 1
    assert "[duplicate]" in refused.stderr
    assert REPHRASED not in load_knowledge(kb_copy)["funding-notice"].alternates


def test_console_conversations_suggest_only_rephrasings(
    run: Run, database_url: str, kb_copy: Path
) -> None:
    """The tester's case: a parking question, then an answered grant question voted not
    helpful, in the console chat; then a real rephrasing, answered and helpful."""
    chat = ["chat", "--db", database_url, "--kb", str(kb_copy)]
    unrelated = run(*chat, stdin=f"{PARKING}\n{GRANT}\nn\n")
    assert unrelated.returncode == 0, unrelated.stderr
    assert "No suggestions waiting" in gaps(run, database_url, kb_copy, "suggestions").stdout
    separate = [
        run("ask", text, "--db", database_url, "--kb", str(kb_copy)) for text in (PARKING, GRANT)
    ]
    assert all(r.returncode == 0 for r in separate), [r.stderr for r in separate]
    assert "No suggestions waiting" in gaps(run, database_url, kb_copy, "suggestions").stdout
    rephrased = run(*chat, stdin=f"{REPHRASED}\n{GRANT}\ny\n")
    assert rephrased.returncode == 0, rephrased.stderr
    listed = gaps(run, database_url, kb_copy, "suggestions").stdout
    assert REPHRASED in listed
    assert "funding-notice" in listed
    assert PARKING not in listed

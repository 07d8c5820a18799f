"""Ask a Compact Champion (the post, the Champion's card form, the answer back to the asker),
the weekly digest to the review channel with its triage buttons, and the admin commands."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.adapters.teams.schedule import post_digest
from bot.review.themes import ThemeStatus
from bot.storage.database import Database
from bot.storage.tables import TeamsChampionReplyRow, TeamsConversationRow

from ..conftest import Run
from .conftest import (
    ADMIN,
    CHAMPION,
    CHAMPIONS,
    REVIEW,
    Bot,
    activity,
    button,
    card_action,
    card_nodes,
    invoke_value,
)

LASAGNE = "what is the best recipe for lasagne"


def _texts(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


def _escalate(teams: Bot, question: str = LASAGNE) -> tuple[str, dict[str, Any]]:
    """Ask, get no match, click Ask a Compact Champion: the asker's conversation and the post."""
    teams.message(question)
    [asked] = teams.fake.wait_for(1)
    note = invoke_value(teams.click(**button(asked.cards[0], "ask_champion")["data"]))
    assert "passed your question to the Compact Champions" in note
    post = teams.fake.wait_for(2)[1]
    assert post.conversation_id == CHAMPIONS
    return asked.conversation_id, post.cards[0]


def test_a_champion_answers_in_the_card_and_the_asker_gets_the_answer(
    teams: Bot, kb_copy: Path
) -> None:
    asked, post = _escalate(teams)
    assert LASAGNE in _texts(post)
    [form] = [e for e in post["body"] if e["type"] == "Input.Text"]
    send = button(post, "champion_answer")
    assert send["title"] == "Send answer"
    champion = card_action(
        "champion_answer",
        send["data"]["value"],
        service_url=teams.fake.service_url,
        user=CHAMPION,
        **{form["id"]: "Layers of pasta, ragu and bechamel; this is not a Compact matter."},
    )
    champion["from"]["name"] = "Chris Champion"
    answered = invoke_value(teams.post(champion))
    assert "Answered" in _texts(answered)
    assert "Chris Champion" in _texts(answered)
    assert not [e for e in answered["body"] if e["type"] == "Input.Text"]
    to_asker = teams.fake.wait_for(3)[2]
    assert to_asker.conversation_id == asked
    assert "A Compact Champion answered your question" in to_asker.text
    assert "Layers of pasta" in to_asker.text
    [draft] = (kb_copy / "drafts").glob("*.yml")
    assert "Layers of pasta" in draft.read_text()
    with teams.services.chat.database.session() as session:  # delivered: nothing kept
        assert session.scalars(select(TeamsChampionReplyRow)).all() == []
    again = invoke_value(teams.post(champion))
    assert "already been answered" in again


def test_an_empty_answer_is_refused(teams: Bot) -> None:
    _, post = _escalate(teams)
    value = button(post, "champion_answer")["data"]["value"]
    reply = teams.click("champion_answer", value, answer="   ")
    assert invoke_value(reply) == "Please write an answer."


def test_an_answer_for_no_champion_question_says_the_button_is_gone(
    teams: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    # An id beyond what the database stores was an OverflowError: the listener's traceback.
    caplog.set_level(logging.INFO)
    for value in ("abc", "99999999999999999999", "²", "1" * 5000):
        reply = teams.click("champion_answer", value, answer="Yes.")
        assert invoke_value(reply) == "That button no longer works. Ask your question again."
    missing = teams.click("champion_answer", "12345", answer="Yes.")
    assert invoke_value(missing) == "There is no Champion question 12345."
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []


def test_typed_text_in_a_card_cannot_become_markup_or_a_mention(teams: Bot) -> None:
    sly = "**[click me](https://evil.example)** <at>Everyone</at> ![x](https://evil.example/x.png)"
    _, post = _escalate(teams, sly)
    for block in post["body"]:
        if block["type"] == "TextBlock":  # TextBlocks render markdown: ours only
            assert "evil.example" not in block["text"]
    runs = json.dumps([b for b in post["body"] if b["type"] in ("RichTextBlock", "Container")])
    assert "**[click me](https://evil.example)**" in runs  # shown as typed
    assert "<at>" not in _texts(post)  # mention tags are taken out of questions
    assert "selectAction" not in runs  # no link was made from it
    assert "msteams" not in post or "entities" not in post["msteams"]


def test_without_a_champions_channel_the_asker_is_told(start_teams, teams_settings) -> None:  # type: ignore[no-untyped-def]
    teams = start_teams(teams_settings.model_copy(update={"teams_champions_channel": None}))
    teams.message(LASAGNE)
    [asked] = teams.fake.wait_for(1)
    note = invoke_value(teams.click(**button(asked.cards[0], "ask_champion")["data"]))
    assert "COMPACT_TEAMS_CHAMPIONS_CHANNEL" in note


def _digest(teams: Bot) -> dict[str, Any]:
    for question in (LASAGNE, "best lasagne recipe please", "where can I park my bike"):
        teams.message(question)
    teams.fake.wait_for(3)
    post_digest(teams.services)
    digest = teams.fake.wait_for(4)[3]
    assert digest.conversation_id == REVIEW
    return digest.cards[0]


def test_the_digest_goes_to_the_review_channel_with_triage_buttons(teams: Bot) -> None:
    digest = _digest(teams)
    assert "Questions we could not answer" in _texts(digest)
    assert "lasagne" in _texts(digest)
    mark = button(digest, "theme_in_review")["data"]
    assert "Only the review group" in invoke_value(teams.click(**mark))
    assert "is now in review" in invoke_value(teams.click(**mark, user=ADMIN))
    ignore = button(digest, "theme_ignore", -1)["data"]
    in_review_channel = card_action(
        "theme_ignore", ignore["value"], service_url=teams.fake.service_url
    )
    in_review_channel["conversation"] = {
        "conversationType": "channel",
        "isGroup": True,
        "id": f"{REVIEW};messageid=1765000000004",
        "tenantId": in_review_channel["conversation"]["tenantId"],
    }
    assert "is now ignored" in invoke_value(teams.post(in_review_channel))


def test_the_digest_shows_each_themes_triage_note(teams: Bot) -> None:
    """The note a reviewer left (gaps triage --note) is in the reports; the digest the review
    channel gets showed the theme without it."""
    for question in (LASAGNE, "best lasagne recipe please"):
        teams.message(question)
    teams.fake.wait_for(2)
    themes = teams.services.chat.themes
    assert themes is not None
    teams.services.chat.flush_log()
    themes.refresh()
    [theme] = themes.top()
    themes.triage(theme.id, status=ThemeStatus.IN_REVIEW, note="Asked the *finance* team")
    post_digest(teams.services)
    digest = teams.fake.wait_for(3)[2].cards[0]
    # Each span is a text run of its own; the note's is plain text, marks and all.
    assert '"text": "Note: "' in _texts(digest)
    assert '"text": "Asked the *finance* team"' in _texts(digest)


def test_admin_commands_are_for_admins(teams: Bot, kb_copy: Path) -> None:
    teams.message("stats")
    teams.message("stats", user=ADMIN)
    teams.message("reload", user=ADMIN)
    refused, stats, reloaded = (s.text for s in teams.fake.wait_for(3))
    assert "Only Compact Assistant admins" in refused
    assert "Last 7 days" in stats
    assert "Reloaded the knowledge base" in reloaded
    (kb_copy / "broken.yml").write_text("topic: Broken\nentries:\n  - id: [unclosed\n")
    teams.message("reload", user=ADMIN)
    failed = teams.fake.wait_for(4)[3].text
    assert "was not reloaded" in failed
    assert "broken.yml" in failed
    teams.message("how much notice before ending a grant?")
    assert "three months" in teams.fake.wait_for(5)[4].text  # the last good one still answers


def test_the_admin_commands_work_for_anyone_in_the_review_channel(teams: Bot) -> None:
    body = activity(
        "channel_mention", text="stats", service_url=teams.fake.service_url, channel=REVIEW
    )
    teams.post(body)
    assert "Last 7 days" in teams.fake.wait_for(1)[0].text


def test_purge_forgets_old_personal_chats_but_keeps_channels(run: Run, database_url: str) -> None:
    Database.connect(database_url).dispose()  # creates the tables
    old = datetime.now(UTC) - timedelta(days=400)
    database = Database.connect(database_url)
    with database.session() as session:
        for conversation_id, kind, when in (
            ("a:old-personal", "personal", old),
            ("a:new-personal", "personal", datetime.now(UTC)),
            (CHAMPIONS, "channel", old),
        ):
            session.add(
                TeamsConversationRow(
                    conversation_id=conversation_id,
                    service_url="https://smba.example/teams/",
                    kind=kind,
                    updated_at=when,
                    user_hash="h" * 64 if kind == "personal" else None,
                )
            )
    database.dispose()
    purged = run("db", "purge", "--older-than", "365d", "--db", database_url)
    assert purged.returncode == 0, purged.stderr
    database = Database.connect(database_url)
    with database.session() as session:
        kept = set(session.scalars(select(TeamsConversationRow.conversation_id)))
    database.dispose()
    assert kept == {"a:new-personal", CHAMPIONS}


def test_gaps_digest_post_from_the_command_line_reaches_the_teams_review_channel(
    run: Run, teams: Bot, teams_settings: Any
) -> None:
    """``compact-bot gaps digest --post`` in a process that is not serving Teams: it starts the
    SDK's client for the one send, and the card lands in the review channel."""
    teams.message(LASAGNE)
    teams.fake.wait_for(1)
    teams.services.chat.flush_log()  # the log writes behind; the other process reads it
    env = {
        "COMPACT_TEAMS_SKIP_AUTH": "true",  # the fake connector; no Entra token exchange
        "TEAMS_SERVICE_URL": teams.fake.service_url,
        "COMPACT_TEAMS_REVIEW_CHANNEL": REVIEW,
        "COMPACT_PSEUDONYM_KEY": "teams-test-key-0123456789",
    }
    database, kb = str(teams_settings.database_url), str(teams_settings.kb)
    result = run("gaps", "digest", "--post", "--db", database, "--kb", kb, env=env)
    assert result.returncode == 0, result.stderr
    assert f"Posted the digest to Teams channel {REVIEW}" in result.stdout
    digest = teams.fake.wait_for(2)[1]
    assert digest.conversation_id == REVIEW
    assert "Questions we could not answer" in digest.text
    assert "lasagne" in digest.text
    nowhere = run("gaps", "digest", "--post", "--db", database, "--kb", kb)
    assert nowhere.returncode == 1
    assert "COMPACT_TEAMS_REVIEW_CHANNEL" in nowhere.stderr


def test_an_ask_a_champion_click_without_a_question_posts_nothing(teams: Bot) -> None:
    for value in ("garbage", '{"q": ""}'):
        shown = invoke_value(teams.click("ask_champion", value))
        assert shown == "That button no longer works. Ask your question again."
    assert teams.fake.quiet(0.3) == []


MARKED = "lasagne **layers** *now* _fast_ [recipe](http://evil.example) `oven`"


def _runs_and_blocks(card: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """Every TextRun (shown literally) and every TextBlock's text (read as Markdown)."""
    blocks = [str(node["text"]) for node in card_nodes(card["body"], "TextBlock")]
    return card_nodes(card["body"], "TextRun"), blocks


def test_typed_markdown_is_shown_literally_in_the_champions_post_and_the_digest(
    teams: Bot,
) -> None:
    """Teams reads Markdown in a TextBlock: a typed **bold** or [link](...) must only ever be
    in a TextRun, which it shows as it is, and never become a link to click."""
    _, post = _escalate(teams, MARKED)
    runs, blocks = _runs_and_blocks(post)
    assert [r for r in runs if r["text"] == MARKED], "the question, one literal run"
    assert not [b for b in blocks if "layers" in b or "evil" in b]
    assert not [r for r in runs if "selectAction" in r and "evil" in json.dumps(r)]
    post_digest(teams.services)
    digest = teams.fake.wait_for(3)[2]
    assert digest.conversation_id == REVIEW
    runs, blocks = _runs_and_blocks(digest.cards[0])
    assert [r for r in runs if "**layers**" in r["text"] and "[recipe](http" in r["text"]]
    assert not [b for b in blocks if "layers" in b or "evil" in b]
    assert "evil.example" not in json.dumps([r.get("selectAction") for r in runs])


def test_controls_that_reorder_text_are_left_out_of_the_champions_post(teams: Bot) -> None:
    """U+202E would show the question's words backwards to the Champions."""
    _, post = _escalate(teams, "lasagne for \u202eevil\u202c people \u2067x\u2069")
    shown = json.dumps(post, ensure_ascii=False)
    assert "lasagne for evil people x" in shown
    assert not set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") & set(shown)


@pytest.mark.parametrize("field", ["answer", "value", "action"])
def test_a_card_action_whose_data_is_not_text_is_a_400_and_answers_nothing(
    teams: Bot, kb_copy: Path, caplog: pytest.LogCaptureFixture, field: str
) -> None:
    """Teams sends a card's inputs and our data as text; an object was str()-ed into a
    Champion's answer ("{'x': 1}"), sent to the asker and saved as a draft."""
    _, post = _escalate(teams)
    value = button(post, "champion_answer")["data"]["value"]
    data: dict[str, Any] = {"action": "champion_answer", "value": value, "answer": "Use a pan."}
    data[field] = {"x": 1}
    body = card_action("champion_answer", service_url=teams.fake.service_url, user=CHAMPION)
    body["value"]["action"]["data"] = data
    caplog.set_level(logging.WARNING)
    reply = teams.post(body)
    assert reply.status == 400
    assert f"value.action.data.{field} is dict, not text" in reply.body["error"]
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert line.startswith("Teams activity refused: value.action.data.")
    assert len(teams.fake.quiet(0.3)) == 2, "nothing sent after the ask and the post"
    assert not (kb_copy / "drafts").exists() or not list((kb_copy / "drafts").glob("*.yml"))
    answered = teams.click("champion_answer", value, answer="Use a pan.")
    assert "Answered" in _texts(invoke_value(answered))

"""A question goes to the Compact Champions once: "Ask a Compact Champion" clicked twice (a
double-click, or the platform delivering the click twice), one after the other or both at
once, posts it to the Champions once, and the second click is told it is already with them.
On Slack and Teams alike, through their real entry points."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from bot.adapters.slack import ids
from bot.adapters.teams.listeners.actions import CHAMPIONS_UNREACHABLE
from bot.chat import champion_desk
from bot.chat.action_values import ActionValue
from bot.chat.champions import ALREADY_WITH_CHAMPIONS
from bot.chat.wording import PASSED_TO_CHAMPIONS

from ..slack.conftest import Bot as SlackBot
from ..slack.conftest import payload, with_action
from ..slack.fake_slack import FakeSlack
from ..slack.test_interactions import ask_by_mention, button
from ..teams.conftest import CHAMPIONS, invoke_value
from ..teams.conftest import Bot as TeamsBot
from ..teams.conftest import button as card_button


def _at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run ``calls`` in threads released together; their results, in order."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(number: int, call: Callable[[], Any]) -> None:
        start.wait()
        results[number] = call()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _champion_posts(fake: FakeSlack) -> list[dict[str, Any]]:
    return [c.params for c in fake.of("chat.postMessage") if c.params["channel"] == "CCHAMPIONS"]


def _told(fake: FakeSlack, count: int) -> list[str]:
    """What the asker was told in the ephemeral replies to their clicks."""
    return sorted(str(call.params["text"]) for call in fake.wait_for("response_url", count))


# --- Slack ---


def test_in_slack_a_second_click_is_not_posted_again(bot: SlackBot, fake_slack: FakeSlack) -> None:
    missed = ask_by_mention(bot, fake_slack, "where can I park my bicycle", "EvONCE")
    click = with_action(fake_slack, ids.ASK_CHAMPION, button(missed, ids.ASK_CHAMPION)["value"])
    assert bot.interaction(click).status == 200
    assert _told(fake_slack, 1) == [PASSED_TO_CHAMPIONS]
    assert bot.interaction(click).status == 200
    assert _told(fake_slack, 2) == [PASSED_TO_CHAMPIONS, ALREADY_WITH_CHAMPIONS]
    [post] = _champion_posts(fake_slack)
    assert "where can I park my bicycle" in str(post["blocks"])


def test_in_slack_two_clicks_at_once_post_the_question_once(
    bot: SlackBot, fake_slack: FakeSlack
) -> None:
    missed = ask_by_mention(bot, fake_slack, "where can I park my bicycle", "EvTWICE")
    click = with_action(fake_slack, ids.ASK_CHAMPION, button(missed, ids.ASK_CHAMPION)["value"])
    replies = _at_once(lambda: bot.interaction(click), lambda: bot.interaction(click))
    assert [reply.status for reply in replies] == [200, 200]
    # Each click posts (or not) before it tells the asker: both told, every post is made.
    assert _told(fake_slack, 2) == [PASSED_TO_CHAMPIONS, ALREADY_WITH_CHAMPIONS]
    assert len(_champion_posts(fake_slack)) == 1


def test_in_slack_a_question_from_no_logged_interaction_is_posted_once(
    bot: SlackBot, fake_slack: FakeSlack
) -> None:
    """A button whose reply was never logged (the database was away then) carries no
    interaction: the same question, still open, is the one already asked."""
    value = ActionValue("where can I park my bicycle").encode()
    click = with_action(fake_slack, ids.ASK_CHAMPION, value)
    bot.interaction(click)
    assert _told(fake_slack, 1) == [PASSED_TO_CHAMPIONS]
    bot.interaction(click)
    assert _told(fake_slack, 2) == [PASSED_TO_CHAMPIONS, ALREADY_WITH_CHAMPIONS]
    other = with_action(
        fake_slack, ids.ASK_CHAMPION, ActionValue("where is the bike shed").encode()
    )
    bot.interaction(other)
    assert _told(fake_slack, 3) == [
        PASSED_TO_CHAMPIONS,
        PASSED_TO_CHAMPIONS,
        ALREADY_WITH_CHAMPIONS,
    ]
    assert len(_champion_posts(fake_slack)) == 2


def test_in_slack_a_question_answered_can_be_asked_again(
    bot: SlackBot, fake_slack: FakeSlack
) -> None:
    """Only an open question is reused: once answered, asking again asks again."""
    missed = ask_by_mention(bot, fake_slack, "where can I park my bicycle", "EvAGAIN")
    click = with_action(fake_slack, ids.ASK_CHAMPION, button(missed, ids.ASK_CHAMPION)["value"])
    bot.interaction(click)
    assert _told(fake_slack, 1) == [PASSED_TO_CHAMPIONS]
    [post] = _champion_posts(fake_slack)
    submitted = payload(
        "view_submission",
        question_id=button(post, ids.CHAMPION_ANSWER)["value"],
        answer="By the back door.",
    )
    assert bot.interaction(submitted).status == 200
    fake_slack.wait_for("chat.update")

    bot.interaction(click)
    assert _told(fake_slack, 2) == [PASSED_TO_CHAMPIONS, PASSED_TO_CHAMPIONS]
    first, second = _champion_posts(fake_slack)
    assert button(first, ids.CHAMPION_ANSWER) != button(second, ids.CHAMPION_ANSWER)


def test_in_slack_another_person_clicking_the_same_reply_asks_for_themselves(
    bot: SlackBot, fake_slack: FakeSlack
) -> None:
    """The answer goes to whoever asked: someone else's click on the same reply in a channel
    is their own question, not one already on its way to them."""
    missed = ask_by_mention(bot, fake_slack, "where can I park my bicycle", "EvOTHER")
    value = button(missed, ids.ASK_CHAMPION)["value"]
    bot.interaction(with_action(fake_slack, ids.ASK_CHAMPION, value))
    assert _told(fake_slack, 1) == [PASSED_TO_CHAMPIONS]
    other = with_action(fake_slack, ids.ASK_CHAMPION, value, user={"id": "UOTHER", "team_id": "T1"})
    bot.interaction(other)
    assert _told(fake_slack, 2) == [PASSED_TO_CHAMPIONS, PASSED_TO_CHAMPIONS]
    assert len(_champion_posts(fake_slack)) == 2


# --- Teams ---


def _ask_in_teams(teams: TeamsBot) -> dict[str, str]:
    teams.message("what is the best recipe for lasagne")
    [asked] = teams.fake.wait_for(1)
    data: dict[str, str] = card_button(asked.cards[0], "ask_champion")["data"]
    return data


def _posts_to_champions(teams: TeamsBot) -> list[Any]:
    return [sent for sent in teams.fake.quiet() if sent.conversation_id == CHAMPIONS]


def test_in_teams_a_second_click_is_not_posted_again(teams: TeamsBot) -> None:
    clicked = _ask_in_teams(teams)
    assert invoke_value(teams.click(**clicked)) == PASSED_TO_CHAMPIONS
    assert invoke_value(teams.click(**clicked)) == ALREADY_WITH_CHAMPIONS
    [post] = _posts_to_champions(teams)
    assert "lasagne" in str(post.cards)


def test_in_teams_two_clicks_at_once_post_the_question_once(teams: TeamsBot) -> None:
    clicked = _ask_in_teams(teams)
    replies = _at_once(lambda: teams.click(**clicked), lambda: teams.click(**clicked))
    assert sorted(invoke_value(reply) for reply in replies) == [
        PASSED_TO_CHAMPIONS,
        ALREADY_WITH_CHAMPIONS,
    ]
    assert len(_posts_to_champions(teams)) == 1


def test_in_teams_a_question_whose_post_failed_is_posted_on_the_next_click(
    teams: TeamsBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A click after a failed post is not told the question is with the Champions: it posts
    the question kept by the failed click (once the few seconds a post may take are over)."""
    monkeypatch.setattr(champion_desk, "POSTING_S", 0.0)
    clicked = _ask_in_teams(teams)
    teams.fake.fail_next(403)
    assert invoke_value(teams.click(**clicked)) == CHAMPIONS_UNREACHABLE
    [failed] = teams.fake.failed
    assert invoke_value(teams.click(**clicked)) == PASSED_TO_CHAMPIONS
    [post] = _posts_to_champions(teams)
    number = card_button(post.cards[0], "champion_answer")["data"]["value"]
    assert card_button(failed.cards[0], "champion_answer")["data"]["value"] == number, (
        "the same question, not a second one"
    )
    # Posted now: a further click is not posted again, however late.
    assert invoke_value(teams.click(**clicked)) == ALREADY_WITH_CHAMPIONS
    assert len(_posts_to_champions(teams)) == 1

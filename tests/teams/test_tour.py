"""The induction tour in Teams, as a new starter takes it: activities posted to /api/messages,
the fake connector recording what the bot sends. The tour is one card: each click's answer is
the next card, which Teams shows in place of the one clicked."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from bot.adapters.teams.listeners.tour import OPEN_PERSONAL_CHAT, SENT_TO_PERSONAL_CHAT
from bot.core.question import ChannelKind, Context
from bot.induction import wording
from bot.induction.machine import Notice
from bot.induction.report import induction_figures
from bot.storage.interaction_log import utc_now

from .conftest import CHANNEL, TENANT, USER, Bot, activity, buttons, invoke_value, shown_text

RIGHT = [3, 1, 2, 3, 3, 2, 3, 3]  # the quiz's right options, in order
PERSONAL = "a:1Hn4mW8rT2yQ6vB0xK5eJ9cZ3pL7sD1fG8uA2oI4wE6tR0yN5bM3qX7kV9hJ2gF"
STALE = wording.NOTICES[Notice.STALE]


def text(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


def heading(card: dict[str, Any]) -> str:
    """The card's summary: the view's heading for every tour card."""
    return str(card["fallbackText"])


def tour_button(card: dict[str, Any], title: str) -> dict[str, Any]:
    found = [b for b in buttons(card) if b["verb"] == "tour" and b["title"].startswith(title)]
    assert found, f"no tour button {title!r} in {[b['title'] for b in buttons(card)]}"
    return found[0]


def click(teams: Bot, card: dict[str, Any], title: str) -> dict[str, Any]:
    """Click a tour button; Teams shows the card the bot answers with in its place."""
    data = tour_button(card, title)["data"]
    assert data["action"] == "tour"
    assert data["value"].startswith("tour:")
    replacement = invoke_value(teams.click(**data))
    assert isinstance(replacement, dict), replacement
    assert replacement["type"] == "AdaptiveCard"
    assert replacement["version"] == "1.5"
    return replacement


def start(teams: Bot) -> dict[str, Any]:
    assert teams.message("tour").status == 200
    [sent] = teams.fake.wait_for(1)
    assert sent.method == "POST"
    assert sent.conversation_id == PERSONAL
    [card] = sent.cards
    return card


def person() -> Context:
    return Context(ChannelKind.TEAMS, USER, workspace_id=TENANT)


def test_a_new_starter_takes_the_tour_and_quiz_on_one_card(teams: Bot) -> None:
    card = start(teams)
    assert heading(card) == "Step 1 of 11: What the Compact was"
    assert "Welcome. This short tour" in text(card)
    assert [b["title"] for b in buttons(card)] == ["Tell me more", "Next"]
    for number in range(2, 12):
        card = click(teams, card, "Next")
        assert heading(card).startswith(f"Step {number} of 11")
        assert "Back" in [b["title"] for b in buttons(card)]
    assert "Your local Compact: not set up in this assistant yet" in shown_text(card)
    assert "Compact Champions' channel: the channel where Ask a Compact" in shown_text(card)
    card = click(teams, card, "Start the quiz")
    for number, right in enumerate(RIGHT, start=1):
        assert heading(card) == f"Quiz question {number} of 8"
        if number > 1:  # how the last answer went, above the next question
            assert "Right." in text(card)
        card = click(teams, card, f"{right if number < 8 else 1}.")
    assert heading(card) == "Your result: 7 out of 8"
    assert "Not quite. The answer is" in text(card)
    assert "Worth another look" in text(card)
    assert [b["title"] for b in buttons(card)] == ["Step 10: When things go wrong", "Start again"]
    assert len(teams.fake.quiet(0.2)) == 1, "one card, updated in place"

    revisit = click(teams, card, "Step 10")
    assert heading(revisit).startswith("Step 10 of 11")
    assert heading(click(teams, revisit, "Back to your result")) == "Your result: 7 out of 8"
    figures = induction_figures(
        teams.services.chat.database,
        teams.services.chat.store.current.tour,
        since=utc_now().replace(year=2020),
        until=utc_now(),
    )
    assert (figures.started, figures.completed) == (1, 1)
    assert figures.questions[-1].share_right == 0

    restarted = click(teams, card, "Start again")
    assert heading(restarted) == "Step 1 of 11: What the Compact was"
    assert wording.NOTICES[Notice.RESTARTED] in text(restarted)


def test_tell_me_more_back_and_my_progress(teams: Bot) -> None:
    card = click(teams, start(teams), "Next")
    more = click(teams, card, "Tell me more")
    assert heading(more) == "More on step 2 of 11: Where things stand today"
    assert "Is the Compact still in force?" in text(more)
    assert "Source: " in shown_text(more)
    assert "Applies to: Civil Society Covenant (2025)" in shown_text(more)
    back = click(teams, more, "Back to the tour")
    assert heading(back) == "Step 2 of 11: Where things stand today"
    assert heading(click(teams, back, "Back")) == "Step 1 of 11: What the Compact was"

    teams.message("my progress")
    [_, progress] = teams.fake.wait_for(2)
    assert progress.conversation_id == PERSONAL
    assert "You have seen 2 of 11 steps" in progress.text
    resume = click(teams, progress.cards[0], "Resume the tour")
    assert heading(resume) == "Step 1 of 11: What the Compact was"


def test_stale_double_and_forged_clicks_change_nothing_twice(teams: Bot) -> None:
    card = start(teams)
    next_step = tour_button(card, "Next")["data"]
    first, second = (invoke_value(teams.click(**next_step)) for _ in range(2))
    assert heading(first) == heading(second) == "Step 2 of 11: Where things stand today"
    assert STALE not in text(first)
    assert STALE in text(second)
    summary = teams.services.chat.induction.summary(person())
    assert summary is not None
    assert summary.where == "Step 2 of 11"

    forged = invoke_value(teams.click("tour", "tour:answer:option=nine"))
    assert forged == wording.NOT_A_TOUR_BUTTON.replace("*", "")
    assert teams.services.chat.induction.summary(person()).where == "Step 2 of 11"
    assert len(teams.fake.quiet(0.2)) == 1


def test_a_repeated_delivery_starts_the_tour_once(teams: Bot) -> None:
    body = activity("personal_message", text="tour", service_url=teams.fake.service_url)
    assert teams.post(body).status == 200
    assert teams.post(body).status == 200  # Teams delivers it again
    assert len(teams.fake.quiet(0.3)) == 1


def test_tour_asked_in_a_channel_explains_how_to_open_a_personal_chat(teams: Bot) -> None:
    body = activity("channel_mention", text="tour", service_url=teams.fake.service_url)
    assert teams.post(body).status == 200
    [note] = teams.fake.wait_for(1)
    assert note.conversation_id == f"{CHANNEL};messageid={body['id']}"  # in the thread
    assert "under **Apps** in Teams" in note.text
    assert OPEN_PERSONAL_CHAT.split(".")[0] in note.text
    assert teams.services.chat.induction.summary(person()).started is False


def test_tour_asked_in_a_channel_goes_to_the_personal_chat_once_there_is_one(teams: Bot) -> None:
    teams.post(activity("personal_installed", service_url=teams.fake.service_url))
    teams.fake.wait_for(1)  # the greeting
    body = activity("channel_mention", text="tour", service_url=teams.fake.service_url)
    assert teams.post(body).status == 200
    _, tour_card, note = teams.fake.wait_for(3)
    assert tour_card.conversation_id == PERSONAL
    assert heading(tour_card.cards[0]) == "Step 1 of 11: What the Compact was"
    assert note.conversation_id == f"{CHANNEL};messageid={body['id']}"
    assert SENT_TO_PERSONAL_CHAT in note.text

    someone_else = dataclasses.replace(person(), user_id="0f0f0f0f-0000-4000-8000-000000000000")
    assert teams.services.references.personal_chat(someone_else) is None


def test_a_failed_send_to_the_personal_chat_falls_back_to_the_explanation(teams: Bot) -> None:
    teams.post(activity("personal_installed", service_url=teams.fake.service_url))
    teams.fake.wait_for(1)
    teams.fake.fail_next(403)  # the app was uninstalled for this person since
    teams.mention("my progress")
    _, note = teams.fake.wait_for(2)
    assert note.conversation_id.startswith(CHANNEL)
    assert "under **Apps** in Teams" in note.text


def test_the_welcome_offers_the_tour_and_then_resume(teams: Bot) -> None:
    installed = activity("personal_installed", service_url=teams.fake.service_url)
    teams.post(installed)
    [welcome] = teams.fake.wait_for(1)
    [card] = welcome.cards
    assert "New here? The induction tour takes you through" in shown_text(card)
    start_button = [b for b in buttons(card) if b["verb"] == "start_tour"]
    assert [b["title"] for b in start_button] == ["Start the tour"]
    note = invoke_value(teams.click(**start_button[0]["data"]))
    assert note == "Step 1 of 11: What the Compact was"
    _, tour_card = teams.fake.wait_for(2)
    assert tour_card.conversation_id == PERSONAL
    click(teams, tour_card.cards[0], "Next")

    teams.post(activity("personal_installed", service_url=teams.fake.service_url))
    again = teams.fake.wait_for(3)[2].cards[0]  # installed again later: where you are now
    assert "Your induction: You have seen 2 of 11 steps" in shown_text(again)
    resume = [b for b in buttons(again) if b["verb"] == "start_tour"]
    assert resume[0]["title"] == "Resume the tour (Step 2 of 11)"

"""The induction tour in Slack, as a new starter takes it: signed requests to the real HTTP
app, the fake Web API recording what the bot sends. One message is updated in place."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from sqlalchemy import create_engine

from bot.adapters.slack import ids
from bot.adapters.slack.blocks import render
from bot.adapters.slack.wiring import slack_services
from bot.chat.tour_views import tour_view
from bot.induction import wording
from bot.induction.machine import Notice
from bot.induction.progress import ProgressStore
from bot.induction.report import induction_figures
from bot.induction.service import InductionService
from bot.induction.views import LocalContacts, StepView
from bot.knowledge.model import KnowledgeBase
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.interaction_log import utc_now

from .conftest import Bot, StartBot, payload, with_action
from .fake_slack import FakeSlack

KB = KnowledgeBase(entries=())
RIGHT = [3, 1, 2, 3, 3, 2, 3, 3]  # the quiz's right options, in order
DM, USER = "D0DIRECT", "U123ASKER"


def content(params: dict[str, Any]) -> str:
    blocks = params.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return json.dumps(blocks or []) + (params.get("text") or "")


def tour_button(params: dict[str, Any], label: str) -> dict[str, Any]:
    blocks = (
        params["blocks"] if isinstance(params["blocks"], list) else json.loads(params["blocks"])
    )
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id", "").startswith(ids.TOUR) and element["text"][
                "text"
            ].startswith(label):
                return dict(element)
    raise AssertionError(f"no tour button {label!r} in {blocks}")


def dm(bot: Bot, text: str, event_id: str) -> None:
    event = payload("message_im")
    event["event"]["text"], event["event_id"] = text, event_id
    assert bot.event(event).status == 200


def click(
    bot: Bot,
    fake: FakeSlack,
    element: dict[str, Any],
    *,
    ephemeral: bool = False,
    wait_for: str | None = None,
) -> dict[str, Any]:
    """Click a button on the tour message; returns what the bot sent in reply."""
    method = wait_for or ("response_url" if ephemeral else "chat.update")
    before = len(fake.of(method))
    container = {
        "type": "message",
        "message_ts": "1700000000.000001",
        "channel_id": "CGENERAL" if ephemeral else DM,
        "is_ephemeral": ephemeral,
    }
    body = with_action(fake, element["action_id"], element["value"], container=container)
    body["channel"] = {"id": container["channel_id"]}
    assert bot.interaction(body).status == 200
    return fake.wait_for(method, before + 1)[-1].params


def test_a_new_starter_takes_the_tour_in_a_dm_on_one_message(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    dm(bot, "tour", "EvTOUR1")
    [post] = fake_slack.wait_for("chat.postMessage")
    assert post.params["channel"] == DM
    assert post.params["text"] == "Step 1 of 11: What the Compact was"
    assert "Welcome. This short tour" in content(post.params)
    view = post.params
    for number in range(2, 12):
        view = click(bot, fake_slack, tour_button(view, "Next"))
        assert view["channel"] == DM
        assert view["ts"] == "1700000000.000001"  # the same message, updated
        assert f"Step {number} of 11" in view["text"]
    assert "Civil Society Covenant" in json.dumps(fake_slack.of("chat.update")[0].params)
    assert "Your local Compact:* not set up in this assistant yet" in content(view)
    assert "*Compact Champions' channel:* <#CCHAMPIONS>" in content(view)
    view = click(bot, fake_slack, tour_button(view, "Start the quiz"))
    for number, right in enumerate(RIGHT, start=1):
        assert view["text"] == f"Quiz question {number} of 8"
        answer = tour_button(view, f"{right if number < 8 else 1}.")
        view = click(bot, fake_slack, answer)
    assert view["text"] == "Your result: 7 out of 8"
    assert "Step 10: When things go wrong" in content(view)
    assert len(fake_slack.of("chat.postMessage")) == 1, "one message, updated in place"

    figures = induction_figures(
        bot.services.database,  # type: ignore[arg-type]
        bot.services.store.current.tour,
        since=utc_now().replace(year=2020),
        until=utc_now(),
    )
    assert (figures.started, figures.completed) == (1, 1)
    assert figures.questions[-1].share_right == 0


def test_slash_compact_tour_updates_its_private_reply_in_place(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    fields = payload("slash_command", response_url=fake_slack.url)
    fields["text"] = "tour"
    assert bot.command(fields).status == 200
    [first] = fake_slack.wait_for("response_url")
    assert first.params["response_type"] == "ephemeral"
    second = click(bot, fake_slack, tour_button(first.params, "Next"), ephemeral=True)
    assert second["replace_original"] is True
    assert second["text"] == "Step 2 of 11: Where things stand today"
    more = click(bot, fake_slack, tour_button(second, "Tell me more"), ephemeral=True)
    assert more["replace_original"] is True
    assert "Is the Compact still in force?" in content(more)
    assert "*Source:*" in content(more)
    assert "*Applies to:* Civil Society Covenant (2025)" in content(more)
    back = click(bot, fake_slack, tour_button(more, "Back to the tour"), ephemeral=True)
    assert back["text"] == "Step 2 of 11: Where things stand today"
    assert fake_slack.of("chat.postMessage") == []

    fields["text"] = "my progress"
    bot.command(fields)
    progress = fake_slack.wait_for("response_url", 5)[-1].params
    assert "You have seen 2 of 11 steps" in content(progress)
    assert "Resume the tour (Step 2 of 11)" in content(progress)


def test_stale_double_and_repeated_clicks_change_nothing_twice(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    dm(bot, "tour", "EvTOUR2")
    dm(bot, "tour", "EvTOUR2")  # Slack retries the delivery
    [post] = fake_slack.wait_for("chat.postMessage")
    next_step = tour_button(post.params, "Next")
    body = with_action(
        fake_slack,
        next_step["action_id"],
        next_step["value"],
        container={"type": "message", "message_ts": "1.2", "channel_id": DM, "is_ephemeral": False},
    )
    bot.interaction(body)
    bot.interaction(body)  # a double click: both arrive before either is handled
    updates = fake_slack.wait_for("chat.update", 2)
    assert [u.params["text"] for u in updates] == ["Step 2 of 11: Where things stand today"] * 2
    assert len(fake_slack.of("chat.postMessage")) == 1
    stale_note = wording.NOTICES[Notice.STALE]
    assert sum(stale_note in content(u.params) for u in updates) == 1

    later = click(bot, fake_slack, next_step)  # the old step's Next, clicked again later
    assert later["text"] == "Step 2 of 11: Where things stand today"
    assert stale_note in content(later)
    summary = bot.services.induction.summary(  # type: ignore[union-attr]
        dataclasses.replace(_context(), user_id=USER)
    )
    assert summary is not None
    assert summary.where == "Step 2 of 11"


def test_quiz_answers_out_of_turn_are_ignored_politely(bot: Bot, fake_slack: FakeSlack) -> None:
    dm(bot, "tour", "EvTOUR3")
    [post] = fake_slack.wait_for("chat.postMessage")
    view = post.params
    for _ in range(11):
        view = click(
            bot, fake_slack, tour_button(view, "Next" if "Next" in content(view) else "Start")
        )
    assert view["text"] == "Quiz question 1 of 8"
    first = tour_button(view, "3.")
    later_question = dict(first, value=first["value"].replace("question=1", "question=4"))
    ignored = click(bot, fake_slack, later_question)
    assert ignored["text"] == "Quiz question 1 of 8"
    assert wording.NOTICES[Notice.STALE] in content(ignored)
    answered = click(bot, fake_slack, first)
    assert answered["text"] == "Quiz question 2 of 8"
    again = click(bot, fake_slack, first)
    assert again["text"] == "Quiz question 2 of 8"
    assert "You have already answered that question" in content(again)
    forged = click(
        bot, fake_slack, dict(first, value="tour:answer:option=nine"), wait_for="response_url"
    )
    assert "That button no longer works" in forged["text"]
    # "²" passes str.isdigit() but not int(): garbled all the same, not a listener crash.
    garbled = click(
        bot, fake_slack, dict(first, value="tour:answer:question=²"), wait_for="response_url"
    )
    assert "That button no longer works" in garbled["text"]


def test_app_home_offers_start_then_resume_with_progress(bot: Bot, fake_slack: FakeSlack) -> None:
    home = payload("app_home_opened")
    home["event"]["user"], home["event_id"] = USER, "EvHOME1"
    bot.event(home)
    [first] = fake_slack.wait_for("views.publish")
    start = tour_button_home(first.params)
    assert start["text"]["text"] == "Start the tour"
    bot.interaction(with_action(fake_slack, ids.START_TOUR, start["value"]))
    [post] = fake_slack.wait_for("chat.postMessage")
    assert post.params["channel"] == USER  # opens the DM with the bot
    view = click(bot, fake_slack, tour_button(post.params, "Next"))
    click(bot, fake_slack, tour_button(view, "Next"))
    home["event_id"] = "EvHOME2"
    bot.event(home)
    second = fake_slack.wait_for("views.publish", 2)[-1]
    resume = tour_button_home(second.params)
    assert resume["text"]["text"] == "Resume the tour (Step 3 of 11)"
    assert "You have seen 3 of 11 steps" in content(second.params["view"])
    bot.interaction(with_action(fake_slack, ids.START_TOUR, resume["value"]))
    resumed = fake_slack.wait_for("chat.postMessage", 2)[-1].params
    assert resumed["text"] == "Step 3 of 11: Independence and the right to campaign"


def tour_button_home(params: dict[str, Any]) -> dict[str, Any]:
    for block in params["view"]["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == ids.START_TOUR:
                return dict(element)
    raise AssertionError("no tour button on App Home")


def test_with_the_database_down_the_tour_runs_and_says_so_once(
    start_bot: StartBot, slack_settings: Settings, fake_slack: FakeSlack
) -> None:
    services = slack_services(slack_settings)
    down = Database(create_engine("postgresql+psycopg://nobody@127.0.0.1:1/nothing"))
    induction = InductionService(knowledge=services.store, progress=ProgressStore(down))
    bot = start_bot(slack_settings, services=dataclasses.replace(services, induction=induction))
    dm(bot, "tour", "EvTOUR4")
    [post] = fake_slack.wait_for("chat.postMessage")
    assert "can't reach the database just now" in content(post.params)
    view = click(bot, fake_slack, tour_button(post.params, "Next"))
    assert view["text"] == "Step 2 of 11: Where things stand today"
    assert "can't reach the database" not in content(view)


def test_configured_contacts_are_shown_and_never_become_markup() -> None:
    view = StepView(
        11,
        11,
        "Your local Compact",
        "text",
        (),
        local=LocalContacts(
            compact_name="Preston <!channel> *Compact*",
            compact_url="https://example.org/compact",
            champions_contact="Ask <@U999> or [click](https://evil.example)",
        ),
    )
    _, blocks = render(tour_view(view, KB, champions_conversation="CCHAMPIONS"))
    shown = json.dumps(blocks, ensure_ascii=False)
    assert "<!channel>" not in shown
    assert "<@U999>" not in shown
    assert "<https://evil.example" not in shown
    # The label's marks are look-alikes: Slack would make a typed *Compact* bold.
    assert "<https://example.org/compact|Preston &lt;!channel&gt; \u2217Compact\u2217>" in shown
    assert "*Compact*" not in shown
    assert "[click](https://evil.example)" in shown, "shown as typed: not our markdown"
    assert "<#CCHAMPIONS>" in shown
    unsafe = StepView(1, 1, "t", "x", (), local=LocalContacts(compact_url="javascript:alert(1)"))
    assert "<javascript" not in json.dumps(render(tour_view(unsafe, KB))[1])


def _context() -> Any:
    from bot.core.question import ChannelKind, Context

    return Context(ChannelKind.SLACK, USER, workspace_id="T1")


def test_a_mention_asking_for_the_tour_sends_it_to_the_dm(bot: Bot, fake_slack: FakeSlack) -> None:
    mention = payload("app_mention")
    mention["event"]["text"], mention["event_id"] = "<@UBOT> tour", "EvTOURMENTION"
    assert bot.event(mention).status == 200
    posts = fake_slack.wait_for("chat.postMessage", 2)
    [to_dm] = [p.params for p in posts if p.params["channel"] == USER]
    assert to_dm["text"] == "Step 1 of 11: What the Compact was"
    [note] = [p.params for p in posts if p.params["channel"] == "CGENERAL"]
    assert note["text"] == "I've sent you the induction tour in a direct message."
    assert note["thread_ts"] == "1700000100.000100"

"""Buttons, the Champions' modal, App Home, admin commands and the digest."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.adapters.slack import ids
from bot.adapters.slack.listeners import home
from bot.chat.action_values import ActionValue
from bot.core.recording import FeedbackKind
from bot.core.throttled_log import ThrottledLog
from bot.errors import DatabaseError
from bot.settings import Settings
from bot.storage.interaction_log import InteractionLog

from .conftest import Bot, StartBot, payload, with_action
from .fake_slack import FakeSlack
from .test_events import visible


def ask_by_mention(bot: Bot, fake: FakeSlack, text: str, event_id: str = "EvASK") -> dict:  # type: ignore[type-arg]
    event = payload("app_mention")
    event["event"]["text"] = f"<@UBOT> {text}"
    event["event_id"] = event_id
    before = len(fake.of("chat.postMessage"))
    bot.event(event)
    return fake.wait_for("chat.postMessage", before + 1)[-1].params


def button(params: dict, action: str) -> dict:  # type: ignore[type-arg]
    blocks = (
        params["blocks"] if isinstance(params["blocks"], list) else json.loads(params["blocks"])
    )
    for block in blocks:
        for element in block.get("elements", []) + (
            [block["accessory"]] if "accessory" in block else []
        ):
            if element.get("action_id", "").startswith(action):
                found: dict[Any, Any] = element
                return found
    raise AssertionError(f"no {action} button in {blocks}")


def log_of(bot: Bot) -> InteractionLog:
    log = bot.services.assistant.log
    assert isinstance(log, InteractionLog)
    return log


def test_helpful_and_not_helpful_are_recorded(bot: Bot, fake_slack: FakeSlack) -> None:
    posted = ask_by_mention(bot, fake_slack, "how much notice must we give before ending a grant?")
    helpful = button(posted, ids.HELPFUL)
    # Clicks are handled concurrently, so each waits for its response, as a person would.
    assert bot.interaction(with_action(fake_slack, ids.HELPFUL, helpful["value"])).status == 200
    [thanks] = fake_slack.wait_for("response_url")
    assert "glad it helped" in thanks.params["text"]
    assert bot.interaction(with_action(fake_slack, ids.NOT_HELPFUL, helpful["value"])).status == 200
    flagged = fake_slack.wait_for("response_url", 2)[-1]
    assert "flagged" in flagged.params["text"]
    value = ActionValue.decode(helpful["value"])
    kinds = [(f.kind, f.entry_id) for f in log_of(bot).feedback_for(value.interaction_id or 0)]
    assert kinds == [
        (FeedbackKind.HELPFUL, "funding-notice"),
        (FeedbackKind.NOT_HELPFUL, "funding-notice"),
    ]


def test_did_you_mean_buttons_answer_and_record_the_choice(bot: Bot, fake_slack: FakeSlack) -> None:
    posted = ask_by_mention(bot, fake_slack, "consultation")
    option = button(posted, ids.CHOOSE)
    assert "None of these" in json.dumps(posted["blocks"])
    bot.interaction(with_action(fake_slack, option["action_id"], option["value"]))
    [response] = fake_slack.wait_for("response_url")
    assert response.params["replace_original"] is True
    value = ActionValue.decode(option["value"])
    [chosen] = log_of(bot).feedback_for(value.interaction_id or 0)
    assert (chosen.kind, chosen.entry_id) == (FeedbackKind.CHOSE, value.entry_id)

    none = button(posted, ids.NONE_OF_THESE)
    bot.interaction(with_action(fake_slack, ids.NONE_OF_THESE, none["value"]))
    second = fake_slack.wait_for("response_url", 2)[-1]
    assert "none of those fitted" in json.dumps(second.params)
    assert (
        log_of(bot).feedback_for(value.interaction_id or 0)[-1].kind is FeedbackKind.NONE_OF_THESE
    )


def test_related_questions_and_topics(bot: Bot, fake_slack: FakeSlack) -> None:
    posted = ask_by_mention(bot, fake_slack, "how much notice must we give before ending a grant?")
    related = button(posted, ids.RELATED)
    bot.interaction(with_action(fake_slack, related["action_id"], related["value"]))
    answer = fake_slack.wait_for("chat.postMessage", 2)[-1]
    assert answer.params["thread_ts"] == "1700000100.000100"
    assert "Equality Impact Assessment" in json.dumps(
        answer.params["blocks"]
    ) or "impact" in json.dumps(answer.params["blocks"])
    missed = ask_by_mention(bot, fake_slack, "where can I park my bicycle", "EvPARK")
    topics = button(missed, ids.SHOW_TOPICS)
    bot.interaction(with_action(fake_slack, ids.SHOW_TOPICS, topics["value"]))
    assert "Procurement and commissioning" in json.dumps(
        fake_slack.wait_for("response_url")[-1].params
    )


def test_a_local_answer_is_labelled_and_offers_the_national_one(
    start_bot: StartBot, slack_settings: Settings, fake_slack: FakeSlack
) -> None:
    local = Path(__file__).resolve().parents[1] / "fixtures" / "local_compact"
    settings = slack_settings.model_copy(
        update={
            "local_kb": local,
            "local_compact_name": "Exampleshire Compact",
            "champions_contact": "<!channel> Sam Patel, Compact lead",
        }
    )
    bot = start_bot(settings)
    posted = ask_by_mention(bot, fake_slack, "how much notice must we give before ending a grant?")
    shown = json.dumps(posted["blocks"])
    assert "*Your local Compact (Exampleshire Compact)*" in shown
    assert "four months" in shown
    national = button(posted, ids.RELATED)
    assert national["text"]["text"].startswith("What the national Compact said")
    bot.interaction(with_action(fake_slack, national["action_id"], national["value"]))
    answer = json.dumps(fake_slack.wait_for("chat.postMessage", 2)[-1].params["blocks"])
    assert "three months" in answer
    assert "*Who this binds now:* The three-month rule comes from the national Compact" in answer
    lead = json.dumps(ask_by_mention(bot, fake_slack, "contact our compact lead", "EvLEAD"))
    assert "Sam Patel, Compact lead" in lead
    assert "<!channel>" not in lead, "a setting's text is escaped like any other"


def test_share_in_channel_posts_for_everyone(bot: Bot, fake_slack: FakeSlack) -> None:
    fields = payload("slash_command", response_url=fake_slack.url)
    bot.command(fields)
    ephemeral = fake_slack.wait_for("response_url")[0]
    share = button(ephemeral.params, ids.SHARE)
    body = with_action(fake_slack, ids.SHARE, share["value"])
    body["container"]["is_ephemeral"] = True
    bot.interaction(body)
    shared, deleted = fake_slack.wait_for("response_url", 3)[1:3]
    assert shared.params["response_type"] == "in_channel"
    assert "<@U123ASKER> shared an answer" in json.dumps(shared.params)
    assert deleted.params["delete_original"] is True


def test_compact_champions_flow(bot: Bot, fake_slack: FakeSlack, kb_copy: Path) -> None:
    missed = ask_by_mention(
        bot, fake_slack, "can volunteers claim <!channel> travel expenses?", "EvCHAMP"
    )
    ask = button(missed, ids.ASK_CHAMPION)
    bot.interaction(with_action(fake_slack, ids.ASK_CHAMPION, ask["value"]))
    posts = fake_slack.wait_for("chat.postMessage", 2)
    champions = posts[-1]
    assert champions.params["channel"] == "CCHAMPIONS"
    shown = " ".join(visible(champions.params["blocks"]))
    # The question stands alone: plain text, which Slack never parses for mentions.
    [typed] = [b["text"] for b in champions.params["blocks"] if "volunteers" in str(b)]
    assert typed == {
        "type": "plain_text",
        "text": "can volunteers claim <!channel> travel expenses?",
        "emoji": False,
    }
    assert "<!channel>" not in champions.params["text"]
    assert "Open" in shown
    assert "passed your question" in fake_slack.wait_for("response_url")[-1].params["text"]

    answer_button = button(champions.params, ids.CHAMPION_ANSWER)
    bot.interaction(
        with_action(
            fake_slack,
            ids.CHAMPION_ANSWER,
            answer_button["value"],
            user={"id": "UCHAMPION", "team_id": "T1"},
        )
    )
    [opened] = fake_slack.wait_for("views.open")
    view = (
        opened.params["view"]
        if isinstance(opened.params["view"], dict)
        else json.loads(opened.params["view"])
    )
    assert view["callback_id"] == ids.CHAMPION_MODAL

    empty = payload("view_submission", question_id=view["private_metadata"], answer="")
    refused = bot.interaction(empty)
    assert json.loads(refused.body)["response_action"] == "errors"

    submitted = payload(
        "view_submission",
        question_id=view["private_metadata"],
        answer="Yes: agree a mileage rate in the grant.",
    )
    assert bot.interaction(submitted).status == 200
    to_asker = fake_slack.wait_for("chat.postMessage", 3)[-1]
    assert to_asker.params["channel"] == "U123ASKER"
    assert "mileage rate" in to_asker.params["text"]
    [update] = fake_slack.wait_for("chat.update")
    assert "Answered" in json.dumps(update.params["blocks"])
    assert ids.CHAMPION_ANSWER not in json.dumps(update.params["blocks"]), "no second answer"
    [draft] = (kb_copy / "drafts").glob("*.yml")
    assert (
        yaml.safe_load(draft.read_text())["entries"][0]["answer"]
        == "Yes: agree a mileage rate in the grant."
    )


def test_app_home_shows_topics_tour_and_gaps_for_reviewers(bot: Bot, fake_slack: FakeSlack) -> None:
    ask_by_mention(bot, fake_slack, "where can I park my bicycle", "EvGAP")
    assert bot.event(payload("app_home_opened")).status == 200
    [published] = fake_slack.wait_for("views.publish")
    assert published.params["user_id"] == "UADMIN"
    view = json.dumps(published.params["view"])
    assert "Start the tour" in view
    assert "being prepared" not in view
    assert "Funding" in view
    assert "Top open gaps" in view
    assert "park my bicycle" in view

    other = payload("app_home_opened")
    other["event"]["user"], other["event_id"] = "U123ASKER", "EvHOME2"
    bot.event(other)
    second = fake_slack.wait_for("views.publish", 2)[-1]
    assert "Top open gaps" not in json.dumps(second.params["view"])

    bot.interaction(with_action(fake_slack, ids.START_TOUR, "tour:start"))
    started = fake_slack.wait_for("chat.postMessage", 2)[-1].params
    assert started["text"] == "Step 1 of 11: What the Compact was"
    topic = with_action(fake_slack, ids.numbered(ids.SHOW_TOPIC, 0), "About the Compact")
    bot.interaction(topic)
    [opened] = fake_slack.wait_for("views.open")
    assert "What is the Compact?" in json.dumps(opened.params["view"])


def test_admin_commands(bot: Bot, fake_slack: FakeSlack, kb_copy: Path) -> None:
    def command(text: str, user: str = "UADMIN", channel: str = "CGENERAL") -> str:
        fields = payload("slash_command", response_url=fake_slack.url)
        fields.update(text=text, user_id=user, channel_id=channel)
        count = len(fake_slack.of("response_url"))
        bot.command(fields)
        return str(fake_slack.wait_for("response_url", count + 1)[-1].params["text"])

    assert "Only Compact Assistant admins" in command("reload", user="U123ASKER")
    assert "Reloaded the knowledge base" in command("reload", user="U123ASKER", channel="CREVIEW")
    (kb_copy / "funding.yml").write_text(
        "topic: Funding\nentries:\n  - id: broken\n    question: [\n"
    )
    refused = command("reload")
    assert "was not reloaded" in refused
    assert "funding.yml" in refused
    assert "funding-notice" in bot.services.store.current.kb, (
        "the old knowledge base keeps answering"
    )
    assert "Last 7 days" in command("stats")


def test_app_home_says_when_the_open_gaps_cannot_be_loaded(
    bot: Bot,
    fake_slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def away() -> None:
        raise DatabaseError("the interaction log's database did not answer")

    assert bot.services.themes is not None
    monkeypatch.setattr(bot.services.themes, "refresh", away)
    # The line is throttled per process: start from a fresh throttle, as a new process would.
    monkeypatch.setattr(home, "failures", ThrottledLog(home.log))
    with caplog.at_level(logging.WARNING):
        assert bot.event(payload("app_home_opened")).status == 200
        [published] = fake_slack.wait_for("views.publish")
    view = json.dumps(published.params["view"])
    assert "Top open gaps" in view
    assert "could not be loaded just now" in view
    assert "Funding" in view  # the rest of App Home is there
    [line] = [r for r in caplog.records if "App Home" in r.getMessage()]
    assert line.exc_info is None  # one line, no traceback


def test_an_ask_a_champion_click_without_a_question_posts_nothing_to_the_champions(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    # Not a value this app wrote (an old or altered button): the Champions got "A question
    # for the Compact Champions: " with nothing after it.
    for value in ("garbage", '{"q": "   "}', ""):
        bot.interaction(with_action(fake_slack, ids.ASK_CHAMPION, value))
    replies = fake_slack.wait_for("response_url", 3)
    assert all("That button no longer works" in r.params["text"] for r in replies)
    assert fake_slack.of("chat.postMessage") == []


def test_an_answer_click_or_form_for_no_champion_question_says_the_button_is_gone(
    bot: Bot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    # A question purged from the log, or a value this app did not write: it was int() of the
    # value, then a lookup, each a listener traceback (and, when quick enough, Bolt's 404).
    caplog.set_level(logging.INFO)
    values = ("12345", "abc", "99999999999999999999", "", "²")
    for value in values:
        reply = bot.interaction(
            with_action(
                fake_slack, ids.CHAMPION_ANSWER, value, user={"id": "UCHAMPION", "team_id": "T1"}
            )
        )
        assert reply.status == 200, (value, reply)
    replies = fake_slack.wait_for("response_url", len(values))
    assert all("That button no longer works" in r.params["text"] for r in replies)
    for metadata, said in (
        ("12345", "There is no Champion question 12345."),
        ("abc", "That button no longer works"),
    ):
        submitted = payload("view_submission", question_id=metadata, answer="Yes.")
        refused = json.loads(bot.interaction(submitted).body)
        assert refused["response_action"] == "errors"
        assert said in json.dumps(refused["errors"])
    assert fake_slack.of("views.open") == []
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.WARNING] == []


def test_a_button_value_naming_an_interaction_no_row_can_have_is_not_looked_up(
    bot: Bot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    # An id beyond what the database stores was an OverflowError (a listener traceback and,
    # when quick, Bolt's 404); true read as interaction 1 ("No interaction True in the log").
    caplog.set_level(logging.INFO)
    actions = (ids.HELPFUL, ids.NOT_HELPFUL, ids.NONE_OF_THESE, ids.ASK_CHAMPION)
    for interaction in ("99999999999999999999", "true"):
        value = f'{{"q":"can we claim mileage?","i":{interaction},"e":"funding-notice"}}'
        for action in actions:
            reply = bot.interaction(with_action(fake_slack, action, value))
            assert reply.status == 200, (action, value, reply)
    fake_slack.wait_for("response_url", 2 * len(actions))
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    assert "True" not in caplog.text


def test_a_champion_form_without_its_answer_field_is_refused_like_an_empty_answer(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    # Slack always sends the form's state; without it the listener failed with a KeyError
    # (a traceback and a 500).
    caplog.set_level(logging.INFO)
    submitted = payload("view_submission", question_id="1", answer="Yes.")
    without_state = {k: v for k, v in submitted["view"].items() if k != "state"}
    for view in (without_state, {**without_state, "state": {"values": {}}}):
        reply = bot.interaction({**submitted, "view": view})
        assert reply.status == 200, reply
        refused = json.loads(reply.body)
        assert refused["response_action"] == "errors"
        assert "Please write an answer." in json.dumps(refused["errors"])
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []

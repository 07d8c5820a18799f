"""Button clicks: feedback, did-you-mean choices, related questions, sharing, topics, and the
review channel's triage buttons. Every click is recorded against its interaction."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.adapters.slack import ids
from bot.adapters.slack.blocks import (
    none_of_these_blocks,
    reply_blocks,
    section,
    shared_blocks,
    topics_block,
)
from bot.adapters.slack.payloads import ButtonValue, question_from_action
from bot.adapters.slack.services import SlackServices
from bot.adapters.slack.views import topic_modal
from bot.core.replies import Answer
from bot.knowledge.model import KnowledgeBase
from bot.review.themes import ThemeStatus


def _value(body: dict[str, Any]) -> ButtonValue:
    return ButtonValue.decode((body.get("actions") or [{}])[0].get("value"))


def _user(body: dict[str, Any]) -> str | None:
    return (body.get("user") or {}).get("id")


def register(app: App, services: SlackServices) -> None:
    def kb() -> KnowledgeBase:
        return services.store.current.kb  # always the knowledge base being served now

    def feedback(body: dict[str, Any], respond: Respond, *, helpful: bool) -> None:
        value = _value(body)
        services.assistant.feedback(
            question_from_action(body, value.question),
            value.interaction_id,
            helpful=helpful,
            entry_id=value.entry_id,
        )
        thanks = (
            "Thanks, glad it helped."
            if helpful
            else "Thanks. I've flagged that answer for the Compact review group."
        )
        respond(response_type="ephemeral", replace_original=False, text=thanks)

    @app.action(ids.HELPFUL)
    def on_helpful(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        feedback(body, respond, helpful=True)

    @app.action(ids.NOT_HELPFUL)
    def on_not_helpful(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        feedback(body, respond, helpful=False)

    @app.action(ids.matcher(ids.CHOOSE))
    def on_choose(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        value = _value(body)
        reply = services.assistant.choose(
            question_from_action(body, value.question),
            value.entry_id,
            interaction_id=value.interaction_id,
        )
        text, blocks = reply_blocks(reply, kb())
        respond(replace_original=True, text=text, blocks=blocks)

    @app.action(ids.NONE_OF_THESE)
    def on_none(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        value = _value(body)
        services.assistant.choose(
            question_from_action(body, value.question), None, interaction_id=value.interaction_id
        )
        respond(
            replace_original=True,
            text="Noted: none of those fitted.",
            blocks=none_of_these_blocks(),
        )

    @app.action(ids.matcher(ids.RELATED))
    def on_related(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        value = _value(body)
        reply = services.assistant.ask(question_from_action(body, value.question))
        text, blocks = reply_blocks(reply, kb())
        container = body.get("container") or {}
        if body.get("view") is not None:  # from the App Home topic list: answer in the DM
            client.chat_postMessage(channel=_user(body) or "", text=text, blocks=blocks)
        elif container.get("is_ephemeral"):
            respond(response_type="ephemeral", replace_original=False, text=text, blocks=blocks)
        else:
            message = body.get("message") or {}
            client.chat_postMessage(
                channel=container.get("channel_id") or "",
                thread_ts=message.get("thread_ts") or message.get("ts"),
                text=text,
                blocks=blocks,
            )

    @app.action(ids.SHARE)
    def on_share(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        value = _value(body)
        entry = kb().get(value.entry_id or "")
        if entry is None:
            respond(
                response_type="ephemeral",
                replace_original=False,
                text="That answer is no longer in the knowledge base.",
            )
            return
        question = question_from_action(body, value.question)
        answer = Answer(question, entry, 1.0, related=kb().related_to(entry))
        text, blocks = shared_blocks(_user(body) or "", answer, kb())
        respond(response_type="in_channel", replace_original=False, text=text, blocks=blocks)
        respond(delete_original=True)

    @app.action(ids.SHOW_TOPICS)
    def on_topics(ack: Ack, respond: Respond) -> None:
        ack()
        respond(
            response_type="ephemeral",
            replace_original=False,
            text="Topics",
            blocks=[section("*Topics I cover:*"), topics_block(kb().topics())],
        )

    @app.action(ids.matcher(ids.SHOW_TOPIC))
    def on_topic(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        name = (body.get("actions") or [{}])[0].get("value")
        topic = next((t for t in kb().topics() if t.name == name), None)
        if topic is not None:
            client.views_open(trigger_id=body["trigger_id"], view=topic_modal(topic))

    def triage(body: dict[str, Any], respond: Respond, status: ThemeStatus) -> None:
        theme_id = (body.get("actions") or [{}])[0].get("value", "")
        user = _user(body)
        if services.themes is None or not services.is_admin(
            user, (body.get("channel") or {}).get("id")
        ):
            respond(
                response_type="ephemeral",
                replace_original=False,
                text="Only the review group can triage themes.",
            )
            return
        theme = services.themes.triage(theme_id, status=status, note=f"Set from Slack by <@{user}>")
        respond(
            response_type="ephemeral",
            replace_original=False,
            text=f"Theme {theme.id} is now {theme.status.value.replace('_', ' ')}.",
        )

    @app.action(ids.matcher(ids.THEME_IN_REVIEW))
    def on_in_review(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        triage(body, respond, ThemeStatus.IN_REVIEW)

    @app.action(ids.matcher(ids.THEME_IGNORE))
    def on_ignore(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        triage(body, respond, ThemeStatus.IGNORED)

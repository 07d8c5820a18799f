"""Button clicks: feedback, did-you-mean choices, related questions, sharing, topics and the
review channel's triage (the tour's are in ``tour``). What each does is ``bot.chat.clicks``; here is only where
Slack shows the result."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.adapters.slack import ids
from bot.adapters.slack.blocks import message, render
from bot.adapters.slack.payloads import action_context, action_value, clicked_value, clicker
from bot.adapters.slack.views import topic_modal
from bot.chat import clicks
from bot.chat.services import ChatServices
from bot.chat.views import View
from bot.review.themes import ThemeStatus


def _private(respond: Respond, view: View) -> None:
    """Shown to the person who clicked, below the message."""
    respond(response_type="ephemeral", replace_original=False, **message(view))


def register(app: App, services: ChatServices) -> None:
    @app.action(ids.HELPFUL)
    def on_helpful(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        _private(
            respond,
            clicks.feedback(services, action_context(body), action_value(body), helpful=True),
        )

    @app.action(ids.NOT_HELPFUL)
    def on_not_helpful(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        _private(
            respond,
            clicks.feedback(services, action_context(body), action_value(body), helpful=False),
        )

    @app.action(ids.matcher(ids.CHOOSE))
    def on_choose(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        text, blocks = render(clicks.choose(services, action_context(body), action_value(body)))
        respond(replace_original=True, text=text, blocks=blocks)

    @app.action(ids.NONE_OF_THESE)
    def on_none(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        view = clicks.none_of_these(services, action_context(body), action_value(body))
        text, blocks = render(view)
        respond(replace_original=True, text=text, blocks=blocks)

    @app.action(ids.matcher(ids.RELATED))
    def on_related(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        text, blocks = render(clicks.related(services, action_context(body), action_value(body)))
        container = body.get("container") or {}
        if body.get("view") is not None:  # from the App Home topic list: answer in the DM
            client.chat_postMessage(channel=clicker(body) or "", text=text, blocks=blocks)
        elif container.get("is_ephemeral"):
            respond(response_type="ephemeral", replace_original=False, text=text, blocks=blocks)
        else:
            posted = body.get("message") or {}
            client.chat_postMessage(
                channel=container.get("channel_id") or "",
                thread_ts=posted.get("thread_ts") or posted.get("ts"),
                text=text,
                blocks=blocks,
            )

    @app.action(ids.SHARE)
    def on_share(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        view = clicks.shared(services, action_context(body), action_value(body))
        if view is None:
            _private(respond, clicks.answer_gone())
            return
        text, blocks = render(view)
        respond(response_type="in_channel", replace_original=False, text=text, blocks=blocks)
        respond(delete_original=True)

    @app.action(ids.SHOW_TOPICS)
    def on_topics(ack: Ack, respond: Respond) -> None:
        ack()
        _private(respond, clicks.topics(services))

    @app.action(ids.matcher(ids.SHOW_TOPIC))
    def on_topic(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        name = clicked_value(body)
        topic = next((t for t in services.store.current.kb.topics() if t.name == name), None)
        if topic is not None:
            client.views_open(trigger_id=body["trigger_id"], view=topic_modal(topic))

    def triage(body: dict[str, Any], respond: Respond, status: ThemeStatus) -> None:
        _private(
            respond, clicks.triage(services, action_context(body), clicked_value(body), status)
        )

    @app.action(ids.matcher(ids.THEME_IN_REVIEW))
    def on_in_review(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        triage(body, respond, ThemeStatus.IN_REVIEW)

    @app.action(ids.matcher(ids.THEME_IGNORE))
    def on_ignore(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        triage(body, respond, ThemeStatus.IGNORED)

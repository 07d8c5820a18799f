"""Ask a Compact Champion in Slack: the flow is ``bot.chat.champions``; here the post goes to
the Champions' channel, the answer is collected in a modal, and it reaches the asker by DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.adapters.slack import ids
from bot.adapters.slack.blocks import message, render
from bot.adapters.slack.payloads import action_context, action_value, clicked_value, clicker
from bot.adapters.slack.views import champion_modal
from bot.chat import champions
from bot.chat.services import ChatServices
from bot.chat.views import View
from bot.errors import ReviewActionError


def register(app: App, services: ChatServices) -> None:
    @app.action(ids.ASK_CHAMPION)
    def on_ask(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        escalation = champions.escalate(services, action_context(body), action_value(body))
        if isinstance(escalation, View):
            respond(response_type="ephemeral", replace_original=False, **message(escalation))
            return
        text, blocks = render(escalation.post)
        posted = client.chat_postMessage(channel=escalation.conversation, text=text, blocks=blocks)
        champions.record_post(
            services,
            escalation.question.id,
            conversation=str(posted["channel"]),
            message=str(posted["ts"]),
        )
        respond(response_type="ephemeral", replace_original=False, **message(escalation.to_asker))

    @app.action(ids.CHAMPION_ANSWER)
    def on_answer_button(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        question = champions.open_for_answer(services, clicked_value(body))
        if isinstance(question, View):
            respond(response_type="ephemeral", replace_original=False, **message(question))
            return
        client.views_open(
            trigger_id=body["trigger_id"], view=champion_modal(question.id, question.question)
        )

    @app.view(ids.CHAMPION_MODAL)
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        # Slack sends the form's state; a request that leaves it out answers nothing.
        values = (view.get("state") or {}).get("values") or {}
        text = ((values.get(ids.ANSWER_BLOCK) or {}).get(ids.ANSWER_INPUT) or {}).get("value")
        text = text or ""
        try:
            answered = champions.answer(
                services, view.get("private_metadata"), champion=clicker(body) or "", text=text
            )
        except ReviewActionError as exc:
            ack(response_action="errors", errors={ids.ANSWER_BLOCK: str(exc)})
            return
        ack()
        client.chat_postMessage(channel=answered.question.asker, **message(answered.to_asker))
        question = answered.question
        if question.channel and question.message_ts:
            text, blocks = render(answered.post)
            client.chat_update(
                channel=question.channel, ts=question.message_ts, text=text, blocks=blocks
            )

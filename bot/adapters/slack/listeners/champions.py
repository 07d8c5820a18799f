"""Ask a Compact Champion: post to the Champions' channel, collect an answer in a modal,
send it to the asker, and keep it as a draft entry for the review group."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.adapters.slack import ids
from bot.adapters.slack.mrkdwn import escape, to_mrkdwn
from bot.adapters.slack.payloads import ButtonValue
from bot.adapters.slack.services import SlackServices
from bot.adapters.slack.views import champion_modal, champion_post
from bot.errors import ReviewActionError

NOT_SET_UP = (
    "No Compact Champions channel is set up yet, so I can't pass this on. Ask your "
    "administrator to set COMPACT_CHAMPIONS_CHANNEL."
)


def register(app: App, services: SlackServices) -> None:
    @app.action(ids.ASK_CHAMPION)
    def on_ask(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        channel = services.settings.champions_channel
        if services.champions is None or not channel:
            respond(response_type="ephemeral", replace_original=False, text=NOT_SET_UP)
            return
        value = ButtonValue.decode((body.get("actions") or [{}])[0].get("value"))
        user = (body.get("user") or {}).get("id") or ""
        team = (body.get("team") or {}).get("id")
        question = services.champions.open(
            team_id=team, asker=user, question=value.question, interaction_id=value.interaction_id
        )
        text, blocks = champion_post(question.id, question.question)
        posted = client.chat_postMessage(channel=channel, text=text, blocks=blocks)
        services.champions.posted(question.id, channel=str(posted["channel"]), ts=str(posted["ts"]))
        respond(
            response_type="ephemeral",
            replace_original=False,
            text="I've passed your question to the Compact Champions. Their answer will come to you here.",
        )

    @app.action(ids.CHAMPION_ANSWER)
    def on_answer_button(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        if services.champions is None:
            return
        question = services.champions.get(int((body.get("actions") or [{}])[0].get("value", "0")))
        if question.status == "answered":
            respond(
                response_type="ephemeral",
                replace_original=False,
                text=f"<@{question.answered_by}> has already answered this.",
            )
            return
        client.views_open(
            trigger_id=body["trigger_id"], view=champion_modal(question.id, question.question)
        )

    @app.view(ids.CHAMPION_MODAL)
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        answer = (
            view["state"]["values"][ids.ANSWER_BLOCK][ids.ANSWER_INPUT].get("value") or ""
        ).strip()
        if not answer:
            ack(response_action="errors", errors={ids.ANSWER_BLOCK: "Please write an answer."})
            return
        if services.champions is None:
            ack()
            return
        champion = (body.get("user") or {}).get("id") or ""
        try:
            question, _draft = services.champions.answer(
                int(view["private_metadata"]), champion=champion, answer=answer
            )
        except ReviewActionError as exc:
            ack(response_action="errors", errors={ids.ANSWER_BLOCK: str(exc)})
            return
        ack()
        reply = f"*A Compact Champion answered your question* _{escape(question.question)}_:\n{to_mrkdwn(answer)}"
        client.chat_postMessage(channel=question.asker, text=reply)
        if question.channel and question.message_ts:
            text, blocks = champion_post(question.id, question.question, answered_by=champion)
            client.chat_update(
                channel=question.channel, ts=question.message_ts, text=text, blocks=blocks
            )

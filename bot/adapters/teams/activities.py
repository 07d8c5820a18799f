"""Teams activities as the neutral values the chat services take: who, where, and what.

A person is known by their Microsoft Entra object id where Teams gives it (the admins setting
lists those), a conversation by its id without the thread (so a channel is one conversation),
and the reply goes to the conversation exactly as the activity names it: in a channel that
is the thread the person wrote in.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.adapters.teams.references import Address, Reference, base_conversation_id
from bot.core.question import ChannelKind, Context, Question

if TYPE_CHECKING:
    from microsoft_teams.api import ActivityBase
    from microsoft_teams.api.activities.message.message import MessageActivity

_AT_TAG = re.compile(r"</?at>")


@dataclass(frozen=True, slots=True)
class Arrival:
    """Where an activity came from and who sent it."""

    context: Context
    reply_to: Address
    reference: Reference
    user_name: str
    tenant_id: str | None
    delivery_id: str  # unique per conversation and activity, for the once-only claim


def arrival(activity: ActivityBase) -> Arrival:
    conversation = activity.conversation
    tenant = conversation.tenant_id or _channel_data_tenant(activity)
    team = (
        activity.channel_data.team.id
        if activity.channel_data and activity.channel_data.team
        else None
    )
    kind = str(conversation.conversation_type or "personal")
    sender = activity.from_
    address = Address((activity.service_url or "").rstrip("/"), conversation.id)
    context = Context(
        ChannelKind.TEAMS,
        (sender.aad_object_id or sender.id).lower(),
        address.base_id,
        tenant,
    )
    return Arrival(
        context,
        address,
        Reference(address, kind, tenant, team, context if kind == "personal" else None),
        sender.name or "",
        tenant,
        f"{base_conversation_id(conversation.id)}|{activity.id or ''}",
    )


def question_text(activity: MessageActivity) -> str:
    """What the person asked: the bot's @mention removed, other mentions kept as names."""
    text = activity.text or ""
    bot = activity.recipient.id
    for entity in activity.entities or []:
        mentioned = getattr(entity, "mentioned", None)
        tag = getattr(entity, "text", None)
        if mentioned is not None and tag and mentioned.id == bot:
            text = text.replace(tag, " ")
    return " ".join(html.unescape(_AT_TAG.sub("", text)).split())


def question(activity: MessageActivity, where: Arrival) -> Question:
    return Question(question_text(activity), where.context)


def _channel_data_tenant(activity: ActivityBase) -> str | None:
    data = activity.channel_data
    return data.tenant.id if data is not None and data.tenant is not None else None

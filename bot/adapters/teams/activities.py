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
# What no conversation id Teams sends holds: white space, control characters (a line break
# makes the send fail), halves of surrogate pairs, and the characters that would change the
# connector address the id is put in (".../v3/conversations/{id}/activities"): "/", "\\",
# "?", "#" or "%" there could have a reply posted into another conversation.
_NOT_IN_AN_ID = re.compile("[\\s\x00-\x1f\x7f-\x9f\ud800-\udfff/\\\\?#%]")
ID_LIMIT = 512  # the longest conversation id the database keeps


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


def address_problem(activity: ActivityBase) -> str | None:
    """Why no reply could be sent to the conversation ``activity`` names, in one line
    ("conversation.id holds a line break"), or None. Teams never sends such an id; a request
    that does is not answered (see ``routes``)."""
    conversation_id = activity.conversation.id
    if not conversation_id:
        return "conversation.id is empty"
    if len(conversation_id) > ID_LIMIT:
        return f"conversation.id is longer than {ID_LIMIT} characters"
    found = _NOT_IN_AN_ID.search(conversation_id)
    if found is None:
        return None
    character = found.group()
    named = _NAMES.get(character) or f"the character U+{ord(character):04X}"
    return f"conversation.id holds {named}, which no Teams conversation id has"


_NAMES = {"\n": "a line break", "\r": "a carriage return", " ": "a space", "\t": "a tab"}


def question_text(activity: MessageActivity) -> str:
    """What the person asked: the bot's @mention removed, other mentions kept as names."""
    text = activity.text or ""
    bot = activity.recipient.id
    for entity in activity.entities or []:
        tag = getattr(entity, "text", None)
        if isinstance(tag, str) and tag and _mentioned_id(entity) == bot:
            text = text.replace(tag, " ")
    return " ".join(html.unescape(_AT_TAG.sub("", text)).split())


def _mentioned_id(entity: object) -> str | None:
    """Who a mention entity names. An entity the SDK has no model for (one without its
    ``type``, say) keeps its fields as they came: ``mentioned`` may then be a dict."""
    mentioned = getattr(entity, "mentioned", None)
    found = mentioned.get("id") if isinstance(mentioned, dict) else getattr(mentioned, "id", None)
    return found if isinstance(found, str) else None


def question(activity: MessageActivity, where: Arrival) -> Question:
    return Question(question_text(activity), where.context)


def _channel_data_tenant(activity: ActivityBase) -> str | None:
    data = activity.channel_data
    return data.tenant.id if data is not None and data.tenant is not None else None

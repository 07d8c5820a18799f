"""Every command the app package lists (its ``commandLists``) gets a real reply in the scope it
is listed for: a command Teams suggests must never fall through to "I don't know that yet"."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.adapters.teams.listeners.tour import OPEN_PERSONAL_CHAT
from bot.adapters.teams.package import MANIFEST, app_source
from bot.core.wording import HELP_TEXT, NO_MATCH_TEXT, TOPICS_TEXT
from bot.storage.tables import InteractionRow

from ..polling import eventually
from .conftest import Bot, activity, shown_text

# How a person sends a command in each scope: in a personal chat, or @mentioning the bot.
ACTIVITY = {"personal": "personal_message", "team": "channel_mention", "groupChat": "group_mention"}
# What only the command's own reply says, in a personal chat and where the bot is @mentioned.
PERSONAL, ELSEWHERE = 0, 1
REPLY = {
    "help": (HELP_TEXT.split(".")[0], HELP_TEXT.split(".")[0]),
    "topics": (TOPICS_TEXT, TOPICS_TEXT),
    "tour": ("Step 1 of 11: What the Compact was", OPEN_PERSONAL_CHAT.split(".")[0]),
    "my progress": ("Your induction progress", OPEN_PERSONAL_CHAT.split(".")[0]),
}


def command_lists() -> dict[str, list[str]]:
    manifest = json.loads((app_source() / MANIFEST).read_text(encoding="utf-8"))
    [bot] = manifest["bots"]
    listed: dict[str, list[str]] = {}
    for command_list in bot["commandLists"]:
        for scope in command_list["scopes"]:
            listed.setdefault(scope, []).extend(c["title"] for c in command_list["commands"])
    return listed


def test_every_scope_the_bot_serves_lists_its_commands() -> None:
    manifest = json.loads((app_source() / MANIFEST).read_text(encoding="utf-8"))
    assert set(command_lists()) == set(manifest["bots"][0]["scopes"]) == set(ACTIVITY)
    for scope, commands in command_lists().items():
        assert set(commands) <= set(REPLY), f"{scope} lists a command this test does not know"


@pytest.mark.parametrize("scope", sorted(command_lists()))
def test_each_listed_command_gets_its_own_reply(teams: Bot, scope: str) -> None:
    commands = command_lists()[scope]
    for number, command in enumerate(commands, start=1):
        body = activity(ACTIVITY[scope], text=command, service_url=teams.fake.service_url)
        assert teams.post(body).status == 200
        sent = teams.fake.wait_for(number)[number - 1]
        shown = " ".join(shown_text(card) for card in sent.cards) or sent.body.get("text", "")
        expected = REPLY[command][PERSONAL if scope == "personal" else ELSEWHERE]
        assert _plain(expected) in _plain(shown), f"{command!r} in {scope}: {shown[:300]}"
        assert _plain(NO_MATCH_TEXT)[:30] not in _plain(shown)
        if scope != "personal":  # answered where it was asked, in the thread
            assert sent.conversation_id.startswith(body["conversation"]["id"].split(";")[0])
    assert len(teams.fake.quiet(0.2)) == len(commands)
    assert "no_match" not in eventually(lambda: _outcomes(teams) or ["none logged"], 0.5)


def _outcomes(teams: Bot) -> list[str]:
    teams.services.chat.flush_log()
    with teams.services.chat.database.session() as session:
        return list(session.scalars(select(InteractionRow.outcome)))


def _plain(text: Any) -> str:
    return " ".join(str(text).replace("**", "").replace("*", "").split())

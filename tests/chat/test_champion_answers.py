"""A Compact Champion's answer reaches the asker as the Champion typed it, on every channel:
its marks, links and mentions are shown as characters, never made into formatting, a link or
a ping; its line breaks are kept."""

from __future__ import annotations

import json
from typing import Any

from bot.adapters.slack import ids
from bot.adapters.slack.mrkdwn import literal

from ..slack.conftest import Bot as SlackBot
from ..slack.conftest import payload, with_action
from ..slack.fake_slack import FakeSlack
from ..slack.test_events import visible
from ..slack.test_interactions import ask_by_mention, button
from ..teams.conftest import CHAMPION, CHAMPIONS, card_action, card_nodes, invoke_value
from ..teams.conftest import Bot as TeamsBot
from ..teams.conftest import button as card_button

FIRST = "**Yes** [see](http://evil.example) *bold* _italic_ `code`"
SECOND = "<!channel> <@UHOSTILE> <http://evil.example|x> <at>Everyone</at>"
TYPED = f"  {FIRST}\r\n{SECOND}  "  # as a form may send it: a Windows line break, spaces


def _lines(card: dict[str, Any]) -> list[str]:
    """What each line of a card reads: a RichTextBlock is one line."""
    lines: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "RichTextBlock":
                lines.append("".join(run["text"] for run in node["inlines"]))
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card["body"])
    return lines


def test_in_teams_a_champions_answer_reaches_the_asker_as_typed(teams: TeamsBot) -> None:
    teams.message("what is the best recipe for lasagne")
    [asked] = teams.fake.wait_for(1)
    clicked = card_button(asked.cards[0], "ask_champion")["data"]
    assert "passed your question" in invoke_value(teams.click(**clicked))
    post = teams.fake.wait_for(2)[1]
    assert post.conversation_id == CHAMPIONS
    send = card_button(post.cards[0], "champion_answer")["data"]["value"]

    champion = card_action(
        "champion_answer", send, service_url=teams.fake.service_url, user=CHAMPION, answer=TYPED
    )
    invoke_value(teams.post(champion))
    to_asker = teams.fake.wait_for(3)[2]
    assert to_asker.conversation_id == asked.conversation_id
    [answer_card] = to_asker.cards

    lines = _lines(answer_card)
    assert lines[-2:] == [FIRST, SECOND], "shown as typed, on its two lines"
    runs = card_nodes(answer_card["body"], "TextRun", "TextBlock")
    typed = [run for run in runs if "evil.example" in run["text"]]
    assert typed
    assert all(run["type"] == "TextRun" for run in typed), "never markdown"
    assert all(set(run) == {"type", "text"} for run in typed), "no bold, link or other style"
    assert not [run for run in runs if run["text"] == "Yes"], "**Yes** is not made bold"
    assert "selectAction" not in json.dumps(answer_card), "no link"
    assert "msteams" not in answer_card or "entities" not in answer_card["msteams"]
    # Our own wording around it keeps its formatting.
    assert {
        "type": "TextRun",
        "text": "A Compact Champion answered your question",
        "weight": "Bolder",
    } in runs


def test_in_slack_a_champions_answer_reaches_the_asker_as_typed(
    bot: SlackBot, fake_slack: FakeSlack
) -> None:
    missed = ask_by_mention(bot, fake_slack, "where can I park my bicycle", "EvMISS")
    bot.interaction(
        with_action(fake_slack, ids.ASK_CHAMPION, button(missed, ids.ASK_CHAMPION)["value"])
    )
    post = fake_slack.wait_for("chat.postMessage", 2)[-1]
    assert post.params["channel"] == "CCHAMPIONS"
    answer = button(post.params, ids.CHAMPION_ANSWER)["value"]
    bot.interaction(with_action(fake_slack, ids.CHAMPION_ANSWER, answer, user={"id": "UCHAMPION"}))
    [opened] = fake_slack.wait_for("views.open")
    view = opened.params["view"]
    view = view if isinstance(view, dict) else json.loads(view)

    submitted = payload("view_submission", question_id=view["private_metadata"], answer="")
    state = submitted["view"]["state"]["values"][ids.ANSWER_BLOCK][ids.ANSWER_INPUT]
    state["value"] = TYPED
    assert bot.interaction(submitted).status == 200
    to_asker = fake_slack.wait_for("chat.postMessage", 3)[-1]
    assert to_asker.params["channel"] == "U123ASKER"
    text = to_asker.params["text"]
    shown = " ".join([text, *visible(to_asker.params.get("blocks") or [])])

    # As typed, on its two lines: Slack's marks shown as look-alikes it never formats.
    assert text.endswith(f":\n{literal(FIRST)}\n{literal(SECOND)}"), "as typed, on two lines"
    # Not made into Slack's link (<url|label>), bold (*Yes*), a ping or a mention.
    for live in ("<!channel", "<@UHOSTILE", "<http", "|see>", "<at>"):
        assert live not in shown, live
    assert "*Yes*" not in shown.replace("**Yes**", "")

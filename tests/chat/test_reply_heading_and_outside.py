"""Two things every channel shows alike, through Slack's and Teams' real entry points: an
answer opens with the question it answers, and a question with no word the knowledge base
uses is told it is outside what the assistant covers, not promised an answer."""

from __future__ import annotations

import json

from ..slack.conftest import Bot as SlackBot
from ..slack.conftest import payload
from ..slack.fake_slack import FakeSlack
from ..teams.conftest import Bot as TeamsBot
from ..teams.conftest import shown_text

GRANT_QUESTION = "How much notice must we give before ending or reducing a grant?"
OFF_TOPIC = "how do I reset my password"
NOT_COVERED = "I don't know that yet"
OUTSIDE = "doesn't look like a question about the Compact"


def slack_blocks(bot: SlackBot, fake_slack: FakeSlack, text: str, event_id: str) -> list[dict]:  # type: ignore[type-arg]
    event = payload("message_im")
    event["event"]["text"], event["event_id"] = text, event_id
    assert bot.event(event).status == 200
    [post] = fake_slack.wait_for("chat.postMessage")
    blocks = post.params["blocks"]
    return json.loads(blocks) if isinstance(blocks, str) else blocks  # type: ignore[no-any-return]


def test_a_slack_answer_opens_with_the_question_it_answers(
    bot: SlackBot, fake_slack: FakeSlack
) -> None:
    blocks = slack_blocks(bot, fake_slack, "notice before ending a grant", "EvHEAD")
    first = blocks[0]["text"]
    # Bold, and as plain words: the entry's question is never read as markup.
    assert first["text"] == f"*{GRANT_QUESTION}*"
    assert "three months" in json.dumps(blocks[1:])


def test_a_teams_answer_opens_with_the_question_it_answers(teams: TeamsBot) -> None:
    teams.message("notice before ending a grant")
    [sent] = teams.fake.wait_for(1)
    [card] = sent.cards
    shown = shown_text(card)
    assert shown.startswith(GRANT_QUESTION)
    assert shown.index(GRANT_QUESTION) < shown.index("three months")


def test_slack_says_a_question_with_no_word_it_knows_is_outside_what_it_covers(
    bot: SlackBot, fake_slack: FakeSlack
) -> None:
    shown = json.dumps(slack_blocks(bot, fake_slack, OFF_TOPIC, "EvOUT"))
    assert OUTSIDE in shown
    assert NOT_COVERED not in shown  # no promise that the review group will add an answer
    assert "logged it for the Compact review group" in shown


def test_teams_says_so_too_and_a_gap_in_the_subject_still_gets_the_usual_reply(
    teams: TeamsBot,
) -> None:
    teams.message(OFF_TOPIC)
    [sent] = teams.fake.wait_for(1)
    assert OUTSIDE in sent.text
    assert NOT_COVERED not in sent.text
    # A question in the subject that no entry answers (volunteers, expenses) is a gap.
    teams.message("can volunteers claim travel expenses for their bikes")
    sent = teams.fake.wait_for(2)[-1]
    assert NOT_COVERED in sent.text
    assert OUTSIDE not in sent.text


def test_a_spoken_no_is_a_reply_to_the_answer_not_a_question_or_a_gap(
    bot: SlackBot, fake_slack: FakeSlack, teams: TeamsBot
) -> None:
    """ "nope, not really" typed after an answer was matched as a question and, unanswered,
    became a gap theme for the review group. It is small talk now, pointing to the button that
    records it, in both channels."""
    shown = json.dumps(slack_blocks(bot, fake_slack, "Nope, not really.", "EvNOPE"))
    assert "Not helpful" in shown
    assert "under the answer" in shown
    assert NOT_COVERED not in shown
    bot.services.flush_log()
    assert bot.services.themes is not None
    assert bot.services.themes.top() == []

    teams.message("no, it didn't")
    [sent] = teams.fake.wait_for(1)
    assert "under the answer" in sent.text
    assert NOT_COVERED not in sent.text

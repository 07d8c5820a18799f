"""Text people type never becomes a live mention, a channel ping or a link in anything the
bot sends, whatever kind of reply carries it, and never makes Slack refuse a message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.adapters.slack import ids
from bot.adapters.slack.scheduler import post_digest, web_client
from bot.chat.action_values import ActionValue
from bot.storage.interaction_log import InteractionLog

from ..polling import eventually
from .conftest import Bot, payload, with_action
from .fake_slack import Call, FakeSlack
from .test_events import visible
from .test_interactions import ask_by_mention, button

HOSTILE = "<!channel> <!here> <@UHOSTILE> <https://evil.example|click me>"
LIVE = ("<!channel", "<!here", "<@UHOSTILE", "<https://evil.example", "<!everyone")


def rendered(call: Call) -> list[str]:
    """Every field of a call that Slack shows people (button values are not shown)."""
    shown = [str(call.params.get("text") or "")]
    for key in ("blocks", "view"):
        if key in call.params:
            value = call.params[key]
            shown += visible(json.loads(value) if isinstance(value, str) else value)
    return shown


def surfaces(call: Call) -> list[Any]:
    found = []
    for key in ("blocks", "view"):
        if key in call.params:
            value = call.params[key]
            found.append(json.loads(value) if isinstance(value, str) else value)
    return found


def text_objects(node: Any) -> list[dict[str, Any]]:
    """Every text object in blocks or a view: ``{"type": "mrkdwn" | "plain_text", "text": ...}``."""
    if isinstance(node, list):
        return [found for item in node for found in text_objects(item)]
    if not isinstance(node, dict):
        return []
    own = [node] if node.get("type") in ("mrkdwn", "plain_text") and "text" in node else []
    return own + [found for value in node.values() for found in text_objects(value)]


def parsed(call: Call) -> list[str]:
    """What Slack parses for mentions, links and formatting: the message text (a notice, or
    the notification text) and every mrkdwn text object. A plain_text object is shown as it
    is, so typed marks in one are inert."""
    texts = [str(call.params.get("text") or "")]
    for surface in surfaces(call):
        texts += [o["text"] for o in text_objects(surface) if o["type"] == "mrkdwn"]
    return texts


def live_in(calls: list[Call]) -> list[tuple[str, str]]:
    return [
        (call.method, text)
        for call in calls
        for text in parsed(call)
        if any(token in text for token in LIVE)
    ]


def clicked(bot: Bot, fake: FakeSlack, params: dict[str, Any], action: str, **changes: Any) -> None:
    element = button(params, action)
    bot.interaction(with_action(fake, element["action_id"], element.get("value", ""), **changes))


def after(fake: FakeSlack, method: str, send: Any) -> Call:
    """Do ``send`` and wait for the next ``method`` call it causes."""
    count = len(fake.of(method))
    send()
    return fake.wait_for(method, count + 1)[-1]


def test_typed_mentions_and_links_stay_inert_in_every_kind_of_reply(
    bot: Bot, fake_slack: FakeSlack, kb_copy: Path
) -> None:
    fake = fake_slack
    grant = f"how much notice must we give before ending a grant? {HOSTILE}"
    answer = ask_by_mention(bot, fake, grant)
    after(fake, "response_url", lambda: clicked(bot, fake, answer, ids.HELPFUL))
    after(fake, "chat.postMessage", lambda: clicked(bot, fake, answer, ids.RELATED))
    clarify = ask_by_mention(bot, fake, f"notice period? {HOSTILE}", "EvCLARIFY")
    after(fake, "response_url", lambda: clicked(bot, fake, clarify, ids.CHOOSE))
    after(fake, "response_url", lambda: clicked(bot, fake, clarify, ids.NONE_OF_THESE))

    command = payload("slash_command", response_url=fake.url)
    command["text"] = grant
    private = after(fake, "response_url", lambda: bot.command(command))
    shared = with_action(fake, ids.SHARE, button(private.params, ids.SHARE)["value"])
    shared["container"]["is_ephemeral"] = True
    after(fake, "response_url", lambda: bot.interaction(shared))

    shortcut = payload("message_shortcut", response_url=fake.url)
    shortcut["message"]["text"] = f"can the council cut our grant? {HOSTILE}"
    after(fake, "chat.postEphemeral", lambda: bot.interaction(shortcut))

    missed = ask_by_mention(bot, fake, f"where can I park my bicycle {HOSTILE}", "EvMISS")
    notices = len(fake.of("response_url"))
    post = after(fake, "chat.postMessage", lambda: clicked(bot, fake, missed, ids.ASK_CHAMPION))
    assert post.params["channel"] == "CCHAMPIONS"
    fake.wait_for("response_url", notices + 1)  # the asker is told: the post is recorded
    opened = after(
        fake,
        "views.open",
        lambda: clicked(bot, fake, post.params, ids.CHAMPION_ANSWER, user={"id": "UCHAMPION"}),
    )
    view = opened.params["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    submitted = payload(
        "view_submission",
        question_id=view["private_metadata"],
        answer=f"Agree a rate in the grant. {HOSTILE}",
    )
    after(fake, "chat.update", lambda: bot.interaction(submitted))

    log = bot.services.log
    assert isinstance(log, InteractionLog)
    assert eventually(lambda: len(log.recent(limit=50)) >= 5)
    after(
        fake,
        "chat.postMessage",
        lambda: post_digest(bot.services, web_client(bot.services, "xoxb-T1")),
    )
    after(fake, "views.publish", lambda: bot.event(payload("app_home_opened")))
    (kb_copy / "hostile.yml").write_text(f"topic: Hostile\nentries:\n  - id: '{HOSTILE}'\n")
    reload = payload("slash_command", response_url=fake.url)
    reload.update(text="reload", user_id="UADMIN")
    refused = after(fake, "response_url", lambda: bot.command(reload))
    assert "was not reloaded" in refused.params["text"]

    everything = " ".join(text for call in fake.calls for text in rendered(call))
    assert "&lt;!channel&gt;" in everything, "the text is shown, escaped"
    assert "&lt;@UHOSTILE&gt;" in everything
    assert live_in(fake.calls) == []
    assert not [c.method for c in fake.calls if "#" in c.method], "Slack refused nothing"


def test_long_questions_of_emoji_and_markup_still_fit_slack_s_limits(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    emoji = ask_by_mention(
        bot, fake_slack, "bicycle parking " + "😀" * 1900, "EvEMOJI"
    )  # 12 characters each in JSON
    value = button(emoji, ids.ASK_CHAMPION)["value"]
    assert len(value) <= 2000
    kept = ActionValue.decode(value).question
    assert kept.startswith("bicycle parking 😀")
    assert len(kept) > 100
    markup = "bicycle parking " + "<&>" * 600  # each character escapes to 4 or 5
    missed = ask_by_mention(bot, fake_slack, markup, "EvMARKUP")
    post = after(
        fake_slack, "chat.postMessage", lambda: clicked(bot, fake_slack, missed, ids.ASK_CHAMPION)
    )
    assert post.params["channel"] == "CCHAMPIONS"
    assert "&lt;&amp;&gt;" in " ".join(rendered(post))
    assert not [c.method for c in fake_slack.calls if "#" in c.method], "Slack refused nothing"


# Slack's formatting marks, typed: bold, italic, strike, code, a code block and a quote.
MARKS = "*urgent* _now_ ~old~ `x` ```y```"
MARKED = ("*urgent*", "_now_", "~old~", "`x`", "```", "*grant*", "_notice_", "`notice`", "*all*")
QUOTED = "\n> not a quote"  # a typed line starting ">": a quote in mrkdwn


def formatted_in(calls: list[Call]) -> list[tuple[str, str]]:
    """Typed marks that Slack would format: in any text it parses as mrkdwn."""
    return [
        (call.method, text)
        for call in calls
        for text in parsed(call)
        if any(mark in text for mark in MARKED) or "\n&gt; not a quote" in text
    ]


def plain_texts(call: Call) -> list[str]:
    return [
        o["text"]
        for surface in surfaces(call)
        for o in text_objects(surface)
        if o["type"] == "plain_text"
    ]


def test_typed_formatting_marks_are_shown_as_typed_never_formatted(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    """A question, a digest theme, App Home's gaps and a shared answer's question carry
    *bold*, _italic_, ~strike~, `code` and a "> quote" as the person typed them: as plain
    text where the typed text stands alone, as look-alike marks inside mrkdwn."""
    fake = fake_slack
    question = f"where can I park my bicycle {MARKS}{QUOTED}"
    missed = ask_by_mention(bot, fake, question, "EvMARKS")
    notices = len(fake.of("response_url"))
    post = after(fake, "chat.postMessage", lambda: clicked(bot, fake, missed, ids.ASK_CHAMPION))
    assert post.params["channel"] == "CCHAMPIONS"
    fake.wait_for("response_url", notices + 1)  # the asker is told: the post is recorded
    # The question stands alone below the heading: plain text, exactly as typed.
    assert f"where can I park my bicycle {MARKS}{QUOTED}" in plain_texts(post)
    [typed] = [o for o in text_objects(surfaces(post)) if o["text"].endswith("not a quote")]
    assert typed == {"type": "plain_text", "text": question, "emoji": False}  # no :emoji:
    opened = after(
        fake,
        "views.open",
        lambda: clicked(bot, fake, post.params, ids.CHAMPION_ANSWER, user={"id": "UCHAMPION"}),
    )
    assert f"where can I park my bicycle {MARKS}{QUOTED}" in plain_texts(opened)

    grant = "how much notice must we give before ending a grant? *grant* _notice_ `notice`"
    command = payload("slash_command", response_url=fake.url)
    command["text"] = grant
    private = after(fake, "response_url", lambda: bot.command(command))
    shared = with_action(fake, ids.SHARE, button(private.params, ids.SHARE)["value"])
    shared["container"]["is_ephemeral"] = True
    count = len(fake.of("response_url"))
    bot.interaction(shared)  # posts the answer for everyone, then deletes the private one
    [share] = [
        c
        for c in fake.wait_for("response_url", count + 2)[count:]
        if c.params.get("response_type") == "in_channel"
    ]
    [intro] = [t for t in parsed(share) if "shared an answer to" in t]
    # Beside the mention, in mrkdwn: the marks are look-alikes, and the text is verbatim.
    assert "grant? ∗grant∗ ˍnoticeˍ ˋnoticeˋ_" in intro
    assert intro.startswith("<@U123ASKER> shared an answer to: _")
    blocks = surfaces(share)[0]
    assert blocks[0]["text"]["verbatim"] is True

    log = bot.services.log
    assert isinstance(log, InteractionLog)
    assert eventually(lambda: len(log.recent(limit=50)) >= 2)
    digest = after(
        fake,
        "chat.postMessage",
        lambda: post_digest(bot.services, web_client(bot.services, "xoxb-T1")),
    )
    assert "ˍnowˍ" in " ".join(parsed(digest)), "the theme is in the digest"
    home = after(fake, "views.publish", lambda: bot.event(payload("app_home_opened")))
    assert "ˍnowˍ" in " ".join(parsed(home)), "and in App Home's gaps"

    assert formatted_in(fake.calls) == []
    assert live_in(fake.calls) == []
    assert not [c.method for c in fake.calls if "#" in c.method], "Slack refused nothing"


REORDERING = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_controls_that_reorder_text_are_left_out_of_what_others_are_shown(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    """U+202E would show a question's words backwards to the Champions (a plain_text
    section) and to the review group (the digest's mrkdwn)."""
    fake = fake_slack
    missed = ask_by_mention(bot, fake, "where can I park my \u202ebicycle\u202c", "EvRTL")
    notices = len(fake.of("response_url"))
    post = after(fake, "chat.postMessage", lambda: clicked(bot, fake, missed, ids.ASK_CHAMPION))
    fake.wait_for("response_url", notices + 1)
    assert "where can I park my bicycle" in plain_texts(post)
    log = bot.services.log
    assert isinstance(log, InteractionLog)
    assert eventually(lambda: len(log.recent(limit=50)) >= 1)
    digest = after(
        fake,
        "chat.postMessage",
        lambda: post_digest(bot.services, web_client(bot.services, "xoxb-T1")),
    )
    assert "park my bicycle" in " ".join(parsed(digest))
    for call in (post, digest):
        assert not REORDERING & set(" ".join(rendered(call))), call.method


def test_a_forged_button_value_cannot_mention_or_format_in_a_shared_answer(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    """The question a Share button carries is shown to the whole channel: made up with a
    mention, a link and marks, it is still shown as typed."""
    fake = fake_slack
    value = ActionValue(f"{HOSTILE} *all* _of_ ~you~", entry_id="funding-notice").encode()
    click = with_action(fake, ids.SHARE, value)
    click["container"]["is_ephemeral"] = True
    bot.interaction(click)
    [share] = [
        c for c in fake.wait_for("response_url", 2) if c.params.get("response_type") == "in_channel"
    ]
    [intro] = [t for t in parsed(share) if "shared an answer to" in t]
    assert intro.startswith("<@U123ASKER> shared an answer to: _")
    assert "&lt;!channel&gt;" in intro
    assert "∗all∗ ˍofˍ ∼you∼" in intro
    assert live_in([share]) == []
    assert formatted_in([share]) == []

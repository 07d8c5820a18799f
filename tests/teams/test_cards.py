"""Views as Adaptive Cards, without a server: our markdown as Teams renders it, typed text
kept literal, and buttons as Action.Execute."""

from __future__ import annotations

import json

from bot.adapters.teams.cards import card, teams_markdown
from bot.chat.action_values import Action
from bot.chat.views import (
    Button,
    Buttons,
    Emphasis,
    Heading,
    Link,
    Mention,
    Note,
    Plain,
    View,
    paragraph,
)


def test_answers_use_the_markdown_teams_renders() -> None:
    answer = (
        "Give **three months'** notice, as the *Funding Code* says.\n"
        "It is a commitment, not a law.\n\n"
        "You should:\n- plan early\n- talk to\n  the group\n\nSee [the Compact](https://example.org/compact)."
    )
    assert teams_markdown(answer) == (
        "Give **three months'** notice, as the _Funding Code_ says. It is a commitment, not a law."
        "\n\nYou should:\n\n- plan early\n- talk to the group"
        "\n\nSee [the Compact](https://example.org/compact)."
    )


def test_a_paragraph_of_our_own_words_is_one_text_block() -> None:
    [block] = card(View("s", (paragraph("**Did you mean:**"),)))["body"]
    assert block == {"type": "TextBlock", "text": "**Did you mean:**", "wrap": True}


def test_typed_text_is_literal_and_our_marks_become_run_styles() -> None:
    view = View(
        "s",
        (
            paragraph(
                "**Theme 3** · 2 questions\n",
                Plain("**not bold** [not a link](https://evil.example) <at>All</at>"),
                "\n• ",
                Plain("an example", Emphasis.ITALIC),
            ),
        ),
    )
    [container] = card(view)["body"]
    lines = [block["inlines"] for block in container["items"]]
    assert lines[0][0] == {"type": "TextRun", "text": "Theme 3", "weight": "Bolder"}
    assert lines[1] == [
        {"type": "TextRun", "text": "**not bold** [not a link](https://evil.example) <at>All</at>"}
    ]
    assert lines[2][-1] == {"type": "TextRun", "text": "an example", "italic": True}
    assert "selectAction" not in json.dumps(container)


def test_links_mentions_notes_and_headings() -> None:
    view = View(
        "s",
        (
            Heading("Questions we could not answer"),
            Note((Link("https://example.org/a", "A source"), Link("javascript:alert(1)", "bad"))),
            paragraph("Answered by ", Mention("u1"), " and ", Mention("u2")),
        ),
    )
    heading, note, answered = card(view, names={"u1": "Chris Champion"})["body"]
    assert heading["inlines"][0]["weight"] == "Bolder"
    good, bad = note["inlines"]
    assert good["selectAction"] == {"type": "Action.OpenUrl", "url": "https://example.org/a"}
    assert good["isSubtle"] is True
    assert "selectAction" not in bad
    assert [run["text"] for run in answered["inlines"]] == [
        "Answered by ",
        "Chris Champion",
        " and ",
        "a colleague",
    ]


def test_buttons_carry_their_action_and_value() -> None:
    view = View("s", (Buttons((Button("Helpful", Action.HELPFUL, '{"i":7}', primary=True),)),))
    [actions] = card(view)["body"]
    assert actions["actions"] == [
        {
            "type": "Action.Execute",
            "title": "Helpful",
            "verb": "helpful",
            "data": {"action": "helpful", "value": '{"i":7}'},
            "style": "positive",
        }
    ]


def test_the_champions_answer_button_is_a_form() -> None:
    view = View("s", (Buttons((Button("Answer", Action.CHAMPION_ANSWER, "12", primary=True),)),))
    form, actions = card(view)["body"]
    assert form["type"] == "Input.Text"
    assert form["isMultiline"] is True
    assert actions["actions"][0]["title"] == "Send answer"


def test_every_card_is_schema_1_5_with_a_fallback() -> None:
    built = card(View("A summary", (paragraph("x"),)))
    assert built["version"] == "1.5"
    assert built["fallbackText"] == "A summary"
    assert built["type"] == "AdaptiveCard"


def test_buttons_with_long_titles_are_stacked_one_to_a_row() -> None:
    short = Buttons((Button("Back", Action.TOUR, "b"), Button("Next", Action.TOUR, "n")))
    options = Buttons(
        tuple(
            Button(f"{n}. An answer long enough to be cut short in a row", Action.TOUR, str(n))
            for n in (1, 2, 3)
        )
    )
    row, *stacked = card(View("s", (short, options)))["body"]
    assert [a["title"] for a in row["actions"]] == ["Back", "Next"]
    assert [len(s["actions"]) for s in stacked] == [1, 1, 1]
    assert [s["actions"][0]["data"]["value"] for s in stacked] == ["1", "2", "3"]

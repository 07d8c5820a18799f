"""Every command, shortcut, event, action and view id the Slack app uses, in one place, so the
manifest test can check the app and ``app_manifest.yml`` agree."""

from __future__ import annotations

import re

COMMAND = "/compact"
SHORTCUT = "ask_compact_assistant"
EVENTS = ("app_mention", "message.im", "app_home_opened")

HELPFUL = "helpful"
NOT_HELPFUL = "not_helpful"
ASK_CHAMPION = "ask_champion"
CHOOSE = "choose_option"  # numbered: choose_option_0, choose_option_1, ...
NONE_OF_THESE = "none_of_these"
RELATED = "related_question"  # numbered like CHOOSE
SHARE = "share_in_channel"
SHOW_TOPICS = "show_topics"
SHOW_TOPIC = "show_topic"  # numbered
START_TOUR = "start_tour"
TOUR = "tour"  # numbered: every button of the induction tour; its value is the tour's event
CHAMPION_ANSWER = "champion_answer"
THEME_IN_REVIEW = "theme_in_review"
THEME_IGNORE = "theme_ignore"

ACTIONS = (
    HELPFUL, NOT_HELPFUL, ASK_CHAMPION, CHOOSE, NONE_OF_THESE, RELATED, SHARE, SHOW_TOPICS,
    SHOW_TOPIC, START_TOUR, TOUR, CHAMPION_ANSWER, THEME_IN_REVIEW, THEME_IGNORE,
)  # fmt: skip
NUMBERED = (CHOOSE, RELATED, SHOW_TOPIC, TOUR, THEME_IN_REVIEW, THEME_IGNORE)

CHAMPION_MODAL = "champion_answer_modal"
ANSWER_BLOCK, ANSWER_INPUT = "answer_block", "answer_input"


def numbered(action: str, number: int) -> str:
    return f"{action}_{number}"


def matcher(action: str) -> str | re.Pattern[str]:
    """The action-id matcher Bolt listens with: numbered actions match any suffix."""
    return re.compile(rf"^{action}(_\d+)?$") if action in NUMBERED else action

"""Every command, shortcut, event, action and view id the Slack app uses, in one place, so the
manifest test can check the app and ``app_manifest.yml`` agree. Action ids are the neutral
``Action`` values; a view's buttons with the same action are numbered (Slack wants the ids in
a block to differ)."""

from __future__ import annotations

import re

from bot.chat.action_values import Action

COMMAND = "/compact"
SHORTCUT = "ask_compact_assistant"
EVENTS = ("app_mention", "message.im", "app_home_opened", "app_uninstalled", "tokens_revoked")

HELPFUL = Action.HELPFUL.value
NOT_HELPFUL = Action.NOT_HELPFUL.value
ASK_CHAMPION = Action.ASK_CHAMPION.value
CHOOSE = Action.CHOOSE.value  # numbered: choose_option_0, choose_option_1, ...
NONE_OF_THESE = Action.NONE_OF_THESE.value
RELATED = Action.RELATED.value  # numbered like CHOOSE
SHARE = Action.SHARE.value
SHOW_TOPICS = Action.SHOW_TOPICS.value
SHOW_TOPIC = Action.SHOW_TOPIC.value  # numbered
START_TOUR = Action.START_TOUR.value
TOUR = Action.TOUR.value  # numbered
CHAMPION_ANSWER = Action.CHAMPION_ANSWER.value
THEME_IN_REVIEW = Action.THEME_IN_REVIEW.value
THEME_IGNORE = Action.THEME_IGNORE.value

ACTIONS = tuple(action.value for action in Action)
NUMBERED = (CHOOSE, RELATED, SHOW_TOPIC, TOUR, THEME_IN_REVIEW, THEME_IGNORE)

CHAMPION_MODAL = "champion_answer_modal"
ANSWER_BLOCK, ANSWER_INPUT = "answer_block", "answer_input"


def numbered(action: str, number: int) -> str:
    return f"{action}_{number}"


def matcher(action: str) -> str | re.Pattern[str]:
    """The action-id matcher Bolt listens with: numbered actions match any suffix."""
    return re.compile(rf"^{action}(_\d+)?$") if action in NUMBERED else action

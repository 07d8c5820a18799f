"""The running Slack and Teams bots of tests/slack and tests/teams, for tests here that follow
one flow through both channels' real entry points."""

from tests.slack.conftest import bot, fake_slack, slack_settings, start_bot
from tests.teams.conftest import fake_teams, start_teams, teams, teams_settings

__all__ = [
    "bot",
    "fake_slack",
    "fake_teams",
    "slack_settings",
    "start_bot",
    "start_teams",
    "teams",
    "teams_settings",
]

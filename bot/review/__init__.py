"""The review group's tools: gap themes, reports, triage, and learning from traffic."""

from bot.review.digest import Digest, build_digest, digest_markdown
from bot.review.themes import ThemeService, ThemeStatus, ThemeSummary

__all__ = [
    "Digest",
    "ThemeService",
    "ThemeStatus",
    "ThemeSummary",
    "build_digest",
    "digest_markdown",
]

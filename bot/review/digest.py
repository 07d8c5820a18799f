"""The weekly digest for the review channel: the top open themes, channel-neutral."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.review.themes import OPEN, ThemeService, ThemeSummary


@dataclass(frozen=True, slots=True)
class Digest:
    since: datetime
    until: datetime
    themes: tuple[ThemeSummary, ...]

    @property
    def empty(self) -> bool:
        return not self.themes


def build_digest(service: ThemeService, *, since: datetime, limit: int = 5) -> Digest:
    service.refresh()
    themes = service.top(limit=limit, statuses=OPEN, since=since)
    return Digest(since, datetime.now(since.tzinfo), tuple(themes))


def digest_markdown(digest: Digest) -> str:
    heading = f"**Compact Assistant: questions we could not answer, {digest.since:%d %b} to {digest.until:%d %b %Y}**"
    if digest.empty:
        return heading + "\n\nNothing went unanswered this week."
    lines = [heading, ""]
    for theme in digest.themes:
        examples = "; ".join(f'"{e}"' for e in theme.examples[:3])
        lines.append(
            f"- **Theme {theme.id}** ({theme.count} questions, {theme.askers} people): {theme.label}"
        )
        lines.append(f"  Examples: {examples}")
    lines += [
        "",
        "Triage with: compact-bot gaps triage THEME --status in_review|ignored --note '...'",
    ]
    return "\n".join(lines)

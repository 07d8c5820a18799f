"""The weekly digest for the review channel: the top open themes, channel-neutral.

Labels and examples are what people typed: in the Markdown version they go through the gaps
report's own escaping (``report_text.md``), so a question never becomes a link, a heading
or a tag."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.review.report_text import md
from bot.review.themes import OPEN, ThemeService, ThemeSummary
from bot.words import counted


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
        examples = "; ".join(f'"{md(e)}"' for e in theme.examples[:3])
        lines.append(
            f"- **Theme {theme.id}** ({counted(theme.count, 'question')}, "
            f"{counted(theme.askers, 'person')}): {md(theme.label)}"
        )
        lines.append(f"  Examples: {examples}")
        if theme.note:
            lines.append(f"  Note: {md(theme.note)}")
    lines += [
        "",
        "Triage with: compact-bot gaps triage THEME --status in_review|ignored --note '...'",
    ]
    return "\n".join(lines)

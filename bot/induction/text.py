"""Every tour view as text in the knowledge base's markdown subset: what the terminal shows,
and the fallback (notification text, screen readers) for richer channels."""

from __future__ import annotations

from collections.abc import Callable

from bot.induction import wording
from bot.induction.views import (
    Feedback,
    LocalContacts,
    MoreView,
    ProgressView,
    QuestionView,
    ResultView,
    StepView,
    TourView,
    UnavailableView,
)


def as_text(view: TourView, *, heading: bool = True) -> str:
    """The view as markdown; ``heading=False`` when the channel shows the heading itself."""
    parts = [f"_{notice}_" for notice in view.notices]
    title = f"**{view.heading}**" if heading else ""
    match view:
        case StepView():
            if view.intro:
                parts.append(view.intro)
            parts += [title, view.text]
            if view.local is not None:
                parts.append("\n".join(f"- {line}" for line in local_lines(view.local)))
        case MoreView():
            parts.append(title)
            for entry in view.entries:
                sources = "; ".join(s.cite() for s in entry.sources)
                parts.append(f"**{entry.question}**\n\n{entry.answer}")
                if sources:
                    parts.append(f"_Source: {sources}_")
        case QuestionView():
            if view.feedback is not None:
                parts.append(feedback_text(view.feedback))
            options = "\n".join(f"{n}. {text}" for n, text in enumerate(view.options, start=1))
            parts += [title, view.question, options]
        case ResultView():
            if view.feedback is not None:
                parts.append(feedback_text(view.feedback))
            parts += [title, result_text(view)]
        case ProgressView():
            parts += [title, progress_text(view)]
        case UnavailableView():
            parts.append(view.message)
    return "\n\n".join(part for part in parts if part)


def feedback_text(feedback: Feedback) -> str:
    verdict = (
        wording.RIGHT if feedback.correct else wording.WRONG.format(answer=feedback.right_answer)
    )
    return f"**{verdict}** {feedback.explanation}"


def result_text(view: ResultView) -> str:
    if not view.revisit:
        return wording.ALL_RIGHT
    steps = "\n".join(f"- Step {r.number}: {r.title}" for r in view.revisit)
    return f"{wording.REVISIT_INTRO}\n{steps}"


def progress_text(view: ProgressView) -> str:
    if not view.started:
        return (
            f"You have not started the tour yet. It has {view.total_steps} short steps and a quiz."
        )
    lines = [f"You have seen {view.steps_seen} of {view.total_steps} steps. Now: {view.where}."]
    if view.completed and view.score is not None:
        lines.append(f"Quiz score: {view.score} out of {view.quiz_total}.")
    if view.completed_at is not None:
        lines.append(wording.COMPLETED_ON.format(day=view.completed_at))
    if not view.saved:
        lines.append(wording.NOT_SAVED)
    return " ".join(lines)


def local_lines(
    local: LocalContacts,
    *,
    channel_link: str | None = None,
    escape: Callable[[str], str] = lambda text: text,
    link: Callable[[str, str], str] = lambda url, name: f"{name} ({url})" if name else url,
) -> list[str]:
    """The configured local Compact and Champions, or a plain statement that they are not set.
    Configured text goes through ``escape`` so it can never become markup; ``channel_link``
    is how the adapter shows the Champions' channel (Slack: ``<#C123>``)."""
    name = escape(local.compact_name or "")
    if local.compact_url:
        name = link(local.compact_url, name)
    lines = [wording.LOCAL_COMPACT.format(name=name) if name else wording.LOCAL_COMPACT_UNSET]
    if local.champions_contact:
        lines.append(wording.CHAMPIONS.format(contact=escape(local.champions_contact)))
    if channel_link:
        lines.append(wording.CHAMPIONS_CHANNEL.format(channel=channel_link))
    if not local.champions_contact and not channel_link:
        lines.append(wording.CHAMPIONS_UNSET)
    if not name or not (local.champions_contact or channel_link):
        lines.append(wording.ADMIN_HINT)
    return lines

"""What the review group does with a theme: promote it to a draft, or link it to an entry."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.errors import ReviewActionError, UnknownThemeError
from bot.knowledge.drafts import Draft, drafts_noting, write_draft
from bot.matching.text import words
from bot.review.knowledge_edit import add_alternates, new_wordings
from bot.review.signature import without_placeholders
from bot.review.suggestions import check_alternates
from bot.review.themes import ThemeService, ThemeStatus
from bot.words import counted

MAX_WORDINGS = 15
# How a draft's header says which theme it came from ("From gap theme 7 (12 questions...").
_DRAFT_ORIGIN = "From gap theme {} "


@dataclass(frozen=True, slots=True)
class LinkResult:
    entry_id: str
    added: tuple[str, ...]
    theme_id: str | None


def promote(service: ThemeService, theme_id: str, *, force: bool = False) -> Path:
    """Write a draft entry from the theme's wordings, and mark the theme in review. Refused,
    unless ``force``, when the theme already has a draft in the drafts folder."""
    theme = service.get(theme_id)
    if theme.status is ThemeStatus.ANSWERED:
        raise ReviewActionError(
            f"Theme {theme_id} is already answered by entry '{theme.entry_id}', so it was not "
            "promoted. Use 'compact-bot gaps triage' to reopen it first if that answer is wrong."
        )
    origin = _DRAFT_ORIGIN.format(theme.id)
    existing = drafts_noting(service.knowledge.path, origin)
    if existing and not force:
        raise ReviewActionError(
            f"Theme {theme.id} already has a draft: {existing[0]}, so no other was written. "
            "Complete that one, or add --force to write another."
        )
    # Redaction's placeholders ("[email]") are no one's words: the draft goes without them.
    question = without_placeholders(theme.label) or theme.label
    wordings = new_wordings(service.members(theme_id)[:MAX_WORDINGS])
    draft = Draft(
        question=question,
        alternates=tuple(w for w in wordings if w != question),
        note=(
            f"{origin}({counted(theme.count, 'question')} from {counted(theme.askers, 'person')})."
        ),
    )
    path = write_draft(service.knowledge.path, draft)
    service.triage(theme_id, status=ThemeStatus.IN_REVIEW, note=f"Draft written to {path}")
    return path


def link(service: ThemeService, target: str, entry_id: str, *, force: bool = False) -> LinkResult:
    """Add a theme's wordings (or one question's wording) to an entry's alternates, reload the
    knowledge base, and mark the theme answered. Refused, unless ``force``, when ``kb check``
    would then warn (a wording another entry already has, or one closer to another entry's
    wordings than to this one's), as accepting a suggestion is."""
    kb = service.knowledge.current.kb
    if entry_id not in kb:
        raise ReviewActionError(f"There is no entry {entry_id!r}; nothing was changed.")
    theme_id: str | None = None
    try:
        theme = service.get(target)
        theme_id = theme.id
        wordings = service.members(target)[:MAX_WORDINGS]
    except UnknownThemeError:
        if target.strip().lstrip("#").isdecimal():
            raise
        if not words(target):
            raise ReviewActionError(
                f"{target!r} has no words to add as a wording; give a theme id (see "
                "compact-bot gaps list) or a question's wording in quotes. Nothing was changed."
            ) from None
        wordings = [target]
    if not force:
        problems = check_alternates(kb, entry_id, wordings)
        if problems:
            raise ReviewActionError(
                f"Nothing was linked: adding {_what(theme_id, wordings)} to {entry_id} would "
                "make kb check warn:\n"
                + "\n".join(f"  {p}" for p in problems)
                + "\nLink it to the entry named there instead, or add --force to link it anyway."
            )
    added = add_alternates(kb, entry_id, wordings, settings=service.knowledge.settings)
    service.knowledge.reload()
    if theme_id is not None:
        service.triage(
            theme_id, status=ThemeStatus.ANSWERED, note=f"Linked to {entry_id}", entry_id=entry_id
        )
    return LinkResult(entry_id, tuple(added), theme_id)


def _what(theme_id: str | None, wordings: list[str]) -> str:
    if theme_id is None:
        return repr(wordings[0])
    return f"theme {theme_id}'s wordings"

"""What the review group does with a theme: promote it to a draft, or link it to an entry."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ReviewActionError, UnknownThemeError
from bot.knowledge.drafts import Draft, drafts_folder, drafts_noting, write_draft
from bot.knowledge.lint import unsafe_wording
from bot.matching.text import words
from bot.review.knowledge_edit import add_alternates, new_wordings
from bot.review.signature import redacted
from bot.review.suggestions import check_alternates
from bot.review.themes import ThemeService, ThemeStatus
from bot.words import counted

log = logging.getLogger(__name__)

MAX_WORDINGS = 15
# How a draft's header says which theme it came from ("From gap theme 7 (12 questions...").
_DRAFT_ORIGIN = "From gap theme {} "


@dataclass(frozen=True, slots=True)
class LinkResult:
    entry_id: str
    added: tuple[str, ...]
    theme_id: str | None
    left_out: int = 0  # the theme's wordings redaction removed personal data from
    # Wordings with markup or formula-like text, not added (each is named in a warning).
    held_back: tuple[str, ...] = ()


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
    # A wording redaction removed personal data from is not what anyone typed: the draft
    # takes only the others.
    found = new_wordings(service.members(theme_id))
    wordings, held_back = plain_wordings(found)
    wordings = wordings[:MAX_WORDINGS]
    if not wordings:
        what = (
            "had personal data removed (it shows as [email], [phone] and the like)"
            if not held_back
            else "had personal data removed or is not plain text (markup or a formula)"
        )
        raise ReviewActionError(
            f"No draft was written: every wording in theme {theme.id} {what}, so none can "
            "be an entry's wording. Write the entry in your own words in a topic file, then "
            f"mark the theme with: compact-bot gaps triage {theme.id} --status answered "
            "--entry ENTRY_ID"
        )
    warn_held_back(held_back, "the draft")
    label = theme.label.strip()
    question = label if label in wordings else wordings[0]
    draft = Draft(
        question=question,
        alternates=tuple(w for w in wordings if w != question),
        note=(
            f"{origin}({counted(theme.count, 'question')} from {counted(theme.askers, 'person')})."
        ),
    )
    path = write_draft(service.knowledge.path, draft)
    # The note reaches the digest in Slack and Teams and the reports: the draft's place in
    # the knowledge folder, never the server's own path to it.
    where = path.relative_to(drafts_folder(service.knowledge.path).parent).as_posix()
    service.triage(
        theme_id,
        status=ThemeStatus.IN_REVIEW,
        note=f"Draft written to {where} in the knowledge folder",
    )
    return path


def plain_wordings(wordings: Sequence[str]) -> tuple[list[str], tuple[str, ...]]:
    """The wordings fit to be an entry's wordings, and those held back as markup or
    formula-like text (``unsafe_wording``)."""
    kept: list[str] = []
    held_back: list[str] = []
    for wording in wordings:
        (kept if unsafe_wording(wording) is None else held_back).append(wording)
    return kept, tuple(held_back)


def warn_held_back(held_back: Sequence[str], into: str) -> None:
    """Name each wording left out of ``into`` as markup or formula-like text."""
    for wording in held_back:
        log.warning(
            "Left %r out of %s: %s, so it is no question to answer; add it in your own words "
            "if it is one",
            wording,
            into,
            unsafe_wording(wording),
        )


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
        members = service.members(target)
    except UnknownThemeError:
        if target.strip().lstrip("#").isdecimal():
            raise
        if not words(target):
            raise ReviewActionError(
                f"{target!r} has no words to add as a wording; give a theme id (see "
                "compact-bot gaps list) or a question's wording in quotes. Nothing was changed."
            ) from None
        members = [target]
    # A wording redaction removed personal data from is not what anyone typed; one with
    # markup or formula-like text is not a question to answer with an entry.
    wordings, held_back = plain_wordings([w for w in members if not redacted(w)])
    wordings = wordings[:MAX_WORDINGS]
    left_out = sum(1 for w in members if redacted(w))
    then = (
        ""
        if theme_id is None
        else f", then: compact-bot gaps triage {theme_id} --status answered --entry {entry_id}"
    )
    if not wordings and held_back:
        named = ", ".join(f"{w!r} ({unsafe_wording(w)})" for w in held_back[:5])
        raise ReviewActionError(
            f"Nothing was linked: {named} {'is' if len(held_back) == 1 else 'are'} not plain "
            "text, so it cannot be an entry's wording (it would be shown to reviewers and "
            "exported as it is). Link a wording in your own words instead: compact-bot gaps "
            f'link "WORDING" {entry_id}{then}'
        )
    if not wordings:
        what = repr(target) if theme_id is None else f"every wording of theme {theme_id}"
        raise ReviewActionError(_ALL_REDACTED.format(what=what, entry=entry_id, then=then))
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
    warn_held_back(held_back, entry_id)
    service.knowledge.reload()
    if theme_id is not None:
        service.triage(
            theme_id, status=ThemeStatus.ANSWERED, note=f"Linked to {entry_id}", entry_id=entry_id
        )
    return LinkResult(entry_id, tuple(added), theme_id, left_out, held_back)


_ALL_REDACTED = (
    "Nothing was linked: {what} holds the placeholders redaction leaves where it removed "
    "personal data ([email], [phone] and the like), so it is not what someone typed and "
    "cannot be an entry's wording. Link a wording in your own words instead: "
    'compact-bot gaps link "WORDING" {entry}{then}'
)


def _what(theme_id: str | None, wordings: list[str]) -> str:
    if theme_id is None:
        return repr(wordings[0])
    return f"theme {theme_id}'s wordings"

"""``compact-bot gaps``: what the assistant could not answer, for the review group."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from slack_sdk.errors import SlackApiError

from bot.cli.markup import Screen, cell, markup
from bot.cli.options import (
    DbOption,
    KbOption,
    LocalKbOption,
    OutOption,
    SinceOption,
    settings_from,
    write_out,
)
from bot.errors import ConfigError, ReviewActionError
from bot.review.actions import link, promote
from bot.review.digest import build_digest, digest_markdown
from bot.review.periods import parse_period
from bot.review.report import build_report
from bot.review.report_html import to_html
from bot.review.report_text import to_csv, to_markdown
from bot.review.suggestions import SuggestionService
from bot.review.themes import OPEN, ThemeService, ThemeStatus
from bot.runtime import open_store
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.interaction_log import utc_now
from bot.words import counted, one_line

# The theme commands' argument: the number gaps list shows for each theme.
ThemeArg = Annotated[str, typer.Argument(help="The theme's number, as gaps list shows it.")]

gaps_app = typer.Typer(
    rich_markup_mode="markdown",
    help="Review what the assistant could not answer, grouped into themes.",
    no_args_is_help=True,
)
suggestions_app = typer.Typer(
    rich_markup_mode="markdown",
    help="Wordings real traffic suggests adding to entries.",
    invoke_without_command=True,
)
gaps_app.add_typer(suggestions_app, name="suggestions")


@contextmanager
def _service(kb: Path | None, db: str | None, local_kb: Path | None) -> Iterator[ThemeService]:
    settings = settings_from(kb, db, local_kb)
    store = open_store(settings)  # with the local layer, when one is set
    database = Database.connect(settings.database())
    try:
        service = ThemeService(database=database, knowledge=store)
        service.refresh()  # every command sees questions logged since the last one
        yield service
    finally:
        database.dispose()


def _status(value: str) -> ThemeStatus:
    try:
        return ThemeStatus(value.replace("-", "_").replace(" ", "_"))
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a status; use one of: {', '.join(s.value for s in ThemeStatus)}",
            param_hint="--status",
        ) from None


@gaps_app.command("list")
def list_themes(
    since: SinceOption = "30d",
    show_all: Annotated[
        bool, typer.Option("--all", help="Include answered and ignored themes.")
    ] = False,
    limit: Annotated[int, typer.Option(help="How many themes to show.", min=1)] = 20,
    kb: KbOption = None,
    db: DbOption = None,
    local_kb: LocalKbOption = None,
) -> None:
    """List the biggest themes of unanswered questions."""
    start = utc_now() - parse_period(since)
    with _service(kb, db, local_kb) as service:
        themes = service.top(
            limit=limit, statuses=tuple(ThemeStatus) if show_all else OPEN, since=start
        )
    console = Screen()
    if not themes:
        console.print(markup("No unanswered questions in the last {}. Nothing to review.", since))
        return
    table = Table("theme", "questions", "people", "status", "last asked", "label")
    for t in themes:
        table.add_row(
            t.id,
            str(t.count),
            str(t.askers),
            t.status.value,
            f"{t.last_seen:%d %b %Y}",
            cell(_shortened(one_line(t.label))),
        )
    console.print(table)
    console.print("Show one with: compact-bot gaps show THEME")


# A label is a question as typed, up to 2,000 characters; the list shows its start (gaps show
# shows it whole), so that one long question cannot push the other themes off the screen.
LABEL_SHOWN = 160


def _shortened(label: str) -> str:
    if len(label) <= LABEL_SHOWN:
        return label
    return label[: LABEL_SHOWN - 1].rstrip() + "…"


@gaps_app.command("show")
def show(
    theme: ThemeArg, kb: KbOption = None, db: DbOption = None, local_kb: LocalKbOption = None
) -> None:
    """Show one theme: its wordings, counts, status and the nearest answers."""
    with _service(kb, db, local_kb) as service:
        t = service.get(theme)
        wordings = service.members(theme)
    console = Screen()
    console.print(markup("[bold]Theme {}[/bold]: {}", t.id, one_line(t.label)), highlight=False)
    entry = f" (entry {t.entry_id})" if t.entry_id else ""
    console.print(
        markup("status: {}{}; note: {}", t.status.value, entry, one_line(t.note or "-")),
        highlight=False,
    )
    console.print(
        f"{counted(t.count, 'question')} from {counted(t.askers, 'person')}, "
        f"{t.first_seen:%d %b %Y} to {t.last_seen:%d %b %Y}",
        highlight=False,
        markup=False,
    )
    console.print(
        f"keywords: {', '.join(t.keywords) or 'none'}; nearest entries: {', '.join(t.nearest_entries) or 'none'}",
        highlight=False,
        markup=False,
    )
    console.print("wordings:")
    for wording in wordings[:30]:
        console.print(f"  - {one_line(wording)}", highlight=False, markup=False)


@gaps_app.command("report")
def report(
    since: SinceOption = "30d",
    fmt: Annotated[str, typer.Option("--format", help="md, csv or html")] = "md",
    out: OutOption = None,
    kb: KbOption = None,
    db: DbOption = None,
    local_kb: LocalKbOption = None,
) -> None:
    """A report for the partnership meeting: top themes, weekly trends, weak answers, topics."""
    renderers = {"md": to_markdown, "csv": to_csv, "html": to_html}
    if fmt not in renderers:
        raise typer.BadParameter(f"use md, csv or html, not {fmt!r}", param_hint="--format")
    until = utc_now()
    start = until - parse_period(since)
    with _service(kb, db, local_kb) as service:
        text = renderers[fmt](build_report(service, since=start, until=until))
    write_out(text, out, example=f"gaps-report.{fmt}")


@gaps_app.command("triage")
def triage(
    theme: ThemeArg,
    status: Annotated[str, typer.Option("--status", help="new, in_review, answered or ignored")],
    note: Annotated[
        str,
        typer.Option(
            "--note",
            help="Why; shown in reports. Replaces the theme's old note; without it the old "
            "note is cleared.",
        ),
    ] = "",
    entry: Annotated[
        str | None,
        typer.Option(
            "--entry",
            help="The entry that now answers it. A status other than answered clears the "
            "old entry unless one is given.",
        ),
    ] = None,
    kb: KbOption = None,
    db: DbOption = None,
    local_kb: LocalKbOption = None,
) -> None:
    """Set a theme's status, with a note (required for ignored) or the entry that now answers
    it (required for answered). Each triage replaces the last one's note and entry."""
    chosen = _status(status)
    note = note.strip()  # a blank note is no note
    if chosen is ThemeStatus.IGNORED and not note:
        raise typer.BadParameter("say why the theme is ignored", param_hint="--note")
    if chosen is ThemeStatus.ANSWERED and not entry:
        raise typer.BadParameter(
            f"--status answered needs the entry that now answers the theme: --entry ENTRY_ID. "
            f"{FIND_ENTRY_IDS}",
            param_hint="--entry",
        )
    with _service(kb, db, local_kb) as service:
        if entry is not None and entry not in service.knowledge.current.kb:
            raise ReviewActionError(
                f"There is no entry {entry!r} in the knowledge base; nothing was changed. "
                f"{FIND_ENTRY_IDS}"
            )
        t = service.triage(theme, status=chosen, note=note, entry_id=entry)
    Screen().print(f"Theme {t.id} is now {t.status.value}.", highlight=False, markup=False)


FIND_ENTRY_IDS = (
    "See the nearest entries with: compact-bot gaps show THEME, or every id with: "
    "compact-bot kb export --format csv"
)


@gaps_app.command("promote")
def promote_command(
    theme: ThemeArg,
    kb: KbOption = None,
    db: DbOption = None,
    local_kb: LocalKbOption = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Write another draft even though the theme has one."),
    ] = False,
) -> None:
    """Write a draft entry into knowledge/drafts/ from a theme's wordings; refused when the
    theme already has a draft there, unless --force."""
    with _service(kb, db, local_kb) as service:
        path = promote(service, theme, force=force)
    Screen().print(
        f"Draft written to {path}. Complete it, move it into a topic file, then run compact-bot kb check.",
        highlight=False,
        markup=False,
    )


@gaps_app.command("link")
def link_command(
    target: Annotated[str, typer.Argument(help="A theme id, or a question's wording in quotes.")],
    entry: Annotated[str, typer.Argument(help="The entry id that answers it.")],
    kb: KbOption = None,
    db: DbOption = None,
    local_kb: LocalKbOption = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Link even though kb check would warn (a wording another entry already "
            "has, or one closer to another entry's wordings than to this one's).",
        ),
    ] = False,
) -> None:
    """Add a theme's wordings (or one wording) to an entry's alternates, in place, in the
    file that defines the entry; refused when kb check would warn about them, unless
    --force."""
    with _service(kb, db, local_kb) as service:
        result = link(service, target, entry, force=force)
    console = Screen()
    if result.added:
        console.print(
            f"Added {counted(len(result.added), 'wording')} to {result.entry_id}:",
            highlight=False,
            markup=False,
        )
        for wording in result.added:
            console.print(f"  - {one_line(wording)}", highlight=False, markup=False)
    else:
        console.print(
            f"{result.entry_id} already has those wordings.", highlight=False, markup=False
        )
    if result.left_out:
        console.print(
            f"Left out {counted(result.left_out, 'wording')} with personal data removed: "
            "not what anyone typed.",
            highlight=False,
            markup=False,
        )
    if result.theme_id:
        console.print(f"Theme {result.theme_id} marked answered.", highlight=False)


@gaps_app.command("digest")
def digest(
    since: SinceOption = "7d",
    post: Annotated[
        bool,
        typer.Option(
            "--post",
            help="Post it to the review channel of Slack, Teams or both, whichever is set up.",
        ),
    ] = False,
    kb: KbOption = None,
    db: DbOption = None,
    local_kb: LocalKbOption = None,
) -> None:
    """Print the weekly digest of the top open themes, or post it with --post: to Slack (needs
    SLACK_BOT_TOKEN and COMPACT_REVIEW_CHANNEL) and to Teams (needs the Teams credentials and
    COMPACT_TEAMS_REVIEW_CHANNEL), whichever is configured."""
    if post:
        _post_digest(kb, db, local_kb, since)
        return
    with _service(kb, db, local_kb) as service:
        typer.echo(digest_markdown(build_digest(service, since=utc_now() - parse_period(since))))


NOWHERE_TO_POST = (
    "Posting the digest needs SLACK_BOT_TOKEN and COMPACT_REVIEW_CHANNEL (Slack), or the "
    "Teams credentials and COMPACT_TEAMS_REVIEW_CHANNEL (Teams; see docs/teams.md)."
)


def _post_digest(kb: Path | None, db: str | None, local_kb: Path | None, since: str) -> None:
    settings = settings_from(kb, db, local_kb)
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    slack = bool(token) and bool(settings.review_channel)
    teams = settings.wants_teams() and bool(settings.teams_review_channel)
    if not slack and not teams:
        raise ConfigError(NOWHERE_TO_POST)
    if slack:
        _post_digest_to_slack(settings, token, since)
    if teams:
        _post_digest_to_teams(settings, since)


def _post_digest_to_teams(settings: Settings, since: str) -> None:
    from bot.adapters.teams.credentials import teams_credentials
    from bot.adapters.teams.schedule import post_digest_once
    from bot.runtime import build_runtime

    teams_credentials(settings)  # the whole set, or what is missing, before anything loads
    runtime = build_runtime(settings)
    try:
        activity_id = post_digest_once(runtime, days=parse_period(since).days)
    except Exception as exc:
        raise ConfigError(
            f"Teams refused the digest ({type(exc).__name__}: {exc}). Is the app installed in "
            "the team of COMPACT_TEAMS_REVIEW_CHANNEL, and are the credentials right?"
        ) from exc
    finally:
        runtime.close()
    Screen().print(
        f"Posted the digest to Teams channel {settings.teams_review_channel} "
        f"(activity {activity_id}).",
        highlight=False,
        markup=False,
    )


def _post_digest_to_slack(settings: Settings, token: str, since: str) -> None:
    from bot.adapters.slack.app import network_reason, web_client
    from bot.adapters.slack.scheduler import post_digest
    from bot.adapters.slack.wiring import slack_services

    services = slack_services(settings)
    client = web_client(services, token)
    days = parse_period(since).days
    try:
        ts = post_digest(services, client, days=days)
    except SlackApiError as exc:
        raise ConfigError(
            f"Slack refused the digest: {exc.response.get('error')}. Is the bot in the review channel?"
        ) from exc
    except OSError as exc:  # DNS, refused, timed out, proxy
        raise ConfigError(
            f"Cannot reach Slack at {settings.slack_base_url()}: {network_reason(exc)}. Check the network and "
            "any proxy (HTTPS_PROXY), and SLACK_API_URL if you set it."
        ) from exc
    Screen().print(
        f"Posted the digest to {settings.review_channel} (ts {ts}).", highlight=False, markup=False
    )


@contextmanager
def _suggestions(
    kb: Path | None, db: str | None, local_kb: Path | None, ctx: typer.Context | None = None
) -> Iterator[SuggestionService]:
    """The suggestions of the knowledge base and database chosen. In a subcommand (``ctx``),
    --kb, --db and --local-kb may be given before it, to the group ("gaps suggestions --kb
    kb3 accept 4"), or after it; given after, they win."""
    if ctx is not None and ctx.parent is not None:
        group = ctx.parent.params
        kb = kb if kb is not None else group.get("kb")
        db = db if db is not None else group.get("db")
        local_kb = local_kb if local_kb is not None else group.get("local_kb")
    with _service(kb, db, local_kb) as themes:
        yield SuggestionService(database=themes.database, knowledge=themes.knowledge)


@suggestions_app.callback()
def suggestions(
    ctx: typer.Context, kb: KbOption = None, db: DbOption = None, local_kb: LocalKbOption = None
) -> None:
    """List suggested wordings with their counts (accept or reject them by id)."""
    if ctx.invoked_subcommand is not None:
        return  # the subcommand reads --kb, --db and --local-kb given here (see _suggestions)
    with _suggestions(kb, db, local_kb) as service:
        service.refresh()
        pending = service.pending()
    console = Screen()
    if not pending:
        console.print(
            "No suggestions waiting. They appear when people pick an answer from a did-you-mean or rephrase until one answers."
        )
        return
    table = Table("id", "count", "entry", "suggested wording")
    for s in pending:
        table.add_row(str(s.id), str(s.count), cell(s.entry_id), cell(one_line(s.wording)))
    console.print(table)
    console.print(
        "Accept with: compact-bot gaps suggestions accept ID   (reject works the same way)"
    )


@suggestions_app.command("accept")
def accept(
    ctx: typer.Context,
    suggestion: int,
    kb: KbOption = None,
    db: DbOption = None,
    local_kb: LocalKbOption = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Add it even though kb check would warn (the same wording in another entry, "
            "or closer to another entry's wordings than to its own).",
        ),
    ] = False,
) -> None:
    """Add the suggested wording to its entry's alternates; refused when kb check would warn
    about it, unless --force."""
    with _suggestions(kb, db, local_kb, ctx) as service:
        s = service.accept(suggestion, force=force)
    Screen().print(f"Added {one_line(s.wording)!r} to {s.entry_id}.", highlight=False, markup=False)


@suggestions_app.command("reject")
def reject(
    ctx: typer.Context,
    suggestion: int,
    kb: KbOption = None,
    db: DbOption = None,
    local_kb: LocalKbOption = None,
) -> None:
    """Reject a suggested wording; it will not be suggested again."""
    with _suggestions(kb, db, local_kb, ctx) as service:
        s = service.reject(suggestion)
    Screen().print(f"Rejected suggestion {s.id}.", highlight=False)

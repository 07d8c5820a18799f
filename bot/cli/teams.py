"""``compact-bot teams``: the Microsoft Teams app package an administrator uploads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.adapters.teams.package import write_package
from bot.adapters.teams.package_identity import AppIdentity
from bot.cli.markup import Screen
from bot.settings import load_settings

teams_app = typer.Typer(
    rich_markup_mode="markdown",
    help="Microsoft Teams: build the app package to upload (see docs/teams.md).",
    no_args_is_help=True,
)


@teams_app.command("package")
def package(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            metavar="PATH",
            help="Folder to write the .zip into (created if needed), or a file name ending .zip.",
        ),
    ] = Path("."),
    domain: Annotated[
        list[str] | None,
        typer.Option(
            "--domain",
            metavar="HOST",
            help="The bot's public host name, e.g. compact-bot.example.gov.uk; repeat for more. "
            "Listed as the app's validDomains, and gives the default website link. "
            "Default: COMPACT_TEAMS_DOMAIN (comma-separated).",
            show_default=False,
        ),
    ] = None,
    app_id: Annotated[
        str | None,
        typer.Option(
            metavar="GUID",
            help="The app's own GUID in Teams (the manifest's id, not an Azure value). Default: "
            "COMPACT_TEAMS_APP_ID, else one derived from the bot id, the same every time. "
            "Changing it makes Teams see a new app.",
            show_default=False,
        ),
    ] = None,
    app_version: Annotated[
        str | None,
        typer.Option(
            metavar="X.Y.Z",
            help="The app's version, e.g. 1.0.1. Default: the Compact Assistant's version. "
            "Raise it to update an app already uploaded.",
            show_default=False,
        ),
    ] = None,
    developer_name: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help="Publisher shown in Teams, up to 32 characters, e.g. your organisation. "
            "Default: COMPACT_TEAMS_DEVELOPER_NAME, else 'Compact Assistant'.",
            show_default=False,
        ),
    ] = None,
    website_url: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="Publisher's https:// website. Default: COMPACT_TEAMS_WEBSITE_URL, else "
            "https:// and the first --domain.",
            show_default=False,
        ),
    ] = None,
    privacy_url: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="Your privacy notice. Default: COMPACT_TEAMS_PRIVACY_URL, else the website.",
            show_default=False,
        ),
    ] = None,
    terms_url: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="Your terms of use. Default: COMPACT_TEAMS_TERMS_URL, else the website.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Build the Teams app package: manifest.json with the two icons, in one .zip.

    The bot id comes from TEAMS_CLIENT_ID (the Azure bot's Microsoft App ID).

    Upload the .zip in the Teams admin centre: Teams apps > Manage apps > Upload new app.

    The full walk-through is in docs/teams.md.
    """
    settings = load_settings(
        teams_domain=",".join(domain) if domain else None,
        teams_app_id=app_id,
        teams_developer_name=developer_name,
        teams_website_url=website_url,
        teams_privacy_url=privacy_url,
        teams_terms_url=terms_url,
    )
    identity = AppIdentity.from_settings(settings, app_version=app_version)
    built = write_package(identity, out)
    console = Screen(soft_wrap=True)
    console.print(f"Wrote {built.path} ({', '.join(built.files)})", highlight=False, markup=False)
    rows = (
        ("Bot id", identity.bot_id),
        ("App id", identity.app_id),
        ("Version", identity.version),
        ("Valid domains", ", ".join(identity.domains) or "(none)"),
        ("Developer", identity.developer_name),
        ("Website", identity.website_url),
        ("Privacy", identity.privacy_url),
        ("Terms of use", identity.terms_url),
    )
    for label, value in rows:
        console.print(f"  {label + ':':<15}{value}", highlight=False, markup=False)
    err = Screen(stderr=True, soft_wrap=True)
    if identity.defaulted:
        err.print(
            f"Note: {' and '.join(identity.defaulted)} not set, so those links point at "
            f"{identity.website_url}. Set them to your organisation's pages before you publish "
            "the app to everyone.",
            highlight=False,
            markup=False,
        )
    console.print(
        "Next: upload it in the Teams admin centre (Teams apps > Manage apps > Upload new app). "
        "Details: docs/teams.md",
        highlight=False,
    )

"""Options every command shares, and the settings they produce."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.settings import Settings, load_settings

KbOption = Annotated[
    Path | None,
    typer.Option(
        "--kb",
        help="Knowledge folder or YAML file. Default: the bundled knowledge/ (or COMPACT_KB).",
        show_default=False,
    ),
]
LocalKbOption = Annotated[
    Path | None,
    typer.Option(
        "--local-kb",
        help="Your local Compact's own entries, over the national ones (or COMPACT_LOCAL_KB).",
        show_default=False,
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL. Default: an SQLite file in your user data folder (or DATABASE_URL).",
        show_default=False,
    ),
]


def settings_from(kb: Path | None, db: str | None, local_kb: Path | None = None) -> Settings:
    return load_settings(kb=kb, database_url=db, local_kb=local_kb)

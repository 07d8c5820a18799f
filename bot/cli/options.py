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
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL. Default: an SQLite file in your user data folder (or DATABASE_URL).",
        show_default=False,
    ),
]


SinceOption = Annotated[
    str, typer.Option("--since", help="Period to cover, e.g. 7d, 30d, 12w, 6m, 1y.")
]
OutOption = Annotated[Path | None, typer.Option("--out", help="File to write; default: print it.")]


def write_out(text: str, out: Path | None) -> None:
    """A report to standard output, or to ``out`` with a note on standard error."""
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"Wrote {out}", err=True)


def settings_from(kb: Path | None, db: str | None) -> Settings:
    return load_settings(kb=kb, database_url=db)

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


SinceOption = Annotated[
    str, typer.Option("--since", help="Period to cover, e.g. 7d, 30d, 12w, 6m, 1y.")
]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", help="File to write, or - for standard output (the default)."),
]


def write_out(text: str, out: Path | None) -> None:
    """A report to standard output, or to ``out`` with a note on standard error."""
    if out is None or str(out) == "-":
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"Wrote {out}", err=True)


def settings_from(kb: Path | None, db: str | None, local_kb: Path | None = None) -> Settings:
    return load_settings(kb=kb, database_url=db, local_kb=local_kb)

"""Options every command shares, and the settings they produce."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.errors import CompactError
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
    str,
    typer.Option(
        "--since", help="Period to cover, e.g. 7d, 30d, 12w, 6m, 1y (a month is 30 days)."
    ),
]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", help="File to write, or - for standard output (the default)."),
]


class OutputFileError(CompactError):
    """A file named with --out cannot be written (a folder, a missing folder, no permission)."""


def write_out(
    text: str,
    out: Path | None,
    *,
    example: str = "report.txt",
    wrote: str = "",
    overwrite: bool = True,
) -> None:
    """A report or export to standard output, or to ``out`` with a note on standard error
    ("Wrote ``out``", or ``wrote`` when given). Every command's --out goes through here, so
    a folder, a folder that does not exist or a file that cannot be written is one clear
    error (``OutputFileError``) for all of them; ``example`` is the file name suggested when
    ``out`` is a folder. Without ``overwrite``, a file that exists is refused (the command
    offers --force)."""
    if out is None or str(out) == "-":
        typer.echo(text, nl=False)
        return
    if not overwrite and out.is_file():
        raise OutputFileError(
            f"Refusing to overwrite {out}: it already exists. Use --force to replace it, or "
            "choose another --out."
        )
    write_file(out, text, example=example)
    typer.echo(wrote or f"Wrote {out}", err=True)


def write_file(out: Path, text: str, *, example: str = "report.txt") -> None:
    """``text`` into the file ``out`` in UTF-8, or ``OutputFileError`` saying what is wrong
    with ``out`` and what to give instead."""
    if out.is_dir():
        raise OutputFileError(
            f"Cannot write to {out}: it is a folder. Give --out a file name, "
            f"e.g. --out {out / example}"
        )
    folder = out.parent
    if not folder.is_dir():
        problem = "is a file, not a folder" if folder.exists() else "does not exist"
        raise OutputFileError(
            f"Cannot write {out}: the folder {folder} {problem}. Create the folder first, "
            "or choose another --out."
        )
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OutputFileError(
            f"Cannot write {out}: {reason}. Choose a file you may write, or another --out."
        ) from exc


def settings_from(kb: Path | None, db: str | None, local_kb: Path | None = None) -> Settings:
    return load_settings(kb=kb, database_url=db, local_kb=local_kb)

"""``compact-bot ask``: one question (or one per line from standard input), one reply each."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console

from bot.cli.console_render import render
from bot.cli.json_contract import reply_to_json
from bot.cli.options import DbOption, KbOption, LocalKbOption, settings_from
from bot.core.question import ChannelKind, Context, Question
from bot.runtime import build_runtime


def ask(
    question: Annotated[
        str, typer.Argument(help="The question, in quotes. Use - to read one question per line.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per question (stable format).")
    ] = False,
    no_log: Annotated[
        bool, typer.Option("--no-log", help="Do not record these questions in the log.")
    ] = False,
    kb: KbOption = None,
    db: DbOption = None,
    local_kb: LocalKbOption = None,
) -> None:
    """Ask a question and print the reply.

    With --json and "-", reads questions from standard input, one per line, and writes one
    JSON object per line in the same order: question, outcome (answer, clarify, no_match or
    smalltalk), entry_id, answer, confidence, candidates (up to 5 {entry_id, question, score}).
    """
    runtime = build_runtime(settings_from(kb, db, local_kb), with_log=not no_log)
    context = Context(ChannelKind.CLI, "cli")
    console = Console()
    questions = (line.rstrip("\r\n") for line in sys.stdin) if question == "-" else [question]
    try:
        for text in questions:
            reply = runtime.assistant.ask(Question(text, context))
            if as_json:
                kb_now = runtime.store.current.kb
                line = json.dumps(reply_to_json(reply, kb_now), ensure_ascii=False)
                sys.stdout.write(line + "\n")
                sys.stdout.flush()
            else:
                render(reply, console, runtime.store.current.kb)
    finally:
        runtime.close()

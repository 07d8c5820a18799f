"""``compact-bot ask``: one question (or one per line from standard input), one reply each."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Annotated

import typer

from bot.cli.options import DbOption, KbOption, LocalKbOption, settings_from


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
    # Here rather than at the top: importing the CLI (``--help``, other commands) stays light.
    from bot.cli.chat import console_word_meaning
    from bot.cli.console_render import render
    from bot.cli.json_contract import json_line, reply_to_json
    from bot.cli.markup import Screen
    from bot.core.question import ChannelKind, Context, Question
    from bot.core.replies import Reply, SmallTalk, SmallTalkKind
    from bot.runtime import build_runtime

    runtime = build_runtime(settings_from(kb, db, local_kb), with_log=not no_log)
    context = Context(ChannelKind.CLI, "cli")
    console = Screen()
    try:
        for text in _questions(question):
            # A chat command typed as the one question ("ask quit") is explained, not
            # matched or logged. Lines read with "-" are all questions (evaluation sets).
            meaning = console_word_meaning(text) if question != "-" else None
            reply: Reply = (
                SmallTalk(Question(text, context), SmallTalkKind.HELP, meaning)
                if meaning is not None
                else runtime.assistant.ask(Question(text, context))
            )
            if as_json:
                _write_line(json_line(reply_to_json(reply, runtime.store.current.kb)))
            else:
                render(reply, console, runtime.store.current.kb, can_choose=False)
    finally:
        runtime.close()


def _questions(question: str) -> Iterator[str]:
    """The question, or one per line of standard input. Input is read as bytes and decoded
    as UTF-8 with anything invalid replaced (U+FFFD), so no line can stop the run; the byte
    order mark Notepad saves at the start of a file (of each file, when several are joined)
    is not part of a question."""
    if question != "-":
        # Undecodable bytes in the argument arrive as lone surrogates: make them U+FFFD too.
        yield question.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return
    for raw in sys.stdin.buffer:
        yield raw.decode("utf-8", "replace").removeprefix("\ufeff").rstrip("\r\n")


def _write_line(line: str) -> None:
    """One line of valid UTF-8, whatever the terminal's encoding."""
    data = line.encode("utf-8", "replace") + b"\n"
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        buffer.write(data)
    sys.stdout.flush()

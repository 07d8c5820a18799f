#!/usr/bin/env python3
"""Set up and run the Compact Assistant. Needs only Python 3.11+, pip and git.

    python3 run.py               set up (first time only), then start the assistant: the
                                 Slack and Teams bot where their credentials are set, else
                                 the chat in this terminal (compact-bot start)
    python3 run.py test [ARGS]   set up, then lint, check the knowledge base and run every
                                 test; ARGS go to pytest (python3 run.py test -k tour)
    python3 run.py COMMAND ...   set up, then run compact-bot COMMAND: python3 run.py chat,
                                 python3 run.py ask "how much notice before ending a grant?",
                                 python3 run.py kb check (python3 run.py COMMAND --help for
                                 one command's options)
    python3 run.py --help        this help, without setting anything up

Set-up makes a virtual environment in .venv and installs the assistant into it; it runs
again by itself when pyproject.toml changes. After it, the same commands work as
.venv/bin/compact-bot COMMAND (.venv\\Scripts\\compact-bot on Windows).
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".install-stamp"
POSTGRES = ("127.0.0.1", 5432)
DEFAULT_TEST_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def tool(name: str) -> str:
    return str(BIN / (f"{name}.exe" if os.name == "nt" else name))


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def set_up() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - run.py is what a user on an old Python meets first
        sys.exit(
            f"The Compact Assistant needs Python 3.11 or newer; this is {sys.version.split()[0]}."
        )
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not (BIN / "python").exists() and not (BIN / "python.exe").exists():
        say("Creating a virtual environment in .venv")
        venv.create(VENV, with_pip=True)
    say("Installing the Compact Assistant and its test tools (first run takes a minute or two)")
    pip = [tool("python"), "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "--editable", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(wanted + "\n")


def postgres_reachable() -> bool:
    try:
        with socket.create_connection(POSTGRES, timeout=1):
            return True
    except OSError:
        return False


def run_tests(pytest_args: list[str]) -> int:
    env = dict(os.environ)
    if not env.get("TEST_DATABASE_URL"):
        if postgres_reachable():
            env["TEST_DATABASE_URL"] = DEFAULT_TEST_DATABASE_URL
            say(
                f"PostgreSQL answers on {POSTGRES[0]}:{POSTGRES[1]}: tests run on SQLite and PostgreSQL"
            )
        else:
            say("No PostgreSQL on 127.0.0.1:5432: tests run on SQLite only")
    steps = [
        ("Lint (ruff)", [tool("ruff"), "check", "."]),
        ("Formatting (ruff)", [tool("ruff"), "format", "--check", "."]),
        ("Types (mypy --strict)", [tool("mypy")]),
        ("Knowledge base (compact-bot kb check)", [tool("compact-bot"), "kb", "check"]),
        ("Tests (pytest)", [tool("pytest"), *pytest_args]),
    ]
    for title, command in steps:
        say(title)
        result = subprocess.run(command, cwd=ROOT, env=env, check=False)
        if result.returncode != 0:
            say(f"FAILED: {title}")
            return result.returncode
    say("All checks passed")
    return 0


def main() -> int:
    args = sys.argv[1:]
    if args in (["-h"], ["--help"], ["help"]):
        # At once: help is what someone reads before deciding to set anything up.
        print(__doc__)
        return 0
    set_up()
    if args[:1] == ["test"]:
        return run_tests(args[1:])
    command = [tool("compact-bot"), *(args or ["start"])]
    if os.name == "nt":
        return subprocess.run(command, check=False).returncode
    os.execv(command[0], command)
    return 0


if __name__ == "__main__":
    sys.exit(main())

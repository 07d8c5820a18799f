"""Every --out, for every command, through the real command: a folder, a folder that does
not exist, or a file where a folder is wanted is one clear line and exit 1, never a
traceback; and files written for people keep a mode people can read."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.knowledge.atomic import current_umask

from .conftest import Run

REPORTS = [
    ("gaps", "report", "--format", "html"),
    ("gaps", "report", "--format", "csv"),
    ("induction", "report"),
    ("kb", "export"),
    ("kb", "export", "--format", "json"),
]


def one_clear_line(result) -> str:  # type: ignore[no-untyped-def]
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "Error" in result.stderr
    assert "Errno" not in result.stderr
    return str(result.stderr)


@pytest.mark.parametrize("command", REPORTS, ids=" ".join)
def test_out_in_a_folder_that_does_not_exist_is_a_clear_error(
    run: Run, tmp_path: Path, command: tuple[str, ...]
) -> None:
    target = tmp_path / "missing" / "x.out"
    err = one_clear_line(run(*command, "--out", str(target)))
    assert f"the folder {target.parent} does not exist" in err
    assert "--out" in err
    assert not target.parent.exists()


@pytest.mark.parametrize("command", REPORTS, ids=" ".join)
def test_out_that_is_a_folder_is_a_clear_error(
    run: Run, tmp_path: Path, command: tuple[str, ...]
) -> None:
    err = one_clear_line(run(*command, "--out", str(tmp_path)))
    assert f"Cannot write to {tmp_path}: it is a folder" in err
    assert f"--out {tmp_path}{os.sep}" in err  # a file name to use instead


def test_out_under_a_file_is_a_clear_error(run: Run, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    err = one_clear_line(run("kb", "export", "--out", str(tmp_path / "a-file" / "kb.csv")))
    assert "is a file, not a folder" in err


def test_kb_export_never_replaces_a_file_without_force(run: Run, tmp_path: Path) -> None:
    """A knowledge file given as --out by mistake is refused, and kept as it was."""
    target = tmp_path / "funding.yml"
    target.write_text("topic: Funding\nentries: []\n", encoding="utf-8")
    err = one_clear_line(run("kb", "export", "--out", str(target)))
    assert f"Refusing to overwrite {target}: it already exists. Use --force" in " ".join(
        err.split()
    )
    assert target.read_text(encoding="utf-8") == "topic: Funding\nentries: []\n"
    forced = run("kb", "export", "--out", str(target), "--force")
    assert forced.returncode == 0, forced.stderr
    assert target.read_text(encoding="utf-8-sig").startswith("id,question,answer")


def test_kb_import_into_a_file_is_a_clear_error(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "faq.csv"
    source.write_text("question,answer\nHow do I apply?,Use the form.\n", encoding="utf-8")
    existing = tmp_path / "faq.json"
    existing.write_text("[]")
    for extra in ((), ("--force",)):
        err = one_clear_line(run("kb", "import", str(source), "--out", str(existing), *extra))
        assert f"Cannot import into {existing}: it is a file" in err
        assert "--out takes a folder" in err
    assert existing.read_text() == "[]"


def test_out_writes_the_file_and_says_so(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    result = run("gaps", "report", "--format", "html", "--out", str(target))
    assert result.returncode == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert f"Wrote {target}" in result.stderr


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_kb_import_writes_files_with_the_usual_mode(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "faq.csv"
    source.write_text("question,answer\nHow do I apply?,Use the form.\n", encoding="utf-8")
    out = tmp_path / "kb"
    result = run("kb", "import", str(source), "--out", str(out))
    assert result.returncode == 0, result.stderr
    [written] = out.glob("*.yml")
    # Not mkstemp's 0600: 0666 less the umask, as any editor would make it (0644 under 022).
    assert stat.S_IMODE(written.stat().st_mode) == 0o666 & ~current_umask()
    (out / "kept.yml").write_text("x")
    written.chmod(0o640)
    again = run("kb", "import", str(source), "--out", str(out), "--force")
    assert again.returncode == 0, again.stderr
    assert stat.S_IMODE(written.stat().st_mode) == 0o640, "a replaced file keeps its mode"

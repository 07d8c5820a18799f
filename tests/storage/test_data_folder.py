"""The data folder holds the pseudonym key, the log and the build cache: made for this user
only, and a folder others may write to is named once, with the command that fixes it."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.conftest import Run


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def open_folder_warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "can be written by other users" in line]


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o722])
def test_a_data_folder_others_can_write_is_named_once_with_the_fix(
    run: Run, tmp_path: Path, mode: int
) -> None:
    data = tmp_path / "shared data"
    data.mkdir()
    data.chmod(mode)
    asked = run("ask", "--json", "what is the compact", env={"COMPACT_DATA_DIR": str(data)})
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["entry_id"] == "what-is-the-compact"
    [warning] = open_folder_warnings(asked.stderr)
    assert str(data) in warning
    assert f"chmod 700 '{data}'" in warning
    assert mode_of(data) == mode  # named, not changed behind the owner's back


def test_a_data_folder_for_this_user_only_is_not_warned_about(run: Run, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    data.chmod(0o700)
    asked = run("ask", "--json", "what is the compact", env={"COMPACT_DATA_DIR": str(data)})
    assert asked.returncode == 0, asked.stderr
    assert open_folder_warnings(asked.stderr) == []


def test_a_new_data_folder_and_its_key_are_this_users_only(run: Run, tmp_path: Path) -> None:
    data = tmp_path / "new" / "data"
    asked = run("ask", "--json", "what is the compact", env={"COMPACT_DATA_DIR": str(data)})
    assert asked.returncode == 0, asked.stderr
    assert mode_of(data) == 0o700
    assert mode_of(data / "pseudonym.key") == 0o600
    assert open_folder_warnings(asked.stderr) == []
    upgraded = run("db", "upgrade", env={"COMPACT_DATA_DIR": str(tmp_path / "db only")})
    assert upgraded.returncode == 0, upgraded.stderr
    assert mode_of(tmp_path / "db only") == 0o700

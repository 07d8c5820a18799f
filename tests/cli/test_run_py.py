"""``python3 run.py --help``: what a new user types first, before anything is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..conftest import REPO


def test_run_py_help_prints_at_once_without_setting_anything_up(tmp_path: Path) -> None:
    """It built the virtual environment and installed the assistant (minutes, and the network)
    before printing its help. Here run.py sits alone in a folder: set-up would need the
    project's pyproject.toml, and would leave a .venv behind."""
    shutil.copy(REPO / "run.py", tmp_path / "run.py")
    for asked in ("--help", "-h"):
        result = subprocess.run(
            [sys.executable, str(tmp_path / "run.py"), asked],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        text = " ".join(result.stdout.split())
        assert "python3 run.py set up (first time only), then start the assistant" in text
        assert "python3 run.py test [ARGS] set up, then lint" in text
        assert "python3 run.py COMMAND ... set up, then run compact-bot COMMAND" in text
        assert "==>" not in result.stdout  # no set-up step was started
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.py"]

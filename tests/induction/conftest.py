from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.settings import bundled_knowledge

from ..conftest import Run

__all__ = ["Run"]


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A copy of the bundled knowledge base a test may edit."""
    folder = tmp_path / "knowledge"
    shutil.copytree(bundled_knowledge(), folder)
    return folder

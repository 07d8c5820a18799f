from __future__ import annotations

from ..conftest import Run

__all__ = ["Run"]

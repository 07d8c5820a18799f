"""An answer's standing today, as neutral data every channel shows the same way: who the rule
binds now, what it applies to, when it was last checked, and whether it is the council's own
local Compact speaking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.knowledge.model import Entry, KnowledgeBase, Layer, Status

STATUS_LABELS = {
    Status.CURRENT: "Status: current",
    Status.HISTORICAL: "Status: historical",
    Status.LOCAL_ONLY: "Status: applies where a local Compact adopts it",
}
LOCAL_LABEL = "Your local Compact"
ARCHIVED_LABEL = "archived copy"


@dataclass(frozen=True, slots=True)
class Standing:
    status: Status | None
    binds_now: str
    applies_to: tuple[str, ...]  # scope labels, in the entry's order
    reviewed: date | None
    # "Your local Compact (NAME)" when the answer comes from the council's local layer.
    local_label: str = ""
    local_url: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status] if self.status else ""

    @property
    def checked(self) -> str:
        """ "checked November 2026", or "" when the entry has no review date."""
        return f"checked {self.reviewed:%B %Y}" if self.reviewed else ""


def standing_of(entry: Entry, kb: KnowledgeBase) -> Standing:
    local = entry.layer is Layer.LOCAL
    name = kb.local_name
    return Standing(
        status=entry.status,
        binds_now=entry.binds_now,
        applies_to=tuple(kb.scope_label(s) for s in entry.applies_to),
        reviewed=entry.reviewed,
        local_label=(f"{LOCAL_LABEL} ({name})" if name else LOCAL_LABEL) if local else "",
        local_url=kb.local_url if local else "",
    )

"""Answers that depend on how a council set the assistant up, such as who its Compact
Champions are.

An entry names one setting under ``when_set``. When that setting has a value, the entry's
``when_set`` text is shown, followed by the value as a paragraph of its own; when it has none,
the entry's ordinary ``answer`` is shown. Nothing is ever substituted into the wording, and
people's questions never reach this code: the value comes from the administrator's settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# The settings an answer may show, with the variable that sets each (see bot/settings.py).
CONFIGURABLE_SETTINGS: Mapping[str, str] = {
    "champions_contact": "COMPACT_CHAMPIONS_CONTACT",
    "local_compact_name": "COMPACT_LOCAL_COMPACT_NAME",
    "local_compact_url": "COMPACT_LOCAL_COMPACT_URL",
}


@dataclass(frozen=True, slots=True)
class SettingAnswer:
    setting: str
    answer: str


def read_setting_answer(raw: Any) -> tuple[SettingAnswer | None, str]:
    """The ``when_set`` block, or None and a message saying what is wrong with it."""
    known = ", ".join(CONFIGURABLE_SETTINGS)
    if not isinstance(raw, dict) or set(raw) != {"setting", "answer"}:
        return None, "'when_set' needs exactly 'setting' and 'answer'"
    setting, answer = raw["setting"], raw["answer"]
    if setting not in CONFIGURABLE_SETTINGS:
        return None, f"'when_set' names unknown setting {setting!r}; use one of: {known}"
    if not isinstance(answer, str) or not answer.strip():
        return None, "'when_set' needs an 'answer' shown before the setting's value"
    return SettingAnswer(setting, answer.strip()), ""


def complete_answer(
    answer: str, when_set: SettingAnswer | None, settings: Mapping[str, str]
) -> tuple[str, str]:
    """The answer to show and the setting it used ("" when the fixed answer is shown)."""
    if when_set is None:
        return answer, ""
    value = shown_value(settings.get(when_set.setting, ""))
    if not value:
        return answer, ""
    return f"{when_set.answer}\n\n{value}", when_set.setting


def shown_value(value: str) -> str:
    """A setting's text as a plain paragraph: each line trimmed, blank lines dropped."""
    lines = (" ".join(line.split()) for line in value.splitlines())
    return "\n".join(line for line in lines if line)

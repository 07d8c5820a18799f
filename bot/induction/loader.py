"""Load and check ``induction.yml``: every problem at once, each with file, line and step.

The tour may only sum up what the knowledge base says, so every step and quiz question links
to entries, and each link must name an entry that exists.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.errors import KnowledgeBaseError, Problem
from bot.induction.content import QuizQuestion, Step, Tour
from bot.knowledge.loader import INDUCTION_FILE, _shown, load_knowledge
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.readability import word_count
from bot.knowledge.yaml_source import LocatedDict, LocatedList, read_yaml

MAX_STEP_WORDS = 120  # the hard limit; lint warns from STEP_WORDS (about 80)
MIN_OPTIONS, MAX_OPTIONS = 2, 6
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FILE_KEYS = {"title", "intro", "steps", "quiz"}
STEP_KEYS = {"id", "title", "text", "entries", "local_contacts"}
QUESTION_KEYS = {"id", "question", "options", "explanation", "entries", "step"}
OPTION_KEYS = {"text", "correct"}


def induction_file(knowledge_path: Path, local: Path | None = None) -> Path | None:
    """``induction.yml``: a council's own, in its local layer, or else the national one in the
    knowledge folder; None if neither has one."""
    for folder in (local, knowledge_path):
        candidate = Path(folder) / INDUCTION_FILE if folder is not None else None
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def tour_of(
    knowledge_path: Path,
    *,
    local: Path | None = None,
    settings: Mapping[str, str] | None = None,
) -> Tour | None:
    """The tour, checked against the entries it links to (no index is built)."""
    tour_file = induction_file(knowledge_path, local)
    if tour_file is None:
        return None
    return load_tour(tour_file, load_knowledge(knowledge_path, local=local, settings=settings))


def load_tour(path: Path, kb: KnowledgeBase | None) -> Tour:
    """Read the tour; raises KnowledgeBaseError listing every problem. Without ``kb`` (the
    knowledge base itself failed to load) links to entries are not checked."""
    reader = _Reader(_shown(path), kb)
    data, problems = read_yaml(path, reader.file)
    reader.problems.extend(problems)
    tour = reader.read(data) if data is not None or not problems else None
    if reader.problems or tour is None:
        raise KnowledgeBaseError(reader.problems)
    return tour


@dataclass
class _Reader:
    file: str
    kb: KnowledgeBase | None
    problems: list[Problem] = field(default_factory=list)

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def read(self, data: Any) -> Tour | None:
        if not isinstance(data, LocatedDict):
            self.problem(1, "must be a mapping with 'title', 'steps' and 'quiz' at the top")
            return None
        for key in data:
            if key not in FILE_KEYS:
                known = ", ".join(sorted(FILE_KEYS))
                self.problem(data.key_lines[key], f"unknown top-level key '{key}'; use {known}")
        title = self.text(data, "title", "the file")
        intro = self.text(data, "intro", "the file", required=False)
        steps = [
            s
            for n, (item, line) in enumerate(self.items(data, "steps"), start=1)
            if (s := self.step(item, line, n)) is not None
        ]
        quiz = [
            q
            for n, (item, line) in enumerate(self.items(data, "quiz"), start=1)
            if (q := self.question(item, line, n)) is not None
        ]
        self.check_ids(steps, "step")
        self.check_ids(quiz, "question")
        if sum(s.local_contacts for s in steps) > 1:
            self.problem(None, "only one step can set 'local_contacts: true'")
        tour = Tour(title or "", intro or "", tuple(steps), tuple(quiz), self.file)
        for number, question in enumerate(tour.quiz, start=1):
            self.check_step(tour, question, number)
        return tour

    def check_step(self, tour: Tour, question: QuizQuestion, number: int) -> None:
        """A question names the step that covers it, and shares an entry with that step."""
        who = f"question {number} '{question.id}'"
        step_number = tour.step_for(question)
        if step_number is None:
            known = ", ".join(s.id for s in tour.steps)
            self.problem(
                question.line,
                f"{who}: 'step' names no step ('{question.step}'); use one of {known}",
            )
        elif not set(question.entries).intersection(tour.steps[step_number - 1].entries):
            self.problem(
                question.line,
                f"{who}: shares no entry with step {step_number} '{question.step}'; a quiz "
                "question must test something its step covers",
            )

    def items(self, data: LocatedDict, key: str) -> list[tuple[Any, int]]:
        value = data.get(key)
        if not isinstance(value, LocatedList) or not value:
            self.problem(
                data.key_lines.get(key, 1), f"'{key}' must be a list with at least one item"
            )
            return []
        return list(zip(value, value.item_lines, strict=True))

    def text(self, item: LocatedDict, key: str, who: str, *, required: bool = True) -> str | None:
        value = item.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            line = item.key_lines.get(key, item.line)
            self.problem(line, f"{who}: '{key}' is missing or is not text")
            return None
        return value.strip()

    def links(self, item: LocatedDict, who: str) -> tuple[str, ...]:
        value = item.get("entries")
        line = item.key_lines.get("entries", item.line)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.problem(line, f"{who}: 'entries' must list the ids of the entries it sums up")
            return ()
        for entry_id in value:
            if self.kb is not None and entry_id not in self.kb:
                self.problem(
                    line, f"{who}: links to entry '{entry_id}', which is not in the knowledge base"
                )
        return tuple(value)

    def unknown_keys(self, item: LocatedDict, allowed: set[str], who: str) -> None:
        for key in item:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.problem(item.key_lines[key], f"{who}: unknown key '{key}'; use {known}")

    def label(self, item: LocatedDict, kind: str, number: int) -> tuple[str, str | None]:
        raw = item.get("id")
        step_id = raw.strip() if isinstance(raw, str) else None
        who = f"{kind} {number}" + (f" '{step_id}'" if step_id else "")
        if step_id is None or not SLUG.match(step_id):
            line = item.key_lines.get("id", item.line)
            self.problem(line, f"{who}: 'id' must be lower-case words joined by hyphens")
            return who, None
        return who, step_id

    def step(self, item: Any, line: int, number: int) -> Step | None:
        if not isinstance(item, LocatedDict):
            self.problem(line, f"step {number}: must be a mapping with id, title, text and entries")
            return None
        who, step_id = self.label(item, "step", number)
        self.unknown_keys(item, STEP_KEYS, who)
        title, text = self.text(item, "title", who), self.text(item, "text", who)
        entries = self.links(item, who)
        local = item.get("local_contacts", False)
        if not isinstance(local, bool):
            self.problem(
                item.key_lines["local_contacts"], f"{who}: 'local_contacts' is true or false"
            )
        if text is not None and (words := word_count(text)) > MAX_STEP_WORDS:
            self.problem(
                item.key_lines["text"],
                f"{who}: has {words} words; a step must be at most {MAX_STEP_WORDS} "
                "(aim for about 80): move detail to the entries 'Tell me more' opens",
            )
            return None
        if step_id is None or title is None or text is None or not entries:
            return None
        return Step(step_id, title, text, entries, local is True, item.line)

    def question(self, item: Any, line: int, number: int) -> QuizQuestion | None:
        if not isinstance(item, LocatedDict):
            self.problem(line, f"question {number}: must be a mapping with id, question, options")
            return None
        who, question_id = self.label(item, "question", number)
        self.unknown_keys(item, QUESTION_KEYS, who)
        text, explanation = self.text(item, "question", who), self.text(item, "explanation", who)
        entries = self.links(item, who)
        options = self.options(item, who)
        step = self.text(item, "step", who)
        if question_id is None or text is None or explanation is None or step is None:
            return None
        if not entries or options is None:
            return None
        labels, correct = options
        return QuizQuestion(
            question_id, text, labels, correct, explanation, entries, step, item.line
        )

    def options(self, item: LocatedDict, who: str) -> tuple[tuple[str, ...], int] | None:
        """Each option is text (a wrong answer) or {text, correct: true}; exactly one is right."""
        value = item.get("options")
        line = item.key_lines.get("options", item.line)
        if not isinstance(value, LocatedList) or not MIN_OPTIONS <= len(value) <= MAX_OPTIONS:
            self.problem(line, f"{who}: 'options' must list {MIN_OPTIONS} to {MAX_OPTIONS} answers")
            return None
        labels: list[str] = []
        right: list[int] = []
        for number, (option, option_line) in enumerate(
            zip(value, value.item_lines, strict=True), start=1
        ):
            if isinstance(option, LocatedDict):
                self.unknown_keys(option, OPTION_KEYS, f"{who} option {number}")
                if option.get("correct", False) is True:
                    right.append(number)
                elif not isinstance(option.get("correct", False), bool):
                    self.problem(option_line, f"{who} option {number}: 'correct' is true or false")
                option = option.get("text")
            if not isinstance(option, str) or not option.strip():
                self.problem(option_line, f"{who} option {number}: needs its text")
                return None
            labels.append(option.strip())
        if len(right) != 1:
            found = "none is" if not right else f"{len(right)} are ({', '.join(map(str, right))})"
            self.problem(line, f"{who}: exactly one option must be marked 'correct: true'; {found}")
            return None
        return tuple(labels), right[0]

    def check_ids(self, items: list[Step] | list[QuizQuestion], kind: str) -> None:
        seen: dict[str, int] = {}
        for item in items:
            if item.id in seen:
                self.problem(
                    item.line,
                    f"{kind} id '{item.id}' is used twice; it is already at line {seen[item.id]}",
                )
            seen.setdefault(item.id, item.line)

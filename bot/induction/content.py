"""The tour and quiz as values, loaded from ``knowledge/induction.yml``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Step:
    """One short page of the tour. ``entries`` are the knowledge-base entries it sums up;
    "Tell me more" opens their answers."""

    id: str
    title: str
    text: str
    entries: tuple[str, ...]
    # The step that also names this installation's local Compact and Compact Champions.
    local_contacts: bool = False
    line: int = 0


@dataclass(frozen=True, slots=True)
class QuizQuestion:
    id: str
    question: str
    options: tuple[str, ...]  # in the order shown, always the same
    correct: int  # 1-based number of the right option
    explanation: str
    entries: tuple[str, ...]
    step: str  # the id of the step that covers it: where to look again after a wrong answer
    line: int = 0

    @property
    def right_answer(self) -> str:
        return self.options[self.correct - 1]


@dataclass(frozen=True, slots=True)
class Tour:
    title: str
    intro: str
    steps: tuple[Step, ...]
    quiz: tuple[QuizQuestion, ...]
    file: str = ""

    def step_number(self, step_id: str) -> int | None:
        return next((n for n, s in enumerate(self.steps, start=1) if s.id == step_id), None)

    def question_number(self, question_id: str) -> int | None:
        return next((n for n, q in enumerate(self.quiz, start=1) if q.id == question_id), None)

    def step_for(self, question: QuizQuestion) -> int | None:
        """The number of the step that covers a question: where to look again."""
        return self.step_number(question.step)

"""The evaluation set: staff questions with the entry that should answer each, and
out-of-scope questions that must not be answered (tests/eval/*.yml)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.errors import EvalSetError
from bot.knowledge.loader import LOCAL_EVAL_FOLDER
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.yaml_source import LocatedDict, LocatedList, read_yaml
from bot.matching.text import words
from bot.settings import PACKAGE_DIR

IN_SCOPE_FILE = "in_scope.yml"
OUT_OF_SCOPE_FILE = "out_of_scope.yml"
# How many unknown ids are shown when most of a set's are unknown.
_SHOWN = 3


@dataclass(frozen=True, slots=True)
class EvalCase:
    question: str
    expect: str | None  # None: out of scope, must not be answered
    where: str  # file:line, for failure lists

    @property
    def in_scope(self) -> bool:
        return self.expect is not None


def default_eval_folder() -> Path:
    return PACKAGE_DIR.parent / "tests" / "eval"


def local_eval_folder(kb: KnowledgeBase) -> Path | None:
    """A local layer's own evaluation questions (``eval/`` inside it), if it ships any."""
    if kb.local_root is None or not kb.local_root.is_dir():
        return None
    folder = kb.local_root / LOCAL_EVAL_FOLDER
    return folder if folder.is_dir() else None


def load_eval_set(folder: Path, kb: KnowledgeBase) -> list[EvalCase]:
    """Read both files; every problem (bad case, unknown entry id) is reported at once."""
    if not folder.is_dir():
        raise EvalSetError(
            f"No evaluation set at {folder}; pass --set with the folder holding {IN_SCOPE_FILE}"
        )
    cases: list[EvalCase] = []
    problems: list[str] = []
    expected: list[tuple[str, object]] = []  # (where, expect) of every in-scope case
    stored = {tuple(words(p)): entry.id for entry in kb.entries for p in entry.phrasings}
    for name, in_scope in ((IN_SCOPE_FILE, True), (OUT_OF_SCOPE_FILE, False)):
        path = folder / name
        if not path.exists():
            problems.append(f"{path}: missing")
            continue
        data, yaml_problems = read_yaml(path, str(path))
        problems += [str(p) for p in yaml_problems]
        items = data.get("cases") if isinstance(data, LocatedDict) else None
        if not isinstance(items, LocatedList):
            problems.append(f"{path}: needs a 'cases:' list")
            continue
        for item, line in zip(items, items.item_lines, strict=True):
            where = f"{path}:{line}"
            question = item.get("q") if isinstance(item, dict) else None
            if not isinstance(question, str) or not question.strip():
                problems.append(f"{where}: each case needs a 'q' with the question text")
                continue
            expect = item.get("expect") if in_scope else None
            if in_scope:
                expected.append((where, expect))
            if in_scope and expect not in kb:
                problems.append(f"{where}: 'expect' names unknown entry id {expect!r}")
                continue
            copied = stored.get(tuple(words(question)))
            if copied is not None:
                # A copy measures nothing: the set is there to test unseen wordings.
                problems.append(
                    f"{where}: {question.strip()!r} is a copy of a wording of entry "
                    f"{copied!r}; reword the question or remove that wording from the entry"
                )
                continue
            cases.append(EvalCase(question.strip(), expect, where))
    unknown = [(where, expect) for where, expect in expected if expect not in kb]
    if len(unknown) > max(len(expected) / 2, _SHOWN):  # a few typos are listed as usual
        raise EvalSetError(_another_knowledge_base(folder, kb, unknown, len(expected)))
    if problems:
        raise EvalSetError(
            "The evaluation set has problems:\n" + "\n".join(f"  {p}" for p in problems)
        )
    return cases


def _another_knowledge_base(
    folder: Path, kb: KnowledgeBase, unknown: list[tuple[str, object]], total: int
) -> str:
    """Most questions expect entries the knowledge base does not have: the set was written
    for another one, and listing every unknown id (hundreds) would only bury that."""
    examples = "".join(
        f"\n  {where}: 'expect' names unknown entry id {expect!r}"
        for where, expect in unknown[:_SHOWN]
    )
    more = f"\n  ... and {len(unknown) - _SHOWN} more"
    shown = f" ({kb.root})" if kb.root is not None else ""
    return (
        f"{len(unknown)} of the {total} questions in {folder} expect entries this knowledge "
        f"base{shown} does not have, so the set was written for another one. Pass --set with "
        f"a folder of questions for this knowledge base ({IN_SCOPE_FILE} and "
        f"{OUT_OF_SCOPE_FILE}; see tests/eval/README.md).{examples}{more}"
    )


def require_questions(cases: list[EvalCase], folder: Path) -> None:
    """An evaluation needs in-scope questions: without them every figure is 0% and the gate
    fails, which says nothing about the knowledge base."""
    if any(case.in_scope for case in cases):
        return
    what = (
        "no questions" if not cases else f"no questions in {IN_SCOPE_FILE}, only out-of-scope ones"
    )
    raise EvalSetError(
        f"The evaluation set at {folder} has {what}, so there is nothing to score. Add "
        f"questions to {folder / IN_SCOPE_FILE}, each with the id of the entry that should "
        "answer it (see tests/eval/README.md)."
    )

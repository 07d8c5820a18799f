"""Read YAML while remembering where each mapping and list item came from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import SafeConstructor
from yaml.error import Mark
from yaml.nodes import MappingNode, Node, SequenceNode
from yaml.reader import ReaderError

from bot.errors import Problem


class LocatedDict(dict[str, Any]):
    """A mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class LocatedList(list[Any]):
    """A list that knows the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


@dataclass(frozen=True, slots=True)
class SyntaxProblem(Problem):
    """A YAML syntax error. It carries the entry it falls in (``kb check --format json``
    gives it), but reads as every syntax error does: "file:line: YAML syntax error: ...
    (in entry 'x')", the entry said after the parser's words."""

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class ImpossibleDate:
    """A value written as a date or time that does not exist (``2026-02-30``,
    ``2026-11-01 10:99:00``). YAML would raise on it while reading the whole file; kept as a
    value instead, the loaders can say which key of which entry holds it."""

    text: str
    reason: str

    def __str__(self) -> str:
        return self.text


def _timestamp(constructor: _LocatingLoader, node: Node) -> Any:
    try:
        return SafeConstructor.construct_yaml_timestamp(constructor, node)  # type: ignore[arg-type]
    except ValueError as exc:
        return ImpossibleDate(str(node.value), str(exc))


def _integer(constructor: _LocatingLoader, node: Node) -> Any:
    """A whole number; one of more than 4,300 digits, which int() refuses, is kept as its
    text, so that the loaders name the key that holds it as not a number."""
    try:
        return SafeConstructor.construct_yaml_int(constructor, node)  # type: ignore[arg-type]
    except ValueError:
        return str(node.value)


# A knowledge file needs five or six levels; far more is a mistake (or an attack), and would
# exhaust Python's recursion limit before any useful message could be given.
MAX_DEPTH = 50


class _LocatingLoader(yaml.SafeLoader):
    duplicate_keys: list[tuple[str, int]]
    depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise ComposerError(
                    None, None, f"lists or mappings are nested more than {MAX_DEPTH} deep", mark
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> LocatedDict:  # type: ignore[override]
        result = LocatedDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                self.duplicate_keys.append((key, line))
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = line
        return result

    def construct_sequence(self, node: SequenceNode, deep: bool = False) -> LocatedList:
        result = LocatedList(self.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [_line(child) for child in node.value]
        return result


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


_LocatingLoader.add_constructor(
    "tag:yaml.org,2002:map",
    lambda loader, node: loader.construct_mapping(node),  # type: ignore[arg-type]
)
_LocatingLoader.add_constructor(
    "tag:yaml.org,2002:seq",
    lambda loader, node: loader.construct_sequence(node),  # type: ignore[arg-type]
)
_LocatingLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_LocatingLoader.add_constructor("tag:yaml.org,2002:int", _integer)


# libyaml's parser, where PyYAML was built with it: the same documents and lines in about a
# seventh of the time. It composes nested blocks by recursion in C, so a file is first
# checked, event by event, to nest no deeper than MAX_DEPTH; a file that fails that or does not
# parse is read again by the Python parser above, whose messages ``kb check`` shows.
_CSafeLoader: Any = getattr(yaml, "CSafeLoader", None)


class _FastLocatingLoader(_CSafeLoader or yaml.SafeLoader):  # type: ignore[misc]
    duplicate_keys: list[tuple[str, int]]
    construct_mapping = _LocatingLoader.construct_mapping
    construct_sequence = _LocatingLoader.construct_sequence


_FastLocatingLoader.add_constructor(
    "tag:yaml.org,2002:map",
    lambda loader, node: loader.construct_mapping(node),
)
_FastLocatingLoader.add_constructor(
    "tag:yaml.org,2002:seq",
    lambda loader, node: loader.construct_sequence(node),
)
_FastLocatingLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_FastLocatingLoader.add_constructor("tag:yaml.org,2002:int", _integer)
_OPEN = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def _read_fast(text: str) -> tuple[Any, list[tuple[str, int]]] | None:
    """The document and its repeated keys, read by libyaml; None to use the Python parser."""
    if _CSafeLoader is None:
        return None
    try:
        depth = 0
        for event in yaml.parse(text, Loader=_CSafeLoader):
            if isinstance(event, _OPEN):
                depth += 1
                if depth > MAX_DEPTH:
                    return None
            elif isinstance(event, _CLOSE):
                depth -= 1
        loader = _FastLocatingLoader(text)
        loader.duplicate_keys = []
        try:
            return loader.get_single_data(), loader.duplicate_keys
        finally:
            loader.dispose()
    except (yaml.YAMLError, RecursionError):
        return None


def read_yaml(path: Path, shown_as: str) -> tuple[Any, list[Problem]]:
    """Parse one file. Syntax errors and duplicate keys come back as problems, never raised."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        return None, [
            Problem(
                shown_as,
                line,
                f"is not UTF-8 text (byte {exc.start} is {exc.object[exc.start]:#04x}): save "
                "it as UTF-8 (in Notepad or VS Code: Save as, Encoding UTF-8) and check again",
            )
        ]
    except OSError as exc:
        return None, [Problem(shown_as, None, f"cannot be read: {exc}")]
    fast = _read_fast(text)
    if fast is not None:
        data, repeated = fast
        return data, _repeated_keys(repeated, text, shown_as)
    try:
        loader = _LocatingLoader(text)  # refuses control characters here, before parsing
    except ReaderError as exc:
        return None, [_unreadable_character(exc, text, shown_as)]
    loader.duplicate_keys = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, text, shown_as)]
    except (yaml.YAMLError, RecursionError) as exc:
        return None, [Problem(shown_as, None, f"YAML syntax error: {exc}")]
    finally:
        loader.dispose()
    return data, _repeated_keys(loader.duplicate_keys, text, shown_as)


def _unreadable_character(exc: ReaderError, text: str, shown_as: str) -> Problem:
    """A character YAML never allows (a bell or escape pasted from a terminal, a stray NUL),
    at its own line, named so it can be found: it is invisible in most editors."""
    line = text.count("\n", 0, exc.position) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or " ")
    return Problem(
        shown_as,
        line,
        f"YAML syntax error: the control character U+{code:04X} is not allowed in YAML; "
        "delete it (it is usually invisible, pasted in with the text)",
        entry_at(text, line),
    )


def _repeated_keys(repeated: list[tuple[str, int]], text: str, shown_as: str) -> list[Problem]:
    return [
        Problem(
            shown_as,
            line,
            f"key '{key}' appears twice in the same block; keep one",
            entry_at(text, line),
        )
        for key, line in repeated
    ]


_ENTRY_START = re.compile(r"^\s*-\s+id:\s*(.*)$")
_TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
_ENTRY_LISTS = ("entries", "glossary")


def entry_at(text: str, line: int | None) -> str | None:
    """The id of the knowledge entry that ``line`` (1-based) falls in, read from the text
    alone (for a file that does not parse): the nearest ``- id:`` at or above it, if that
    is inside the top-level ``entries:`` or ``glossary:`` list; else None."""
    if line is None:
        return None
    lines = text.splitlines()
    found: str | None = None
    for number in range(min(line, len(lines)), 0, -1):
        current = lines[number - 1]
        top = _TOP_LEVEL_KEY.match(current)
        if top is not None:
            return found if top.group(1) in _ENTRY_LISTS else None
        start = _ENTRY_START.match(current) if found is None else None
        if start is not None:
            found = _plain_id(start.group(1))
            if found is None:
                return None
    return None


def _plain_id(raw: str) -> str | None:
    """``funding-notice``, ``"funding-notice"  # note``: the id as written, or None."""
    value = raw.strip()
    if value[:1] in {'"', "'"}:
        closing = value.find(value[0], 1)
        value = value[1:closing] if closing > 0 else ""
    else:
        value = value.split(" #", 1)[0]
    value = value.strip()
    return value or None


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, shown_as: str) -> Problem:
    """The parser's own line and words, with a hint for the common slips its words do not
    explain. One exception: a quoted text left unclosed runs on until the next quote
    character, often many lines later, and the parser only complains there; then the line
    where that quoted text starts is the one to fix."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    reason = exc.problem or exc.context or "invalid YAML"
    if exc.context and exc.context_mark and exc.problem_mark:
        reason += f" ({exc.context} that starts at line {exc.context_mark.line + 1})"
    opened = _runaway_quote(text, exc.problem_mark) if exc.problem_mark else None
    if opened is not None and line is not None and opened < line:
        return SyntaxProblem(
            shown_as,
            opened,
            f"YAML syntax error: the quoted text that starts here is not closed until line "
            f"{line}, where the parser stopped ({exc.problem}); is a closing quote "
            f"missing?{_in_entry(text, opened)}",
            entry_at(text, opened),
        )
    reason += _hint(exc, text, line)
    return SyntaxProblem(
        shown_as, line, f"YAML syntax error: {reason}{_in_entry(text, line)}", entry_at(text, line)
    )


# The parser's words for a line indented wrongly (or a mapping value where none may be).
_INDENTATION = (
    "mapping values are not allowed here",
    "expected <block end>",
    "did not find expected key",
    "did not find expected '-' indicator",
    "could not find expected ':'",
)
INDENTATION_HINT = (
    "; check the indentation of line {line} and the line before: keys of one entry line "
    "up (the same number of spaces before each), and a line indented further than the one "
    "above is read as part of that line's value"
)
COLON_HINT = (
    "; a value holding a colon and a space (': ') must be in quotes: put \" before and after "
    "the value on line {line}"
)


def _hint(exc: yaml.MarkedYAMLError, text: str, line: int | None) -> str:
    """What to do about the error, where the parser's words do not say it."""
    reason = exc.problem or exc.context or ""
    if "'\\t'" in reason:  # the parser's words name the tab but not the fix
        return "; indent with spaces: YAML does not allow tabs at the start of a line"
    if line is None or not any(words in reason for words in _INDENTATION):
        return ""
    mark = exc.problem_mark
    if "mapping values" in reason and mark is not None and mark.line < len(text.splitlines()):
        # A second "key: " on the line before the colon complained of: a value with ': '.
        before = text.splitlines()[mark.line][: mark.column]
        if re.match(r"^\s*(?:-\s+)?[^\s:#][^:]*:\s", before):
            return COLON_HINT.format(line=line)
    return INDENTATION_HINT.format(line=line)


def _in_entry(text: str, line: int | None) -> str:
    """The note " (in entry 'x')" for a syntax error inside an entry, said in the message so
    that every syntax error reads "file:line: YAML syntax error" (see ``SyntaxProblem``)."""
    entry_id = entry_at(text, line)
    return f" (in entry '{entry_id}')" if entry_id else ""


def _runaway_quote(text: str, problem: Mark) -> int | None:
    """The line where a quoted scalar spanning several lines, ending just before the
    ``problem``, starts; None if the last token before it is not one."""
    last: yaml.Token | None = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= problem.index:
                break
            last = token
    except yaml.YAMLError:
        pass
    if (
        isinstance(last, yaml.ScalarToken)
        and last.style in ('"', "'")
        and last.end_mark.line > last.start_mark.line
        and problem.line == last.end_mark.line
    ):
        return int(last.start_mark.line) + 1
    return None

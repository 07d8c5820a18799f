"""Read YAML while remembering where each mapping and list item came from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from bot.errors import Problem


class LocatedDict(dict[str, Any]):
    """A mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class LocatedList(list[Any]):
    """A list that knows the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


class _LocatingLoader(yaml.SafeLoader):
    duplicate_keys: list[tuple[str, int]]

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


def read_yaml(path: Path, shown_as: str) -> tuple[Any, list[Problem]]:
    """Parse one file. Syntax errors and duplicate keys come back as problems, never raised."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(shown_as, None, f"cannot be read: {exc}")]
    loader = _LocatingLoader(text)
    loader.duplicate_keys = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = exc.problem or exc.context or "invalid YAML"
        return None, [Problem(shown_as, line, f"YAML syntax error: {reason}")]
    except yaml.YAMLError as exc:
        return None, [Problem(shown_as, None, f"YAML syntax error: {exc}")]
    finally:
        loader.dispose()
    problems = [
        Problem(shown_as, line, f"key '{key}' appears twice in the same block; keep one")
        for key, line in loader.duplicate_keys
    ]
    return data, problems

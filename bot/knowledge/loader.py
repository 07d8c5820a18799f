"""Load and validate the knowledge base. Every problem is reported at once; nothing is half-used."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.errors import KnowledgeBaseError, Problem
from bot.knowledge.configured import SettingAnswer, complete_answer, read_setting_answer
from bot.knowledge.layers import merge_layers
from bot.knowledge.model import Entry, GlossaryTerm, KnowledgeBase, Layer, Scope, Source, Status
from bot.knowledge.yaml_source import ImpossibleDate, LocatedDict, LocatedList, read_yaml

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
GLOSSARY_TOPIC = "Glossary"
DRAFTS_FOLDER = "drafts"
# The induction tour and quiz (see bot/induction): read by its own loader, not as entries.
INDUCTION_FILE = "induction.yml"
# Not knowledge: the starting point a council copies for its local layer (national folder
# only), and a local layer's own evaluation questions.
LOCAL_TEMPLATE_FOLDER = "local-template"
LOCAL_EVAL_FOLDER = "eval"
SKIPPED_FOLDERS = {
    Layer.NATIONAL: frozenset({DRAFTS_FOLDER, LOCAL_TEMPLATE_FOLDER}),
    Layer.LOCAL: frozenset({DRAFTS_FOLDER, LOCAL_EVAL_FOLDER}),
}

DEFAULT_SCOPES: tuple[Scope, ...] = (
    Scope("national-compact-1998", "National Compact (1998) and its codes"),
    Scope("national-compact-2009", "Refreshed national Compact (2009)"),
    Scope("national-compact-2010", "Renewed national Compact (2010)"),
    Scope("civil-society-covenant-2025", "Civil Society Covenant (2025)"),
    Scope("local-compact", "Local Compacts (check your own local text)"),
    Scope("law-and-guidance", "Law and government guidance in force today"),
    Scope("terms", "Terms used in Compact and Covenant papers"),
)

FILE_KEYS = {
    "topic",
    "defaults",
    "entries",
    "glossary",
    "synonyms",
    "subject",
    "keep_apart",
    "scopes",
}
DEFAULTABLE = {"topic", "owner", "reviewed", "review_every", "applies_to", "status", "binds_now"}
ENTRY_KEYS = {
    "id", "topic", "question", "alternates", "answer", "sources", "applies_to",
    "owner", "reviewed", "review_every", "related", "status", "binds_now", "when_set",
}  # fmt: skip
GLOSSARY_KEYS = (ENTRY_KEYS - {"question", "answer", "topic"}) | {
    "term", "meaning", "acronyms", "synonyms",
}  # fmt: skip
SOURCE_KEYS = {"title", "section", "url", "archived"}
STATUSES = ", ".join(s.value for s in Status)


def load_knowledge(
    path: Path | str,
    *,
    local: Path | str | None = None,
    settings: Mapping[str, str] | None = None,
) -> KnowledgeBase:
    """Load a knowledge folder (every ``*.yml`` except ``drafts/`` and ``local-template/``) or a
    single YAML file, then a council's ``local`` layer over it. ``settings`` are the values of
    the settings answers may use (see ``bot.knowledge.configured``); unset ones are left out."""
    root = Path(path)
    local_root = Path(local) if local is not None else None
    builder = _Builder(settings=dict(settings or {}))
    for folder, layer in ((root, Layer.NATIONAL), (local_root, Layer.LOCAL)):
        if folder is None:
            continue
        for file in _files_of(folder, layer):
            builder.read_file(file, layer)
    return builder.finish(root, local_root)


def knowledge_files(path: Path | str, *, local: Path | str | None = None) -> list[tuple[str, Path]]:
    """The files ``load_knowledge`` reads, in order, each with the name findings give it;
    raises KnowledgeBaseError as it does when a folder is missing or has no files."""
    root = Path(path)
    local_root = Path(local) if local is not None else None
    found: list[tuple[str, Path]] = []
    for folder, layer in ((root, Layer.NATIONAL), (local_root, Layer.LOCAL)):
        if folder is not None:
            found += [(_shown(file), file) for file in _files_of(folder, layer)]
    return found


def _files_of(folder: Path, layer: Layer) -> list[Path]:
    option = (
        "--kb (or COMPACT_KB)" if layer is Layer.NATIONAL else "--local-kb (or COMPACT_LOCAL_KB)"
    )
    if not folder.exists():
        message = f"does not exist; set {option} to a knowledge folder or file"
        raise KnowledgeBaseError([Problem(_shown(folder), None, message)])
    files = [folder] if folder.is_file() else list(_yaml_files(folder, SKIPPED_FOLDERS[layer]))
    if not files:
        raise KnowledgeBaseError([Problem(_shown(folder), None, "has no .yml files")])
    return files


def skipped_files(path: Path | str, *, local: Path | str | None = None) -> list[Problem]:
    """What the knowledge folders hold that looks like a knowledge file but is not read, each
    with why (``kb check`` warns of each): a folder named like a file, a link to nothing or
    to itself, and a link to a folder (never followed: one leading back up would loop)."""
    folders = (Path(path), Path(local) if local is not None else None)
    return [
        Problem(_shown(file), None, why)
        for folder, layer in zip(folders, (Layer.NATIONAL, Layer.LOCAL), strict=True)
        if folder is not None and folder.is_dir()
        for file, why in _walk(folder, SKIPPED_FOLDERS[layer])
        if why is not None
    ]


def _yaml_files(folder: Path, skipped: frozenset[str]) -> Iterator[Path]:
    return (file for file, why in _walk(folder, skipped) if why is None)


def _walk(folder: Path, skipped: frozenset[str]) -> Iterator[tuple[Path, str | None]]:
    """Each knowledge file in ``folder`` with None, and each path that looks like one but is
    not read, with why."""
    for file in sorted(folder.rglob("*")):
        relative = file.relative_to(folder)
        if not skipped.isdisjoint(relative.parts[:-1]) or relative.name.startswith((".", "_")):
            continue
        if relative == Path(INDUCTION_FILE):
            continue
        if file.is_symlink() and file.is_dir() and relative.name not in skipped:
            yield (
                file,
                (
                    "was not read: it is a link to a folder, and links to folders are not followed "
                    "(one leading back up the tree would loop); move or copy the folder here"
                ),
            )
        elif file.suffix in {".yml", ".yaml"}:
            yield file, None if file.is_file() else f"was not read: {_not_a_file(file)}"


def _not_a_file(path: Path) -> str:
    if path.is_dir():
        return "it is a folder, not a file; the .yml files inside it are read, as in any folder"
    if path.is_symlink():
        target = os.readlink(path)
        try:
            path.resolve(strict=True)
        except FileNotFoundError:
            return f"it is a link to {target}, which does not exist"
        except (OSError, RuntimeError):  # RuntimeError: Python 3.11 and 3.12
            return f"it is a link to {target}, which leads back to itself"
    return "it is not a regular file (a pipe or a device, say)"


def _shown(path: Path) -> str:
    """The path as the user can find it: relative when it is under the current folder
    ("knowledge/funding.yml"), else absolute (never "../../tmp/kb/funding.yml")."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(Path(path).absolute()) if relative.startswith(os.pardir) else relative


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@dataclass
class _Pending:
    entry: Entry
    key_lines: dict[str, int]


@dataclass
class _Builder:
    settings: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    pending: list[_Pending] = field(default_factory=list)
    glossary: list[GlossaryTerm] = field(default_factory=list)
    synonym_groups: list[tuple[str, ...]] = field(default_factory=list)
    subject: list[str] = field(default_factory=list)
    keep_apart: list[str] = field(default_factory=list)
    scopes: dict[str, Scope] = field(default_factory=lambda: {s.id: s for s in DEFAULT_SCOPES})
    declared_ids: set[str] = field(default_factory=set)
    # A file that did not parse declares ids nobody can see: do not call them unknown.
    unread_files: bool = False

    def read_file(self, path: Path, layer: Layer = Layer.NATIONAL) -> None:
        shown = _shown(path)
        data, problems = read_yaml(path, shown)
        self.problems.extend(problems)
        if data is None:
            self.unread_files = self.unread_files or bool(problems)
            if not problems:
                self.problems.append(Problem(shown, None, "is empty"))
            return
        if not isinstance(data, LocatedDict):
            self.problems.append(
                Problem(shown, 1, "must be a mapping with 'entries:' or 'glossary:' at the top")
            )
            return
        file = _FileReader(shown, data, self, layer)
        file.read()

    def finish(self, root: Path, local_root: Path | None = None) -> KnowledgeBase:
        self._check_ids()
        if not self.pending and not self.problems:
            self.problems.append(Problem(_shown(root), None, "contains no entries"))
        if self.problems:
            raise KnowledgeBaseError(self.problems)
        merged = merge_layers([p.entry for p in self.pending], self.glossary)
        return KnowledgeBase(
            entries=merged.entries,
            glossary=merged.glossary,
            synonym_groups=tuple(self.synonym_groups),
            subject=tuple(dict.fromkeys(self.subject)),
            keep_apart=tuple(dict.fromkeys(self.keep_apart)),
            scopes=dict(self.scopes),
            root=root,
            local_root=local_root,
            local_name=self.settings.get("local_compact_name", ""),
            local_url=self.settings.get("local_compact_url", ""),
            replaced=merged.replaced,
        )

    def _check_ids(self) -> None:
        # An id may appear once in each layer: a local entry with a national id replaces it.
        first_seen: dict[tuple[Layer, str], Entry] = {}
        for item in self.pending:
            entry = item.entry
            earlier = first_seen.setdefault((entry.layer, entry.id), entry)
            if earlier is not entry:
                self.problems.append(
                    Problem(
                        entry.file,
                        entry.line,
                        f"duplicate id; it is already used at {earlier.file}:{earlier.line}",
                        entry.id,
                    )
                )
        for item in self.pending:
            entry = item.entry
            line = item.key_lines.get("related", entry.line)
            for related in entry.related:
                if related == entry.id:
                    self.problems.append(
                        Problem(entry.file, line, "'related' lists the entry itself", entry.id)
                    )
                elif related not in self.declared_ids and not self.unread_files:
                    self.problems.append(
                        Problem(
                            entry.file, line, f"'related' names unknown id '{related}'", entry.id
                        )
                    )
            line = item.key_lines.get("applies_to", entry.line)
            for scope in entry.applies_to:
                if scope not in self.scopes:
                    known = ", ".join(sorted(self.scopes))
                    self.problems.append(
                        Problem(
                            entry.file,
                            line,
                            f"'applies_to' has unknown value '{scope}'; use one of: {known}, "
                            "or declare it under 'scopes:'",
                            entry.id,
                        )
                    )


@dataclass
class _FileReader:
    shown: str
    data: LocatedDict
    builder: _Builder
    layer: Layer = Layer.NATIONAL
    defaults: dict[str, Any] = field(default_factory=dict)
    # Where each default was set, and the defaults already reported as bad: a bad default is
    # one mistake, shown once at its own line, not once per entry that inherits it.
    default_lines: dict[str, int] = field(default_factory=dict)
    bad_defaults: set[str] = field(default_factory=set)

    def problem(self, line: int | None, message: str, entry_id: str | None = None) -> None:
        self.builder.problems.append(Problem(self.shown, line, message, entry_id))

    def default_problem(self, key: str, message: str) -> None:
        if key not in self.bad_defaults:
            self.bad_defaults.add(key)
            self.problem(
                self.default_lines.get(key),
                f"{message} (set under 'defaults:', so every entry of this file has it)",
            )

    def read(self) -> None:
        data = self.data
        for key in data:
            if key not in FILE_KEYS:
                self.problem(
                    data.key_lines[key],
                    f"unknown top-level key '{key}'; expected one of {', '.join(sorted(FILE_KEYS))}",
                )
        self._read_defaults()
        if "topic" in data:
            self.defaults["topic"] = data["topic"]
            self.default_lines["topic"] = data.key_lines["topic"]
        for item, line in self._items("scopes"):
            self._read_scope(item, line)
        for item, line in self._items("synonyms"):
            self._read_synonym_group(item, line)
        for item, line in self._items("subject"):
            self._read_name(item, line, "subject", self.builder.subject)
        for item, line in self._items("keep_apart"):
            self._read_name(item, line, "keep_apart", self.builder.keep_apart)
        for item, line in self._items("entries"):
            self._read_entry(item, line)
        for item, line in self._items("glossary"):
            self._read_glossary_term(item, line)

    def _read_defaults(self) -> None:
        defaults = self.data.get("defaults")
        if defaults is None:
            return
        if not isinstance(defaults, LocatedDict):
            self.problem(self.data.key_lines["defaults"], "'defaults' must be a mapping")
            return
        for key in defaults:
            if key not in DEFAULTABLE:
                allowed = ", ".join(sorted(DEFAULTABLE))
                self.problem(
                    defaults.key_lines[key], f"'defaults' cannot set '{key}'; it can set {allowed}"
                )
        self.defaults.update({k: v for k, v in defaults.items() if k in DEFAULTABLE})
        self.default_lines.update({k: defaults.key_lines[k] for k in defaults if k in DEFAULTABLE})

    def _items(self, key: str) -> Iterator[tuple[Any, int]]:
        value = self.data.get(key)
        if value is None:
            return
        if not isinstance(value, LocatedList):
            self.problem(self.data.key_lines[key], f"'{key}' must be a list")
            return
        yield from zip(value, value.item_lines, strict=True)

    def _read_scope(self, item: Any, line: int) -> None:
        if not isinstance(item, LocatedDict) or not _is_text(item.get("id")):
            self.problem(line, "each scope needs 'id' and 'label'")
            return
        scope_id = item["id"].strip()
        label = item.get("label")
        if not SLUG.match(scope_id):
            self.problem(line, f"scope id '{scope_id}' must be lower-case words joined by hyphens")
        elif not isinstance(label, str) or not label.strip():
            self.problem(line, f"scope '{scope_id}' needs a 'label'")
        else:
            self.builder.scopes[scope_id] = Scope(scope_id, label.strip())

    def _read_synonym_group(self, item: Any, line: int) -> None:
        if not isinstance(item, list) or len(item) < 2 or not all(_is_text(w) for w in item):
            self.problem(line, "each synonym group must be a list of two or more words or phrases")
            return
        self.builder.synonym_groups.append(tuple(w.strip() for w in item))

    def _read_name(self, item: Any, line: int, key: str, names: list[str]) -> None:
        if not _is_text(item):
            self.problem(line, f"each '{key}' item must be a word or phrase; got {_describe(item)}")
            return
        names.append(item.strip())

    def _read_entry(self, item: Any, line: int) -> None:
        if not isinstance(item, LocatedDict):
            self.problem(line, "each entry must be a mapping with id, question and answer")
            return
        # Every field is checked even when one is missing, so one run lists every problem;
        # an entry with problems is kept only for the checks across entries (duplicate ids,
        # unknown 'related'), and its problems stop the knowledge base loading.
        fields = _Fields(self, item, ENTRY_KEYS)
        entry_id = fields.entry_id()
        question = fields.text("question")
        answer = fields.text("answer")
        topic = fields.text("topic")
        when_set = fields.setting_answer()
        entry = fields.build(
            entry_id, topic=topic, question=question, answer=answer, when_set=when_set
        )
        if entry is not None:
            self.builder.pending.append(_Pending(entry, dict(item.key_lines)))

    def _read_glossary_term(self, item: Any, line: int) -> None:
        if not isinstance(item, LocatedDict):
            self.problem(line, "each glossary item must be a mapping with 'term' and 'meaning'")
            return
        fields = _Fields(self, item, GLOSSARY_KEYS)
        term = fields.text("term")
        meaning = fields.text("meaning")
        if "id" not in item and term is not None:
            item["id"] = f"glossary-{slugify(term)}"
        entry_id = fields.entry_id() if "id" in item else None
        acronyms = fields.text_list("acronyms")
        synonyms = fields.text_list("synonyms")
        alternates: tuple[str, ...] = ()
        glossary_term = None
        if term is not None and meaning is not None and entry_id is not None:
            glossary_term = GlossaryTerm(term, meaning, acronyms, synonyms, entry_id)
            alternates = _glossary_alternates(glossary_term)
        entry = fields.build(
            entry_id,
            topic=GLOSSARY_TOPIC,
            question=f"What does {term} mean?" if term is not None else None,
            answer=meaning,
            extra_alternates=alternates,
            when_set=fields.setting_answer(),
        )
        if entry is not None:
            if glossary_term is not None:
                self.builder.glossary.append(glossary_term)
            self.builder.pending.append(_Pending(entry, dict(item.key_lines)))


def _glossary_alternates(term: GlossaryTerm) -> tuple[str, ...]:
    wordings: list[str] = []
    for name in (term.term, *term.acronyms):
        wordings += [f"what is {name}", f"{name} meaning", f"define {name}"]
    wordings += [f"what does {acronym} stand for" for acronym in term.acronyms]
    wordings += [f"what is {acronym} short for" for acronym in term.acronyms]
    return tuple(wordings)


@dataclass
class _Fields:
    """Typed access to one entry's keys, recording a located problem for each bad value."""

    file: _FileReader
    item: LocatedDict
    allowed: set[str]
    entry_label: str | None = None

    def __post_init__(self) -> None:
        raw_id = self.item.get("id")
        self.entry_label = raw_id if isinstance(raw_id, str) else None
        for key in self.item:
            if key not in self.allowed:
                self.problem(
                    key, f"unknown key '{key}'; allowed keys: {', '.join(sorted(self.allowed))}"
                )

    def line(self, key: str) -> int:
        return self.item.key_lines.get(key, self.item.line)

    def problem(self, key: str, message: str, line: int | None = None) -> None:
        if key and key not in self.item and key in self.file.default_lines:
            self.file.default_problem(key, message)
            return
        if line is None:
            line = self.line(key) if key else self.item.line
        self.file.problem(line, message, self.entry_label)

    def value(self, key: str) -> Any:
        return self.item[key] if key in self.item else self.file.defaults.get(key)

    def entry_id(self) -> str | None:
        entry_id = self.text("id")
        if entry_id is not None and not SLUG.match(entry_id):
            self.problem("id", f"id '{entry_id}' must be lower-case words joined by hyphens")
            return None
        if entry_id is not None:
            self.file.builder.declared_ids.add(entry_id)
        return entry_id

    def text(self, key: str) -> str | None:
        value = self.value(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            self.problem(key if key in self.item else "", f"'{key}' is missing")
            return None
        if not isinstance(value, str):
            self.problem(key, f"'{key}' must be text, not {_describe(value)}; put it in quotes")
            return None
        self.check_characters(key, value)
        return value.strip()

    def check_characters(self, key: str, value: str, line: int | None = None) -> None:
        """A control character (written as "\\e" or "\\0" in quotes; kb import skips a
        spreadsheet row holding one) is an error: shown in a terminal it could recolour or
        rewrite the screen, and it is invisible wherever the answer is read."""
        found = CONTROL.search(value)
        if found is not None:
            self.problem(
                key,
                f"'{key}' contains the control character U+{ord(found.group()):04X}; delete it "
                "(in quotes it is written with a backslash, such as \\e or \\0)",
                line,
            )

    def optional_text(self, key: str) -> str:
        value = self.value(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.problem(key, f"'{key}' must be text, not {_describe(value)}")
            return ""
        self.check_characters(key, value)
        return value.strip()

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.value(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.problem(key, f"'{key}' must be a list of text, not {_describe(value)}")
            return ()
        lines = value.item_lines if isinstance(value, LocatedList) else [None] * len(value)
        for position, (item, line) in enumerate(zip(value, lines, strict=True), start=1):
            if not _is_text(item):
                self.problem(key, f"'{key}' item {position} {_item_fault(item)}", line)
            else:
                self.check_characters(key, item, line)
        return tuple(v.strip() for v in value if _is_text(v))

    def sources(self) -> tuple[Source, ...]:
        value = self.value("sources")
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem("sources", "'sources' must be a list of {title, section, url}")
            return ()
        result = []
        for position, raw in enumerate(value, start=1):
            if not isinstance(raw, dict) or not _is_text(raw.get("title")):
                self.problem("sources", f"source {position} needs a 'title'")
                continue
            unknown = set(raw) - SOURCE_KEYS
            if unknown:
                self.problem("sources", f"source {position} has unknown key(s) {sorted(unknown)}")
            for part in ("title", "section", "url"):
                if isinstance(raw.get(part), str):
                    self.check_characters("sources", raw[part])
            url, section = raw.get("url"), raw.get("section")
            if url is not None and not (_is_text(url) and url.startswith(("http://", "https://"))):
                self.problem(
                    "sources", f"source {position} 'url' must start with http:// or https://"
                )
                url = None
            archived = raw.get("archived", False)
            if not isinstance(archived, bool):
                self.problem("sources", f"source {position} 'archived' must be true or false")
                archived = False
            result.append(
                Source(
                    raw["title"].strip(),
                    url,
                    str(section).strip() if section else None,
                    archived=archived,
                )
            )
        return tuple(result)

    def status(self) -> Status | None:
        value = self.value("status")
        if value is None:
            return None
        try:
            return Status(value)
        except (ValueError, TypeError):
            self.problem("status", f"'status' must be one of {STATUSES}, not {_describe(value)}")
            return None

    def setting_answer(self) -> SettingAnswer | None:
        if "when_set" not in self.item:
            return None
        answer, message = read_setting_answer(self.item["when_set"])
        if message:
            self.problem("when_set", message)
        return answer

    def reviewed(self) -> date | None:
        value = self.value("reviewed")
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, ImpossibleDate):
            self.problem(
                "reviewed",
                f"'reviewed' must be a real date like 2026-11-01; {value.text} does not exist "
                f"({value.reason})",
            )
            return None
        self.problem(
            "reviewed", f"'reviewed' must be a date like 2026-11-01, not {_describe(value)}"
        )
        return None

    def review_every(self) -> int:
        value = self.value("review_every")
        if value is None:
            return 12
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 120:
            self.problem(
                "review_every",
                f"'review_every' must be a number of months, 1 to 120, not {_describe(value)}",
            )
            return 12
        return value

    def build(
        self,
        entry_id: str | None,
        *,
        topic: str | None,
        question: str | None,
        answer: str | None,
        extra_alternates: Iterable[str] = (),
        when_set: SettingAnswer | None = None,
    ) -> Entry | None:
        """The entry, every field checked; None only without a usable id. An entry with a
        problem (recorded in the builder) is returned all the same, for the checks across
        entries, but never served: any problem stops the knowledge base loading."""
        alternates = _unique((*self.text_list("alternates"), *extra_alternates), question or "")
        configured_by = ""
        if answer is not None:
            answer, configured_by = complete_answer(answer, when_set, self.file.builder.settings)
        entry = Entry(
            id=entry_id or "",
            topic=topic or "",
            question=question or "",
            answer=answer or "",
            alternates=alternates,
            sources=self.sources(),
            applies_to=self.text_list("applies_to"),
            owner=self.optional_text("owner"),
            reviewed=self.reviewed(),
            review_every=self.review_every(),
            related=self.text_list("related"),
            status=self.status(),
            binds_now=" ".join(self.optional_text("binds_now").split()),
            layer=self.file.layer,
            configured_by=configured_by,
            file=self.file.shown,
            line=self.item.line,
        )
        return entry if entry_id is not None else None


def _unique(wordings: Iterable[str], question: str) -> tuple[str, ...]:
    seen = {question.casefold()}
    result = []
    for wording in wordings:
        if wording.casefold() not in seen:
            seen.add(wording.casefold())
            result.append(wording)
    return tuple(result)


# C0 controls and DEL, except the tab and the line breaks YAML itself reads.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _describe(value: Any) -> str:
    """A value as a reader of the YAML file would name it (never a Python class name)."""
    if isinstance(value, bool):
        return f"true/false ({value!r}); YAML reads yes/no/on/off as true/false"
    if value is None:
        return "nothing"
    if isinstance(value, ImpossibleDate):
        return f"{value.text}, which reads as a date or time that does not exist ({value.reason})"
    if isinstance(value, datetime):
        return f"the date and time {value.isoformat(' ')}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, dict):
        return "a 'key: value' pair"
    if isinstance(value, list | tuple | set):
        return "a list"
    if isinstance(value, str):
        return repr(value)
    return f"the value {value!r}"


def _item_fault(item: Any) -> str:
    """What is wrong with one item of a list of wordings, and how to write it."""
    if item is None or (isinstance(item, str) and not item.strip()):
        return (
            "is empty; if its text starts with '#', put it in quotes (a '#' starts a comment "
            "in YAML)"
        )
    if isinstance(item, dict):
        return (
            "is a 'key: value' pair, not text: a colon followed by a space makes YAML read it "
            "as one; put the wording in quotes"
        )
    return f"must be text, not {_describe(item)}; put it in quotes"

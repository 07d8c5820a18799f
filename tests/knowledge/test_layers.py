"""A council's local layer over the national knowledge base, and answers completed from
settings: loaded, checked and reloaded like the rest."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from bot.core.knowledge_store import KnowledgeStore
from bot.errors import KnowledgeBaseError
from bot.knowledge.lint import Severity, lint
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import NATIONAL_SUFFIX, Layer
from bot.settings import bundled_knowledge

LOCAL = Path(__file__).resolve().parents[1] / "fixtures" / "local_compact"
TEMPLATE = bundled_knowledge() / "local-template"


def test_a_local_entry_replaces_the_national_answer_and_keeps_it_reachable() -> None:
    national = load_knowledge(bundled_knowledge())
    kb = load_knowledge(bundled_knowledge(), local=LOCAL, settings={"local_compact_name": "X"})
    local = kb["funding-notice"]
    assert local.layer is Layer.LOCAL
    assert "four months" in local.answer
    assert [e.id for e in kb.entries].index("funding-notice") == [
        e.id for e in national.entries
    ].index("funding-notice"), "a replacement keeps the national entry's place"
    offered = kb.related_to(local)[0]
    assert offered.id == "funding-notice" + NATIONAL_SUFFIX
    assert offered.question.startswith("What the national Compact said: ")
    assert offered.answer == national["funding-notice"].answer
    assert kb.get(offered.id) == offered
    assert offered not in kb.entries, "the national copy is offered, never matched"
    assert kb.local_name == "X"


def test_a_local_entry_with_a_new_id_is_added() -> None:
    national = load_knowledge(bundled_knowledge())
    kb = load_knowledge(bundled_knowledge(), local=LOCAL)
    assert len(kb) == len(national) + 1
    assert kb.entries[-1].id == "exampleshire-grant-panel"
    assert kb.scope_label("exampleshire-compact") == "Exampleshire Compact (2024)"
    assert kb["funding-cut-steps"] == national["funding-cut-steps"]
    related = kb.related_to(kb["funding-cut-steps"])
    assert related[0] is kb["funding-notice"], "related links reach the local answer"


def test_the_local_layer_is_checked_with_the_national_one(tmp_path: Path) -> None:
    local = tmp_path / "local"
    shutil.copytree(LOCAL, local)
    (local / "more.yml").write_text(
        "entries:\n  - id: exampleshire-grant-panel\n    question: Again?\n    answer: Twice.\n"
        "    topic: T\n  - id: bad-scope\n    question: Q?\n    answer: A.\n    topic: T\n"
        "    applies_to: [nowhere]\n"
    )
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge(bundled_knowledge(), local=local)
    problems = [str(p) for p in caught.value.problems]
    assert any("more.yml:2 entry 'exampleshire-grant-panel': duplicate id" in p for p in problems)
    assert any(
        "more.yml:10 entry 'bad-scope': 'applies_to' has unknown value" in p for p in problems
    )


def test_a_missing_local_folder_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match=r"--local-kb \(or COMPACT_LOCAL_KB\)"):
        load_knowledge(bundled_knowledge(), local=tmp_path / "nowhere")


def test_the_local_layer_reloads_with_the_national_one(tmp_path: Path) -> None:
    local = tmp_path / "local"
    shutil.copytree(LOCAL, local)
    store = KnowledgeStore.open(bundled_knowledge(), local=local)
    text = (local / "local.yml").read_text()
    (local / "local.yml").write_text(text.replace("four months", "sixteen weeks"))
    store.reload()
    assert "sixteen weeks" in store.current.kb["funding-notice"].answer
    (local / "local.yml").write_text("entries: [\n")
    with pytest.raises(KnowledgeBaseError, match=r"local\.yml:\d+: YAML syntax error"):
        store.reload()
    assert "sixteen weeks" in store.current.kb["funding-notice"].answer


def test_an_answer_can_show_a_setting_without_formatting_it_into_the_wording() -> None:
    unset = load_knowledge(bundled_knowledge())
    entry = unset["who-is-our-champion"]
    assert entry.configured_by == ""
    assert "has not been told" in entry.answer
    contact = "Jo Bloggs (Compact lead) {who} <!channel>\n  jo@example.org, 01234 567890  "
    kb = load_knowledge(bundled_knowledge(), settings={"champions_contact": contact})
    entry = kb["who-is-our-champion"]
    assert entry.configured_by == "champions_contact"
    assert entry.answer.endswith(
        "\n\nJo Bloggs (Compact lead) {who} <!channel>\njo@example.org, 01234 567890"
    ), "the value is its own paragraph, kept as written (braces are not a template)"
    assert "has not been told" not in entry.answer
    assert "Jo Bloggs" in kb["glossary-compact-champion"].answer


def test_a_bad_when_set_block_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "t.yml").write_text(
        textwrap.dedent(
            """
            topic: T
            entries:
              - id: who
                question: Who?
                answer: Ask.
                when_set:
                  setting: database_url
                  answer: Here it is.
            """
        )
    )
    with pytest.raises(
        KnowledgeBaseError, match=r"'when_set' names unknown setting 'database_url'"
    ):
        load_knowledge(tmp_path)


def test_the_template_loads_once_its_examples_are_uncommented(tmp_path: Path) -> None:
    """The shipped template has structure only; uncommenting its examples gives a layer
    that loads over the national knowledge base and passes kb check's error rules."""
    pristine = load_knowledge(bundled_knowledge(), local=TEMPLATE)
    assert len(pristine) == len(load_knowledge(bundled_knowledge()))
    text = (TEMPLATE / "local.yml").read_text()
    ruler = "# " + "-" * 78
    before, example, _after = text.split(ruler)
    body = "\n".join(line.removeprefix("# ").removeprefix("#") for line in example.splitlines())
    local = tmp_path / "local"
    local.mkdir()
    (local / "local.yml").write_text(before.replace("entries: []\n", "") + body)
    kb = load_knowledge(bundled_knowledge(), local=local)
    assert kb["funding-notice"].layer is Layer.LOCAL
    errors = [f for f in lint(kb) if f.severity is Severity.ERROR]
    assert errors == []

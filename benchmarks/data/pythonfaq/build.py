"""Rebuild faq.json from the Python FAQ's reStructuredText sources.

    python benchmarks/data/pythonfaq/build.py /usr/share/doc/python3.11/html/_sources/faq

The sources ship in Debian's ``python3.11-doc`` package (or ``Doc/faq/`` of the CPython
3.11 source tree). Each question heading becomes one FAQ; its answer is the prose of the
answer's opening paragraphs (code samples dropped, reStructuredText roles reduced to their
text), cut at about 600 characters, which is what a council-style import of a web FAQ holds.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

FILES = ("general", "programming", "design", "library", "extending", "windows", "gui", "installed")
UNDERLINE = re.compile(r"^([-=^~*\"'+#])\1{2,}\s*$")
ROLE = re.compile(r":[a-z:]+:`~?([^`<]*?)(?:\s*<[^>]*>)?`")
LINK = re.compile(r"`([^`<]+?)\s*<[^>]*>`_+")
HERE = Path(__file__).resolve().parent


def clean(text: str) -> str:
    text = ROLE.sub(lambda m: m.group(1).split(".")[-1] if "~" in m.group(0) else m.group(1), text)
    text = LINK.sub(r"\1", text)
    text = re.sub(r"``([^`]*)``", r"\1", text)
    text = re.sub(r"\*\*([^*]*)\*\*|\*([^*]*)\*", lambda m: m.group(1) or m.group(2), text)
    text = re.sub(r"`([^`]*)`_*", r"\1", text)
    return " ".join(text.replace("::", ":").split())


def answer(lines: list[str]) -> str:
    """The opening prose paragraphs: indented blocks (code, directives' bodies) are skipped."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if not line.strip():
            if current:
                paragraphs.append(clean(" ".join(current)))
                current = []
            continue
        if line.startswith((" ", "\t", "..", ">>>")):
            continue
        current.append(line.strip())
    text = ""
    for paragraph in paragraphs:
        if paragraph and (not text or len(text) + len(paragraph) < 600):
            text = f"{text} {paragraph}".strip()
        if len(text) >= 300:
            break
    return text


def questions(path: Path, part: str) -> list[dict[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    heads = [
        i
        for i in range(1, len(lines))
        if UNDERLINE.match(lines[i])
        and lines[i - 1].strip()
        and not UNDERLINE.match(lines[i - 1])
        and len(lines[i].rstrip()) >= len(lines[i - 1].rstrip())
    ]
    found = []
    for number, head in enumerate(heads):
        title = clean(lines[head - 1])
        end = heads[number + 1] - 1 if number + 1 < len(heads) else len(lines)
        if not title.endswith("?"):
            continue
        body = answer(lines[head + 1 : end])
        if body:
            found.append({"part": part, "question": title, "answer": body})
    return found


def main() -> None:
    source = Path(sys.argv[1])
    faqs, seen = [], set()
    for name in FILES:
        for faq in questions(source / f"{name}.rst.txt", name):
            # "What is Python?" is asked twice (general and installed): keep the first.
            if faq["question"].casefold() not in seen:
                seen.add(faq["question"].casefold())
                faqs.append(faq)
    for number, faq in enumerate(faqs):
        faq["id"] = f"py-{number:03d}"
    (HERE / "faq.json").write_text(
        json.dumps(faqs, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"{len(faqs)} questions written to {HERE / 'faq.json'}")


if __name__ == "__main__":
    main()

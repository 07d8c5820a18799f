"""Rebuild faq.json from the Debian FAQ's HTML, as Debian's ``debian-faq`` package installs it.

    python benchmarks/data/debianfaq/build.py /usr/share/doc/debian/FAQ

Each section (``h2``) is one FAQ, and so is each sub-section (``h3``) whose title is a
question; the other sub-sections' text belongs to their section. The answer is the text of
the answer's opening paragraphs, cut at about 600 characters.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

CHAPTERS = (
    "basic-defs", "getting-debian", "choosing", "compatibility", "software", "ftparchives",
    "pkg-basics", "pkgtools", "uptodate", "kernel", "customizing", "support", "contributing",
    "redistributing", "nextrelease",
)  # fmt: skip
HEADING = re.compile(r'<h([23]) class="title"[^>]*>(.*?)</h\1>', re.S)
NUMBER = re.compile(r"^\d+(\.\d+)*\.\s*")
HERE = Path(__file__).resolve().parent


def text(fragment: str) -> str:
    fragment = re.sub(r"<(script|style)\b.*?</\1>", " ", fragment, flags=re.S)
    fragment = re.sub(r"</(p|li|dd|dt|pre|div)>", "\n\n", fragment)
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def opening(body: str) -> str:
    paragraphs = [" ".join(p.split()) for p in text(body).split("\n\n")]
    kept = ""
    for paragraph in (p for p in paragraphs if p):
        if not kept or len(kept) + len(paragraph) < 600:
            kept = f"{kept} {paragraph}".strip()
        if len(kept) >= 300:
            break
    return kept


def chapter(path: Path, name: str) -> list[dict[str, str]]:
    page = path.read_text(encoding="utf-8")
    heads = list(HEADING.finditer(page))
    found: list[dict[str, str]] = []
    for number, head in enumerate(heads):
        title = NUMBER.sub("", " ".join(text(head.group(2)).split()))
        level = head.group(1)
        if level == "3" and not title.endswith("?"):
            continue
        # The answer runs to the next heading that is itself an FAQ.
        end = len(page)
        for later in heads[number + 1 :]:
            later_title = " ".join(text(later.group(2)).split())
            if later.group(1) == "2" or later_title.endswith("?"):
                end = later.start()
                break
        answer = opening(page[head.end() : end])
        if answer:
            found.append({"part": name, "question": title, "answer": answer})
    return found


def main() -> None:
    source = Path(sys.argv[1])
    faqs = [faq for name in CHAPTERS for faq in chapter(source / f"{name}.en.html", name)]
    for number, faq in enumerate(faqs):
        faq["id"] = f"deb-{number:03d}"
    (HERE / "faq.json").write_text(
        json.dumps(faqs, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"{len(faqs)} questions written to {HERE / 'faq.json'}")


if __name__ == "__main__":
    main()

"""Build the COVID-Q real-queries set (faq.json, queries.tsv) from a copy of COVID-Q.

    python benchmarks/data/covidq/build.py COVID_Q_FOLDER OUT_FOLDER

COVID_Q_FOLDER is a checkout of the COVID-Q repository (Wei et al. 2020, "What Are People
Asking About COVID-19? A Question Classification Dataset"): it needs
``final_master_dataset.csv`` and ``data/Original CSVs/``. OUT_FOLDER receives ``faq.json``
and ``queries.tsv``; point ``$COVIDQ_PATH`` at it (or put it at ``shared/data/covidq``) for
``benchmarks/faq.py`` and ``benchmarks/crossval.py``. The data is not kept in this
repository: see benchmarks/data/README.md for why.

COVID-Q puts 1,690 questions about COVID-19 into classes of questions that ask the same
thing. Some come from official FAQ pages, with their answers (CDC, FDA, CNN, the Illinois
Department of Public Health, WJLA, the UN, Johns Hopkins); others were typed by the public
(Quora and Yahoo Answers questions, and Google, Bing and Yahoo search-box suggestions, which
are made from what people typed). Here the FAQ pages' questions are the FAQ, and the public's
questions are the queries: a query's expected FAQs are those in its class, and a query whose
class has no FAQ question is unanswerable (``-``). The questions written by COVID-Q's
authors and the ones drawn from a scientific QA set (deepset's COVID-QA) are left out.

The master file holds the questions lower-cased, without punctuation and with every name of
the virus replaced by "covid"; the per-source files hold them as published. Each question is
taken as published when its normalised form is found (or nearly) in its source file, else as
the master file has it.
"""

from __future__ import annotations

import csv
import difflib
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

# COVID-Q's source name -> (the file of that source as published, short name for the FAQ part)
FAQ_SOURCES = {
    "Center for Disease Control": ("CDC_Dataset.csv", "CDC"),
    "Food and Drug Administration": ("FDA_Dataset.csv", "FDA"),
    "Cable News Network": ("CNN_Dataset.csv", "CNN"),
    "Illinois Department of Public Health": ("IDPH_Dataset.csv", "IDPH"),
    "Washington DC Area Television Station": ("WJLA_Dataset.csv", "WJLA"),
    "United Nations": ("UN_Dataset.csv", "UN"),
    "John Hopkins University": ("John-Hopkins_Dataset.csv", "Johns Hopkins"),
}
QUERY_SOURCES = {
    "Quora": "Quora_Dataset.csv",
    "Yahoo Answers": "Yahoo-Answers_Dataset.csv",
    "Google Search": "KeywordTool_Dataset.csv",
    "Bing Search": "Bing_Dataset.csv",
    "Yahoo Search": "Yahoo_Dataset.csv",
}
VIRUS = re.compile(
    r"\b(?:novel\s+)?(?:covid[\s-]?19|covid|coronavirus(?:es)?|corona\s+virus|corona|"
    r"sars[\s-]?cov[\s-]?2|2019[\s-]?ncov|ncov)\b"
)
ANSWER_CHARS = 600


def normalise(text: str) -> str:
    """A question as COVID-Q's master file writes it (near enough to look it up)."""
    text = VIRUS.sub("covid", text.casefold().replace("-", " "))
    text = re.sub(r"[^\w\s]", "", text)
    return " ".join(text.split())


def key(text: str) -> str:
    """Looser still, for looking up: the virus's names, 'novel' and 'the' dropped."""
    words = normalise(text).replace("covid", " ").split()
    return " ".join(w for w in words if w not in {"novel", "the", "a", "19"})


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def published(folder: Path, file: str) -> dict[str, dict[str, str]]:
    """The rows of one source's file, by the looked-up form of their question."""
    rows: dict[str, dict[str, str]] = {}
    for row in read(folder / "data" / "Original CSVs" / file):
        question = " ".join((row.get("Question") or "").split()).removeprefix("Q: ")
        if question:
            rows.setdefault(key(question), {**row, "Question": question})
    return rows


def lookup(originals: dict[str, dict[str, str]], question: str) -> dict[str, str] | None:
    """The published row of a master-file question: the same words, or nearly (the master file
    was edited a little: "covids", dropped words)."""
    if key(question) in originals:
        return originals[key(question)]
    close = difflib.get_close_matches(key(question), list(originals), n=1, cutoff=0.85)
    return originals[close[0]] if close else None


def cut(answer: str, limit: int = ANSWER_CHARS) -> str:
    """The answer's opening sentences, up to about ``limit`` characters."""
    answer = " ".join(answer.split())
    if len(answer) <= limit:
        return answer
    sentences = re.split(r"(?<=[.!?])\s+", answer)
    kept = ""
    for sentence in sentences:
        if kept and len(kept) + len(sentence) + 1 > limit:
            break
        kept = f"{kept} {sentence}".strip()
    return kept if len(kept) <= limit + 100 else kept[:limit].rsplit(" ", 1)[0] + " ..."


def question_mark(text: str) -> str:
    return text if text.endswith(("?", ".", "!")) else f"{text}?"


def main() -> None:
    source, out = Path(sys.argv[1]), Path(sys.argv[2])
    master = read(source / "final_master_dataset.csv")
    found = missed = 0

    faqs: list[dict[str, str]] = []
    faq_ids: defaultdict[str, list[str]] = defaultdict(list)  # class -> FAQ ids
    seen: dict[str, str] = {}  # normalised question -> FAQ id
    for name, (file, part) in FAQ_SOURCES.items():
        originals = published(source, file)
        for row in (r for r in master if r["Source"] == name):
            original = lookup(originals, row["Question"])
            found, missed = found + bool(original), missed + (not original)
            question = original["Question"] if original else row["Question"]
            answer = (original or {}).get("Answer") or row["Answers"]
            if not answer.strip() or answer.strip() == "-":
                continue
            # The same question on two sites: keep the first, so that no two FAQs share a
            # title, and let it answer the second one's class too.
            if normalise(question) in seen:
                if seen[normalise(question)] not in faq_ids[row["Question ID"]]:
                    faq_ids[row["Question ID"]].append(seen[normalise(question)])
                continue
            faq_id = seen[normalise(question)] = f"cq-{len(faqs):03d}"
            faqs.append(
                {
                    "id": faq_id,
                    "part": part,
                    "question": question_mark(question),
                    "answer": cut(answer),
                }
            )
            faq_ids[row["Question ID"]].append(faq_id)

    lines = [
        "# expected FAQ id(s), comma-separated when several answer it, or - when none does "
        "<TAB> query (COVID-Q; see benchmarks/data/README.md)"
    ]
    asked: set[str] = set()
    answerable = unanswerable = 0
    for name, file in QUERY_SOURCES.items():
        originals = published(source, file)
        for row in (r for r in master if r["Source"] == name):
            original = lookup(originals, row["Question"])
            found, missed = found + bool(original), missed + (not original)
            query = " ".join((original["Question"] if original else row["Question"]).split())
            if normalise(query) in asked:
                continue
            asked.add(normalise(query))
            ids = faq_ids.get(row["Question ID"])
            answerable, unanswerable = answerable + bool(ids), unanswerable + (not ids)
            lines.append(f"{','.join(ids) if ids else '-'}\t{query}")

    out.mkdir(parents=True, exist_ok=True)
    (out / "faq.json").write_text(
        json.dumps(faqs, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out / "queries.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(
        f"{len(faqs)} FAQs and {answerable} answerable and {unanswerable} unanswerable queries "
        f"written to {out} ({found} questions as published, {missed} as the master file has them)"
    )


if __name__ == "__main__":
    main()

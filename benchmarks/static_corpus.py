"""Build the sentence corpus the static vectors are trained on (benchmarks/static_distil.py).

    git clone https://github.com/clinc/oos-eval
    git clone https://github.com/xliuhw/NLU-Evaluation-Data
    git clone https://github.com/PolyAI-LDN/task-specific-datasets
    git clone https://github.com/google-research-datasets/dstc8-schema-guided-dialogue
    python benchmarks/static_corpus.py CLONES_FOLDER corpus.txt

Writes one sentence a line: people's questions and requests to assistants, from four openly
licensed sets: CLINC150 (CC BY 3.0), HWU64 (CC BY 4.0), BANKING77 (CC BY 4.0) and the user
turns of the Schema-Guided Dialogue set (CC BY-SA 4.0; ``--no-sgd`` leaves it out). None
of them is a benchmark set, and none shares text with the knowledge base or the evaluation
set. Sentences are deduplicated ignoring case and spacing, in the order below, so the same
clones give the same file (its SHA-256 is recorded in static_model/source.json).

The files are read from each clone's HEAD commit (``git show``), so a bare mirror serves too.
Of the schema-guided dialogues, only the user turns of the files listed in ``SGD_FILES`` are
used: the ones of the measured run (docs/benchmarks.md, "Trained static vectors: measured,
not shipped").
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

# The schema-guided dialogue files used, by split and number (the others were left out only
# because the copy the measured vectors were built from lacked them).
SGD_FILES = {
    "train": [
        *range(1, 37),
        *range(38, 52),
        57,
        59,
        *range(61, 66),
        67,
        69,
        *range(86, 93),
        *range(95, 104),
        *range(105, 117),
        *range(119, 128),
    ],
    "dev": [*range(1, 15), 16, 19, 20],
}
HWU_FOLDER = (
    "CrossValidation/out4RasaReal/rasa_json_2018_03_22-13_01_25_169_80Train/CrossValidation/KFold_1"
)


def _show(clone: Path, path: str) -> str:
    found = subprocess.run(
        ["git", "-C", str(clone), "show", f"HEAD:{path}"], check=True, capture_output=True
    )
    return found.stdout.decode("utf-8")


def _listed(clone: Path, folder: str) -> list[str]:
    found = subprocess.run(
        ["git", "-C", str(clone), "ls-tree", "-r", "--name-only", "HEAD", folder],
        check=True,
        capture_output=True,
    )
    return found.stdout.decode("utf-8").split()


def sentences(clones: Path, dialogues: bool = True) -> list[str]:
    """The corpus's sentences, deduplicated, in a fixed order."""
    kept: dict[str, str] = {}

    def add(texts: Iterable[str]) -> None:
        for text in texts:
            tidy = " ".join(text.split())
            if tidy:
                kept.setdefault(tidy.lower(), tidy)

    clinc = clones / "oos-eval"
    add(
        row[0]
        for split in json.loads(_show(clinc, "data/data_full.json")).values()
        for row in split
    )
    add(_show(clinc, "data/all_wiki_sents.txt").splitlines())
    hwu = clones / "NLU-Evaluation-Data"
    for path in _listed(hwu, HWU_FOLDER):
        if "/merged" in path and path.endswith(".json"):
            data = json.loads(_show(hwu, path))["rasa_nlu_data"]
            add(
                example["text"]
                for kind in ("common_examples", "intent_examples", "entity_examples")
                for example in data.get(kind, [])
            )
    banking = clones / "task-specific-datasets"
    for path in ("banking_data/train.csv", "banking_data/test.csv"):
        add(row["text"] for row in csv.DictReader(io.StringIO(_show(banking, path))))
    if not dialogues:
        return list(kept.values())
    sgd = clones / "dstc8-schema-guided-dialogue"
    turns = [
        turn["utterance"]
        for split, numbers in SGD_FILES.items()
        for number in numbers
        for dialogue in json.loads(_show(sgd, f"{split}/dialogues_{number:03d}.json"))
        for turn in dialogue["turns"]
        if turn["speaker"] == "USER"
    ]
    # Shuffled so that a cut corpus still covers every service.
    random.Random(0).shuffle(turns)
    add(turns)
    return list(kept.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("clones", type=Path, help="folder holding the four clones")
    parser.add_argument("out", type=Path, help="text file to write")
    parser.add_argument(
        "--no-sgd",
        action="store_true",
        help="leave out the Schema-Guided Dialogue turns (CC BY-SA: share-alike)",
    )
    args = parser.parse_args()
    found = sentences(args.clones, dialogues=not args.no_sgd)
    args.out.write_text("".join(f"{text}\n" for text in found), encoding="utf-8")
    print(f"wrote {args.out}: {len(found)} sentences")
    return 0


if __name__ == "__main__":
    sys.exit(main())

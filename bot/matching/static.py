"""Static sentence vectors: the default matcher's second view of a question, without PyTorch.

Each token of all-MiniLM-L6-v2's vocabulary has one fixed vector (static_model/, distilled
from the model by benchmarks/static_distil.py). A text's vector is the mean of its tokens'
vectors, so "postpone a meeting" lands near "reschedule an appointment" though they share no
word. It is a few microseconds a sentence, which is what lets the lexical matcher use it on
every question (``MatchIndex``: the ranking blends it with the lexical confidence) where the
semantic extra needs PyTorch and a model load.

The vectors are stored as signed bytes with one scale per token (about 3.8 MB), mapped into
memory on first use, once per process.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from bot.errors import ConfigError

if TYPE_CHECKING:
    from tokenizers import Tokenizer

FOLDER = Path(__file__).resolve().parent / "static_model"
# Longer texts are cut here (in tokens): the mean of the opening is their gist, and a pasted
# essay must not cost more than a paragraph.
MAX_TOKENS = 256
# Wordings whose vectors are remembered (about 0.7 KB each); past this the memory starts again.
MEMO_LIMIT = 100_000
# Texts encoded together: enough to amortise the tokenizer's call, few enough to stay small.
BATCH = 1024

Vectors = NDArray[np.float32]


class StaticEncoder:
    """Texts in, one unit-length vector per text out (zeros for a text with no known token)."""

    def __init__(self, tokenizer: Tokenizer, codes: NDArray[np.int8], scales: Vectors) -> None:
        self._tokenizer = tokenizer
        # Each token's vector is its codes times its scale, worked out only for the tokens a
        # text uses: loading stays a file read, with nothing to expand.
        self._codes = codes
        self._scales = scales
        self.dimensions = int(codes.shape[1])
        self._memo: dict[str, Vectors] = {}

    @classmethod
    def load(cls, folder: Path = FOLDER) -> StaticEncoder:
        try:  # imported here: only a build or a search needs it
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ConfigError(
                f"the matcher needs the tokenizers package ({exc}); install the assistant's "
                "dependencies again: python3 run.py (or pip install -e .)"
            ) from exc
        try:
            tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
            # Mapped, not read: a question touches a few dozen of the 29,525 rows.
            codes = np.load(folder / "codes.npy", mmap_mode="r")
            scales = np.load(folder / "scales.npy")
            if codes.dtype != np.int8 or codes.ndim != 2 or scales.shape != codes.shape[:1]:
                raise ValueError(f"codes {codes.dtype} {codes.shape}, scales {scales.shape}")
        except Exception as exc:  # tokenizers raises plain Exception for a bad file
            raise ConfigError(
                f"could not read the matcher's static vectors in {folder}: {exc}. Reinstall "
                "the assistant (pip install -e .), or rebuild them with "
                "benchmarks/static_distil.py"
            ) from exc
        tokenizer.no_truncation()
        tokenizer.no_padding()
        scales = scales.astype(np.float32)
        unknown = tokenizer.token_to_id("[UNK]")
        if unknown is not None:  # an unknown piece says nothing: leave it out of the mean
            scales[unknown] = 0.0
        return cls(tokenizer, codes, scales)

    def encode_remembered(self, texts: Sequence[str]) -> Vectors:
        """``encode`` for a knowledge base's wordings: texts seen before in this process are
        not encoded again, so a reload, or another build of the same knowledge base, costs
        only its new wordings. (Questions go through ``encode``: remembering every question a
        long-running bot is asked would only grow.)"""
        memo = self._memo
        new = [t for t in dict.fromkeys(texts) if t not in memo]
        if new:
            if len(memo) + len(new) > MEMO_LIMIT:
                memo.clear()
            memo.update(zip(new, self.encode(new), strict=True))
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return np.stack([memo[t] for t in texts])

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One unit-length row per text (zeros for a text with no known word piece)."""
        if len(texts) <= BATCH:
            return self._encode_batch(texts)
        # In batches: a large knowledge base's word pieces at once would take gigabytes.
        return np.concatenate(
            [self._encode_batch(texts[at : at + BATCH]) for at in range(0, len(texts), BATCH)]
        )

    def _encode_batch(self, texts: Sequence[str]) -> Vectors:
        summed = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        # The tokenizer takes only valid Unicode: a lone surrogate (which a chat payload can
        # carry) becomes a replacement mark rather than an error.
        valid = [t.encode("utf-8", "replace").decode("utf-8") for t in texts]
        encodings = self._tokenizer.encode_batch(valid, add_special_tokens=False)
        ids = [encoding.ids[:MAX_TOKENS] for encoding in encodings]
        lengths = np.fromiter((len(i) for i in ids), dtype=np.int64, count=len(ids))
        flat = np.fromiter((t for i in ids for t in i), dtype=np.int64, count=int(lengths.sum()))
        filled = lengths > 0
        if filled.any():
            # Each text's tokens are one run of ``flat``: sum the runs in one call.
            starts = np.concatenate(([0], np.cumsum(lengths[filled])[:-1]))
            vectors = self._codes[flat].astype(np.float32) * self._scales[flat, None]
            summed[filled] = np.add.reduceat(vectors, starts, axis=0)
        norms = np.linalg.norm(summed, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        unit: Vectors = (summed / norms).astype(np.float32, copy=False)
        return unit


@cache
def static_encoder() -> StaticEncoder:
    """The packaged encoder, loaded once per process."""
    return StaticEncoder.load()

"""Static sentence vectors: the default matcher's second view of a question, without PyTorch.

Each token of all-MiniLM-L6-v2's vocabulary has one fixed vector (static_model/, distilled
from the model by benchmarks/static_distil.py). A text's vector is the mean of its tokens'
vectors, so "postpone a meeting" lands near "reschedule an appointment" though they share no
word. A knowledge base can weigh the tokens (``piece_weights``): those most of its entries use
count for less, so the mean leans on what tells its entries apart. It is a few microseconds a
sentence, which is what lets the lexical matcher use it on every question (``MatchIndex``: the
ranking blends it with the lexical confidence) where the semantic extra needs PyTorch and a
model load.

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
# Wordings whose pieces are remembered (about 0.2 KB each); past this the memory starts again.
MEMO_LIMIT = 100_000
# Texts encoded together: enough to amortise the tokenizer's call, few enough to stay small.
BATCH = 1024

Vectors = NDArray[np.float32]
Pieces = NDArray[np.int32]  # a text's word pieces, by number


class StaticEncoder:
    """Texts in, one unit-length vector per text out (zeros for a text with no known token)."""

    def __init__(self, tokenizer: Tokenizer, codes: NDArray[np.int8], scales: Vectors) -> None:
        self._tokenizer = tokenizer
        # Each token's vector is its codes times its scale, worked out only for the tokens a
        # text uses: loading stays a file read, with nothing to expand.
        self._codes = codes
        self._scales = scales
        self.dimensions = int(codes.shape[1])
        self._memo: dict[str, Pieces] = {}

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

    @property
    def size(self) -> int:
        """How many word pieces the vocabulary has."""
        return int(self._codes.shape[0])

    def pieces(self, texts: Sequence[str]) -> list[Pieces]:
        """Each text's word pieces (their numbers), the first ``MAX_TOKENS`` of them."""
        found: list[Pieces] = []
        for at in range(0, len(texts), BATCH):
            # The tokenizer takes only valid Unicode: a lone surrogate (which a chat payload
            # can carry) becomes a replacement mark rather than an error.
            valid = [t.encode("utf-8", "replace").decode("utf-8") for t in texts[at : at + BATCH]]
            encodings = self._tokenizer.encode_batch(valid, add_special_tokens=False)
            found += [np.asarray(e.ids[:MAX_TOKENS], dtype=np.int32) for e in encodings]
        return found

    def pieces_remembered(self, texts: Sequence[str]) -> list[Pieces]:
        """``pieces`` for a knowledge base's wordings: texts seen before in this process are
        not split again, so a reload, or another build of the same knowledge base, costs only
        its new wordings. (Questions go through ``pieces``: remembering every question a
        long-running bot is asked would only grow.)"""
        memo = self._memo
        new = [t for t in dict.fromkeys(texts) if t not in memo]
        if new:
            if len(memo) + len(new) > MEMO_LIMIT:
                memo.clear()
            memo.update(zip(new, self.pieces(new), strict=True))
        return [memo[t] for t in texts]

    def encode(self, texts: Sequence[str], weights: Vectors | None = None) -> Vectors:
        """One unit-length row per text (zeros for a text with no known word piece): the mean
        of its pieces' vectors, each weighted by ``weights`` (see ``piece_weights``) if given."""
        return self.vectors_of(self.pieces(texts), weights)

    def vectors_of(self, pieces: Sequence[Pieces], weights: Vectors | None = None) -> Vectors:
        """``encode`` for texts already split into pieces."""
        if not pieces:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        # In batches: a large knowledge base's piece vectors at once would take gigabytes.
        return np.concatenate(
            [self._mean(pieces[at : at + BATCH], weights) for at in range(0, len(pieces), BATCH)]
        )

    def _mean(self, pieces: Sequence[Pieces], weights: Vectors | None) -> Vectors:
        summed = np.zeros((len(pieces), self.dimensions), dtype=np.float32)
        lengths = np.fromiter((len(p) for p in pieces), dtype=np.int64, count=len(pieces))
        filled = lengths > 0
        if filled.any():
            flat = np.concatenate([p for p in pieces if len(p)]).astype(np.int64)
            scale = self._scales[flat] if weights is None else self._scales[flat] * weights[flat]
            vectors = self._codes[flat].astype(np.float32) * scale[:, None]
            # Each text's pieces are one run of ``flat``: sum the runs in one call.
            starts = np.concatenate(([0], np.cumsum(lengths[filled])[:-1]))
            summed[filled] = np.add.reduceat(vectors, starts, axis=0)
        norms = np.linalg.norm(summed, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        unit: Vectors = (summed / norms).astype(np.float32, copy=False)
        return unit


def piece_weights(
    size: int, entries: Sequence[Sequence[Pieces]], smoothing: float, keep: Sequence[Pieces] = ()
) -> Vectors:
    """A weight per word piece for one knowledge base: ``smoothing / (smoothing + share)``,
    where ``share`` is the share of its entries that use the piece (``entries``: each entry's
    wordings as pieces). A piece every entry uses ("covid" in a COVID-19 FAQ) weighs little in
    a sentence's mean, so the vectors look at what tells its entries apart; a piece no entry
    uses weighs 1. The pieces of ``keep`` (the knowledge base's ``keep_apart`` names, such as
    "Compact" and "Covenant") weigh 1 however common: they are what decides between entries."""
    used = np.zeros(size, dtype=np.float64)
    for wordings in entries:
        present = [p for p in wordings if len(p)]
        if present:
            used[np.unique(np.concatenate(present))] += 1
    share = used / max(len(entries), 1)
    weights = (smoothing / (smoothing + share)).astype(np.float32)
    for name in keep:
        weights[name] = 1.0
    return weights


@cache
def static_encoder() -> StaticEncoder:
    """The packaged encoder, loaded once per process."""
    return StaticEncoder.load()

"""The match index: built once per knowledge-base load, searched once per question.

Ranking is BM25 over three fields of each entry: its best single phrasing, all its phrasings
together, and (weakly) its answer. The score reported for each hit is a confidence in 0..1:
how much of the question's informative wording the entry explains (see ``_confidence``).
Words the knowledge base has never seen count against a match, so "notice period if I
resign" does not ride on the word "notice". The candidates are then put in order by a blend of
that confidence and static sentence vectors (``bot.matching.static``), which know that
"postpone" and "reschedule" are close though no word is shared; each hit keeps its own
confidence, and a top hit the vectors chose over the confidence's leader is never answered
outright (it is marked ``contested``). Each hit also says whether the question names the
knowledge base's subject (a ``subject`` word such as "Compact", or a glossary term): such a
question is about the Compact even when its wording is new, so the policy may answer it on a
lower score (see ``Thresholds``).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace

import numpy as np

from bot.knowledge.model import KnowledgeBase
from bot.matching.analyzer import Analyzer, Canonicaliser
from bot.matching.bm25 import BM25Field, Scores
from bot.matching.static import piece_weights, static_encoder
from bot.matching.stems import MATCH_STOPWORDS, STOPWORDS, stem

RERANK_DEPTH = 20
# How many candidates the static vectors put in order: ten rank as well as twenty on every
# benchmark set (docs/benchmarks.md, "Fourth pass: static sentence vectors") at half the cost.
STATIC_DEPTH = 10
DICE_WEIGHT, COVERAGE_WEIGHT, RECALL_WEIGHT = 0.4, 0.4, 0.2
# A word the knowledge base has never used is strong evidence the question is about
# something else, so it weighs more than the rarest known word.
UNKNOWN_WORD_FACTOR = 1.5
# Words that, beside a single glossary term, ask what the term means ("CSO meaning?").
WHAT = stem("what")
DEFINITION_WORDS = frozenset(
    stem(w)
    for w in [
        "mean",
        "meaning",
        "means",
        "stand",
        "stands",
        "define",
        "definition",
        "explain",
        "term",
        "acronym",
    ]
)


# The stems of the function words and chat fillers that ``similarity`` leaves out, and
# that alone never earn an outright answer.
_FILLER_STEMS = frozenset(stem(w) for w in STOPWORDS)


@dataclass(frozen=True, slots=True)
class MatchConfig:
    """How the index is built: the analyzer's stopwords and compound joining, and the BM25
    field weights (best single phrasing, all phrasings together, answer). The defaults are
    chosen by cross-validation over several sets (benchmarks/crossval.py)."""

    stopwords: frozenset[str] = MATCH_STOPWORDS
    join_compounds: bool = True
    phrasing_weight: float = 1.0
    all_phrasings_weight: float = 1.0
    answer_weight: float = 1.0
    # A question term weighing at least this share of its heaviest known term is distinctive:
    # if the top entry's phrasings lack it, the answer is contested (see ``Hit.contested``).
    # Above 1, nothing is.
    distinct_share: float = 0.4
    # A rival is a hit scoring at least this share of the top hit's score.
    rival_share: float = 0.5
    # A rival's topical terms are those in at least this share of its phrasings.
    topical_share: float = 0.3
    # How many BM25 candidates are re-ranked by confidence (0: keep the BM25 order). The
    # top five, re-ranked by confidence discounted by BM25 standing, were chosen leave-one-set-
    # out over six sets (benchmarks/crossval.py; docs/benchmarks.md, "Re-ranking the top five").
    rerank_depth: int = 5
    # A runner-up's confidence is discounted by its BM25 score over the leader's, to this power.
    standing_power: float = 1.0
    # A word the knowledge base has never used weighs this many times its rarest known word.
    unknown_factor: float = UNKNOWN_WORD_FACTOR
    # A question asking what a glossary term means is contested when the top hit is not the
    # term's glossary entry but that entry is a rival.
    definition_rival: bool = True
    # The candidates are ordered by ``static_weight`` x their static-vector similarity plus
    # the rest x their confidence (0: confidence alone, and no vectors are built). An entry's
    # similarity is its closest phrasing's, or its answer's where ``static_answers`` and that
    # is closer. Chosen leave-one-set-out over eight sets (benchmarks/crossval.py).
    static_weight: float = 0.7
    static_answers: bool = True
    # An entry's phrasing similarity is ``static_centroid`` x its centroid's (the mean of its
    # phrasings' vectors) plus the rest x its closest phrasing's: an entry worded many ways is
    # judged on what it is about as well as on its nearest wording. Compared with 0, 0.15 and 0.5
    # on eight sets, clean and with slips (benchmarks/crossval.py; docs/benchmarks.md, "An
    # entry's centre").
    static_centroid: float = 0.3
    # Each word piece's weight in a sentence's static vector is ``static_smoothing / (that +
    # the share of entries using it)`` (``bot.matching.static.piece_weights``; 0: a plain
    # mean). Chosen with ``static_weight`` leave-one-set-out (benchmarks/crossval.py).
    static_smoothing: float = 0.3
    # BM25's term-frequency saturation and length normalisation, in every field. The common
    # defaults: k1 from 0.9 to 2.0 and b from 0.3 to 0.9 are level on the mean of eight sets,
    # and leave-one-set-out gains nothing over them (benchmarks/crossval.py).
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    # The top hit is also contested when its blend leads the runner-up's by less than this:
    # the two views together barely tell the entries apart. Chosen leave-one-set-out over
    # eight sets, with a wrong answer priced at two or at three right ones: every set's
    # choice is 0.02 or 0.03 (benchmarks/crossval.py --margins).
    static_margin: float = 0.02


@dataclass(frozen=True, slots=True)
class Wording:
    """A wording's content terms and their total weight, as ``MatchIndex.similarity`` sees
    them."""

    terms: frozenset[str]
    weight: float


@dataclass(frozen=True, slots=True)
class Hit:
    """One entry's standing for a question: its confidence and its closest phrasing, whether
    the question names the knowledge base's subject (the same for all its hits), and whether
    it says exactly what that phrasing says (the same words once normalised)."""

    entry_id: str
    score: float
    phrasing: str
    names_subject: bool = False
    exact: bool = False
    # Set on the top hit only: the question has a distinctive term (one of its heaviest) that
    # this entry does not use but other entries do, as "consultation" in "how long should a
    # consultation last" against a stored "how long should a grant last". The entry may share
    # every other word, but the word that decides between neighbours is against it. Also set
    # when the question names one of the things the knowledge base keeps apart (``keep_apart``:
    # the Compact, the Covenant) and none of the entry's wordings names it.
    contested: bool = False
    # Set on the top hit only, by a matcher that ranks twice (the semantic extra): both
    # rankings put this entry first and are sure of it, so it is answered whatever the
    # thresholds (bot.matching.semantic.Agreement).
    agreed: bool = False


@dataclass(frozen=True, slots=True)
class _Entry:
    id: str
    phrasings: tuple[str, ...]
    terms: tuple[frozenset[str], ...]
    vocabulary: frozenset[str]
    term_weights: tuple[float, ...] = ()  # each phrasing's total term weight, for Dice
    topical: frozenset[str] = frozenset()  # terms in a good share of its phrasings


class MatchIndex:
    def __init__(
        self,
        analyzer: Analyzer,
        entries: list[_Entry],
        fields: tuple[BM25Field, BM25Field],
        weights: dict[str, float],
        definitions: dict[str, int] | None = None,
        subject_terms: frozenset[str] = frozenset(),
        config: MatchConfig | None = None,
        kept_apart: tuple[frozenset[str], ...] = (),
        vectors: StaticVectors | None = None,
    ) -> None:
        self._analyzer = analyzer
        self._config = config or MatchConfig()
        self._entries = entries
        # Each phrasing on its own, and each entry as a whole (all its phrasings and its answer).
        self._phrasing_field, self._entry_field = fields
        self._weights = weights
        self._unknown_weight = self._config.unknown_factor * max(weights.values(), default=1.0)
        self._definitions = definitions or {}
        self._subject_terms = subject_terms
        # The terms of each of the knowledge base's ``keep_apart`` names ("Compact", "Covenant").
        self._kept_apart = kept_apart
        # Where each entry's phrasings start in the phrasing field (entry by entry). Every
        # entry has a phrasing (its question), so each entry's best phrasing score is one
        # ``maximum.reduceat`` over these starts.
        self._by_id = {e.id: e for e in entries}
        self._positions = {e.id: number for number, e in enumerate(entries)}
        self._counts = np.asarray([len(e.phrasings) for e in entries], dtype=np.int64)
        self._starts = np.cumsum([0, *self._counts])[:-1]
        # The entries that store a phrasing with exactly these terms.
        self._exact: dict[frozenset[str], tuple[int, ...]] = {}
        for number, entry in enumerate(entries):
            for terms in entry.terms:
                held = self._exact.get(terms, ())
                if number not in held:
                    self._exact[terms] = (*held, number)
        # For each entry that has been a hit, which of its phrasings (by number) use each term:
        # made when first needed, since a search looks at a handful of entries. Equal tuples
        # are stored once across entries (most are one small number, such as (0,)).
        self._holders: dict[int, dict[str, tuple[int, ...]]] = {}
        self._shared_holders: dict[tuple[int, ...], tuple[int, ...]] = {}
        # Static vectors of every phrasing (entry by entry, as ``_starts``) and every answer;
        # None when ``static_weight`` is 0.
        self._vectors = vectors

    @classmethod
    def build(cls, kb: KnowledgeBase, config: MatchConfig | None = None) -> MatchIndex:
        config = config or MatchConfig()
        groups = [term.spellings for term in kb.glossary] + list(kb.synonym_groups)
        analyzer = Analyzer(
            Canonicaliser(groups, config.stopwords), join_compounds=config.join_compounds
        )
        analyzer.learn(p for entry in kb.entries for p in entry.phrasings)
        entries: list[_Entry] = []
        phrasing_docs: list[list[str]] = []
        answers = [analyzer.terms(entry.answer) for entry in kb.entries]
        for entry in kb.entries:
            terms = [analyzer.terms(text) for text in entry.phrasings]
            phrasing_docs += terms
            sets = tuple(frozenset(t) for t in terms)
            vocabulary: frozenset[str] = frozenset().union(*sets)
            used = Counter(t for phrasing in sets for t in phrasing)
            topical = frozenset(t for t, n in used.items() if n >= config.topical_share * len(sets))
            entries.append(
                _Entry(
                    entry.id,
                    entry.phrasings,
                    sets,
                    vocabulary,
                    topical=topical,
                )
            )
        bm25 = {"k1": config.bm25_k1, "b": config.bm25_b}
        fields = (
            BM25Field.of(phrasing_docs, **bm25),
            BM25Field.blend(
                [
                    (
                        BM25Field.of(
                            [[t for doc in e.terms for t in doc] for e in entries], **bm25
                        ),
                        config.all_phrasings_weight,
                    ),
                    (
                        BM25Field.of(answers, **bm25),
                        config.answer_weight,
                    ),
                ]
            ),
        )
        # Confidence weights come from how many entries use a term, not how many phrasings:
        # an entry repeating its own key word across alternates should not make it common.
        used_by = Counter(t for e in entries for t in e.vocabulary)
        total = max(len(entries), 1)
        weights = {t: math.log(1 + total / n) for t, n in used_by.items()}
        entries = [
            replace(
                e,
                term_weights=tuple(
                    math.fsum(weights[t] for t in terms) or 1.0 for terms in e.terms
                ),
            )
            for e in entries
        ]
        # A question that is just a glossary term ("CSOs?", "what's the VCFS") asks for its
        # meaning, so it goes to the term's glossary entry rather than to an entry that
        # merely mentions the term.
        position = {entry.id: number for number, entry in enumerate(kb.entries)}
        definitions = {
            only: position[term.entry_id]
            for term in kb.glossary
            if term.entry_id in position and len(canonical := analyzer.terms(term.term)) == 1
            for only in canonical
        }
        # So does a question that is just a name the knowledge base explains in an entry of
        # its own ("compact": "What is the Compact?"; "debian": "What is Debian?"), when one
        # entry alone asks what it is and no glossary term has the name.
        asked = [analyzer.terms(entry.question) for entry in kb.entries]
        what_is = Counter(q[1] for q in asked if len(q) == 2 and q[0] == WHAT)
        for number, question in enumerate(asked):
            if len(question) == 2 and question[0] == WHAT and what_is[question[1]] == 1:
                definitions.setdefault(question[1], number)
        # Glossary terms and the declared subject words mark a question as about the Compact;
        # each glossary spelling analyses to the one canonical term of its group.
        subject_terms = frozenset(
            term
            for wording in (*kb.subject, *(s for g in kb.glossary for s in g.spellings))
            for term in analyzer.terms(wording)
        )
        kept_apart = tuple(
            named for name in kb.keep_apart if (named := frozenset(analyzer.terms(name)))
        )
        vectors = None
        if config.static_weight > 0 and kb.entries:
            vectors = static_vectors(kb, config.static_smoothing)
        return cls(
            analyzer,
            entries,
            fields,
            weights,
            definitions,
            subject_terms,
            config,
            kept_apart,
            vectors,
        )

    def __len__(self) -> int:
        return len(self._entries)

    def similarity(self, first: str, second: str) -> float:
        """IDF-weighted Dice overlap of two wordings' content terms, 0 to 1 (used by ``kb
        check`` to find wordings closer to another entry's than to their own). Function words
        and chat fillers are left out: two wordings sharing "what is ... under the" are not
        about the same thing."""
        return self.similarity_of(self.wording(first), self.wording(second))

    def wording(self, text: str) -> Wording:
        """``text`` analysed for ``similarity_of``: a caller comparing many pairs analyses
        each wording once."""
        terms = frozenset(self._analyzer.terms(text)) - _FILLER_STEMS
        weight, unknown = self._weights.get, self._unknown_weight
        return Wording(terms, math.fsum(weight(t, unknown) for t in terms))

    def similarity_of(self, first: Wording, second: Wording) -> float:
        if not first.terms or not second.terms:
            return 0.0
        weight, unknown = self._weights.get, self._unknown_weight
        if first.terms == second.terms:
            return 1.0  # exactly: summed in another order, the weights could make it 1 + 1e-16
        shared = math.fsum(weight(t, unknown) for t in first.terms & second.terms)
        return min(1.0, 2 * shared / (first.weight + second.weight))

    def uses_a_word_of(self, text: str) -> bool:
        """Whether any content word of ``text`` (not a function word or chat filler) is one
        the knowledge base uses: without one, a question is about something it does not
        cover ("what's the weather tomorrow"), not a gap in what it does."""
        terms = frozenset(self._analyzer.terms(text, repair=True)) - _FILLER_STEMS
        return not self._weights.keys().isdisjoint(terms)

    def mended(self, text: str) -> str:
        """``text`` with the slips the matcher mends in its words mended, for a reader of
        whole sentences (the static vectors, the semantic extra's model)."""
        return self._analyzer.mended(text)

    def search(self, text: str, limit: int = 5) -> list[Hit]:
        """The best ``limit`` entries for ``text``, best first, each with its confidence."""
        if self._vectors is None:
            return self.lexical_search(text, limit)
        hits, pinned = self._lexical(text, limit, max(limit, STATIC_DEPTH))
        return self._static_order(text, hits, pinned)[:limit]

    def lexical_search(self, text: str, limit: int = 5) -> list[Hit]:
        """``search`` by the confidence alone, without the static vectors' order (the
        semantic extra fuses its own embeddings with this ranking)."""
        return self._lexical(text, limit, limit)[0][:limit]

    def _lexical(self, text: str, limit: int, depth: int) -> tuple[list[Hit], int]:
        """The best ``depth`` hits by confidence, the top one judged against the first
        ``limit`` (as ``lexical_search`` would), and how many are pinned first (an exact
        wording, the glossary entry a bare term asks for)."""
        terms = list(dict.fromkeys(self._analyzer.terms(text, repair=True)))
        if not terms or not self._entries:
            return [], 0
        ranking = self._rank(terms)
        order = np.argsort(-ranking)[:RERANK_DEPTH]
        order = order[ranking[order] > 0]
        if not len(order):
            return [], 0
        defined = self._defined_term(terms)
        if defined is not None:
            order = np.concatenate(([defined], order[order != defined]))
            ranking[defined] = max(ranking)
            # "mean", "stand for" only say a definition is wanted; they are not evidence
            # against the glossary entry.
            terms = [t for t in terms if t not in DEFINITION_WORDS]
        top = float(ranking[order[0]])
        names_subject = not self._subject_terms.isdisjoint(terms)
        query = _Query.of(terms, self._weights, self._unknown_weight)
        # Entries that store exactly the question's wording come first; the rest keep their
        # BM25 order, which weighs the answers too.
        exact_entries = self._exact.get(query.terms, ())
        if exact_entries:
            listed = order.tolist()
            order = np.asarray(
                [p for p in listed if p in exact_entries]
                + [p for p in listed if p not in exact_entries]
            )
        # The entries pinned first (exact wordings, the glossary entry a bare term asks for)
        # keep their place; the others are re-ranked by their score, the confidence discounted
        # by how far behind the BM25 leader each ranks, over the top ``rerank_depth``.
        pinned = len(exact_entries) + (defined is not None and defined not in exact_entries)
        depth = max(depth, self._config.rerank_depth)
        scored: list[tuple[float, int, str]] = []
        for position in order[:depth].tolist():
            confidence, phrasing = self._confidence(query, position)
            standing = 1.0 if position in exact_entries else float(ranking[position]) / top
            scored.append((confidence * standing**self._config.standing_power, position, phrasing))
        window = slice(pinned, self._config.rerank_depth)
        if len(scored[window]) > 1:
            # Only the first ``rerank_depth`` candidates are re-ranked, whatever ``limit`` asks
            # for, so a longer list (the semantic matcher asks for 20) has the same top. The
            # order may change, never the confidence: an entry moved up cannot claim more than
            # the BM25 leader's, so a vague question ("consultation") whose candidates re-rank
            # closely still gets "did you mean" rather than an answer.
            cap = scored[pinned][0]
            scored[window] = [
                (min(score, cap), position, phrasing)
                for score, position, phrasing in sorted(scored[window], key=lambda s: -s[0])
            ]
        hits: list[Hit] = []
        ceiling = 1.0
        for raw, position, phrasing in scored[:depth]:
            # Scores never rise down the list, so "top score minus next score" reads as a lead.
            score = min(ceiling, raw)
            ceiling = score
            entry = self._entries[position]
            exact = position in exact_entries
            hits.append(Hit(entry.id, round(score, 6), phrasing, names_subject, exact))
        # A question of function words alone ("who are you", "what is it") has nothing an
        # entry could be chosen by, whatever words it shares: never an outright answer.
        vague = query.terms <= _FILLER_STEMS
        if hits and not hits[0].exact and (vague or self._contested(query, hits[:limit])):
            hits[0] = replace(hits[0], contested=True)
        return hits, min(pinned, len(hits))

    def _static_order(self, text: str, hits: list[Hit], pinned: int) -> list[Hit]:
        """``hits`` after the pinned ones put in order by the blend of confidence and static
        similarity (``MatchConfig.static_weight``). Each keeps its own confidence. When the
        blend's first is not the confidence's, or leads the next by less than
        ``MatchConfig.static_margin``, it is marked ``contested``: the two views disagree, or
        together cannot tell the two apart, so the question gets "did you mean" with both,
        never an outright answer."""
        # Only the first ``STATIC_DEPTH`` are ordered, whatever ``limit`` asked for, so a
        # longer list has the same top (as for the re-rank).
        window = min(len(hits), max(pinned, STATIC_DEPTH))
        if self._vectors is None or window - pinned < 2:
            return hits
        question = static_encoder().encode([self.mended(text)], self._vectors.weights)[0]
        ranked = hits[pinned:window]
        positions = np.fromiter((self._positions[h.entry_id] for h in ranked), dtype=np.int64)
        cosines = self._vectors.cosines(question, positions)
        answers = self._config.static_answers
        similarity = static_similarity(*cosines, self._config.static_centroid, answers)
        weight = self._config.static_weight
        confidence = np.fromiter((h.score for h in ranked), dtype=np.float64)
        blended = weight * similarity + (1 - weight) * confidence
        # Highest blend first; equal blends keep their place.
        order = np.argsort(-blended, kind="stable")
        ordered = [ranked[i] for i in order]
        margin = self._config.static_margin
        close = blended[order[0]] - blended[order[1]] < margin
        if self._config.static_centroid:
            # The entries' centres reorder, but must not make an answer surer than the
            # nearest wordings alone would: the first is contested when that blend puts
            # another first or barely separates the two ("did government keep its funding
            # promises" between government's undertakings and its funding record).
            nearest = weight * static_similarity(*cosines, 0.0, answers) + (1 - weight) * confidence
            first, second = np.argsort(-nearest, kind="stable")[:2]
            close = close or first != order[0] or nearest[first] - nearest[second] < margin
        if pinned == 0 and (ordered[0] is not hits[0] or close):
            ordered = [replace(h, contested=h is ordered[0]) for h in ordered]
        return [*hits[:pinned], *ordered, *hits[window:]]

    def judge(self, text: str, hits: list[Hit]) -> list[Hit]:
        """``hits`` for ``text`` from another ranking of the same knowledge base (the semantic
        matcher's fusion), best first, with the top one marked ``contested`` by the same rules
        ``search`` applies to its own: a fused ranking must not answer what the lexical one
        would hold back ("is the compact england only" from a Covenant entry)."""
        if not hits or hits[0].exact or hits[0].entry_id not in self._by_id:
            return hits
        terms = list(dict.fromkeys(self._analyzer.terms(text, repair=True)))
        if self._defined_term(terms) is not None:
            terms = [t for t in terms if t not in DEFINITION_WORDS]
        if not terms:
            return hits
        query = _Query.of(terms, self._weights, self._unknown_weight)
        known = [h for h in hits if h.entry_id in self._by_id]
        return [replace(hits[0], contested=self._contested(query, known)), *hits[1:]]

    def _contested(self, query: _Query, hits: list[Hit]) -> bool:
        """Whether a rival of the top hit has a better claim on a part of the question that
        the top entry cannot answer for (see ``Hit.contested``)."""
        rivals = [self._by_id[h.entry_id] for h in hits[1:]]
        top = self._by_id[hits[0].entry_id]
        return (
            self._rival_has_a_missing_topic(query, top, hits)
            or self._rival_defines_a_term(query, top, rivals)
            or self._names_another_subject(query, top)
        )

    def _names_another_subject(self, query: _Query, top: _Entry) -> bool:
        """The question names one of the things the knowledge base keeps apart ("is the
        compact england only") and the top entry is about another of them: none of its
        wordings names the question's (the Covenant's devolved nations), or the question
        names just one and the entry's own question names another instead ("Does the Covenant
        cover Scotland, Wales and Northern Ireland?", even with an alternate that mentions the
        Compact), however many other words they share. Such words are in most entries, so they
        weigh too little to count as the question's distinctive terms."""
        named = [name for name in self._kept_apart if name <= query.terms]
        if any(not name <= top.vocabulary for name in named):
            return True
        if len(named) != 1:
            return False
        title = top.terms[0]  # the entry's own question
        return not named[0] <= title and any(
            other <= title for other in self._kept_apart if other != named[0]
        )

    def _rival_has_a_missing_topic(self, query: _Query, top: _Entry, hits: list[Hit]) -> bool:
        """A close rival (scoring at least ``rival_share`` of the top score) is about a term of
        the question (uses it in at least ``topical_share`` of its phrasings) that the top
        entry never uses: "consultation" against a stored "how long should a grant last"."""
        config = self._config
        known = [(t, w) for t, w in query.weights.items() if t in self._weights]
        if len(known) < 2:
            return False
        floor = config.distinct_share * max(w for _, w in known)
        missing = [t for t, w in known if w >= floor and t not in top.vocabulary]
        if not missing:
            return False
        for rival in hits[1:]:
            if rival.score < config.rival_share * hits[0].score:
                break
            topical = self._by_id[rival.entry_id].topical
            if any(t in topical for t in missing):
                return True
        return False

    def _rival_defines_a_term(self, query: _Query, top: _Entry, rivals: list[_Entry]) -> bool:
        """The question asks what a glossary term means ("what do people in Preston mean by
        the VCFS") and the term's glossary entry is a rival, not the top hit."""
        if not self._config.definition_rival or query.terms.isdisjoint(DEFINITION_WORDS):
            return False
        defining = {
            self._entries[self._definitions[t]].id for t in query.terms if t in self._definitions
        }
        return top.id not in defining and any(r.id in defining for r in rivals)

    def _defined_term(self, terms: list[str]) -> int | None:
        content = [t for t in terms if t not in DEFINITION_WORDS]
        return self._definitions.get(content[0]) if len(content) == 1 else None

    def _rank(self, terms: list[str]) -> Scores:
        best_phrasing = np.maximum.reduceat(self._phrasing_field.scores(terms), self._starts)
        ranking: Scores = self._config.phrasing_weight * best_phrasing + self._entry_field.scores(
            terms
        )
        return ranking

    def _confidence(self, query: _Query, position: int) -> tuple[float, str]:
        """Blend three views of how well an entry explains the question: the IDF-weighted
        Dice overlap with its closest phrasing, the share of that phrasing the question covers,
        and the share of the question's weight the entry covers anywhere. The weights were
        chosen on the evaluation set (``compact-bot eval --sweep``; see docs/benchmarks.md).

        Plain Python over one entry's phrasings: it runs for a handful of entries per
        question, where whole-index array work would cost more than it saves."""
        entry = self._entries[position]
        holders = self._holders.get(position)
        if holders is None:
            holders = self._holders[position] = _holders(entry.terms, self._shared_holders)
        # Only the phrasings that share a term with the question: an entry has dozens.
        shared: dict[int, float] = {}
        for term, weight in query.weights.items():
            for number in holders.get(term, ()):
                shared[number] = shared.get(number, 0.0) + weight
        best, closest = 0.0, 0
        for number, overlap in shared.items():
            own = entry.term_weights[number]
            closeness = (
                DICE_WEIGHT * 2 * overlap / (query.weight + own) + RECALL_WEIGHT * overlap / own
            )
            # Ties go to the earlier phrasing, whatever order the terms found them in.
            if closeness > best or (closeness == best and number < closest):
                best, closest = closeness, number
        covered = query.weight_of(entry.vocabulary) / query.weight
        return min(1.0, best + COVERAGE_WEIGHT * covered), entry.phrasings[closest]


def _holders(
    phrasings: tuple[frozenset[str], ...], shared: dict[tuple[int, ...], tuple[int, ...]]
) -> dict[str, tuple[int, ...]]:
    """For each term, the numbers of the phrasings that use it, in one pass over the terms;
    each tuple is the one already in ``shared`` where there is one."""
    found: dict[str, list[int]] = {}
    for number, terms in enumerate(phrasings):
        for term in terms:
            found.setdefault(term, []).append(number)
    return {term: shared.setdefault(key := tuple(numbers), key) for term, numbers in found.items()}


@dataclass(frozen=True, slots=True)
class StaticVectors:
    """A knowledge base's static vectors: every phrasing's (entry by entry, each entry's from
    ``starts``, ``counts`` of them), every answer's and every entry's centroid (the unit-length
    mean of its phrasings' vectors: what the entry is about, whichever way it is put), as
    float16 to halve their memory, and the word-piece weights they and the questions are
    encoded with (None: a plain mean)."""

    phrasings: np.ndarray
    answers: np.ndarray
    centroids: np.ndarray
    starts: np.ndarray
    counts: np.ndarray
    weights: np.ndarray | None

    def cosines(
        self, question: np.ndarray, positions: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The cosine with ``question`` (a unit vector) of each entry at ``positions``: its
        closest phrasing's, its centroid's and its answer's."""
        counts = self.counts[positions]
        # Every phrasing of every entry asked for in one product, then each entry's closest.
        rows = np.repeat(self.starts[positions] - np.cumsum(counts) + counts, counts)
        rows += np.arange(len(rows))
        cosines = self.phrasings[rows].astype(np.float32) @ question
        return (
            np.maximum.reduceat(cosines, np.cumsum(counts) - counts),
            self.centroids[positions].astype(np.float32) @ question,
            self.answers[positions].astype(np.float32) @ question,
        )

    def similarity(
        self, question: np.ndarray, positions: np.ndarray, centre: float, answers: bool
    ) -> np.ndarray:
        """``static_similarity`` of the entries at ``positions`` to ``question``."""
        return static_similarity(*self.cosines(question, positions), centre, answers)


def static_similarity(
    closest: np.ndarray, centroid: np.ndarray, answer: np.ndarray, centre: float, answers: bool
) -> np.ndarray:
    """An entry's static similarity from its cosines (``StaticVectors.cosines``): ``(1 -
    centre)`` x its closest phrasing's plus ``centre`` x its centroid's, or its answer's where
    ``answers`` and that is higher (as ``MatchConfig.static_centroid`` and
    ``static_answers``)."""
    similarity: np.ndarray = (1 - centre) * closest + centre * centroid
    return np.maximum(similarity, answer) if answers else similarity


def static_vectors(kb: KnowledgeBase, smoothing: float) -> StaticVectors:
    """``kb``'s static vectors as the index orders candidates with them (also read by
    benchmarks/semantic_sets.py, which scores the same numbers)."""
    encoder = static_encoder()
    phrasings = encoder.pieces_remembered([p for e in kb.entries for p in e.phrasings])
    answers = encoder.pieces_remembered([e.answer for e in kb.entries])
    weights = None
    if smoothing > 0:
        ends = np.cumsum([len(e.phrasings) for e in kb.entries])
        wordings = [
            [*phrasings[end - len(entry.phrasings) : end], answer]
            for entry, end, answer in zip(kb.entries, ends, answers, strict=True)
        ]
        keep = encoder.pieces(list(kb.keep_apart))
        weights = piece_weights(encoder.size, wordings, smoothing, keep)
    phrasing_vectors = encoder.vectors_of(phrasings, weights)
    counts = np.asarray([len(e.phrasings) for e in kb.entries], dtype=np.int64)
    starts = np.cumsum([0, *counts])[:-1].astype(np.int64)
    centroids = np.add.reduceat(phrasing_vectors, starts) if len(starts) else phrasing_vectors
    lengths = np.linalg.norm(centroids, axis=1, keepdims=True)
    centroids = np.divide(centroids, lengths, out=np.zeros_like(centroids), where=lengths > 0)
    return StaticVectors(
        phrasing_vectors.astype(np.float16),
        encoder.vectors_of(answers, weights).astype(np.float16),
        centroids.astype(np.float16),
        starts,
        counts,
        weights,
    )


@dataclass(frozen=True, slots=True)
class _Query:
    terms: frozenset[str]
    weights: dict[str, float]  # each term's weight; unknown words weigh the most
    weight: float

    @classmethod
    def of(cls, terms: list[str], known: dict[str, float], unknown: float) -> _Query:
        weights = {t: known.get(t, unknown) for t in terms}
        return cls(frozenset(terms), weights, math.fsum(weights.values()) or 1e-9)

    def weight_of(self, terms: frozenset[str]) -> float:
        """The total weight of the question's terms that ``terms`` contains."""
        weights = self.weights
        return math.fsum(weights[t] for t in self.terms & terms)

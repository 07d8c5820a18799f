"""The channel-neutral assistant: a question in, a reply out, everything logged."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from bot.core.foreground import Foreground
from bot.core.knowledge_store import KnowledgeStore, LoadedKnowledge
from bot.core.question import MAX_QUESTION_CHARS, Question
from bot.core.recording import FeedbackKind, InteractionRecorder
from bot.core.replies import (
    Answer,
    Candidate,
    Clarify,
    NoMatch,
    Reply,
    SmallTalk,
    SmallTalkKind,
)
from bot.core.smalltalk import recognise, strip_greeting
from bot.core.throttled_log import ThrottledLog
from bot.core.topics import topic_reply, topic_request
from bot.core.wording import (
    EMPTY_TEXT,
    GOODBYE_TEXT,
    GREETING_TEXT,
    HELP_TEXT,
    NOT_HELPFUL_SAID_TEXT,
    THANKS_TEXT,
    TOPICS_TEXT,
)
from bot.errors import CompactError, DatabaseUnavailable
from bot.knowledge.model import Entry
from bot.matching.index import Hit
from bot.matching.policy import Decision, Thresholds, decide

log = logging.getLogger(__name__)
# A log that is away fails every question the same way: one line now and then, never a
# traceback (its text could carry the question).
failures = ThrottledLog(log)

CANDIDATE_LIMIT = 5


@dataclass(frozen=True, slots=True)
class PreparedReply:
    """A matched reply that has not been logged or sent (see ``Assistant.prepare``)."""

    reply: Reply
    elapsed_ms: float


class Assistant:
    """Answers questions from any channel. Adapters give it a service object role; they never
    subclass it."""

    def __init__(
        self,
        *,
        store: KnowledgeStore,
        thresholds: Thresholds | None = None,
        log: InteractionRecorder | None = None,
        timer: Callable[[], float] = time.perf_counter,
        foreground: Foreground | None = None,
    ) -> None:
        self.store = store
        # Answering marks itself here; background work (the log writer) waits for it.
        self.foreground = foreground or Foreground()
        self.thresholds = thresholds or Thresholds()
        self.log = log
        self._timer = timer

    @property
    def knowledge(self) -> LoadedKnowledge:
        return self.store.current

    def ask(self, question: Question) -> Reply:
        started = self._timer()
        reply = self._reply(question, self.store.current)
        elapsed_ms = (self._timer() - started) * 1000
        return self._logged(reply, elapsed_ms)

    def open_related(self, question: Question, entry_id: str | None) -> Reply:
        """A related question picked from an answer: answered with that entry even where its
        wording would match another one (such as the national answer a local one replaced).
        Falls back to matching the wording when the entry has gone since the answer."""
        started = self._timer()
        loaded = self.store.current
        entry = loaded.kb.get(entry_id) if entry_id else None
        if entry is None:
            return self.ask(question)
        reply = self._answer(question, loaded, entry, 1.0, (), None)
        return self._logged(reply, (self._timer() - started) * 1000)

    def prepare(self, question: Question) -> PreparedReply:
        """Match the question, and neither log nor send the reply yet: for adapters that
        check something before replying (that a delivery is not a duplicate, say) and want
        the matching to overlap with that check. Send it with ``sending``."""
        started = self._timer()
        reply = self._reply(question, self.store.current)
        return PreparedReply(reply, (self._timer() - started) * 1000)

    @contextmanager
    def answering(self, question: Question) -> Iterator[Reply]:
        """Like ``ask``, for chat adapters: send the reply inside the ``with`` block and the log
        is written after it, so the person never waits for the database. The reply already
        carries the id it will be logged under, for its buttons. Where the log cannot reserve
        ids (SQLite), it is written first, as ``ask`` does."""
        with self.foreground.busy(), self.sending(self.prepare(question)) as reply:
            yield reply

    @contextmanager
    def sending(self, prepared: PreparedReply) -> Iterator[Reply]:
        """``answering`` for a reply from ``prepare``."""
        reply, elapsed_ms = prepared.reply, prepared.elapsed_ms
        reserved = self._reserve_id()
        if reserved is None:
            yield self._logged(reply, elapsed_ms)
            return
        reply = replace(reply, interaction_id=reserved)
        try:
            yield reply
        finally:
            self._logged(reply, elapsed_ms, interaction_id=reserved)

    def _reserve_id(self) -> int | None:
        if self.log is None:
            return None
        try:
            return self.log.reserve_id()
        except CompactError as exc:
            _log_failure("reserve", "could not reserve an interaction id", exc)
            return None

    def choose(
        self, question: Question, entry_id: str | None, *, interaction_id: int | None
    ) -> Answer | NoMatch:
        """The person picked an option after a clarify, or "none of these" (``entry_id=None``).
        After "none of these", the NoMatch has the interaction id only when the choice was
        recorded (``NoMatch.logged``), so the reply never claims what was not kept."""
        loaded = self.store.current
        entry = loaded.kb.get(entry_id) if entry_id else None
        if entry is None:
            recorded = self.record_feedback(
                interaction_id, FeedbackKind.NONE_OF_THESE, question=question
            )
            return NoMatch(question, interaction_id=interaction_id if recorded else None)
        self.record_feedback(
            interaction_id, FeedbackKind.CHOSE, question=question, entry_id=entry.id
        )
        return self._answer(question, loaded, entry, 1.0, (), interaction_id)

    def feedback(
        self,
        question: Question,
        interaction_id: int | None,
        *,
        helpful: bool,
        entry_id: str | None = None,
    ) -> bool:
        """Helpful or not, for the answer from ``entry_id`` (needed when it was picked from a
        did-you-mean, since the logged interaction itself was a clarify)."""
        kind = FeedbackKind.HELPFUL if helpful else FeedbackKind.NOT_HELPFUL
        return self.record_feedback(interaction_id, kind, question=question, entry_id=entry_id)

    def record_feedback(
        self,
        interaction_id: int | None,
        kind: FeedbackKind,
        *,
        question: Question,
        entry_id: str | None = None,
    ) -> bool:
        """Record feedback; a log that is down loses the click but never the conversation."""
        if self.log is None or interaction_id is None:
            return False
        try:
            self.log.record_feedback(
                interaction_id, kind, entry_id=entry_id, context=question.context
            )
        except CompactError as exc:
            _log_failure("feedback", f"could not record {kind} feedback", exc)
            return False
        return True

    def _reply(self, question: Question, loaded: LoadedKnowledge) -> Reply:
        text = question.text[:MAX_QUESTION_CHARS]
        kind = recognise(text)
        if kind is not None:
            return self._smalltalk(question, loaded, kind)
        asked = topic_request(text)
        listed = None if asked is None else topic_reply(question, loaded.kb.topics(), asked)
        if listed is not None:  # a command, not a question: never matched, never a gap
            return listed
        hits = loaded.index.search(strip_greeting(text), limit=CANDIDATE_LIMIT)
        candidates = _candidates(loaded, hits)
        decision, chosen = decide(hits, self.thresholds)
        if decision is Decision.ANSWER:
            return self._answer(
                question, loaded, loaded.kb[chosen[0].entry_id], chosen[0].score, candidates, None
            )
        if decision is Decision.CLARIFY:
            return Clarify(question, options=_candidates(loaded, chosen), candidates=candidates)
        outside = not loaded.index.uses_a_word_of(strip_greeting(text))
        return NoMatch(question, candidates=candidates, outside=outside)

    @staticmethod
    def _answer(
        question: Question,
        loaded: LoadedKnowledge,
        entry: Entry,
        confidence: float,
        candidates: tuple[Candidate, ...],
        interaction_id: int | None,
    ) -> Answer:
        return Answer(
            question,
            entry,
            confidence,
            related=loaded.kb.related_to(entry),
            candidates=candidates,
            interaction_id=interaction_id,
        )

    @staticmethod
    def _smalltalk(question: Question, loaded: LoadedKnowledge, kind: SmallTalkKind) -> SmallTalk:
        texts = {
            SmallTalkKind.GREETING: GREETING_TEXT,
            SmallTalkKind.THANKS: THANKS_TEXT,
            SmallTalkKind.GOODBYE: GOODBYE_TEXT,
            SmallTalkKind.HELP: HELP_TEXT,
            SmallTalkKind.TOPICS: TOPICS_TEXT,
            SmallTalkKind.EMPTY: EMPTY_TEXT,
            SmallTalkKind.NOT_HELPFUL: NOT_HELPFUL_SAID_TEXT,
        }
        topics = loaded.kb.topics() if kind in {SmallTalkKind.HELP, SmallTalkKind.TOPICS} else ()
        return SmallTalk(question, kind, texts[kind], topics=topics)

    def _logged(
        self, reply: Reply, elapsed_ms: float, *, interaction_id: int | None = None
    ) -> Reply:
        if self.log is None:
            return reply
        try:
            interaction_id = self.log.record(
                reply, latency_ms=elapsed_ms, interaction_id=interaction_id
            )
        except CompactError as exc:
            _log_failure("record", "could not log the question; answering anyway", exc)
            return reply
        return replace(reply, interaction_id=interaction_id)


def _log_failure(kind: str, what: str, exc: CompactError) -> None:
    """One line, rate-limited; nothing when the database is known to be away (that was said
    once when it went)."""
    if not isinstance(exc, DatabaseUnavailable):
        failures.warning(kind, "%s: %s", what, exc)


def _candidates(loaded: LoadedKnowledge, hits: list[Hit]) -> tuple[Candidate, ...]:
    return tuple(Candidate(loaded.kb[h.entry_id], h.score) for h in hits)

"""The tour for every channel: an adapter hands over who clicked or typed and the event; it
gets back the view to show. Progress is kept per pseudonymised person.

When the database cannot be used the tour still runs: that person's progress is kept in this
process's memory instead, and the next view they see says so, once.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from bot.core.knowledge_store import KnowledgeStore
from bot.core.question import Context
from bot.errors import DatabaseError, DatabaseUnavailable, ProgressConflict
from bot.induction import wording
from bot.induction.events import TourEvent, Verb
from bot.induction.machine import Notice, TourState, Transition, apply
from bot.induction.progress import ProgressStore, Saved
from bot.induction.screens import progress, screen
from bot.induction.views import LocalContacts, ProgressView, TourView, UnavailableView
from bot.storage.interaction_log import utc_now
from bot.storage.pseudonyms import Pseudonymiser

log = logging.getLogger(__name__)

MEMORY_LIMIT = 10_000  # people whose progress is held in memory while the database is down
RETRY_DATABASE_AFTER = timedelta(seconds=30)


class InductionService:
    def __init__(
        self,
        *,
        knowledge: KnowledgeStore,
        progress: ProgressStore | None,
        pseudonymiser: Pseudonymiser | None = None,
        contacts: LocalContacts | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.knowledge = knowledge
        self.progress = progress
        self.pseudonymiser = pseudonymiser
        self.contacts = contacts or LocalContacts()
        self._clock = clock
        self._lock = threading.Lock()
        self._memory: OrderedDict[str, TourState] = OrderedDict()
        self._told: set[str] = set()
        self._down_until: datetime | None = None

    def handle(self, context: Context, event: TourEvent) -> TourView:
        loaded = self.knowledge.current
        tour = loaded.tour
        if tour is None:
            return UnavailableView(wording.NO_TOUR)
        person = self._person(context)
        now = self._clock()
        saved, in_memory = self._load(person, restarting=event.verb is Verb.RESET)
        state = saved.state if saved is not None else self._remembered(person)
        moved = apply(tour, state, event, now)
        if moved.changed and not in_memory:
            try:
                assert self.progress is not None
                saved = self.progress.save(person, saved, moved, tour, now)
                moved = replace(moved, state=saved.state)  # its run number, as stored
            except ProgressConflict:
                # Another click got there first: show where the person is now, unchanged.
                current, in_memory = self._load(person)
                moved = Transition(current.state if current else None, notice=Notice.STALE)
            except DatabaseError as exc:
                _log_failure("induction progress not saved; keeping it in memory: %s", exc)
                self._database_down(now)
                in_memory = True
        if in_memory and moved.state is not None:
            self._remember(person, moved.state)
        notices = self._notices(person, in_memory)
        return screen(
            tour,
            loaded.kb,
            moved,
            contacts=self.contacts,
            notices=notices,
            saved=not in_memory,
        )

    def summary(self, context: Context) -> ProgressView | None:
        """Where this person is, for a home screen's Start or Resume button (None: no tour)."""
        tour = self.knowledge.current.tour
        if tour is None:
            return None
        person = self._person(context)
        saved, in_memory = self._load(person)
        state = saved.state if saved is not None else self._remembered(person)
        return progress(tour, state, saved=not in_memory)

    def saves_progress(self, context: Context) -> bool:
        """Whether this person's progress is being stored (False: kept in memory only, with
        no database or while it is away), so that nothing promises they can carry on later
        when they cannot."""
        if self.progress is None:
            return False
        if self._away(self._clock()):
            return False
        with self._lock:
            return self._person(context) not in self._memory

    def _away(self, now: datetime) -> bool:
        """The database failed a moment ago and is not being tried again yet."""
        return self._down_until is not None and now < self._down_until

    def _person(self, context: Context) -> str:
        if self.pseudonymiser is not None:
            return self.pseudonymiser.user(context)
        return f"{context.channel}:{context.workspace_id or ''}:{context.user_id}"

    def _load(self, person: str, *, restarting: bool = False) -> tuple[Saved | None, bool]:
        """The saved progress, and whether this person's tour is running from memory. A tour
        that started in memory stays there until the person starts again."""
        now = self._clock()
        database_down = self._away(now)
        with self._lock:
            if person in self._memory and (database_down or not restarting):
                return None, True
        if self.progress is None or database_down:
            return None, True
        try:
            saved = self.progress.load(person)
        except DatabaseError as exc:
            _log_failure("induction progress could not be read; running from memory: %s", exc)
            self._database_down(now)
            return None, True
        with self._lock:
            self._memory.pop(person, None)
            self._told.discard(person)  # a later outage is worth telling about again
        return saved, False

    def _remembered(self, person: str) -> TourState | None:
        with self._lock:
            return self._memory.get(person)

    def _remember(self, person: str, state: TourState) -> None:
        with self._lock:
            self._memory[person] = state
            self._memory.move_to_end(person)
            while len(self._memory) > MEMORY_LIMIT:
                self._memory.popitem(last=False)

    def _notices(self, person: str, in_memory: bool) -> tuple[str, ...]:
        if not in_memory:
            return ()
        with self._lock:
            if person in self._told:
                return ()
            self._told.add(person)
            return (wording.NOT_SAVED,)

    def _database_down(self, now: datetime) -> None:
        # Don't make every click wait for a database that just failed; try again shortly.
        self._down_until = now + RETRY_DATABASE_AFTER


def _log_failure(message: str, exc: DatabaseError) -> None:
    """One line with the reason, never a stack trace. The person sees the tour's own notice
    (``wording.NOT_SAVED``), once. An outage the database's watcher has already announced
    (``DatabaseUnavailable``) is logged below the default level, so that a console chat gets
    no second, raw line about it in the middle of the tour; any other failure is a warning."""
    level = logging.INFO if isinstance(exc, DatabaseUnavailable) else logging.WARNING
    log.log(level, message, exc)

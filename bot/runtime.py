"""Wire the parts together from settings: knowledge store, database, log and assistant."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.assistant import Assistant
from bot.core.foreground import Foreground
from bot.core.knowledge_store import KnowledgeStore, SemanticOptions
from bot.induction.progress import ProgressStore
from bot.induction.service import InductionService
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.interaction_log import InteractionLog
from bot.storage.pseudonyms import Pseudonymiser


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    store: KnowledgeStore
    assistant: Assistant
    database: Database | None
    log: InteractionLog | None
    induction: InductionService

    def close(self) -> None:
        """Write out queued log rows, then let go of the database's connections."""
        if self.log is not None:
            self.log.close()
        if self.database is not None:
            self.database.dispose()


def open_log(
    settings: Settings, *, write_behind: bool = False, foreground: Foreground | None = None
) -> tuple[Database, InteractionLog]:
    """The log for answering: it opens (and answers go on) even when the database is away;
    it is then tried again in the background (see ``Database.open``)."""
    database = Database.open(settings.database(), budget_s=settings.db_budget_s())
    pseudonymiser = Pseudonymiser(settings.resolved_pseudonym_key())
    return database, InteractionLog(
        database, pseudonymiser=pseudonymiser, write_behind=write_behind, foreground=foreground
    )


def open_store(settings: Settings, *, keeps_data: bool = True) -> KnowledgeStore:
    """The knowledge base the settings name: national, local layer and answer settings;
    builds are cached in the data folder (bot/matching/cache.py). The folder is checked
    first, unless the command keeps nothing there (``keeps_data`` False: the optional cache
    then only warns when it cannot be written)."""
    if keeps_data:
        settings.check_data_dir()
    return KnowledgeStore.open(
        settings.knowledge_path(),
        matcher=settings.matcher,
        local=settings.local_kb,
        settings=settings.answer_settings(),
        cache_dir=settings.data_dir / "cache",
        semantic=SemanticOptions(settings.semantic_model, settings.data_dir / "embeddings"),
    )


def build_runtime(
    settings: Settings, *, with_log: bool = True, write_behind: bool = False
) -> Runtime:
    """Load the knowledge base first (fast failure on bad YAML), then open the log. Servers
    pass ``write_behind`` (see ``InteractionLog``)."""
    store = open_store(settings)
    # The log writes between the answers the assistant marks busy here.
    foreground = Foreground()
    database, log = (
        open_log(settings, write_behind=write_behind, foreground=foreground)
        if with_log
        else (None, None)
    )
    assistant = Assistant(
        store=store, thresholds=settings.thresholds(), log=log, foreground=foreground
    )
    return Runtime(
        settings, store, assistant, database, log, induction_service(settings, store, database)
    )


def induction_service(
    settings: Settings, store: KnowledgeStore, database: Database | None
) -> InductionService:
    """The tour, keeping progress in ``database`` (in memory when there is none)."""
    return InductionService(
        knowledge=store,
        progress=ProgressStore(database) if database is not None else None,
        pseudonymiser=Pseudonymiser(settings.resolved_pseudonym_key()),
        contacts=settings.local_contacts(),
    )

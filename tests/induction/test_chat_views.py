"""The tour's views as the neutral chat view: every channel's renderer shows them, and
configured text never becomes markup."""

from __future__ import annotations

import json

from bot.adapters.teams.cards import card
from bot.chat.text_fallback import view_text
from bot.chat.tour_views import tour_view
from bot.core.knowledge_store import KnowledgeStore
from bot.core.question import ChannelKind, Context
from bot.induction.events import TourEvent, Verb
from bot.induction.service import InductionService
from bot.induction.views import LocalContacts, StepView
from bot.knowledge.model import KnowledgeBase


def test_the_last_step_in_text_and_in_a_teams_card() -> None:
    local = LocalContacts(compact_name="Preston *Compact*", champions_contact="Ask [Jo](x)")
    view = StepView(11, 11, "Your local Compact", "Text.", (), local=local)
    neutral = tour_view(
        view, KnowledgeBase(entries=()), champions_conversation="19:abc@thread.tacv2"
    )
    text = view_text(neutral)
    assert r"Preston \*Compact\*" in text  # shown literally
    assert r"Ask \[Jo\](x)" in text
    assert "the channel where Ask a Compact Champion posts questions" in text
    assert "19:abc" not in text
    shown = json.dumps(card(neutral))
    assert "the channel where Ask a Compact Champion posts questions" in shown
    assert "19:abc" not in shown


def test_unset_contacts_are_said_plainly(bundled_store: KnowledgeStore) -> None:
    service = InductionService(knowledge=bundled_store, progress=None)
    me = Context(ChannelKind.TEAMS, "29:someone")
    view = service.handle(me, TourEvent(Verb.START))
    while isinstance(view, StepView) and view.local is None:
        view = service.handle(me, view.buttons[-1].event)
    text = view_text(tour_view(view, bundled_store.current.kb))
    assert "Your local Compact:** not set up in this assistant yet" in text
    assert "Your Compact Champions:** not named in this assistant yet" in text
    assert "COMPACT_LOCAL_COMPACT_NAME" in text

"""The induction tour for every chat channel: a typed command or a click in, the neutral view
to show out. The tour's logic is ``bot.induction``; an adapter decides only where the view
goes (in place of the tour message clicked, privately, in a direct message)."""

from __future__ import annotations

from bot.chat.services import ChatServices
from bot.chat.tour_views import tour_view
from bot.chat.views import View, notice
from bot.core.question import Context
from bot.induction import wording
from bot.induction.events import TourEvent, Verb, typed_command
from bot.induction.views import ProgressView

START = TourEvent(Verb.START)


def tour_reply(services: ChatServices, context: Context, event: TourEvent) -> View | None:
    """The view after ``event``; None when this process serves no tour."""
    if services.induction is None:
        return None
    view = services.induction.handle(context, event)
    return tour_view(
        view,
        services.store.current.kb,
        champions_conversation=services.setup.champions_conversation,
    )


def is_command(services: ChatServices, text: str) -> bool:
    """Whether a whole message is a tour command this process can answer (it serves a tour);
    otherwise the message is a question."""
    return services.induction is not None and typed_command(text) is not None


def typed(services: ChatServices, context: Context, text: str) -> View | None:
    """A whole message that is a tour command ("tour", "my progress", "restart the tour");
    None when it is not one, so it is answered as a question."""
    event = typed_command(text)
    return tour_reply(services, context, event) if event is not None else None


def clicked(services: ChatServices, context: Context, value: str) -> View | None:
    """A tour button's value; None when it is not a tour event (garbled or forged): show
    ``not_a_tour_button`` privately instead."""
    event = TourEvent.decode(value)
    return tour_reply(services, context, event) if event is not None else None


def started(services: ChatServices, context: Context, value: str) -> View | None:
    """A home screen's Start or Resume button (its value is a tour event, or anything older:
    then the tour starts or resumes)."""
    return tour_reply(services, context, TourEvent.decode(value) or START)


def not_a_tour_button() -> View:
    return notice(wording.NOT_A_TOUR_BUTTON)


def home_progress(services: ChatServices, context: Context) -> ProgressView | None:
    """What a home screen shows about the tour; None when there is no tour."""
    return services.induction.summary(context) if services.induction is not None else None

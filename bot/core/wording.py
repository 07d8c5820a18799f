"""Everything the assistant says in its own words, in one place, for every channel.

Texts use the same small markdown subset as answers (see knowledge/README.md).
"""

PRIVACY_TEXT = (
    "Please don't type personal details (names, contact details, case or account numbers): "
    "questions are kept, with what can be spotted removed, for the Compact review group."
)
HELP_TEXT = (
    "I answer questions about the Compact: the agreement on how public bodies and the "
    "voluntary and community sector work together. Ask in your own words, for example:\n"
    "- How much notice must we give before ending a grant?\n"
    "- How long should a consultation run?\n"
    "- Can a charity we fund campaign against us?\n\n"
    "Type *topics* to see everything I cover. If I can't answer, I log the question so the "
    "Compact review group can add an answer.\n\n" + PRIVACY_TEXT
)
GREETING_TEXT = "Hello! Ask me anything about the Compact, or type *help* to see what I can do."
THANKS_TEXT = "You're welcome. Ask another question whenever you like."
EMPTY_TEXT = (
    "I didn't catch a question there. Try something like "
    '"how much notice before ending a grant?", or type *help*.'
)
NOT_HELPFUL_SAID_TEXT = (
    "Sorry that didn't help. Press *Not helpful* under the answer so the Compact review group "
    "sees it, or ask again in other words."
)
TOPICS_TEXT = "These are the topics I cover. Ask about any of them:"
GOODBYE_TEXT = "Goodbye. Ask me again whenever you need to."
# What is said after a question, a "none of these" or a "not helpful" depends on whether it
# was stored: nothing may claim the review group will see what was never kept (no log, or a
# database that is away).
NO_MATCH_TEXT = (
    "I don't know that yet. I've logged your question so the Compact review group can add "
    "an answer. Try other words, or type *topics* to see what I cover."
)
NO_MATCH_NOT_LOGGED_TEXT = (
    "I don't know that yet. Your question was not logged, so the Compact review group won't "
    "see it. Try other words, or type *topics* to see what I cover."
)
NONE_OF_THESE_TEXT = (
    "Thanks, I've noted that none of those fitted. The Compact review group will see your "
    "question. You could try asking it another way."
)
NONE_OF_THESE_NOT_LOGGED_TEXT = (
    "Thanks. That could not be recorded, so the Compact review group won't see your "
    "question. You could try asking it another way."
)
THANKS_HELPFUL_TEXT = "Thanks, glad it helped."
THANKS_NOT_HELPFUL_TEXT = "Thanks. I've flagged that answer for the Compact review group."
NOT_HELPFUL_NOT_RECORDED_TEXT = (
    "Thanks for telling me. That could not be recorded, so the Compact review group won't see "
    "it. You could try asking in other words."
)


OUTSIDE_TEXT = (
    "That doesn't look like a question about the Compact or the Civil Society Covenant, so I "
    "have no answer for it. I answer questions on how public bodies and the voluntary and "
    "community sector work together. Type *topics* to see what I cover."
)
OUTSIDE_LOGGED = (
    " If it is about working together, try other words: I've logged it for the Compact review "
    "group."
)


def no_match_text(*, logged: bool, outside: bool = False) -> str:
    """The no-match reply; ``logged``: the question was stored for the review group;
    ``outside``: no word of it is one the knowledge base uses (``NoMatch.outside``), so no
    answer is promised."""
    if outside:
        return OUTSIDE_TEXT + (OUTSIDE_LOGGED if logged else "")
    return NO_MATCH_TEXT if logged else NO_MATCH_NOT_LOGGED_TEXT


def none_of_these_text(*, logged: bool) -> str:
    """After "none of these"; ``logged``: the choice was stored for the review group."""
    return NONE_OF_THESE_TEXT if logged else NONE_OF_THESE_NOT_LOGGED_TEXT


def feedback_text(*, helpful: bool, recorded: bool) -> str:
    """After Helpful or Not helpful; ``recorded``: the feedback was stored."""
    if helpful:
        return THANKS_HELPFUL_TEXT
    return THANKS_NOT_HELPFUL_TEXT if recorded else NOT_HELPFUL_NOT_RECORDED_TEXT


BINDS_NOW_LABEL = "Who this binds now"

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
TOPICS_TEXT = "These are the topics I cover. Ask about any of them:"
NO_MATCH_TEXT = (
    "I don't know that yet. I've logged your question so the Compact review group can add "
    "an answer. Try other words, or type *topics* to see what I cover."
)
NONE_OF_THESE_TEXT = (
    "Thanks, I've noted that none of those fitted. The Compact review group will see your "
    "question. You could try asking it another way."
)
BINDS_NOW_LABEL = "Who this binds now"

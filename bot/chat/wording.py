"""What the chat services say after a click or a command, on every channel. The answers' own
wording (help, greetings, no match, the thanks for feedback) is in ``bot.core.wording``.
Texts use the answers' markdown subset."""

NONE_OF_THESE_SUMMARY = "Noted: none of those fitted."
ANSWER_GONE = "That answer is no longer in the knowledge base."
DID_YOU_MEAN = "Did you mean one of these?"
TOPICS_HEADING = "**Topics I cover:**"
RELATED_HEADING = "**Related questions:**"

ASK_CHAMPION = "Ask a Compact Champion"
SHOW_TOPICS = "Show topics"
NONE_OF_THESE = "None of these"
BUTTON_GONE = "That button no longer works. Ask your question again."

ONLY_ADMINS = "Only Compact Assistant admins can do that, or anyone in the review channel."
ONLY_REVIEW_GROUP = "Only the review group can triage themes."
NO_DATABASE_FOR_STATS = "No database is connected, so there are no figures."

CHAMPIONS_NOT_SET_UP = (
    "No Compact Champions channel is set up yet, so I can't pass this on. Ask your "
    "administrator to set {setting}."
)
PASSED_TO_CHAMPIONS = (
    "I've passed your question to the Compact Champions. Their answer will come to you here."
)
CHAMPIONS_HEADING = "**A question for the Compact Champions:**"
CHAMPION_ANSWERED = "**A Compact Champion answered your question** "
NO_DATABASE_FOR_CHAMPIONS = (
    "Questions for the Compact Champions are kept in the database, and none is connected. "
    "Ask your administrator to set DATABASE_URL."
)
ALREADY_ANSWERED = "This question has already been answered."
EMPTY_CHAMPION_ANSWER = "Please write an answer."

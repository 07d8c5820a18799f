"""Everything the tour says in its own words (the steps themselves are in induction.yml)."""

from __future__ import annotations

from bot.induction.machine import Notice

NOTICES: dict[Notice, str] = {
    Notice.STALE: "That button was from an earlier screen, so nothing changed. Here is where "
    "you are now.",
    Notice.ALREADY_ANSWERED: "You have already answered that question, so your first answer "
    "stands. Here is where you are now.",
    Notice.NOT_AN_OPTION: "Please choose one of the numbered answers.",
    Notice.WELCOME_BACK: "Welcome back. You are carrying on where you left off.",
    Notice.RESTARTED: "Starting again from step 1. Any result you finished before is kept on "
    "record.",
}
NOT_SAVED = (
    "I can't reach the database just now, so your progress in the tour won't be saved. You "
    "can still take the whole tour and the quiz."
)
# When someone stops the tour: where they can pick it up again, only if that is true.
STOPPED = "You can carry on where you left off: type *tour*."
STOPPED_NOT_SAVED = (
    "Your progress in the tour was not saved, so next time you may have to start again from "
    "the beginning."
)


STOPPED_FINISHED = (
    "You have finished the tour. Type *tour* to look at it again, or *restart the tour* to "
    "start again from step 1."
)


def stopped(*, saved: bool, finished: bool = False) -> str:
    """What to say when someone stops the tour; ``saved``: their progress is stored,
    ``finished``: they have done the quiz, so there is nothing to carry on with."""
    if not saved:
        return STOPPED_NOT_SAVED
    return STOPPED_FINISHED if finished else STOPPED


NO_TOUR = (
    "There is no induction tour in this knowledge base yet. An administrator can add one as "
    "induction.yml in the knowledge folder (see docs/induction.md)."
)

# A home screen's or a welcome's invitation to the tour, and how far someone is.
TOUR_INTRO = (
    "**New here?** The induction tour takes you through the Compact and the Civil Society "
    "Covenant in short steps, with a quiz at the end."
)
YOUR_INDUCTION = "**Your induction:** "

NEXT = "Next"
START_QUIZ = "Start the quiz"
BACK = "Back"
MORE = "Tell me more"
BACK_TO_TOUR = "Back to the tour"
BACK_TO_RESULT = "Back to your result"
START = "Start the tour"
RESUME = "Resume the tour"
SEE_RESULT = "See your result"
START_AGAIN = "Start again"
REVIEW_STEPS = "Look through the steps"

RIGHT = "Right."
WRONG = "Not quite. The answer is: {answer}."
ALL_RIGHT = "You answered every question correctly."
REVISIT_INTRO = "Worth another look:"
COMPLETED_ON = "Finished on {day.day} {day:%B %Y}."

# The step with local contacts: configuration, or a plain statement that it is not set.
LOCAL_COMPACT = "**Your local Compact:** "
LOCAL_COMPACT_UNSET = (
    "not set up in this assistant yet. Ask your council's voluntary sector lead for your "
    "area's text."
)
CHAMPIONS = "**Your Compact Champions:** "
CHAMPIONS_CHANNEL = "**Compact Champions' channel:** "
CHAMPIONS_CHANNEL_LABEL = "the channel where Ask a Compact Champion posts questions"
CHAMPIONS_UNSET = "not named in this assistant yet. Ask your local Compact lead who they are."
ADMIN_HINT = (
    "An administrator can name them with COMPACT_LOCAL_COMPACT_NAME, COMPACT_LOCAL_COMPACT_URL "
    "and COMPACT_CHAMPIONS_CONTACT."
)


def where_label(*, phase: str, step: int, steps: int, question: int, questions: int) -> str:
    if phase in ("done", "review"):
        return "Finished"
    if phase == "quiz":
        return f"Quiz question {question} of {questions}"
    return f"Step {step} of {steps}"


NOT_A_TOUR_BUTTON = "That button no longer works. Type *tour* to carry on with the tour."

"""Recognise greetings, thanks and requests for help, so they never reach the matcher."""

from __future__ import annotations

import re

from bot.core.replies import SmallTalkKind
from bot.matching.text import clean

_PHRASES: dict[SmallTalkKind, tuple[str, ...]] = {
    SmallTalkKind.GREETING: (
        "hi", "hello", "hey", "hiya", "howdy", "yo", "morning", "good morning", "afternoon",
        "good afternoon", "good evening", "hi there", "hello there", "hey there", "greetings",
        "how are you", "hi bot", "hello bot",
    ),
    SmallTalkKind.THANKS: (
        "thanks", "thank you", "thankyou", "thx", "ty", "cheers", "ta", "many thanks",
        "thanks a lot", "thank you very much", "great thanks", "brilliant thanks", "perfect",
        "great", "brilliant", "lovely", "ok thanks", "okay thanks", "that helps",
        # Acknowledgements after an answer: not questions for the matcher (where "ok" got a
        # did-you-mean) nor gaps for the review group.
        "ok", "okay", "ok thank you", "okay thank you", "thanks so much", "thank you so much",
        "no thanks", "no thank you", "got it", "cool", "perfect thanks", "perfect thank you",
        "great thank you", "brilliant thank you", "very helpful", "thats helpful",
        "that s helpful", "that was helpful",
    ),
    # "Nope, not really" typed after an answer: a reply to it, not a question for the matcher
    # nor a gap for the review group (the console counts it as a vote; see bot/cli/chat.py).
    SmallTalkKind.NOT_HELPFUL: (
        "no", "nope", "nah", "not really", "no not really", "nope not really", "nah not really",
        "not helpful", "no it didnt", "no it did not", "it didnt", "didnt help", "it didnt help",
        "that didnt help", "no that didnt help", "no thats not it", "thats not it",
        "no not helpful", "not what i asked", "thats not what i asked",
    ),
    SmallTalkKind.GOODBYE: (
        "bye", "goodbye", "good bye", "bye bye", "bye now", "see you", "see ya", "cya",
        "thanks bye", "thank you bye", "ok bye", "cheers bye", "thanks goodbye",
        # The console's words to end a chat, typed in Slack or Teams: not a gap to review.
        "quit", "exit",
    ),
    SmallTalkKind.HELP: (
        "help", "?", "what can you do", "what can i ask", "what can i ask you",
        "what do you know", "how do i use this", "how does this work", "commands", "menu",
        "start", "what are you", "who are you", "what is this bot", "are you a bot",
        "are you a robot", "are you human",
    ),
    SmallTalkKind.TOPICS: (
        "topics", "topic", "list topics", "show topics", "what topics", "all topics",
        "what topics do you cover", "list", "index", "contents",
    ),
}  # fmt: skip
_LOOKUP = {phrase: kind for kind, phrases in _PHRASES.items() for phrase in phrases}
# Typed with the apostrophe ("didn't", "that's"), a phrase reads "didn t" once punctuation is
# taken out: both spellings are recognised.
_LOOKUP |= {
    spaced: kind
    for phrase, kind in list(_LOOKUP.items())
    if (spaced := phrase.replace("didnt", "didn t").replace("thats", "that s")) != phrase
}
_GREETING_PREFIX = re.compile(
    r"^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|morning)(?: there)?\b[\s,!.:;-]*"
)
_PUNCTUATION = re.compile(r"[^\w\s?]")


def _simplify(text: str) -> str:
    text = _PUNCTUATION.sub(" ", clean(text).casefold())
    return " ".join(text.split()).strip()


def recognise(text: str) -> SmallTalkKind | None:
    """The small-talk kind when the whole message is small talk; otherwise None."""
    simple = _simplify(text)
    if not any(ch.isalnum() for ch in simple):
        return SmallTalkKind.HELP if simple == "?" else SmallTalkKind.EMPTY
    return _LOOKUP.get(simple.rstrip("?").strip() or simple)


def strip_greeting(text: str) -> str:
    """The words to match once a leading greeting is removed: "Hi, how much notice..." """
    return _GREETING_PREFIX.sub("", clean(text).casefold(), count=1)

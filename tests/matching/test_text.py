from __future__ import annotations

import pytest

from bot.knowledge.model import Entry, KnowledgeBase
from bot.matching.index import MatchIndex
from bot.matching.text import clean, words


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<@U0BOT> what is the compact?", "what is the compact?"),
        ("<!channel> notice?", "notice?"),
        ("see <https://gov.uk/x|the guidance> please", "see the guidance please"),
        ("<at>Compact Assistant</at> hello", "hello"),
        ("grant &amp; contract", "grant & contract"),
        ("ﬁnance\u00a0team\u200b", "finance team"),
    ],
)
def test_chat_markup_and_unicode_are_cleaned(raw: str, expected: str) -> None:
    assert clean(raw) == expected


def test_accents_are_taken_off_letters_so_a_word_stays_one_word() -> None:
    assert words("what is the compáct") == ["what", "is", "the", "compact"]
    assert words("¿Qué es el Compact? Cymraeg: ŵyr, café, naïve") == [
        *("que", "es", "el", "compact", "cymraeg", "wyr", "cafe", "naive"),
    ]


def test_a_typed_mention_is_who_the_question_is_for_not_part_of_it() -> None:
    """ "@bob" or "@channel" typed as text (in the console, or where the chat did not make it
    a mention) counted as a word no entry uses, the strongest sign of another subject. An
    email address keeps its words."""
    assert words("@channel how much notice, @bob.smith?") == ["how", "much", "notice"]
    assert words("email john@example.org") == ["email", "john", "example", "org"]


def test_american_spelling_is_folded_to_british() -> None:
    assert words("Organization program behavior analyze prioritized") == [
        "organisation",
        "programme",
        "behaviour",
        "analyse",
        "prioritised",
    ]
    assert words("size prize citizen") == ["size", "prize", "citizen"]


def test_case_punctuation_and_apostrophes() -> None:
    assert words("Can't we END the Grant?!") == ["cant", "we", "end", "the", "grant"]
    assert words("three months’ notice, twelve weeks") == ["3", "months", "notice", "12", "weeks"]


def test_c_plus_plus_and_c_sharp_are_words_of_their_own() -> None:
    assert words("Functions in C++, C# or C?") == [
        "functions",
        "in",
        "cplusplus",
        "csharp",
        "or",
        "c",
    ]
    assert words("a+b and c++11") == ["a", "b", "and", "c", "11"], "only a bare name"


def test_a_question_about_c_plus_plus_finds_the_c_plus_plus_entry() -> None:
    kb = KnowledgeBase(
        entries=(
            Entry(
                id="in-c", topic="t", question="Can I write my own functions in C?", answer="Yes."
            ),
            Entry(
                id="in-cpp",
                topic="t",
                question="Can I write my own functions in C++?",
                answer="Yes.",
            ),
        )
    )
    index = MatchIndex.build(kb)
    assert index.search("own function in c++")[0].entry_id == "in-cpp"
    assert index.search("own function in c")[0].entry_id == "in-c"

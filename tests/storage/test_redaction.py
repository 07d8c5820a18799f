from __future__ import annotations

import pytest

from bot.storage.redaction import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("email jo.bloggs@council.gov.uk today", "email [email] today"),
        ("call 07700 900123", "call [phone]"),
        ("ring (020) 7946 0958", "ring [phone]"),
        ("+44 20 7946 0958 is the number", "[phone] is the number"),
        ("+44 (0)161 496 0000", "[phone]"),
        ("my NI number is QQ 12 34 56 C", "my NI number is [ni-number]"),
        ("our office is at PR1 2HE", "our office is at [postcode]"),
        (
            "see https://forms.gov.uk/apply?name=jo&ref=77 please",
            "see https://forms.gov.uk/apply?[redacted] please",
        ),
        ("ask <@U12345> or <@W999|sam>", "ask [user] or [user]"),
        ("<at>Jane Smith</at> said so", "[user] said so"),
    ],
)
def test_personal_data_is_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "compare the 1998, 2009 and 2010 texts",
        "a grant of £1500000 over 3 years",
        "12 weeks' consultation and three months' notice",
        "see https://www.gov.uk/compact for the text",
    ],
)
def test_ordinary_figures_and_links_are_kept(text: str) -> None:
    assert redact(text) == text

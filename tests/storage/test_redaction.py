from __future__ import annotations

import pytest

from bot.storage.redaction import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("email jo.bloggs@council.gov.uk today", "email [email] today"),
        ("call 07700 900123", "call [phone]"),
        ("ring (020) 7946 0958", "ring [phone]"),
        ("call me (01234 567890) please", "call me ([phone]) please"),
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
        # Numbers shaped like identifiers whose check digit does not hold are kept.
        "order reference 943 476 5918",
        "invoice 4111 1111 1111 1112",
        "the 1998 2009 2010 2025 texts",
        "IBAN-like code GB29 NWBK 6016 1331 9268 18",
        # Street words in ordinary sentences.
        "2 volunteers drive the minibus",
        "3 months on the road to recovery",
        "a flat 5% cut",
        "print the A4 2nd edition",
        "the costs are borne by the council",
    ],
)
def test_ordinary_figures_and_links_are_kept(text: str) -> None:
    assert redact(text) == text

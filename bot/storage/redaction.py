"""Remove personal data from question text before it is stored.

Removed: email addresses; phone numbers (UK and international, any dashes); UK postcodes;
National Insurance numbers; NHS numbers (when the check digit holds); sort codes with account
numbers, and IBANs (mod 97); payment card numbers (Luhn); dates of birth (a date after
"born", "DOB", "date of birth" and the like); passport and driving licence numbers; street
addresses (a house number, up to three words and a street word); a link's query string and
#fragment; and chat mentions. Names are not removed: no pattern tells them from other words
reliably, which is why the chat asks people not to type personal details.

Every pattern runs in time linear in the text (each can start only at a word or number
boundary and looks a bounded way ahead), and ``storable`` caps what is redacted and kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.question import MAX_QUESTION_CHARS
from bot.storage import check_digits

# Every label the rules below write in place of what they remove ("[email]"). The review tools
# leave them out when they group questions and choose wordings (bot/review/signature.py): a
# rule with a new label must add it here.
PLACEHOLDERS = (
    "address", "bank-details", "card-number", "date-of-birth", "email", "id-number",
    "ni-number", "nhs-number", "phone", "postcode", "redacted", "user",
)  # fmt: skip

Rule = tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]

# Full-width forms (U+FF01 to U+FF5E: a full-width @ in an email address, say) are read as
# the ASCII they stand for.
_WIDE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xFE6B: 0x40}
_DASHES = "\u2010-\u2015\u2212"  # hyphens, en and em dashes, minus sign
_SEP = rf"[\s.\-{_DASHES}]"  # between groups of digits
_LOCAL = r"[\w.+'\-]"  # an email address's local part
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    rf"(?:\d{{1,2}}[./\-]\d{{1,2}}[./\-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH}\.?,?\s+\d{{2,4}}"
    rf"|{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|(?:19|20)\d{{2}})\b"
)
_BIRTH = r"(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birth\s?date|birthday|born)"

# Street words that name a street in any case, and those that do only in a Title Case name
# ("7 Willow Close", but not "7 staff close the office").
_STREET_ANY_CASE = {
    "street", "st", "road", "rd", "avenue", "ave", "lane", "crescent", "terrace", "mews",
    "boulevard", "gardens",
}  # fmt: skip
_STREET_TITLE = {
    "drive", "dr", "close", "way", "place", "pl", "court", "ct", "square", "sq", "grove", "hill",
    "park", "row", "walk", "parade", "rise", "view", "green", "gate", "wharf", "croft", "fold",
    "brow", "ln", "cres", "gdns",
}  # fmt: skip
# Words that make "number + words + street word" a sentence rather than an address.
_NOT_A_STREET_NAME = {
    "a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "is", "it", "of", "on",
    "or", "our", "the", "their", "to", "we", "with", "days", "weeks", "months", "years",
    "hours", "minutes", "people", "staff", "times", "per", "percent", "pounds",
}  # fmt: skip
_STREET = "|".join(sorted(_STREET_ANY_CASE | _STREET_TITLE, key=len, reverse=True))


def _keep(group: str, label: str) -> Callable[[re.Match[str]], str]:
    """Replace the named group ``group`` only, keeping what the match found around it."""

    def replace(match: re.Match[str]) -> str:
        start, end = match.span(group)
        whole = match.group()
        offset = match.start()
        return whole[: start - offset] + label + whole[end - offset :]

    return replace


def _checked(label: str, valid: Callable[[str], bool]) -> Callable[[re.Match[str]], str]:
    return lambda match: label if valid(match.group()) else match.group()


def _iban(match: re.Match[str]) -> str:
    """The longest valid IBAN the candidate starts with: it may have run on into a word."""
    text = match.group()
    for end in range(len(text), 14, -1):
        if text[end - 1] != " " and check_digits.iban(text[:end]):
            return "[bank-details]" + text[end:]
    return text


def _card(text: str) -> bool:
    groups = re.split(r"[ \-]", text)
    years = len(groups) > 1 and all(g.isdigit() and 1900 <= int(g) <= 2099 for g in groups)
    return check_digits.luhn(text) and not years  # "1998 2009 2010 2025" passes Luhn


def _address(match: re.Match[str]) -> str:
    words = match.group("name").split()
    street = match.group("street")
    named = words[1:] if words[0] == "The" else words  # "3 The Green"
    if any(w.casefold() in _NOT_A_STREET_NAME for w in named):
        return match.group()
    if street.casefold() in _STREET_ANY_CASE or (
        street[0].isupper() and all(w[0].isupper() for w in words)
    ):
        return "[address]"
    return match.group()


def _phone(match: re.Match[str]) -> str:
    """ "[phone]", keeping an opening bracket the number does not close: "(01234 567890)"
    becomes "([phone])", not "[phone])"."""
    number = match.group()
    return "([phone]" if number.startswith("(") and ")" not in number else "[phone]"


def _postcode(match: re.Match[str]) -> str:
    text = match.group()
    letters = [c for c in text if c.isalpha()]
    mixed = any(c.isupper() for c in letters) and any(c.islower() for c in letters)
    ordinal = re.search(r"\d(?:st|nd|rd|th)$", text, re.IGNORECASE)  # "A4 2nd edition"
    return text if mixed or ordinal else "[postcode]"


_RULES: tuple[Rule, ...] = (
    # A link's query string and #fragment often carry names, emails or case numbers: keep
    # the page, drop the rest. A link starts a word, so a run of "http://" is scanned once.
    (
        re.compile(r"(?<![^\s(<\"'])((?:https?://|www\.)[^\s?#<>|\"']+)([?#])[^\s<>|\"']*", re.I),
        r"\1\2[redacted]",
    ),
    (re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>|<]{0,80})?>"), "[user]"),
    (re.compile(r"<at>[^<]{0,200}</at>", re.IGNORECASE), "[user]"),
    (re.compile(rf"(?<!{_LOCAL}){_LOCAL}+@[\w\-]+(?:\.[\w\-]+)+"), "[email]"),
    (re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}"), _iban),
    (
        re.compile(
            r"(?<!\d)(?:\d{13,19}|\d{4}(?:[ \-]\d{4}){2}[ \-]\d{1,7}|\d{4}[ \-]\d{6}[ \-]\d{4,5})"
            r"(?!\d)"
        ),
        _checked("[card-number]", _card),
    ),
    # Phone numbers start 0, +country or 00country, then 8 to 12 digits with separators.
    (
        re.compile(
            rf"(?<![\w£$€])(?:(?:\+|00)\d{{1,3}}[\s().\-{_DASHES}]?(?:\(0\)\s?)?|\(?0)"
            rf"(?:[\s().\-{_DASHES}]{{0,2}}\d){{8,12}}(?!\d)"
        ),
        _phone,
    ),
    (
        re.compile(rf"(?<!\d)\d{{3}}{_SEP}?\d{{3}}{_SEP}?\d{{4}}(?!\d)"),
        _checked("[nhs-number]", check_digits.nhs_number),
    ),
    # A sort code followed closely by an account number; either after its own name.
    (
        re.compile(
            r"(?<!\d)\d{2}[ \-]\d{2}[ \-]\d{2}(?!\d)(?P<gap>[^\d\n]{1,40}?)(?<!\d)\d{8}(?!\d)"
        ),
        lambda m: f"[bank-details]{m.group('gap')}[bank-details]",
    ),
    (
        re.compile(
            r"\bsort[\s\-]*code\b[\s:,.\-]*(?:is\s+)?(?P<n>\d{2}[ \-]?\d{2}[ \-]?\d{2})\b", re.I
        ),
        _keep("n", "[bank-details]"),
    ),
    (
        re.compile(
            r"\b(?:account|acc|acct|a/c)(?:\s*(?:number|no|num))?\.?[\s:#.\-]*(?:is\s+)?"
            r"(?P<n>\d{8})\b",
            re.I,
        ),
        _keep("n", "[bank-details]"),
    ),
    # National Insurance numbers; any two letters, so documentation examples (QQ...) go too.
    (re.compile(rf"\b[A-Z]{{2}}(?:{_SEP}?\d{{2}}){{3}}{_SEP}?[A-D]\b", re.I), "[ni-number]"),
    (
        re.compile(
            rf"\b{_BIRTH}(?:\s+(?:is|was|on|in))?[\s:,\-]*(?:is\s+|on\s+|in\s+)?(?P<n>{_DATE})",
            re.I,
        ),
        _keep("n", "[date-of-birth]"),
    ),
    (
        re.compile(
            r"\bpassport(?:\s+(?:number|no|num))?\.?[\s:#\-]*(?:is\s+)?"
            r"(?P<n>(?=[A-Z]{0,3}\d)[A-Z0-9]{6,10})\b",
            re.I,
        ),
        _keep("n", "[id-number]"),
    ),
    (re.compile(r"\b[A-Z9]{5}\d[0156]\d{4}[A-Z9]{2}\d[A-Z]{2}\b"), "[id-number]"),  # licence
    (
        re.compile(
            r"(?:\b(?:flat|apartment|apt)\s*\d{1,4}[a-z]?,?\s+)?\b\d{1,4}[a-z]?,?\s+"
            rf"(?P<name>(?:[^\W\d][\w'\u2019\-]*\s+){{1,3}}?)(?P<street>{_STREET})\b\.?",
            re.I,
        ),
        _address,
    ),
    (
        re.compile(
            r"\b(?:GIR[\s\-]{0,2}0AA|[A-Z]{1,2}\d[A-Z\d]?[\s\-]{0,2}\d[ABD-HJLNP-UW-Z]{2})\b",
            re.I,
        ),
        _postcode,
    ),
    (re.compile(r"(?<![\w@])@[A-Za-z][\w.\-]{1,40}\b(?!\.\w)"), "[user]"),
)


def redact(text: str) -> str:
    text = text.translate(_WIDE)
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|[\ud800-\udfff]")


def clean(text: str) -> str:
    """Text any database can store: control characters (NUL among them) dropped, and a lone
    surrogate (which cannot be encoded as UTF-8) replaced by U+FFFD."""
    return _UNSTORABLE.sub(lambda m: "" if m.group() < "\ud800" else "\ufffd", text)


def storable(text: str) -> str:
    """A question as it is stored: cleaned, redacted and cut to MAX_QUESTION_CHARS. Redaction
    sees a little more than is kept, so that personal data cut in two is still found."""
    return redact(clean(text[: MAX_QUESTION_CHARS + 200]))[:MAX_QUESTION_CHARS]

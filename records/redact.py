"""Personal data redacted before a message is stored: CPR numbers, e-mail addresses, Danish phone numbers.

Standard library only (the Rasa server imports it). The patterns aim at what people write in Danish:

- CPR: ddmmyy-xxxx, ddmmyyxxxx or ddmmyy xxxx, with a real day and month (29 February is allowed).
- E-mail: name@domain.tld.
- Phone: eight digits, as 12345678, 12 34 56 78, 1234 5678 or 12-34-56-78 / 12.34.56.78,
  optionally after +45, 0045 or (+45).

Ordinary numbers stay: years (2024), ranges (2023-2024), "3 ledere", 45 %, 1.250.000 kr., § 17, section 3.2.1,
dates (12.05.2024). An eight-digit run followed by "kr", "%" or the like is an amount, not a phone number,
and two years side by side ("2023 2024") are years.
"""

from __future__ import annotations

import re
from typing import Any

EMAIL_LABEL = "[e-mail]"
CPR_LABEL = "[cpr]"
PHONE_LABEL = "[telefon]"

# No letter, digit or underscore right before or after: a number inside a word or an id is not personal data.
_START = r"(?<![\w])"
_END = r"(?![\w])"

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")

_CPR = re.compile(_START + r"(?P<day>\d\d)(?P<month>\d\d)\d\d(?: ?[-–] ?| )?\d{4}" + _END)
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

_PREFIX = r"(?:\(\+45\)|\+45|0045)[ -]?"
_GROUPS = (
    r"\d{8}",  # 12345678
    r"\d\d(?P<sep>[ .-])\d\d(?P=sep)\d\d(?P=sep)\d\d",  # 12 34 56 78, 12.34.56.78, 12-34-56-78
    r"(?P<first>\d{4}) (?P<second>\d{4})",  # 1234 5678
)
_AMOUNT = r"(?! ?(?:%|‰|kr\b|kroner|dkk\b|mio\b|mia\b|euro|eur\b|€|\$|procent|pct\b))"
_PHONE = re.compile(
    r"(?<![\w+])(?P<prefix>" + _PREFIX + r")?(?:" + "|".join(_GROUPS) + r")" + _END + _AMOUNT,
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?:19|20)\d\d")


def _cpr(match: re.Match[str]) -> str:
    day, month = int(match["day"]), int(match["month"])
    if 1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month - 1]:
        return CPR_LABEL
    return match[0]


def _phone(match: re.Match[str]) -> str:
    first, second = match["first"], match["second"]
    if first and not match["prefix"] and _YEAR.fullmatch(first) and _YEAR.fullmatch(second):
        return match[0]  # "i 2023 2024": two years
    return PHONE_LABEL


def redact(text: str) -> str:
    """`text` with e-mail addresses, CPR numbers and phone numbers replaced by [e-mail], [cpr], [telefon]."""
    if not any(c.isdigit() or c == "@" for c in text):
        return text
    text = _EMAIL.sub(EMAIL_LABEL, text)
    text = _CPR.sub(_cpr, text)
    return _PHONE.sub(_phone, text)


def redact_json(value: Any) -> Any:
    """Every string inside a JSON-like value redacted (an event's text, parse data, slot values)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redact_json(v) for v in value]
    if isinstance(value, dict):
        return {k: redact_json(v) for k, v in value.items()}
    return value

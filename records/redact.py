"""Personal data redacted before a message is stored: CPR numbers, e-mail addresses, phone numbers."""

from __future__ import annotations

import re
from typing import Any

_PATTERNS = (
    ("[e-mail]", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("[cpr]", re.compile(r"(?<!\d)(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}[ -]?\d{4}(?!\d)")),
    ("[telefon]", re.compile(r"(?<![\w+])(?:(?:\+|00)45[ .-]?)?(?:\d{2}[ .-]?){3}\d{2}(?!\d)")),
)


def redact(text: str) -> str:
    for label, pattern in _PATTERNS:
        text = pattern.sub(label, text)
    return text


def redact_json(value: Any) -> Any:
    """Every string inside a JSON-like value redacted (an event's text, parse data, slot values)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redact_json(v) for v in value]
    if isinstance(value, dict):
        return {k: redact_json(v) for k, v in value.items()}
    return value

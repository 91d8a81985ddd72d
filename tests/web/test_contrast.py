"""WCAG AA contrast (4.5:1 for text) of the colour pairs the widget and the source view use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"


def luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def variables() -> dict[str, str]:
    css = (STATIC / "chat.css").read_text(encoding="utf-8")
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})", css))


def pairs() -> list[tuple[str, str, str]]:
    v = variables()
    return [
        ("text on the page", v["ink"], v["paper"]),
        ("text in a bot bubble", v["ink"], v["bot"]),
        ("muted text (sources under a card)", v["muted"], v["paper"]),
        ("muted text in a bot bubble", v["muted"], v["bot"]),
        ("white on the brand colour (user bubble, send button)", "#ffffff", v["brand"]),
        ("brand-coloured links and buttons", v["brand"], v["paper"]),
        ("source view text", "#1a1a1a", "#ffffff"),
        ("source view: marked passage", "#1a1a1a", "#fff1a8"),
        ("source view: metadata", "#444444", "#ffffff"),
        ("source view: links", "#0b5394", "#ffffff"),
    ]


@pytest.mark.parametrize("name, fg, bg", pairs())
def test_text_contrast_meets_wcag_aa(name: str, fg: str, bg: str):
    assert contrast(fg, bg) >= 4.5, f"{name}: {contrast(fg, bg):.2f}:1"

"""Which language a message asks for or is written in (the dialogue's `language` slot follows it)."""

from __future__ import annotations

import pytest

from knowledge.text import language_signal


@pytest.mark.parametrize("text, language", [
    ("Hi", "en"), ("hej", "da"), ("tak", "da"), ("thanks!", "en"),
    ("svar på engelsk", "en"), ("Can you answer in Danish?", "da"), ("English please", "en"), ("på dansk tak", "da"),
    ("kan du tale engelsk?", "en"), ("Switch to English", "en"),
    ("What do Danish leaders say about trust?", "en"),  # names a language, does not ask for it
    ("Jeg står i krydspres mellem statslige mål og vores værdibaserede ledelse – hvad gør andre?", "da"),
    ("Who said that?", "en"), ("Hvem sagde det?", "da"),
])
def test_language_signal(text, language):
    assert language_signal(text) == language


@pytest.mark.parametrize("text", ["ok", "", "🙂🙂", "<b>!</b>", "12345"])
def test_no_signal_keeps_the_conversation_language(text):
    assert language_signal(text) is None

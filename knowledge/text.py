"""Small text utilities shared by ingestion, search and answers."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
# Control characters that are not whitespace (a PDF's \x00, a terminal's \x1b) and the bidirectional
# embeddings, overrides and isolates that can make text display in another order than it is stored.
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”»']?\s+(?=[\"”«\[(]?[A-ZÆØÅ0-9])")

DANISH_MARKERS = frozenset(
    """og i at det en den til er som på de med han af for ikke der var mig sig men et har om vi
    min havde hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal selv her alle
    vil blev kunne ind når være dog noget ville jo deres efter ned skulle denne end dette mit også
    under have dig anden hende mine alt meget sit sine vor mod disse hvis din nogle hos blive mange
    ad bliver hendes været thi jer sådan hvordan hvilke hvilken hvem hvorfor giv citat ledelse leder
    ledere borgere borgerne kan får gør""".split()
)
ENGLISH_MARKERS = frozenset(
    """the and of to in is are what which who how why do does did can could should would a an for
    with on about my our we i you they their from that this these those be have has give me quote
    leaders leader leadership managers manager citizens there any when where""".split()
)


def without_invisible(text: str) -> str:
    """The text with each invisible control character (see _INVISIBLE) replaced by a space."""
    return _INVISIBLE.sub(" ", text)


def normalize_space(text: str) -> str:
    """NFC, one space for any run of whitespace or invisible control characters, stripped: the form
    quotes are matched in (the cleaned text and the originals alike)."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", without_invisible(text))).strip()


def split_sentences(text: str) -> list[str]:
    """Split on sentence ends; the pieces, joined by single spaces, give back the text."""
    text = normalize_space(text)
    return [s for s in _SENTENCE_END.split(text) if s]


def words(text: str) -> list[str]:
    return re.findall(r"[a-zæøåäöüé]+", text.lower())


def detect_language(text: str) -> str:
    """'da' or 'en', by marker words and Danish letters; Danish when unsure."""
    tokens = words(text)
    if not tokens:
        return "da"
    da = sum(t in DANISH_MARKERS for t in tokens) + 2 * len(re.findall(r"[æøå]", text.lower()))
    en = sum(t in ENGLISH_MARKERS for t in tokens)
    return "en" if en > da else "da"


# Short messages carry few marker words; these make "hi", "thanks", "hej", "tak" count.
_DA_SHORT = frozenset("hej hejsa goddag godmorgen farvel tak ja nej hjælp hvem hvorfor uddyb mere citat".split())
_EN_SHORT = frozenset("hi hello hey thanks thank bye goodbye please yes no help more tell".split())
_LANGUAGE_NAMES = {"engelsk": "en", "english": "en", "dansk": "da", "danish": "da"}
_ASKED = re.compile(
    r"\b(?:tal|tale|taler|skriv|skrive|svar|svare|speak|write|answer|reply|respond|switch|skift|skifte|change)"
    r"(?:\s+\w+){0,2}?\s+(?:på\s+|in\s+|to\s+|into\s+)?(engelsk|english|dansk|danish)\b"
    r"|\b(?:på|in|into|to)\s+(engelsk|english|dansk|danish)\s*(?:igen|again|tak|please|instead|now|nu|fremover)?\s*[.!?]*\s*$"
    r"|^\s*(engelsk|english|dansk|danish)\s*(?:igen|again|tak|please|now|nu)?\s*[.!?]*\s*$",
    re.IGNORECASE,
)


def language_signal(text: str) -> str | None:
    """The language a message asks for or is clearly written in; None when it does not say.

    An explicit request ("svar på engelsk", "in Danish please") wins over the message's own language."""
    asked = _ASKED.search(text)
    if asked:
        return _LANGUAGE_NAMES[next(g for g in asked.groups() if g).lower()]
    tokens = words(text)
    da = sum(t in DANISH_MARKERS or t in _DA_SHORT for t in tokens) + 2 * len(re.findall(r"[æøå]", text.lower()))
    en = sum(t in ENGLISH_MARKERS or t in _EN_SHORT for t in tokens)
    if da == en or max(da, en) < 1:
        return None
    if min(da, en) > 0 and abs(da - en) < 2:
        return None
    return "da" if da > en else "en"

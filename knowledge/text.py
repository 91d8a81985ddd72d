"""Small text utilities shared by ingestion, search and answers."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
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


def normalize_space(text: str) -> str:
    """NFC, one space for any run of whitespace, stripped: the form quotes are matched in."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


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

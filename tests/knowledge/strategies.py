"""Hypothesis strategies: random Unicode, and text shaped like the documents leaders add (headings,
lists, questions and answers, page furniture, blank lines, Windows line ends), with control
characters, right-to-left script, combining marks and emoji mixed in."""

from __future__ import annotations

from hypothesis import strategies as st

# any character but surrogates (which UTF-8 text cannot hold): controls, RTL, emoji, combining marks
ANY_CHAR = st.characters(codec="utf-8")
SPICE = st.sampled_from(["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u200b", "\u200f", "\u202e", "\u2066", "\ufeff",
                         "\u0301", "שלום", "مرحبا", "🙂", "👩🏽‍💻", "æøå", "ÆØÅ", "«", "»", "…", "\t", "\r", "\x0c"])
WORDS = st.sampled_from(["ledelse", "på", "tværs", "Borgeren", "krydspres", "og", "samarbejde", "Hvordan",
                         "leder", "medarbejderne", "kommunen", "The", "leaders", "**fed**", "tillid", "mål"])
MARKERS = st.sampled_from(["", "", "", "# ", "## ", "### ", "? ", "! ", "1. ", "2. ", "- ", "• ", "* "])
FURNITURE = st.sampled_from(["Internal error", "Gå til indhold", "Skribentinfo", "Læs også: noget andet",
                             "Del", "12 34 56 78", "kontakt@kommune.dk"])


@st.composite
def line(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.one_of(WORDS, SPICE, st.text(ANY_CHAR, max_size=12)), max_size=14))
    end = draw(st.sampled_from(["", ".", "?", ":", "!", ","]))
    return draw(MARKERS) + " ".join(pieces) + end


@st.composite
def document(draw: st.DrawFn) -> str:
    """A document's text: lines of several kinds, separated by blank lines or not."""
    lines = draw(st.lists(st.one_of(line(), FURNITURE, st.just(""), st.text(ANY_CHAR, max_size=40)), max_size=30))
    newline = draw(st.sampled_from(["\n", "\r\n", "\n\n"]))
    return newline.join(lines)


def any_text(max_size: int = 3000) -> st.SearchStrategy[str]:
    return st.one_of(st.text(ANY_CHAR, max_size=max_size), document())

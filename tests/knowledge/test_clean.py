"""The cleaner: furniture removed, wrapped lines joined, structure kept, no word rewritten."""

from __future__ import annotations

import pytest

from knowledge.chunk import parse_clean
from knowledge.clean import Block, Rules, clean, parse_front_matter, render
from knowledge.text import normalize_space


def kinds(blocks: list[Block]) -> list[str]:
    return [b.kind for b in blocks]


def texts(blocks: list[Block], kind: str | None = None) -> list[str]:
    return [b.text for b in blocks if kind is None or b.kind == kind]


PAGE = """Ledelse af sammenhæng

Gå til indhold

Skribentinfo

Lederne i kommunen arbejder sammen på tværs af forvaltningerne for at skabe et
sammenhængende forløb for borgeren.

Internal error

Læs også: Ledelse af borgerinddragelse

Hent magasinet Ledelse på tværs: Chefer, lyt til borgerne her.

kontakt@kommune.dk - 12 34 56 78

12 34 56 78

Vil du modtage lignende indhold direkte i din indbakke?
"""


def test_furniture_lines_are_dropped_and_content_kept():
    blocks = clean(PAGE)
    body = " ".join(texts(blocks))
    for furniture in ("Gå til indhold", "Skribentinfo", "Internal error", "Læs også", "Hent magasinet",
                      "kontakt@kommune.dk", "12 34 56 78", "Vil du modtage lignende indhold"):
        assert furniture not in body
    assert "Lederne i kommunen arbejder sammen på tværs af forvaltningerne" in body


def test_an_email_inside_a_sentence_is_not_furniture():
    blocks = clean("Skriv til os på info@lederweb.dk, så svarer vi hurtigt.\n")
    assert texts(blocks) == ["Skriv til os på info@lederweb.dk, så svarer vi hurtigt."]


def test_lines_wrapped_inside_a_paragraph_are_joined():
    raw = "Første linje af et afsnit, der\nfortsætter på næste linje og\n\nslutter efter en tom linje.\n"
    blocks = clean(raw)
    assert kinds(blocks) == ["para"]
    assert blocks[0].text == "Første linje af et afsnit, der fortsætter på næste linje og slutter efter en tom linje."


def test_a_new_sentence_after_a_blank_line_is_a_new_paragraph():
    blocks = clean("Det første afsnit slutter her.\n\nDet andet afsnit begynder her.\n")
    assert texts(blocks) == ["Det første afsnit slutter her.", "Det andet afsnit begynder her."]


def test_short_line_before_text_is_a_heading_in_plain_text():
    raw = "Titel på dokumentet\n\nEt afsnit med tekst.\n\nHvordan?\nMagasinet formidler viden fra et projekt.\n"
    blocks = clean(raw)
    assert kinds(blocks) == ["heading", "para", "heading", "para"]
    assert blocks[0].level == 1 and blocks[0].text == "Titel på dokumentet"
    assert blocks[2].level == 2 and blocks[2].text == "Hvordan?"


def test_hash_lines_are_headings_only_in_markdown():
    raw = "# Overskrift\n\nTekst under overskriften.\n"
    md = clean(raw, markdown=True)
    assert (md[0].kind, md[0].level, md[0].text) == ("heading", 1, "Overskrift")
    plain = clean(raw, markdown=False)
    assert all(b.kind != "heading" or b.text != "Overskrift" for b in plain)


def test_numbered_and_bulleted_items_keep_their_markers():
    raw = "Tre råd:\n\n1. Lyt til borgeren\n2. Mød hinanden\n3. Fejr sejrene\n\nOg to mere:\n• Vær synlig\n • Vis tillid\n"
    blocks = clean(raw)
    items = [(b.marker, b.text) for b in blocks if b.kind == "item"]
    assert items == [("1.", "Lyt til borgeren"), ("2.", "Mød hinanden"), ("3.", "Fejr sejrene"),
                     ("•", "Vær synlig"), ("•", "Vis tillid")]


def test_a_lone_dash_line_between_paragraphs_is_a_quote_not_a_list():
    raw = "Et afsnit før citatet.\n\n- Det er vigtigt at lytte, siger direktøren.\n\nEt afsnit efter.\n"
    blocks = clean(raw)
    assert "item" not in kinds(blocks)
    assert "- Det er vigtigt at lytte, siger direktøren." in texts(blocks, "para")


def test_drop_rules_remove_ranges_and_lines():
    raw = "Indhold\n\nBehold dette afsnit.\n\nDato: 01.01.2020 - Forfatter: X\n\nHar du brug for sparring omkring noget?\n\nKontakt os.\n"
    rules = Rules(drop_ranges=[{"from": "^Har du brug for sparring omkring"}], drop_lines=["^Dato: .*Forfatter:"])
    body = " ".join(texts(clean(raw, rules)))
    assert "Behold dette afsnit." in body
    assert "Dato" not in body and "sparring" not in body and "Kontakt os" not in body


def test_drop_range_with_an_end_keeps_what_follows():
    raw = "# Forside\n\nIndholdsfortegnelse\n\n# 1 Baggrund\n\nTeksten begynder her.\n"
    rules = Rules(drop_ranges=[{"from": "^# Forside", "to": "^# 1 Baggrund"}])
    blocks = clean(raw, rules, markdown=True)
    assert "Indholdsfortegnelse" not in " ".join(texts(blocks))
    assert texts(blocks, "para") == ["Teksten begynder her."]


def test_qa_sections_mark_first_half_questions_and_second_half_answers():
    raw = (
        "# Topledere – krydspres\n\nHvordan håndterer I presset?\n\nHvad gør I med målene?\n\n"
        "Vi taler åbent om det.\n\nVi har færre mål nu.\n"
    )
    rules = Rules(qa_sections="^(Topledere|Institutions- og driftsledere) – ")
    blocks = clean(raw, rules, markdown=True)
    assert [(b.kind, b.marker) for b in blocks if b.kind != "heading"] == [
        ("question", "?"), ("question", "?"), ("answer", "!"), ("answer", "!")
    ]


def test_heading_and_section_rules_set_levels_and_names():
    raw = "# 2 Topledernes spørgsmål og svar\n\n# Institutions- og driftsledere ledelsesrum\n\nTekst.\n"
    rules = Rules(
        headings=[{"pattern": r"^(?:\d+ )?(Topledernes spørgsmål og svar)$", "level": 1}, {"pattern": ".*", "level": 2}],
        sections=[{"pattern": r"^Institutions- og driftsledere(?: –)? (?P<theme>.+)$",
                   "heading": "Institutions- og driftsledere – {theme}"}],
    )
    blocks = clean(raw, rules, markdown=True)
    headings = [(b.level, b.text) for b in blocks if b.kind == "heading"]
    assert headings == [(1, "Topledernes spørgsmål og svar"), (2, "Institutions- og driftsledere – ledelsesrum")]


def test_crlf_line_endings_are_handled():
    blocks = clean("Titel her\r\n\r\nFørste linje\r\nanden linje.\r\n")
    assert texts(blocks, "para") == ["Første linje anden linje."]


@pytest.mark.parametrize("raw", [PAGE, "Titel\n\nEt afsnit.\n\n1. Et punkt\n2. Et andet punkt\n"])
def test_cleaning_never_rewrites_a_word(raw: str):
    source = normalize_space(raw)
    for b in clean(raw):
        assert normalize_space(b.text) in source


def test_render_writes_front_matter_and_structure():
    blocks = [Block("heading", "Titel", level=1), Block("para", "Et afsnit."),
              Block("item", "Punkt et", marker="1."), Block("item", "Punkt to", marker="2."),
              Block("question", "Hvorfor?", marker="?"), Block("answer", "Derfor.", marker="!")]
    text = render(blocks, {"doc_id": "x", "source": "x.txt", "title": "Titel"})
    meta, body = parse_front_matter(text)
    assert meta == {"doc_id": "x", "source": "x.txt", "title": "Titel"}
    lines = [l for l in body.splitlines() if l]
    assert lines == ["# Titel", "Et afsnit.", "1. Punkt et", "2. Punkt to", "? Hvorfor?", "! Derfor."]


def test_render_then_parse_gives_the_same_blocks():
    raw = "Titel her\n\nEt afsnit med tekst.\n\nTre råd:\n\n1. Lyt\n2. Mød\n3. Fejr\n\nAfslutning.\n"
    blocks = clean(raw)
    _doc, parsed, _groups = parse_clean(render(blocks, {"doc_id": "d", "source": "d.txt", "title": "Titel her"}))
    assert [(b.kind, b.text) for b in parsed] == [(b.kind, b.text) for b in blocks]


def test_render_then_parse_keeps_a_lone_dash_quote_a_paragraph():
    raw = "Titel her\n\nEt afsnit før citatet.\n\n- Det er vigtigt at lytte, siger direktøren.\n\nEt afsnit efter.\n"
    blocks = clean(raw)
    _doc, parsed, _groups = parse_clean(render(blocks, {"doc_id": "d", "source": "d.txt", "title": "Titel her"}))
    assert [(b.kind, b.text) for b in parsed] == [(b.kind, b.text) for b in blocks]


def test_parse_front_matter_without_front_matter():
    meta, body = parse_front_matter("Bare tekst\n")
    assert meta == {} and body == "Bare tekst\n"

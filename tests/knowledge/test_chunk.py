"""Passages: lists whole and by item, questions linked to answers, sections, groups, duplicates, ids."""

from __future__ import annotations

from dataclasses import replace

from knowledge.chunk import SECTION_SEPARATOR, mark_duplicates, parse_clean, passages_from_blocks
from knowledge.passage import Passage, passage_id
from tests.support import DUPLICATED_PARAGRAPH_START, MINI_GUIDE, MINI_STAFET, passages_from_files


def parse(text: str) -> list[Passage]:
    doc, blocks, groups = parse_clean(text)
    return passages_from_blocks(doc, blocks, groups)


def test_document_provenance_comes_from_front_matter():
    doc, _blocks, groups = parse_clean(MINI_STAFET)
    assert (doc.doc_id, doc.source, doc.title) == ("mini-stafet", "mini_stafet.txt", "Små stemmer fra offentlige ledere")
    assert set(groups) == {"topledere", "institutions- og driftsledere"}
    for p in parse(MINI_STAFET):
        assert (p.doc_id, p.source, p.title) == (doc.doc_id, doc.source, doc.title)


def test_a_list_is_one_passage_with_its_introduction_and_one_passage_per_item():
    passages = parse(MINI_GUIDE)
    lists = [p for p in passages if p.role == "list"]
    assert len(lists) == 1
    whole = lists[0]
    lines = whole.text.split("\n")
    assert lines[0] == "Fire råd til ledere, der skal samarbejde på tværs af forvaltninger:"
    assert lines[1:] == ["1. Aftal et fælles mål for borgerens forløb", "2. Mød hinanden fysisk hver måned",
                         "3. Del data om borgerne på tværs af afdelingerne", "4. Fejr de små sejre sammen med medarbejderne"]
    assert "items:4" in whole.tags
    items = [p for p in passages if p.role == "list_item"]
    assert [p.text for p in items] == [line.split(" ", 1)[1] for line in lines[1:]]
    for n, item in enumerate(items, 1):
        assert item.answers == whole.id
        assert item.context == lines[0]
        assert f"item:{n}" in item.tags
        assert item.retrieval_context == ""  # an item is found by its own words
    assert whole.context == ""


def test_answers_are_linked_to_their_questions_in_order():
    passages = parse(MINI_STAFET)
    by_id = {p.id: p for p in passages}
    answers = [p for p in passages if p.role == "answer"]
    questions = [p for p in passages if p.role == "question"]
    assert len(answers) == len(questions) == 3
    for a in answers:
        q = by_id[a.answers]
        assert q.role == "question"
        assert q.section == a.section
        assert a.context == q.text
    # the i-th answer of a section answers the i-th question of that section
    first = next(a for a in answers if a.text.startswith("Jeg samler mine chefer"))
    assert by_id[first.answers].text.startswith("Hvordan håndterer du krydspresset")
    second = next(a for a in answers if a.text.startswith("Vi har skåret ned"))
    assert by_id[second.answers].text.startswith("Hvad gør du, når budgettet")


def test_sections_groups_and_themes():
    passages = parse(MINI_STAFET)
    krydspres = [p for p in passages if p.theme == "krydspres"]
    assert len(krydspres) == 4
    assert all(p.group == "topledere" for p in krydspres)
    assert all(p.section == "Topledere – krydspres" for p in krydspres)  # the title heading is not repeated
    borgerblik = [p for p in passages if p.theme == "borgerblik"]
    assert {p.group for p in borgerblik} == {"institutions- og driftsledere"}
    para = next(p for p in passages if p.role == "paragraph")
    assert (para.group, para.theme) == ("institutions- og driftsledere", "ledelsesrum")


def test_without_named_groups_a_dash_heading_gives_no_group():
    text = MINI_STAFET.replace("groups:\n- institutions- og driftsledere\n- topledere\n", "")
    assert all(p.group == "" and p.theme == "" for p in parse(text))


def test_nested_headings_make_a_section_path():
    text = "---\ndoc_id: d\nsource: d.txt\ntitle: Dok\n---\n\n# Del et\n\n## Afsnit\n\n### Underafsnit\n\nTekst her.\n\n## Næste\n\nMere tekst.\n"
    passages = parse(text)
    assert [p.section for p in passages] == [
        SECTION_SEPARATOR.join(["Del et", "Afsnit", "Underafsnit"]), SECTION_SEPARATOR.join(["Del et", "Næste"])
    ]


def test_passage_ids_are_stable_and_unique():
    first, second = parse(MINI_STAFET), parse(MINI_STAFET)
    assert [p.id for p in first] == [p.id for p in second]
    assert len({p.id for p in first}) == len(first)
    p = first[0]
    assert p.id == passage_id(p.doc_id, p.role, p.text)
    assert p.id.startswith("mini-stafet:")


def test_ids_do_not_depend_on_position():
    a = parse(MINI_GUIDE)
    shifted = MINI_GUIDE.replace("# Guide til ledelse på tværs\n", "# Guide til ledelse på tværs\n\nEt nyt første afsnit.\n")
    b = parse(shifted)
    assert {p.id for p in a} <= {p.id for p in b}


def test_the_same_text_twice_in_one_document_gets_distinct_ids():
    text = "---\ndoc_id: d\nsource: d.txt\ntitle: Dok\n---\n\nSamme afsnit.\n\nSamme afsnit.\n"
    passages = parse(text)
    assert len(passages) == 2
    assert passages[0].id != passages[1].id
    assert passages[1].id.startswith(passages[0].id)


def test_duplicates_across_documents_are_marked_on_the_later_one(mini_files):
    passages = passages_from_files(mini_files)
    copies = [p for p in passages if p.text.startswith(DUPLICATED_PARAGRAPH_START)]
    assert len(copies) == 2
    original, copy = copies
    assert original.dup_of == ""
    assert copy.dup_of == original.id
    assert copy.doc_id != original.doc_id
    assert sum(1 for p in passages if p.dup_of) == 1


def _para(doc: str, text: str, n: int = 0) -> Passage:
    return Passage(id=f"{doc}:{n}", doc_id=doc, source=f"{doc}.txt", title=doc, section="", text=text)


def test_near_duplicates_are_marked_and_different_texts_are_not():
    base = ("Borgerens rejse gennem systemet skal være uden benspænd og koordineret på tværs af forvaltninger "
            "og sektorer, og det kræver en nysgerrig og åben tilgang hos cheferne.")
    near = base.replace("Borgerens rejse", "Hele borgerens rejse")
    other = "Sygefraværet faldt, da lederne begyndte at holde trivselssamtaler med alle medarbejdere hvert kvartal."
    out = mark_duplicates([_para("a", base), _para("b", near), _para("c", other)])
    assert [p.dup_of for p in out] == ["", "a:0", ""]


def test_same_document_repeats_only_to_the_letter_and_other_roles_are_not_duplicates():
    text = "Et afsnit om ledelse på tværs af forvaltninger og sektorer til gavn for borgerne i kommunen."
    near = text.replace("kommunen", "regionen")
    first, repeat = mark_duplicates([_para("a", text, 0), _para("a", text, 1)])
    assert first.dup_of == "" and repeat.dup_of == first.id
    assert all(p.dup_of == "" for p in mark_duplicates([_para("a", text, 0), _para("a", near, 1)]))
    question = replace(_para("b", text), role="question")
    assert mark_duplicates([_para("a", text), question])[1].dup_of == ""


def test_passages_serialise_round_trip(mini_files):
    for p in passages_from_files(mini_files):
        assert Passage.from_dict(p.to_dict()) == p

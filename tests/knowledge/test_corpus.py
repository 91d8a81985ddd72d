"""The bundled corpus as ingested from the real sources, and `ingest` of an organisation's documents."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from knowledge import corpus, engine
from knowledge.embed import FakeEmbedder
from knowledge.settings import CORPUS_DIR, Settings
from knowledge.text import normalize_space
from tests.support import bundled_source_texts, make_pdf, passage_lines, raw_bundled_source

# ============================================================== the real bundled sources

LISTS = [
    # (source prefix, words of the introduction, number of items, first item, last item (their beginnings))
    ("001", "tegner sig syv gennemgående budskaber", 7,
     "Mening motiverer", "Tag små skridt og begynd med det mest motiverende hold"),
    ("001", "de otte vigtigste fokuspunkter", 8,
     "Fokus på de fælles visioner og vejen hertil", "Chefernes faglige lederskab er centralt"),
    ("001", "fem temaer igen, når borgerne selv formulerer", 5,
     "At blive set, hørt og inddraget",
     "At få hjælp til at finde alternative veje og muligheder, når de ikke passer ind i skabelonen"),
    ("003", "tre ledelsesudfordringer, som går igen", 3,
     "At skabe en samlende mening", "At styrke udviklingskulturen"),
]

FURNITURE = [
    "Internal error", "Skribentinfo", "Læs også", "Hent magasinet", "Gå til indhold",
    "Vil du modtage lignende indhold", "lfha@ucl.dk", "Landgreven",
]

TOP_THEMES = {"krydspres", "borgerblik", "ledelsesrum", "lederrollen", "ledelse på tværs", "ledelsesudvikling"}
INSTITUTION_THEMES = {"krydspres", "borgerblik", "borgerblik ii", "lederrollen", "ledelse på tværs", "ledelsesudvikling"}


def _source_name(prefix: str) -> str:
    return next((CORPUS_DIR / "sources").glob(f"{prefix}_*.txt")).name


def test_the_five_bundled_documents_are_loaded_with_provenance(bundled_passages):
    entries = {e["file"]: e for e in corpus.catalog()}
    assert len(entries) == 5
    assert {p.source for p in bundled_passages} == set(entries)
    for p in bundled_passages:
        entry = entries[p.source]
        assert p.doc_id == entry["doc_id"]
        assert p.title == entry["title"]
        assert p.text.strip() == p.text and p.text


@pytest.mark.parametrize("prefix,intro,n,first,last", LISTS, ids=["seven-messages", "eight-focus-points",
                                                                "five-citizen-themes", "three-challenges"])
def test_a_list_is_one_passage_with_its_introduction_and_all_items(bundled_passages, prefix, intro, n, first, last):
    source = _source_name(prefix)
    lists = [p for p in bundled_passages if p.role == "list" and p.source == source and intro in p.text]
    assert len(lists) == 1, f"expected one list passage with {intro!r}"
    whole = lists[0]
    lines = whole.text.split("\n")
    assert intro in lines[0]
    items = lines[1:]
    assert len(items) == n
    assert f"items:{n}" in whole.tags
    assert re.sub(r"^(\d{1,2}\.|•) ", "", items[0]).startswith(first)
    assert re.sub(r"^(\d{1,2}\.|•) ", "", items[-1]).startswith(last)
    if items[0][0].isdigit():
        assert [int(i.split(".", 1)[0]) for i in items] == list(range(1, n + 1))
    # ... and item by item, each linked to the list and carrying the introduction as context
    item_passages = sorted((p for p in bundled_passages if p.role == "list_item" and p.answers == whole.id),
                           key=lambda p: int(next(t for t in p.tags if t.startswith("item:")).split(":")[1]))
    assert len(item_passages) == n
    assert [p.text for p in item_passages] == [re.sub(r"^(\d{1,2}\.|•) ", "", i) for i in items]
    assert all(p.context == lines[0] for p in item_passages)
    assert all(p.source == source and p.section == whole.section for p in item_passages)


def test_no_page_furniture_survives_in_any_passage(bundled_passages):
    raw = "\n".join(p.read_text(encoding="utf-8") for p in (CORPUS_DIR / "sources").glob("*.txt"))
    for furniture in FURNITURE:
        assert furniture in raw, f"{furniture!r} should be in the captured sources (else this test is moot)"
        for p in bundled_passages:
            for field in (p.text, p.context, p.section, p.title):
                assert furniture not in field, f"{furniture!r} survived in {p.id}"


def test_every_stafet_answer_is_linked_to_a_question_in_its_section(bundled_passages):
    stafet = [p for p in bundled_passages if p.source == _source_name("004")]
    by_id = {p.id: p for p in stafet}
    answers = [p for p in stafet if p.role == "answer"]
    questions = [p for p in stafet if p.role == "question"]
    assert len(answers) >= 30 and len(answers) == len(questions)
    for a in answers:
        assert a.answers in by_id, f"answer {a.id} has no question"
        q = by_id[a.answers]
        assert q.role == "question" and q.section == a.section
        assert a.context == q.text
    # one answer per question
    assert len({a.answers for a in answers}) == len(answers)


def test_stafet_groups_and_themes(bundled_passages):
    stafet = [p for p in bundled_passages if p.source == _source_name("004")]
    qa = [p for p in stafet if p.role in ("question", "answer")]
    assert all(p.group in ("topledere", "institutions- og driftsledere") and p.theme for p in qa)
    themes = defaultdict(set)
    for p in qa:
        themes[p.group].add(p.theme)
    assert themes["topledere"] == TOP_THEMES
    assert themes["institutions- og driftsledere"] == INSTITUTION_THEMES
    for p in qa:  # the theme is the one named in the section heading
        assert p.section.lower().endswith(f"{p.group} – {p.theme}")
    background = [p for p in stafet if p.section.startswith("Baggrund")]
    assert background and all(p.group == "" for p in background)


def test_every_passage_is_verbatim_in_its_original_source(bundled_passages):
    sources = bundled_source_texts()
    for p in bundled_passages:
        for line in passage_lines(p):
            assert normalize_space(line) in sources[p.source], f"{p.id} ({p.role}) is not in {p.source}: {line[:80]!r}"


def test_passage_ids_are_stable_across_parses(tmp_path):
    first = corpus.load_passages(Settings(data_dir=tmp_path / "a"))[1]
    second = corpus.load_passages(Settings(data_dir=tmp_path / "b"))[1]
    assert [p.id for p in first] == [p.id for p in second]
    assert len({p.id for p in first}) == len(first)


def test_text_shared_by_the_web_page_and_the_article_is_marked_duplicate(bundled_passages):
    web, article = _source_name("000"), _source_name("001")
    by_id = {p.id: p for p in bundled_passages}
    dups = [p for p in bundled_passages if p.dup_of and by_id[p.dup_of].doc_id != p.doc_id]
    assert dups, "000 and 001 share paragraphs"
    for p in dups:
        original = by_id[p.dup_of]
        assert (p.source, original.source) == (article, web)
        assert original.role == p.role and not original.dup_of
    # every paragraph of 001 whose text is also, word for word, in 000 is marked
    web_text = normalize_space(raw_bundled_source("000"))
    shared = [p for p in bundled_passages if p.source == article and p.role == "paragraph"
              and normalize_space(p.text) in web_text]
    assert len(shared) >= 2
    assert all(p.dup_of for p in shared)
    assert any(p.text.startswith("Magasinet formidler viden fra et projekt") for p in shared)
    assert not any(p.dup_of for p in bundled_passages if p.source == web)


def test_the_committed_cleaned_copy_is_what_the_cleaner_regenerates(tmp_path):
    written = corpus.clean_bundled(tmp_path)
    committed = sorted((CORPUS_DIR / "clean").glob("*.md"))
    assert sorted(p.name for p in written) == [p.name for p in committed]
    for path in written:
        assert path.read_text(encoding="utf-8") == (CORPUS_DIR / "clean" / path.name).read_text(encoding="utf-8"), path.name


def test_spoken_quotes_are_paragraphs_not_one_item_lists(bundled_passages):
    assert [p.id for p in bundled_passages if p.role == "list" and "items:1" in p.tags] == []


def test_reference_texts_are_the_originals(settings):
    refs = corpus.reference_texts(settings)
    assert refs == bundled_source_texts()


# ============================================================== ingesting an organisation's own documents

TXT = "Mødekultur i forvaltningen\n\nVi holder korte stående møder hver mandag, og alle ledere\ndeltager i dem.\n"
MD = "# Strategi for trivsel\n\nVi vil styrke trivslen gennem **tydelig** ledelse.\n\n- Trivselssamtaler hvert kvartal\n- Fælles morgenmøder\n"
PDF_LINES = ["Sygefravær i hjemmeplejen", "Sygefraværet faldt, da lederne indførte trivselssamtaler med alle medarbejdere."]


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "notat.txt").write_text(TXT, encoding="utf-8")
    (inbox / "strategi.md").write_text(MD, encoding="utf-8")
    (inbox / "rapport.pdf").write_bytes(make_pdf(PDF_LINES))
    return inbox


def _own(settings: Settings):
    _docs, passages = corpus.load_passages(settings)
    return [p for p in passages if p.doc_id.startswith("org-")]


def test_the_handmade_pdf_is_readable_by_pypdf(tmp_path):
    from pypdf import PdfReader

    path = tmp_path / "x.pdf"
    path.write_bytes(make_pdf(PDF_LINES))
    text = PdfReader(str(path), strict=True).pages[0].extract_text()
    assert all(line in text for line in PDF_LINES)


def test_ingest_adds_txt_md_and_pdf_with_provenance(tmp_path, settings):
    report = corpus.ingest(_inbox(tmp_path), settings)
    assert sorted(report.added) == ["notat.txt", "rapport.pdf", "strategi.md"]
    assert report.failed == []
    own = _own(settings)
    assert {p.source for p in own} == {"notat.txt", "strategi.md", "rapport.pdf"}
    by_source = defaultdict(list)
    for p in own:
        by_source[p.source].append(p)
    assert by_source["notat.txt"][0].title == "Mødekultur i forvaltningen"
    assert any("stående møder hver mandag, og alle ledere deltager i dem." in p.text for p in by_source["notat.txt"])
    assert by_source["strategi.md"][0].title == "Strategi for trivsel"
    assert {p.role for p in by_source["strategi.md"]} >= {"list", "list_item"}
    assert by_source["rapport.pdf"][0].title == "Sygefravær i hjemmeplejen"
    assert any(PDF_LINES[1] in p.text for p in by_source["rapport.pdf"])
    # the bundled corpus is still there
    assert any(p.doc_id == "stafet" for p in corpus.load_passages(settings)[1])


def test_ingested_passages_are_verbatim_in_their_stored_originals(tmp_path, settings):
    corpus.ingest(_inbox(tmp_path), settings)
    refs = corpus.reference_texts(settings)
    own = _own(settings)
    assert {p.source for p in own} == {"notat.txt", "strategi.md", "rapport.pdf"}
    assert {p.doc_id for p in own} <= set(refs)  # added documents' originals are keyed by document id
    for p in own:
        for line in passage_lines(p):
            assert normalize_space(line) in refs[p.doc_id]


def test_broken_files_are_reported_and_the_others_still_added(tmp_path, settings):
    inbox = _inbox(tmp_path)
    (inbox / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage\x00\xff")
    (inbox / "latin1.txt").write_bytes("Ærlig snak om økonomi på tværs af forvaltningerne.".encode("latin-1"))
    (inbox / "empty.md").write_text("  \n\n", encoding="utf-8")
    (inbox / "ignored.docx").write_bytes(b"PK\x03\x04")
    report = corpus.ingest(inbox, settings)
    assert sorted(report.added) == ["notat.txt", "rapport.pdf", "strategi.md"]
    failed = dict(report.failed)
    assert set(failed) == {"broken.pdf", "latin1.txt", "empty.md"}
    assert "PDF" in failed["broken.pdf"]
    assert "UTF-8" in failed["latin1.txt"]
    assert {p.source for p in _own(settings)} == {"notat.txt", "strategi.md", "rapport.pdf"}


def test_ingest_of_a_single_file_and_of_bad_paths(tmp_path, settings):
    path = tmp_path / "enkelt.txt"
    path.write_text(TXT, encoding="utf-8")
    assert corpus.ingest(path, settings).added == ["enkelt.txt"]
    unsupported = tmp_path / "notes.docx"
    unsupported.write_bytes(b"PK\x03\x04")
    report = corpus.ingest(unsupported, settings)
    assert report.added == [] and report.failed[0][0] == "notes.docx" and "unsupported" in report.failed[0][1]
    missing = corpus.ingest(tmp_path / "no-such-folder", settings)
    assert missing.added == [] and "no such file" in missing.failed[0][1]


def test_ingesting_the_same_file_again_does_not_duplicate_it(tmp_path, settings):
    inbox = _inbox(tmp_path)
    corpus.ingest(inbox, settings)
    first = [p.id for p in _own(settings)]
    corpus.ingest(inbox, settings)
    assert [p.id for p in _own(settings)] == first


def test_ingested_markdown_questions_and_answers_are_linked(tmp_path, settings):
    path = tmp_path / "stafet.md"
    path.write_text(
        "# Vores egen stafet\n\n## Ledere – mødekultur\n\n"
        "? Hvordan holder I møderne korte?\n? Hvem skriver referatet?\n\n"
        "! Vi står op, og mødet slutter efter et kvarter.\n! Det gør den, der har ordet sidst.\n",
        encoding="utf-8")
    assert corpus.ingest(path, settings).added == ["stafet.md"]
    own = _own(settings)
    by_id = {p.id: p for p in own}
    answers = [p for p in own if p.role == "answer"]
    assert [by_id[a.answers].text for a in answers] == ["Hvordan holder I møderne korte?", "Hvem skriver referatet?"]
    assert all(a.section == "Ledere – mødekultur" for a in answers)


def test_same_named_files_in_different_folders_are_both_kept(tmp_path, settings):
    inbox = tmp_path / "inbox"
    (inbox / "a").mkdir(parents=True)
    (inbox / "b").mkdir()
    (inbox / "a" / "notat.txt").write_text("Mødekultur\n\nVi holder korte stående møder hver mandag.\n", encoding="utf-8")
    (inbox / "b" / "notat.txt").write_text("Sygefravær\n\nSygefraværet faldt efter trivselssamtalerne.\n", encoding="utf-8")
    report = corpus.ingest(inbox, settings)
    assert len(report.added) == 2
    texts = " ".join(p.text for p in _own(settings))
    assert "stående møder" in texts and "Sygefraværet faldt" in texts


def test_reindexing_after_adding_a_document_embeds_only_the_new_passages(tmp_path, settings):
    embedder = FakeEmbedder(64)
    first = engine.build_index(settings, embedder, report=lambda _m: None)
    assert embedder.texts_embedded == 2 * len(first.passages)  # as written and as an English gloss
    path = tmp_path / "nyt.txt"
    path.write_text(TXT, encoding="utf-8")
    assert corpus.ingest(path, settings).added == ["nyt.txt"]
    before = embedder.texts_embedded
    second = engine.build_index(settings, embedder, report=lambda _m: None)
    new = [p for p in second.passages if p.source == "nyt.txt"]
    assert new
    assert embedder.texts_embedded - before == 2 * len(new)
    assert second.manifest["embedded_now"] == len(new)
    assert len(second.passages) == len(first.passages) + len(new)


def test_a_paragraph_repeated_word_for_word_in_one_document_is_shown_once(bundled_passages):
    by_id = {p.id: p for p in bundled_passages}
    repeats = [p for p in bundled_passages if p.dup_of and by_id[p.dup_of].doc_id == p.doc_id]
    assert repeats, "the stafet repeats its method paragraphs for both groups"
    for p in repeats:
        assert normalize_space(p.text) == normalize_space(by_id[p.dup_of].text)
    # the two method paragraphs that differ in a fact (syv / seks temaer) stay apart
    themes = [p for p in bundled_passages if "er samlet i" in p.text and "temaer" in p.text]
    assert len(themes) == 2 and not any(p.dup_of for p in themes)

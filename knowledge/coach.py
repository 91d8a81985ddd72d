"""The coach's moves over the knowledge layer: answer, quote, elaborate, attribute, contrast, coach.

No Rasa here. The dialogue keeps a `Memory` of what it last showed (plain JSON in
slots) and calls these functions; each returns a typed result that the dialogue
renders with its own sentences. Every quote is a passage's own text.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, Iterable

import numpy as np

from knowledge.answer import ELISION, MAX_CITATIONS, RELATIVE_FLOOR, TEXTS, best_quote, label
from knowledge.corpus import catalog, load_passages
from knowledge.lexical import danish_stopwords
from knowledge.passage import Document, Passage
from knowledge.search import EmptyQuery, Searcher, SearchResult
from knowledge.settings import get_settings
from knowledge.text import detect_language, normalize_space, split_sentences, words

STRICT_CONFIDENCE = 0.5  # when the dialogue doubts the message is a leadership question at all
FULL_QUOTE_WORDS = 140  # "more about number 2" shows a passage whole up to this length
POOL = 40  # how many ranked passages to look through for another perspective or a coaching move

# Words that only make a request ("giv mig et citat", "quote that"): what is left is the topic.
REQUEST_WORDS = frozenset(
    """giv give gi mig me os us et en a an citat citatet citater quote quotes quoting citer citere citér
    fra from det that this dette den it om about on kan could can you du jeg i få have get gerne please
    venligst tak thanks lige just så so også also mere more noget something some nogle af of the sagt said
    sagde say says ordret verbatim the til to for med with as what who which one ones share show vis""".split()
)
# Words that only steer a follow-up ("uddyb", "andre perspektiver", "hvad siger topledere"):
# a follow-up with other words than these (and than its question's) asks something new.
FOLLOW_UP_WORDS = frozenset(
    """uddyb uddybe elaborate expand mere more fortæl tell flere eksempler eksempel examples example nummer number
    punkt point andre anden andet other others another perspektiv perspektiver perspective perspectives vinkel vinkler
    angle view views modsat modsatte contrasting opposite anderledes differently different ser se sees see siger
    mener synes think thinks say hvem who hvor where kilde kilden source document dokument dokumentet kommer comes
    stammer kan could would leder ledere lederne leaders leader topleder topledere toplederne institutionsleder
    institutionsledere institutionslederne driftsleder driftsledere driftslederne chef chefer cheferne medarbejdere
    medarbejderne employees managers stemmer voices side sider sides nogen somebody someone anybody fortsæt continue
    videre further igen again første anden tredje fjerde femte first second third fourth fifth""".split()
)
ORDINALS = {
    "første": 1, "først": 1, "first": 1, "one": 1, "et": 1, "én": 1, "en": 1, "1": 1,
    "anden": 2, "andet": 2, "andens": 2, "second": 2, "two": 2, "to": 2, "2": 2,
    "tredje": 3, "third": 3, "three": 3, "tre": 3, "3": 3,
    "fjerde": 4, "fourth": 4, "four": 4, "fire": 4, "4": 4,
    "femte": 5, "fifth": 5, "five": 5, "fem": 5, "5": 5,
}
NUMBER_CUE = re.compile(
    r"\b(?:nummer|nr\.?|number|no\.?|punkt|point|citat|quote|kilde|source|item|#)\s*([a-zæøåé]+|\d+)\b"
    r"|\b(første|anden|andet|tredje|fjerde|femte|first|second|third|fourth|fifth)\b"
    r"|(?:^|\s)(\d)(?:\s|$|[.?!])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quote:
    """A quote the coach showed: the passage's own words and where they come from."""

    n: int
    id: str
    source: str
    title: str
    section: str
    quote: str
    label: str
    role: str = "paragraph"
    group: str = ""
    theme: str = ""
    doc_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Quote":
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


@dataclass(frozen=True)
class Memory:
    """What the conversation last showed: the query it answered and the quotes, in order."""

    query: str = ""
    quotes: tuple[Quote, ...] = ()
    shown: tuple[str, ...] = ()  # every passage id shown in this conversation, for "more"

    @classmethod
    def from_slots(cls, query: Any, quotes: Any, shown: Any) -> "Memory":
        qs = tuple(Quote.from_dict(q) for q in (quotes or []) if isinstance(q, dict) and "id" in q)
        return cls(str(query or ""), qs, tuple(str(s) for s in (shown or [])))

    def remember(self, reply: "Reply") -> "Memory":
        """The memory after showing `reply` (a reply without quotes changes nothing)."""
        if not reply.quotes:
            return self
        shown = self.shown + tuple(q.id for q in reply.quotes if q.id not in self.shown)
        return Memory(reply.query or self.query, reply.quotes, shown[-200:])


@dataclass(frozen=True)
class Reply:
    """What a move found. `kind` says which sentence the dialogue frames it with:
    answer, abstain, more, expand, perspectives, quote, nothing_new, no_context, bad_number, need_topic."""

    kind: str
    query: str = ""
    quotes: tuple[Quote, ...] = ()
    number: int = 0
    nearest: Passage | None = None  # when abstaining: the closest passage found (never shown; for the editors' report)

    @property
    def found(self) -> bool:
        return bool(self.quotes)


@dataclass(frozen=True)
class Provenance:
    """Who says a quote, and in which document."""

    n: int
    title: str
    section: str
    speaker: str
    publisher: str
    date: str
    source: str


@dataclass(frozen=True)
class Topics:
    documents: tuple[str, ...]
    themes: tuple[str, ...]


@dataclass(frozen=True)
class Coaching:
    """The end of a coaching session: perspectives, one reflection question and one next step."""

    query: str
    perspectives: tuple[Quote, ...] = ()
    reflection: Quote | None = None
    step: Quote | None = None

    @property
    def quotes(self) -> tuple[Quote, ...]:
        extra = tuple(q for q in (self.reflection, self.step) if q is not None)
        return self.perspectives + extra


# --- moves -------------------------------------------------------------------------------


def answer_question(searcher: Searcher, text: str, strict: bool = False, language: str = "") -> Reply:
    """Answer a leadership question; abstain when the sources do not cover it.

    `strict` asks for more confidence: for a message the dialogue did not recognise as a question."""
    result = _search(searcher, text, k=8)
    if result is None:
        return Reply("abstain", text)
    needed = max(STRICT_CONFIDENCE, searcher.weights.abstain_threshold) if strict else 0.0
    if result.abstain or not result.hits or result.confidence < needed:
        return Reply("abstain", text, nearest=_nearest(result))
    return Reply("answer", text, _citations(searcher, result, language or result.language))


def quote_request(searcher: Searcher, text: str, memory: Memory, language: str = "") -> Reply:
    """'Giv mig et citat om tillid' searches; 'giv mig et citat fra det' quotes the last answer."""
    lang = language or detect_language(text)
    if has_topic(text):
        result = _search(searcher, text, k=8)
        if result is None or result.abstain or not result.hits:
            return Reply("abstain", text, nearest=_nearest(result))
        spoken = [h for h in result.hits if _is_spoken(h.passage)] or result.hits
        best = spoken[0].passage
        return Reply("quote", text, (_quote(1, best, _full(searcher, best), lang),))
    if not memory.quotes:
        return Reply("need_topic", text)
    chosen = next((q for q in memory.quotes if _is_spoken_quote(q)), memory.quotes[0])
    p = _passage(searcher, chosen.id)
    if p is None:
        return Reply("quote", memory.query, (chosen,))
    return Reply("quote", memory.query, (_quote(chosen.n, p, _full(searcher, p), lang),))


def more(searcher: Searcher, text: str, memory: Memory, language: str = "") -> Reply:
    """'Mere om nummer 2' shows that passage whole and what belongs to it; 'fortæl mere' shows new passages."""
    lang = language or detect_language(text)
    if not memory.quotes:
        return Reply("no_context", text)
    n = number_in(text)
    if n:
        chosen = next((q for q in memory.quotes if q.n == n), None)
        if chosen is None:
            return Reply("bad_number", memory.query, number=n)
        return Reply("expand", memory.query, _expand(searcher, chosen, lang), number=n)
    result = _search(searcher, memory.query, k=MAX_CITATIONS + len(memory.shown) + 5)
    if result is None:
        return Reply("nothing_new", memory.query)
    best = result.hits[0].score if result.hits else 0.0
    fresh = [h.passage for h in result.hits
             if h.passage.id not in memory.shown and h.score >= RELATIVE_FLOOR * best / 2]
    fresh = _distinct(fresh, set(memory.shown))[:MAX_CITATIONS]
    if not fresh:
        return Reply("nothing_new", memory.query)
    terms = set(searcher.index.analyzer.terms(memory.query))
    quotes = tuple(_quote(i + 1, p, best_quote(p.text, terms, searcher.index.analyzer), lang) for i, p in enumerate(fresh))
    return Reply("more", memory.query, quotes)


def other_perspectives(searcher: Searcher, memory: Memory, language: str = "") -> Reply:
    """Voices the last answer did not show: another speaker group first, then other documents."""
    if not memory.quotes:
        return Reply("no_context", "")
    lang = language or detect_language(memory.query)
    result = _search(searcher, memory.query, k=POOL)
    if result is None:
        return Reply("nothing_new", memory.query)
    shown_groups = {q.group for q in memory.quotes if q.group}
    shown_docs = {q.doc_id or q.source for q in memory.quotes}
    candidates = [h.passage for h in result.hits if h.passage.id not in memory.shown]

    def contrast(p: Passage) -> int:
        if shown_groups and p.group and p.group not in shown_groups:
            return 0  # the other group of leaders
        if p.doc_id not in shown_docs:
            return 1  # another document
        return 2 if p.group and p.group not in shown_groups else 3

    ranked = sorted(enumerate(candidates), key=lambda ip: (contrast(ip[1]), ip[0]))
    chosen = _distinct([p for _, p in ranked if contrast(p) < 3], set(memory.shown))[:MAX_CITATIONS]
    if not chosen:
        return Reply("nothing_new", memory.query)
    terms = set(searcher.index.analyzer.terms(memory.query))
    quotes = tuple(_quote(i + 1, p, best_quote(p.text, terms, searcher.index.analyzer), lang) for i, p in enumerate(chosen))
    return Reply("perspectives", memory.query, quotes)


def who_said(memory: Memory, text: str = "", language: str = "da") -> list[Provenance]:
    """Where the last quotes come from: speaker, section, document, publisher, date."""
    n = number_in(text) if text else 0
    chosen = [q for q in memory.quotes if not n or q.n == n] or list(memory.quotes)
    docs = documents()
    out = []
    for q in chosen:
        d = docs.get(q.doc_id) or next((d for d in docs.values() if d.source == q.source), None)
        out.append(Provenance(
            q.n, q.title, _last_section(q.section) or q.title, _speaker(q, language),
            d.publisher if d else "", d.date if d else "", q.source,
        ))
    return out


def topics(searcher: Searcher) -> Topics:
    """The documents (by title) and the themes the passages are filed under, in corpus order."""
    titles: list[str] = []
    themes: list[str] = []
    for p in searcher.index.passages:
        if p.title not in titles:
            titles.append(p.title)
        if p.theme and p.theme.lower() not in (t.lower() for t in themes):
            themes.append(p.theme)
    return Topics(tuple(titles), tuple(themes))


def coach(searcher: Searcher, parts: Iterable[str], language: str = "da") -> Coaching:
    """Search with the whole situation; offer up to three perspectives from different voices,
    one reflection question (a leader's question or a reflection prompt) and one next step
    (an item of the advice lists: the seven messages, the eight focus points)."""
    query = normalize_space(" ".join(p for p in parts if p and p.strip()))
    result = _search(searcher, query, k=POOL)
    if result is None or not result.hits:
        return Coaching(query)
    analyzer = searcher.index.analyzer
    terms = set(analyzer.terms(query))
    pool = [h.passage for h in result.hits if h.passage.role not in ("question",)]
    picked: list[Passage] = []
    voices: set[tuple[str, str]] = set()
    for p in pool:  # one passage per voice (document and speaker group), best first
        voice = (p.doc_id, p.group)
        if voice not in voices and not _covered(p, picked):
            picked.append(p)
            voices.add(voice)
        if len(picked) == MAX_CITATIONS:
            break
    perspectives = tuple(_quote(i + 1, p, best_quote(p.text, terms, analyzer), language) for i, p in enumerate(picked))
    scores, _, _, _ = searcher.score(query, detect_language(query), None)
    n = len(perspectives)
    reflection = _best_of(searcher, scores, _reflective, exclude={p.id for p in picked})
    step = _best_of(searcher, scores, _advice, exclude={p.id for p in picked})
    rq = _quote(n + 1, reflection, _reflection_text(reflection), language) if reflection else None
    sq = _quote(n + 1 + (rq is not None), step, step.text, language) if step else None
    return Coaching(query, perspectives, rq, sq)


# --- helpers -------------------------------------------------------------------------------


def has_topic(text: str) -> bool:
    """Does a quote request name a topic ('om tillid'), or only point back ('fra det')?"""
    stop = danish_stopwords()
    return any(w not in REQUEST_WORDS and w not in stop and len(w) > 2 for w in words(text))


def new_topic(text: str, memory: Memory) -> bool:
    """Does a follow-up ("hvad siger borgerne om inddragelse?") really ask about something new?

    True when it has words that neither steer a follow-up nor appear in the question it follows."""
    stop = danish_stopwords()
    before = {w[:5] for w in words(memory.query)}
    content = [w for w in words(text) if len(w) > 2 and w not in stop and w not in REQUEST_WORDS
               and w not in FOLLOW_UP_WORDS and w not in ORDINALS]
    return any(w[:5] not in before for w in content)


def number_in(text: str) -> int:
    """The quote a follow-up points at: 'nummer 2', 'den tredje', 'citat 1', 'the second one', '2'."""
    for m in NUMBER_CUE.finditer(text.lower()):
        token = next(g for g in m.groups() if g)
        if token in ORDINALS:
            return ORDINALS[token]
    return 0


@lru_cache(maxsize=1)
def _documents_cached(data_dir: str) -> dict[str, Document]:
    docs, _ = load_passages(get_settings())
    return {d.doc_id: d for d in docs}


def documents() -> dict[str, Document]:
    """Provenance of every document in the corpus, by document id."""
    return _documents_cached(str(get_settings().data_dir))


@lru_cache(maxsize=1)
def _catalog_sections() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Per bundled document: its advice sections and its reflection sections (catalog data)."""
    out = {}
    for entry in catalog():
        advice = frozenset(s.lower() for s in entry.get("advice_sections", []))
        reflection = frozenset(s.lower() for s in entry.get("reflection_sections", []))
        out[entry["doc_id"]] = (advice, reflection)
    return out


def _in_sections(p: Passage, which: int) -> bool:
    sections = _catalog_sections().get(p.doc_id, (frozenset(), frozenset()))[which]
    return any(part.strip().lower() in sections for part in p.section.split(" › "))


def _advice(p: Passage) -> bool:
    return p.role == "list_item" and _in_sections(p, 0) and not p.dup_of


def _reflective(p: Passage) -> bool:
    if p.dup_of or "?" not in p.text:
        return False
    return p.role == "question" or _in_sections(p, 1)


def _best_of(searcher: Searcher, scores: np.ndarray, keep: Any, exclude: set[str]) -> Passage | None:
    passages = searcher.index.passages
    candidates = [i for i, p in enumerate(passages) if keep(p) and p.id not in exclude]
    if not candidates:
        return None
    return passages[max(candidates, key=lambda i: float(scores[i]))]


def _reflection_text(p: Passage) -> str:
    """A leader's question is quoted whole (it carries its own context); a reflection prompt by its questions."""
    if p.role == "question" and len(p.text.split()) <= FULL_QUOTE_WORDS // 2:
        return p.text.strip()
    return _questions_of(p.text)


def _questions_of(text: str) -> str:
    """The question sentences of a passage, verbatim; non-adjacent ones joined with '[…]'."""
    sentences = split_sentences(text)
    keep = [i for i, s in enumerate(sentences) if s.rstrip("”\"' ").endswith("?")]
    if not keep:
        return text.strip()
    pieces: list[str] = []
    for j, i in enumerate(keep):
        if j and i != keep[j - 1] + 1:
            pieces.append(ELISION.strip())
        pieces.append(sentences[i])
    return " ".join(pieces).replace(" […] ", ELISION)


def _search(searcher: Searcher, text: str, k: int) -> SearchResult | None:
    try:
        return searcher.search(text, k=k)
    except EmptyQuery:
        return None


def _nearest(result: SearchResult | None) -> Passage | None:
    return result.hits[0].passage if result is not None and result.hits else None


def _citations(searcher: Searcher, result: SearchResult, language: str) -> tuple[Quote, ...]:
    analyzer = searcher.index.analyzer
    terms = set(analyzer.terms(result.query))
    best = result.hits[0].score
    chosen = _distinct([h.passage for h in result.hits if h.score >= RELATIVE_FLOOR * best], set())[:MAX_CITATIONS]
    return tuple(_quote(i + 1, p, best_quote(p.text, terms, analyzer), language) for i, p in enumerate(chosen))


def _distinct(passages: list[Passage], already: set[str]) -> list[Passage]:
    """Passages in order, without one already covered (its list shown, or shown itself)."""
    out: list[Passage] = []
    seen = set(already)
    for p in passages:
        key = p.dup_of or p.id
        if key in seen or (p.role == "list_item" and p.answers in seen):
            continue
        seen.add(key)
        out.append(p)
    return out


def _covered(p: Passage, picked: list[Passage]) -> bool:
    return any(p.id == q.id or (p.role == "list_item" and p.answers == q.id) or p.dup_of == q.id for q in picked)


def _passage(searcher: Searcher, passage_id: str) -> Passage | None:
    return next((p for p in searcher.index.passages if p.id == passage_id), None)


def _full(searcher: Searcher, p: Passage) -> str:
    """The passage whole, or (when very long) its opening sentences up to FULL_QUOTE_WORDS."""
    if len(p.text.split()) <= FULL_QUOTE_WORDS:
        return p.text.strip()
    return best_quote(p.text, set(), searcher.index.analyzer, max_words=FULL_QUOTE_WORDS)


def _expand(searcher: Searcher, chosen: Quote, lang: str) -> tuple[Quote, ...]:
    """The passage whole, then what belongs with it: its answers, its question, its list, or the next paragraph."""
    p = _passage(searcher, chosen.id)
    if p is None:
        return (chosen,)
    out = [_quote(1, p, _full(searcher, p), lang)]
    passages = searcher.index.passages
    if p.role == "question":
        related = [a for a in passages if a.role == "answer" and a.answers == p.id][:2]
    elif p.role in ("answer", "list_item"):
        related = [q for q in passages if q.id == p.answers]
    else:
        related = [q for q in passages if q.doc_id == p.doc_id and q.order == p.order + 1 and q.role != "list_item"][:1]
    for r in related:
        if not r.dup_of:
            out.append(_quote(len(out) + 1, r, _full(searcher, r), lang))
    return tuple(out[:3])


def _quote(n: int, p: Passage, text: str, lang: str) -> Quote:
    lang = lang if lang in ("da", "en") else "da"
    return Quote(n, p.id, p.source, p.title, p.section, text, label(p, lang), p.role, p.group, p.theme, p.doc_id)


def _is_spoken(p: Passage) -> bool:
    return p.role == "answer" or any(c in p.text for c in "”“„»«")


def _is_spoken_quote(q: Quote) -> bool:
    return q.role == "answer" or any(c in q.quote for c in "”“„»«")


def _last_section(section: str) -> str:
    return section.split(" › ")[-1] if section else ""


def _speaker(q: Quote, language: str) -> str:
    """'svar fra en topleder', 'spørgsmål fra en institutions- eller driftsleder', or '' when no group speaks."""
    t = TEXTS.get(language, TEXTS["da"])
    if not q.group:
        return ""
    who = t["group"].get(q.group, q.group)
    role = t["role"].get(q.role)
    return f"{role} {t['from']} {who}" if role else who

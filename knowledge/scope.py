"""What a question asks for, judged from the question itself: two of the abstain model's features.

Coverage (how much of a question the sources' words cover) cannot tell "How many employees does
Region Nordjylland have?" from a question the sources answer: both are made of the sources' words.
Two signals from the question itself can:

- **another domain**: the question uses words of everyday domains the sources never touch (weather,
  pay, holidays, IT, recipes, law, travel …; `data/other_domains_{da,en}.tsv`, general vocabulary),
  or asks for a piece of work (write, translate, calculate, book). A listed word counts only when
  the indexed sources do not use it, so adding documents about, say, holiday rules puts "ferie"
  back in scope without editing the lists.
- **a missing answer type**: the question asks for a number or a date ("hvor mange", "hvornår",
  "how many", "when …") and none of the best passages holds one; or it asks who holds a role
  ("Hvem er borgmester i …", "Who chairs …") and none of them names the role. A count must be a count of what
  was asked about: "hvor mange skoler" needs a number just before "skoler" (or a compound of it),
  not any number in the passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from knowledge.expand import glossary, translate
from knowledge.lexical import Analyzer, _data_lines, danish_stopwords, stem, tokenize
from knowledge.text import ENGLISH_MARKERS

MIN_PREFIX = 4  # a listed word this long also matches as the first part of a compound: ferie -> feriedage

_TASK = {
    "da": re.compile(
        r"^\W*(?:kan du |vil du |gider du |må jeg bede dig (?:om at )?|hjælp mig (?:med at )?)?"
        r"(?:skriv|skrive|oversæt|oversætte|beregn|beregne|udregn|udregne|book|booke)\b", re.IGNORECASE),
    "en": re.compile(
        r"^\W*(?:can you |could you |would you |please |help me )?"
        r"(?:write|draft|translate|calculate|compute|book|proofread)\b", re.IGNORECASE),
}
_ASKS_NUMBER = {
    "da": re.compile(r"\bhvor (?:mange|meget)\b", re.IGNORECASE),
    "en": re.compile(r"\bhow (?:many|much)\b", re.IGNORECASE),
}
COUNT_WINDOW = 2  # a count stands just before what it counts, or before an adjective and it: "224 unikke bidrag"
_PIECES = frozenset("stk styk stykker pieces copies".split())  # "mere end 50 stk." counts whatever is talked about
_COUNTS = {"da": re.compile(r"\bhvor mange\b", re.IGNORECASE), "en": re.compile(r"\bhow many\b", re.IGNORECASE)}
# "how many people …", "hvor mange deltog …": a count of anyone, or no noun at all: any number will do
_ANY_COUNT = frozenset(
    "people persons personer folk mennesker deltagere participants deltog deltager var er har havde kom blev "
    "bliver took were are did do have".split()
)
_COUNTED_SKIP = {"da": frozenset("af de det den disse dem ca cirka".split()), "en": frozenset("of the these those".split())}
# "who is the <role>", "hvad hedder <role>": the role word is what the answer must name; a question
# about a named person ("Hvem er Signe Friberg Nielsen?") starts with a capital and is left alone
_ASKS_WHO = {
    "da": re.compile(r"(?:^|[,;.?!:]\s*)(?i:(?:og )?(?:hvem er|hvem var|hvad hedder)) (?:den |det |de )?(?=[a-zæøå])"),
    "en": re.compile(
        r"(?:^|[,;.?!:]\s*)(?i:(?:and )?(?:who (?:is|are|was|were) (?:the )?|what is the name of the |who (?=chairs|heads|leads|runs)))(?=[a-z])"
    ),
}
_ASKS_DATE = {
    "da": re.compile(r"\bhvornår\b|\bhvilke[nt] (?:år|dato)\b", re.IGNORECASE),
    "en": re.compile(r"(?:^|[,;.?!]\s*)(?:and\s+)?when\b|\b(?:what|which) (?:year|date)\b", re.IGNORECASE),
}
_NUMBER = re.compile(
    r"^(?:\d[\d.,]*|to|tre|fire|fem|seks|syv|otte|ni|ti|elleve|tolv|femten|tyve|tredive|fyrre|halvtreds|tres|"
    r"hundrede|tusind|million|millioner|milliard|milliarder|halvdelen|two|three|four|five|six|seven|eight|"
    r"nine|ten|twelve|twenty|hundred|thousand|million|billion|half)$"
)
_DATE = re.compile(
    r"^(?:(?:19|20)\d\d(?:[-–](?:\d\d){1,2})?|januar|februar|marts|april|maj|juni|juli|august|september|oktober|"
    r"november|december|january|february|march|may|june|july|october)$"
)
_PASSAGE_TOKEN = re.compile(r"[0-9a-zæøåäöüé]+(?:[-–.,][0-9]+)*")


@dataclass(frozen=True)
class Lexicon:
    """The everyday-domain words of one language, as stems and as compound-first parts."""

    stems: frozenset[str]
    prefixes: frozenset[str]


@lru_cache(maxsize=2)
def other_domains(language: str) -> Lexicon:
    words: set[str] = set()
    for line in _data_lines(f"other_domains_{language}.tsv"):
        if "\t" in line:
            words.update(w.strip().lower().replace("-", "") for w in line.split("\t", 1)[1].split(","))
    words.discard("")
    if language == "en":
        return Lexicon(frozenset(_english_stem(w) for w in words), frozenset())
    return Lexicon(frozenset(stem(w) for w in words), frozenset(w for w in words if len(w) >= MIN_PREFIX))


@lru_cache(maxsize=1)
def _english_stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=50_000)
def _english_stem(word: str) -> str:
    return str(_english_stemmer().stemWord(word))


@lru_cache(maxsize=1)
def _english_stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS) | ENGLISH_MARKERS


@lru_cache(maxsize=1)
def _glossary_stems() -> frozenset[str]:
    """English words the domain glossary translates: they are the sources' domain, never 'other'."""
    return frozenset(_english_stem(k) for k in glossary().entries if " " not in k)


def other_domain_words(text: str, language: str, known: set[str] | frozenset[str]) -> list[str]:
    """The question's words from everyday domains that the sources (`known`: the index's stems) never use."""
    if language == "en":
        lexicon, translated, stop = other_domains("en"), _glossary_stems(), _english_stopwords()
        words = [w for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 2 and w not in stop]
        return [w for w in words if (s := _english_stem(w)) in lexicon.stems and s not in translated and stem(w) not in known]
    lexicon, stop = other_domains("da"), danish_stopwords()
    words = [t for t in tokenize(text) if len(t) >= 2 and not t.isdigit() and t not in stop]
    return [t for t in words if stem(t) not in known and _in_lexicon(t, lexicon)]


def _in_lexicon(token: str, lexicon: Lexicon) -> bool:
    if stem(token) in lexicon.stems:
        return True
    return any(token[:n] in lexicon.prefixes for n in range(MIN_PREFIX, len(token) + 1))


def asks_for_work(text: str, language: str) -> bool:
    """A request to write, translate, calculate or book something: work, not the sources' experience."""
    return bool(_TASK["en" if language == "en" else "da"].search(text))


def asked_types(text: str, language: str) -> list[re.Pattern[str]]:
    """What kind of token would answer the question: a number, a date, both or neither."""
    lang = "en" if language == "en" else "da"
    return [kind for kind, asks in ((_NUMBER, _ASKS_NUMBER[lang]), (_DATE, _ASKS_DATE[lang])) if asks.search(text)]


def holds_type(texts: list[str], kinds: list[re.Pattern[str]]) -> bool:
    return any(kind.match(tok) for text in texts for tok in _PASSAGE_TOKEN.findall(text.lower()) for kind in kinds)


def _first_danish(english: str) -> str | None:
    """The first Danish word the glossary gives at full weight for an English phrase, if any."""
    return next((d for d, w in translate(english)[0] if w >= 1.0), None)


def counted(text: str, language: str, analyzer: Analyzer) -> frozenset[str]:
    """The stems of what a "how many" question counts ("Hvor mange af skolerne …" -> skole), with
    their compound parts, over every "how many" in it; empty when it counts nothing, counts anyone
    ("how many people"), or a counted word cannot be read: then any number will do."""
    lang = "en" if language == "en" else "da"
    found: set[str] = set()
    for match in _COUNTS[lang].finditer(text):
        words = [w for w in re.findall(r"[\wæøå-]+", text[match.end():].lower()) if w not in _COUNTED_SKIP[lang]]
        if not words or words[0] in _ANY_COUNT:
            return frozenset()
        if lang == "en":  # the glossary's Danish for it; a word it lacks cannot be looked for
            danish = _first_danish(" ".join(words[:2]))
            if danish is None:
                return frozenset()
            found.update(analyzer.terms(danish))
        else:
            found.update(analyzer.terms(words[0]))
    return frozenset(found)


def holds_count(texts: list[str], what: frozenset[str], analyzer: Analyzer) -> bool:
    """A number followed within COUNT_WINDOW words by a word for `what` ("ca. 2200 kvalitetsindikatorer"),
    or by pieces ("50 stk."), in one of the texts."""
    for text in texts:
        tokens = _PASSAGE_TOKEN.findall(text.lower())
        for k, tok in enumerate(tokens):
            if not _NUMBER.match(tok):
                continue
            after = tokens[k + 1 : k + 1 + COUNT_WINDOW]
            if after[:1] and after[0] in _PIECES:
                return True
            if any(what & set(analyzer.terms(t)) for t in after):
                return True
    return False


def asked_role(text: str, language: str, analyzer: Analyzer) -> frozenset[str]:
    """The stems of the role a "who is the …" question asks to have named ("Hvem er borgmester i
    Kolding?" -> borgmester), with compound parts; empty for any other question."""
    lang = "en" if language == "en" else "da"
    found = _ASKS_WHO[lang].search(text)
    if not found:
        return frozenset()
    word = re.match(r"[\wæøå-]+", text[found.end():])
    if not word:
        return frozenset()
    role = word.group(0).lower()
    if role in _english_stopwords() or role in danish_stopwords():
        return frozenset()
    if lang == "en":  # the glossary's Danish for it; a role it lacks is looked for as written (and not found)
        role = _first_danish(role) or role
    return frozenset(analyzer.terms(role))


def holds_terms(texts: list[str], what: frozenset[str], analyzer: Analyzer) -> bool:
    return any(what & set(analyzer.terms(text)) for text in texts)


def scope_features(
    text: str, language: str, known: set[str] | frozenset[str], best_texts: list[str], analyzer: Analyzer | None = None,
) -> tuple[float, float]:
    """(another domain, missing answer type): 1.0 when the signal is there, else 0.0."""
    other = bool(other_domain_words(text, language, known)) or asks_for_work(text, language)
    kinds = asked_types(text, language)
    what = counted(text, language, analyzer) if analyzer is not None and _NUMBER in kinds else frozenset()
    if what:
        dates = [k for k in kinds if k is not _NUMBER]
        missing = not holds_count(best_texts, what, analyzer) and not (dates and holds_type(best_texts, dates))  # type: ignore[arg-type]
    else:
        missing = bool(kinds) and not holds_type(best_texts, kinds)
    role = asked_role(text, language, analyzer) if analyzer is not None else frozenset()
    if role and not holds_terms(best_texts, role, analyzer):  # type: ignore[arg-type]
        missing = True
    return float(other), float(missing)

"""Query expansion: English questions into Danish search terms, Danish paraphrases into the sources' words.

The bundled embedding model is English-only and the sources are Danish, so the
lexical side carries cross-language search: an English question is translated word
by word (phrases first) with a bundled English–Danish glossary of the domain, and
any query is widened with a Danish domain thesaurus at a lower weight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from knowledge.lexical import Analyzer, _data_lines, stem, tokenize
from knowledge.text import ENGLISH_MARKERS

COMPOUND_PART_WEIGHT = 0.5
SYNONYM_WEIGHT = 0.35
UNKNOWN_SYNONYM_WEIGHT = 0.7  # a word the sources never use can only be found through its near-synonyms
MAX_SYNONYMS = 6
FUZZY_WEIGHT = 0.8
ALTERNATIVE_WEIGHT = 0.6  # a glossary's second and later translations


@dataclass(frozen=True)
class Glossary:
    entries: dict[str, tuple[str, ...]]
    max_phrase: int

    def translate(self, text: str) -> tuple[list[tuple[str, float]], list[str]]:
        """Danish words with weights for an English text, and the English words left untranslated."""
        toks = re.findall(r"[a-z0-9æøåäöüé]+(?:[-'][a-z0-9æøåäöüé]+)*", text.lower())
        out: list[tuple[str, float]] = []
        unknown: list[str] = []
        i = 0
        while i < len(toks):
            for n in range(min(self.max_phrase, len(toks) - i), 0, -1):
                phrase = " ".join(toks[i : i + n])
                danish = self.lookup(phrase)
                if danish:
                    out.extend((d, 1.0 if k == 0 else ALTERNATIVE_WEIGHT) for k, d in enumerate(danish))
                    i += n
                    break
            else:
                if toks[i] not in ENGLISH_MARKERS:
                    unknown.append(toks[i])
                i += 1
        return out, unknown

    def lookup(self, phrase: str) -> tuple[str, ...]:
        if phrase in self.entries:
            return self.entries[phrase]
        if " " in phrase:
            return ()
        for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("ly", "")):
            if phrase.endswith(suffix) and len(phrase) - len(suffix) >= 3:
                base = phrase[: len(phrase) - len(suffix)] + repl
                if base in self.entries:
                    return self.entries[base]
        return ()


@lru_cache(maxsize=1)
def glossary() -> Glossary:
    entries: dict[str, tuple[str, ...]] = {}
    for line in _data_lines("glossary_en_da.tsv"):
        if "\t" not in line:
            continue
        en, da = line.split("\t", 1)
        words = tuple(w.strip() for w in da.split(",") if w.strip())
        if en.strip() and words:
            entries.setdefault(en.strip().lower(), words)
    longest = max((len(k.split()) for k in entries), default=1)
    return Glossary(entries, longest)


@lru_cache(maxsize=512)
def translate(text: str) -> tuple[tuple[tuple[str, float], ...], tuple[str, ...]]:
    """`Glossary.translate` of the bundled glossary, remembered: search and its abstain features both ask."""
    out, unknown = glossary().translate(text)
    return tuple(out), tuple(unknown)


@lru_cache(maxsize=1)
def synonym_groups() -> dict[str, frozenset[str]]:
    """stem -> the stems of its near-synonyms. Only one-word entries take part: a phrase's
    words (and over-stemmed short words) would tie unrelated groups together."""
    groups: dict[str, set[str]] = {}
    for line in _data_lines("synonyms_da.tsv"):
        stems = set()
        for item in line.split(","):
            toks = tokenize(item)
            if len(toks) == 1 and len(toks[0]) > 3:
                stems.add(stem(toks[0]))
        for s in stems:
            groups.setdefault(s, set()).update(stems - {s})
    return {k: frozenset(v) for k, v in groups.items() if v}


def close_match(term: str, vocabulary: list[str]) -> str | None:
    """The vocabulary term a misspelt or variant spelling most likely means ('ledelseskommission'
    -> 'ledelseskommision'); only for longer words, and only when very close."""
    import difflib

    if len(term) < 7:
        return None
    same_start = [v for v in vocabulary if v[:4] == term[:4]]
    candidates = [v for v in same_start if abs(len(v) - len(term)) <= 2]
    found = difflib.get_close_matches(term, candidates, n=1, cutoff=0.88)
    if found:
        return found[0]
    # an inflection the stemmer did not strip: 'mikromanag' and 'mikromanagement'
    longer = sorted((v for v in same_start if len(v) >= 7 and (v.startswith(term) or term.startswith(v))), key=len)
    return longer[0] if longer else None


@dataclass(frozen=True)
class Expansion:
    """Weighted search terms, and for each term added by expansion the question's own term it came
    from (a compound's parts, a close spelling, a near-synonym): coverage can then credit a question
    word the sources do not use as written by what it was widened to."""

    weights: dict[str, float]
    origin: dict[str, str]
    synonyms: frozenset[str] = frozenset()  # the terms added as near-synonyms

    def synonym_groups(self) -> dict[str, str]:
        """Each near-synonym, and the question word it widens, -> that question word."""
        out = {t: self.origin[t] for t in self.synonyms if t in self.origin}
        out.update({source: source for source in out.values()})
        return out


def expand(
    text: str, language: str, analyzer: Analyzer, known: set[str] | None = None,
    vocabulary: list[str] | None = None,
) -> dict[str, float]:
    """Weighted Danish search terms for a query (see `expand_terms`)."""
    return expand_terms(text, language, analyzer, known, vocabulary).weights


def expand_terms(
    text: str, language: str, analyzer: Analyzer, known: set[str] | None = None,
    vocabulary: list[str] | None = None,
) -> Expansion:
    """Weighted Danish search terms for a query, with where each widened term came from.

    `known` (the index vocabulary) lets English words that occur in the sources as
    they are (names, loanwords: "NPM", "Morsø") count too.
    """
    weights: dict[str, float] = {}
    origin: dict[str, str] = {}
    synonyms: set[str] = set()

    def add(term: str, w: float, source: str = "") -> None:
        if w > weights.get(term, 0.0):
            weights[term] = w
            if source and source != term:
                origin[term] = source
            else:
                origin.pop(term, None)

    def add_text(danish: str, w: float) -> None:
        for tok in tokenize(danish):
            whole = stem(tok)
            for term in analyzer.terms(tok):
                add(term, w if term == whole else w * COMPOUND_PART_WEIGHT, whole)

    if language == "en":
        translated, unknown = translate(text)
        for danish, w in translated:
            add_text(danish, w)
        for word in unknown:
            s = stem(word)
            if known is not None and s in known:
                add(s, 1.0)
    else:
        add_text(text, 1.0)
    if known is not None and vocabulary:
        for term, w in list(weights.items()):
            if w >= 1.0 and term not in known and (match := close_match(term, vocabulary)):
                add(match, w * FUZZY_WEIGHT, term)
    groups = synonym_groups()
    for term, w in list(weights.items()):
        if w < 1.0 or len(term) < 4:
            continue  # widen only the question's own words, and not the over-stemmed short ones
        share = UNKNOWN_SYNONYM_WEIGHT if known is not None and term not in known else SYNONYM_WEIGHT
        for syn in sorted(groups.get(term, ()))[:MAX_SYNONYMS]:
            if weights.get(syn, 0.0) < w * share:
                synonyms.add(syn)
            add(syn, w * share, term)
    return Expansion(weights, origin, frozenset(synonyms))

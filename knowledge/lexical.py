"""Danish lexical search: analysis (stopwords, Snowball stemming, compound splitting) and BM25.

The BM25 index is a sparse passage × term matrix of precomputed term weights, so a
query is one sparse product. It is saved as plain `.npy` arrays and JSON: no pickle.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import numpy as np

from knowledge.settings import DATA_FILES_DIR

_TOKEN = re.compile(r"[a-zæøåäöüé0-9]+(?:-[a-zæøåäöüé0-9]+)*")
LINKS = ("s", "e", "")  # Danish compound linking elements: ledelse-s-spænd, børne-have
MIN_PART = 3
MIN_TAIL = 4
# endings that look like words but are inflection or derivation, not compound parts
SUFFIXES = frozenset("ende else elser heden heder ning ninger lige ligt lighed erne ende ener erer isme".split())
WORD_LISTS = ("glossary_en_da.tsv", "synonyms_da.tsv")


@lru_cache(maxsize=1)
def danish_stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_DANISH

    extra = """fx bl.a ca mv osv dvs ift jf kan kunne skal skulle vil ville får får gør gøre gjort
    hvordan hvad hvilke hvilken hvilket hvem hvorfor hvornår hvor mon også ja nej godt bare helt
    meget mere mest lidt nogen noget nogle andre anden andet egen eget egne selv sådan så sig
    giv giver gerne citat citater nogen tit ofte altid aldrig mange""".split()
    return frozenset(STOPWORDS_DANISH) | frozenset(extra)


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("danish")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


def tokenize(text: str) -> list[str]:
    """Lowercased word tokens; a hyphenated word also gives its parts ("mikro-management")."""
    out: list[str] = []
    for tok in _TOKEN.findall(text.lower().replace("**", "")):
        out.append(tok.replace("-", ""))
        if "-" in tok:
            out.extend(p for p in tok.split("-") if p)
    return out


_ASCII_DANISH = re.compile(r"\b[a-zA-Z]*(?:aa|ae|oe|AA|AE|OE|Aa|Ae|Oe)[a-zA-Z]*\b")
_LETTERS = (("aa", "å"), ("ae", "æ"), ("oe", "ø"), ("AA", "Å"), ("AE", "Æ"), ("OE", "Ø"), ("Aa", "Å"), ("Ae", "Æ"), ("Oe", "Ø"))


def restore_danish_letters(text: str, analyzer: "Analyzer", known: set[str] | frozenset[str] | dict[str, int]) -> str:
    """Words typed without æ, ø and å ("samarbejde paa tvaers", "silotaenkning") written with them,
    where the restored word is one the sources use (its stem, or its compound parts) and the word as
    typed is not: English words are left alone."""

    def held(word: str) -> int:
        return sum(t in known for t in analyzer.terms(word.lower()))

    def restore(match: re.Match[str]) -> str:
        word = match.group(0)
        restored = word
        for ascii_form, letter in _LETTERS:
            restored = restored.replace(ascii_form, letter)
        return restored if held(restored) > held(word) else word

    return _ASCII_DANISH.sub(restore, text)


@dataclass(frozen=True)
class Analyzer:
    """Turns text into weighted stems. `lexicon` holds the words that may be parts of compounds."""

    lexicon: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_cache", {})

    def terms(self, text: str) -> list[str]:
        """Stems of the content words, with the stems of compound parts after each compound."""
        out: list[str] = []
        cache: dict[str, tuple[str, ...]] = self._cache  # type: ignore[attr-defined]
        for tok in tokenize(text):
            found = cache.get(tok)
            if found is None:
                found = self._word_terms(tok)
                if len(cache) < 500_000:
                    cache[tok] = found
            out.extend(found)
        return out

    def _word_terms(self, tok: str) -> tuple[str, ...]:
        if tok in danish_stopwords() or (len(tok) < 2 and not tok.isdigit()):
            return ()
        return (stem(tok), *(stem(p) for p in self.split_compound(tok)))

    def split_compound(self, word: str) -> list[str]:
        """The parts of a Danish compound whose pieces are known words: 'ledelsesspænd' -> ledelse, spænd."""
        return list(_split(word, self.lexicon)) if len(word) >= 2 * MIN_PART + 1 and self.lexicon else []


def _split(word: str, lexicon: frozenset[str]) -> tuple[str, ...]:
    best: tuple[str, ...] = ()
    for i in range(len(word) - MIN_TAIL, MIN_PART - 1, -1):
        head, tail = word[:i], word[i:]
        if tail in SUFFIXES or not _known(tail, lexicon):
            continue
        for link in LINKS:
            if link and not head.endswith(link):
                continue
            base = head[: len(head) - len(link)] if link else head
            if len(base) >= MIN_PART and _known(base, lexicon):
                return (base, tail)
            if len(base) >= 2 * MIN_PART and not best:
                inner = _split(base, lexicon)
                if inner:
                    best = (*inner, tail)
    return best


def _known(part: str, lexicon: frozenset[str]) -> bool:
    return part in lexicon or stem(part) in lexicon


def build_lexicon(texts: Iterable[str]) -> frozenset[str]:
    """Words that may be compound parts: corpus words and the Danish side of the bundled word lists."""
    words: set[str] = set()
    for text in texts:
        words.update(t for t in tokenize(text) if len(t) >= MIN_PART and not t.isdigit())
    for line in _data_lines("glossary_en_da.tsv"):
        if "\t" in line:
            words.update(t for t in tokenize(line.split("\t", 1)[1]) if len(t) >= MIN_PART)
    for line in _data_lines("synonyms_da.tsv"):
        words.update(t for t in tokenize(line) if len(t) >= MIN_PART)
    stop = danish_stopwords()
    words -= stop
    return frozenset(words | {stem(w) for w in words})


def word_lists_fingerprint() -> str:
    """Changes when the stopwords or the bundled word lists change (they shape the lexical index)."""
    h = hashlib.sha256(" ".join(sorted(danish_stopwords())).encode("utf-8"))
    for name in WORD_LISTS:
        h.update(name.encode())
        h.update("\n".join(_data_lines(name)).encode("utf-8"))
    return h.hexdigest()[:16]


def _data_lines(name: str) -> list[str]:
    path = DATA_FILES_DIR / name
    if not path.exists():
        return []
    return [l.rstrip("\n") for l in path.read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith("#")]


class BM25:
    """Okapi BM25 over analysed passages, as a sparse matrix of term weights."""

    def __init__(self, vocab: dict[str, int], matrix: "object", n_docs: int) -> None:
        self.vocab = vocab
        self.matrix = matrix  # scipy.sparse.csc_matrix, passages × terms
        self.n_docs = n_docs

    @classmethod
    def build(cls, docs_terms: list[list[str]], k1: float = 1.2, b: float = 0.75) -> "BM25":
        from scipy import sparse

        vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[float] = []
        lengths = np.array([len(t) for t in docs_terms], dtype=np.float32)
        for d, terms in enumerate(docs_terms):
            counts: dict[int, int] = {}
            for t in terms:
                j = vocab.setdefault(t, len(vocab))
                counts[j] = counts.get(j, 0) + 1
            for j, c in counts.items():
                rows.append(d)
                cols.append(j)
                tfs.append(c)
        n = len(docs_terms)
        tf = np.array(tfs, dtype=np.float32)
        row = np.array(rows, dtype=np.int64)
        col = np.array(cols, dtype=np.int64)
        df = np.bincount(col, minlength=len(vocab)).astype(np.float32)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        avgdl = float(lengths.mean()) if n else 1.0
        norm = k1 * (1.0 - b + b * lengths[row] / max(avgdl, 1e-9))
        weights = idf[col] * tf * (k1 + 1.0) / (tf + norm)
        matrix = sparse.csc_matrix((weights, (row, col)), shape=(n, len(vocab)), dtype=np.float32)
        return cls(vocab, matrix, n)

    def idf(self, term: str) -> float:
        j = self.vocab.get(term)
        if j is None:
            return 0.0
        df = self.matrix.indptr[j + 1] - self.matrix.indptr[j]  # type: ignore[attr-defined]
        return math.log(1.0 + (self.n_docs - df + 0.5) / (df + 0.5))

    def scores(self, weighted_terms: dict[str, float], groups: dict[str, str] | None = None) -> np.ndarray:
        """BM25 score of every passage for a query given as term -> weight.

        With `groups` (a term -> the question word it stands in for), the terms of one group count
        once per passage, by the best of them: a passage that names five near-synonyms of one
        question word does not outscore one that holds two of the question's words."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        m = self.matrix
        grouped: dict[str, np.ndarray] = {}
        for term, w in weighted_terms.items():
            j = self.vocab.get(term)
            if j is None:
                continue
            start, end = m.indptr[j], m.indptr[j + 1]  # type: ignore[attr-defined]
            rows, values = m.indices[start:end], w * m.data[start:end]  # type: ignore[attr-defined]
            group = (groups or {}).get(term)
            if group is None:
                out[rows] += values
                continue
            best = grouped.setdefault(group, np.zeros(self.n_docs, dtype=np.float32))
            best[rows] = np.maximum(best[rows], values)
        for best in grouped.values():
            out += best
        return out

    def save(self, directory: Path, prefix: str = "bm25") -> None:
        m = self.matrix
        np.save(directory / f"{prefix}_data.npy", m.data)  # type: ignore[attr-defined]
        np.save(directory / f"{prefix}_indices.npy", m.indices)  # type: ignore[attr-defined]
        np.save(directory / f"{prefix}_indptr.npy", m.indptr)  # type: ignore[attr-defined]
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        (directory / f"{prefix}_vocab.json").write_text(json.dumps({"n_docs": self.n_docs, "terms": terms}, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, prefix: str = "bm25") -> "BM25":
        from scipy import sparse

        meta = json.loads((directory / f"{prefix}_vocab.json").read_text(encoding="utf-8"))
        terms = meta["terms"]
        data = np.load(directory / f"{prefix}_data.npy", allow_pickle=False)
        indices = np.load(directory / f"{prefix}_indices.npy", allow_pickle=False)
        indptr = np.load(directory / f"{prefix}_indptr.npy", allow_pickle=False)
        matrix = sparse.csc_matrix((data, indices, indptr), shape=(meta["n_docs"], len(terms)))
        return cls({t: i for i, t in enumerate(terms)}, matrix, meta["n_docs"])

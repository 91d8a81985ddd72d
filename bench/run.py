"""Speed and memory figures for Brobygger, printed next to their targets.

    python -m bench.run            # everything, about 4–8 minutes on 2 cores

The parent process stays small and only orchestrates: every measurement runs in a
child process (this module with `--part`), under a time limit and an address-space
limit, so peak RSS is per measurement. All data lives in a temporary directory that
is removed at the end; nothing under the repository's `var/` is touched.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

if TYPE_CHECKING:
    from knowledge.passage import Passage

REPO = Path(__file__).resolve().parent.parent
BUDGET_S = 480.0  # the whole run; a step that no longer fits is skipped and reported
CHILD_MEMORY = 8 << 30  # address-space limit of every child process, bytes
SEED = 20_240_601
SYNTHETIC_SIZES = (10_000, 100_000)
SYNTHETIC_QUERIES = 200
SYNTHETIC_DIMS = 384
RECALL_K = 10
EF_PROBE = 128  # an HNSW efSearch to compare the index's own setting with
CLI_SIZES = (20, 100)
CLI_REPEATS = 3  # the fastest run counts: start-up noise only ever adds time

TARGET_BUILD_S = 60.0
TARGET_SEARCH_MS = 30.0
TARGET_ASK_MS = 50.0
TARGET_SYNTHETIC_P95_MS = 50.0

QUESTIONS_DA = [
    "Hvad er krydspres i offentlig ledelse?",
    "Hvordan håndterer man krydspres mellem styring og faglighed?",
    "Hvad betyder borgerblik for ledere?",
    "Hvordan kan chefer lytte mere til borgerne?",
    "Hvad er ledelsesrum, og hvordan skaber man det?",
    "Hvordan leder man på tværs af forvaltninger?",
    "Hvilken rolle spiller topledere i tværgående samarbejde?",
    "Hvad kendetegner god ledelse på tværs af sektorer?",
    "Hvordan kan institutionsledere skabe sammenhæng for borgeren?",
    "Hvad siger driftsledere om dokumentationskrav?",
    "Hvordan undgår man silotænkning i kommunen?",
    "Hvad er Brobyggerne for et projekt?",
    "Hvor mange projekter bygger erfaringerne på?",
    "Hvad gjorde Morsø Kommune for udsatte familier?",
    "Hvordan skaber man fælles mål på tværs af enheder?",
    "Hvad er de vigtigste fokuspunkter i ledelse på tværs?",
    "Hvordan kan lederen oversætte politiske mål til praksis?",
    "Hvad betyder New Public Management for fagligheden?",
    "Hvordan balancerer man økonomi og kvalitet i velfærden?",
    "Hvad skal chefer gøre for at være synlige i hverdagen?",
    "Hvordan udvikler man ledere til tværgående opgaver?",
    "Hvad er ledelsesudvikling i den offentlige sektor?",
    "Hvordan kan medarbejdere inddrages i tværgående indsatser?",
    "Hvad motiverer medarbejdere i velfærdsarbejdet?",
    "Hvordan arbejder man med kultur og værdier som leder?",
    "Hvad er meningsskabende ledelse?",
    "Hvordan håndterer man flere sæt lovgivning i samme sag?",
    "Hvad siger lederne om tillid og kontrol?",
    "Hvordan kan en koordinator hjælpe borgere med mange kontaktpunkter?",
    "Hvilke rammevilkår gør tværgående ledelse mulig?",
    "Hvordan prioriterer man på tværs af silobudgetter?",
    "Hvad forventer medarbejderne af deres chef?",
    "Hvordan skaber man stærke relationer mellem ledere?",
    "Hvad er ledelseskæden, og hvordan sætter man den i spil?",
    "Hvordan kan regionen og kommunen samarbejde bedre?",
    "Giv mig et citat om borgerens rejse gennem systemet",
    "Hvad er udfordringerne ved at lede fagprofessionelle?",
    "Hvordan giver man medarbejderne handlerum?",
    "Hvad er forskellen på styring og ledelse?",
    "Hvordan måler man effekten af en tværgående indsats?",
    "Hvordan taler man med politikerne om faglige dilemmaer?",
    "Hvad er en helhedsorienteret indsats?",
    "Hvordan skaber man ejerskab hos medarbejderne?",
    "Hvad siger topledere om deres eget lederskab?",
    "Hvordan kan mellemledere stå i krydspresset?",
    "Hvad er Videncenter for Velfærdsledelse?",
    "Hvordan bager man det bedste rugbrød?",
    "Hvem vandt fodboldlandskampen i går?",
    "Hvordan søger man om byggetilladelse til en carport?",
    "Hvad koster en togbillet til Aarhus?",
]
QUESTIONS_EN = [
    "What is cross-pressure in public leadership?",
    "How do leaders balance governance and professional judgement?",
    "What does the citizen's perspective mean for managers?",
    "How can executives listen more to citizens?",
    "What is leadership room and how do you create it?",
    "How do you lead across departments and sectors?",
    "What role do top leaders play in cross-boundary work?",
    "What characterises good cross-sector leadership?",
    "How can institution leaders create coherence for the citizen?",
    "What do operations managers say about documentation requirements?",
    "How do you avoid silo thinking in a municipality?",
    "What was the Brobyggerne project about?",
    "How many projects are the experiences based on?",
    "What did Morsø municipality do for vulnerable families?",
    "How do you build shared goals across units?",
    "What are the most important focus points in cross-boundary leadership?",
    "How can a leader translate political goals into practice?",
    "How does New Public Management affect professional judgement?",
    "How do you balance budgets and quality in welfare services?",
    "What should executives do to be visible in everyday work?",
    "How do you develop leaders for cross-cutting tasks?",
    "What is leadership development in the public sector?",
    "How can employees be involved in cross-boundary efforts?",
    "What motivates staff in welfare work?",
    "How do leaders work with culture and values?",
    "What is sense-making leadership?",
    "How do you handle several sets of legislation in one case?",
    "What do leaders say about trust and control?",
    "How can a coordinator help citizens with many points of contact?",
    "Which conditions make cross-boundary leadership possible?",
    "How do you prioritise across silo budgets?",
    "What do employees expect from their manager?",
    "How do you build strong relationships between leaders?",
    "What is the chain of management and how is it used?",
    "How can regions and municipalities cooperate better?",
    "Give me a quote about the citizen's journey through the system",
    "What are the challenges of leading professionals?",
    "How do you give employees room to act?",
    "What is the difference between governance and leadership?",
    "How do you measure the effect of a cross-boundary initiative?",
    "How do you talk to politicians about professional dilemmas?",
    "What is a holistic, coordinated effort for citizens?",
    "How do you create ownership among employees?",
    "What do top managers say about their own leadership?",
    "How can middle managers cope with cross-pressure?",
    "What is the Knowledge Centre for Welfare Leadership?",
    "How do I bake sourdough bread?",
    "Who won the football match yesterday?",
    "How do I apply for a building permit for a carport?",
    "What is the capital of Australia?",
]
QUESTIONS = [q for pair in zip(QUESTIONS_DA, QUESTIONS_EN) for q in pair]  # alternating languages


# ---------------------------------------------------------------- helpers


def summary(ms: Sequence[float]) -> dict[str, float]:
    a = np.asarray(ms, dtype=np.float64)
    return {"n": len(a), "mean": float(a.mean()), "p50": float(np.percentile(a, 50)), "p95": float(np.percentile(a, 95))}


def timed(fns: dict[str, Callable[[str], object]], queries: Sequence[str]) -> dict[str, dict[str, float]]:
    """Milliseconds per call of each function, one call per query; interleaved, so they share conditions."""
    ms: dict[str, list[float]] = {name: [] for name in fns}
    for q in queries:
        for name, fn in fns.items():
            started = time.perf_counter()
            fn(q)
            ms[name].append((time.perf_counter() - started) * 1000)
    return {name: summary(values) for name, values in ms.items()}


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


class HashEmbedder:
    """A fast deterministic stand-in for a sentence model: a random projection of a bag of words.

    Each content word has a fixed Gaussian vector seeded by a hash of the word; a
    text is the unit-length sum of its words' vectors, weighted by log(1 + count).
    Texts that share words get similar vectors. `seconds` counts time spent encoding.
    """

    def __init__(self, dimensions: int = SYNTHETIC_DIMS) -> None:
        self._dimensions = dimensions
        self._rows: dict[str, int] = {}
        self._table = np.zeros((0, dimensions), dtype=np.float32)
        self.seconds = 0.0

    @property
    def model_id(self) -> str:
        return f"bench-hash-{self._dimensions}"

    @property
    def dimensions(self) -> int:
        return self._dimensions

    def encode(self, texts: Sequence[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        from scipy import sparse

        from knowledge.lexical import danish_stopwords
        from knowledge.text import words

        started = time.perf_counter()
        stop = danish_stopwords()
        cols: list[int] = []
        indptr = [0]
        new: list[str] = []
        for text in texts:
            for w in words(text):
                if w in stop:
                    continue
                j = self._rows.get(w)
                if j is None:
                    j = self._rows[w] = len(self._rows)
                    new.append(w)
                cols.append(j)
            indptr.append(len(cols))
        if new:
            self._table = np.vstack([self._table, *(self._word_vector(w) for w in new)])
        counts = sparse.csr_matrix(
            (np.ones(len(cols), dtype=np.float32), np.asarray(cols, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
            shape=(len(texts), len(self._rows)),
        )
        counts.sum_duplicates()
        counts.data = np.log1p(counts.data)
        out = np.asarray(counts @ self._table, dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        out /= np.where(norms > 0, norms, 1.0)
        self.seconds += time.perf_counter() - started
        return out

    def _word_vector(self, word: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
        return np.random.default_rng(seed).standard_normal((1, self._dimensions), dtype=np.float32)


# ---------------------------------------------------------------- child parts (run with --part)


def part_real(data_dir: Path) -> dict[str, Any]:
    """Build the bundled sources' index with the real model, then time warm search and ask."""
    from knowledge import engine
    from knowledge.answer import answer
    from knowledge.embed import SentenceTransformerEmbedder
    from knowledge.settings import Settings

    settings = Settings(data_dir=data_dir)
    started = time.perf_counter()
    embedder = SentenceTransformerEmbedder()
    _ = embedder.dimensions  # imports sentence-transformers and loads the model
    loaded = time.perf_counter()
    built = engine.build_index(settings, embedder, report=lambda _m: None)
    done = time.perf_counter()
    searcher = engine.make_searcher(settings, embedder)  # loads the index from disk, as a process would
    for q in QUESTIONS[:6]:  # warm up: word lists, stemmer, glossary, torch kernels
        answer(searcher, q)
    return {
        "passages": len(built.passages),
        "faiss": built.manifest["faiss"],
        "load_s": loaded - started,
        "build_s": done - loaded,
        "total_s": done - started,
        **timed({"search": lambda q: searcher.search(q, k=5), "ask": lambda q: answer(searcher, q)}, QUESTIONS),
        "maxrss_mb": maxrss_mb(),
    }


def synthetic_passages(n: int, rng: np.random.Generator, data_dir: Path) -> list[Passage]:
    """`n` passages of 40–120 words drawn from the bundled corpus' vocabulary by its word frequencies."""
    from knowledge import corpus
    from knowledge.passage import Passage
    from knowledge.settings import Settings
    from knowledge.text import words

    _docs, real = corpus.load_passages(Settings(data_dir=data_dir))
    counts = Counter(w for p in real for w in words(p.text))
    vocab = sorted(counts)
    freq = np.array([counts[w] for w in vocab], dtype=np.float64)
    lengths = rng.integers(40, 121, size=n)
    drawn = rng.choice(len(vocab), size=int(lengths.sum()), p=freq / freq.sum())
    ends = np.cumsum(lengths)
    out = []
    for i, (start, end) in enumerate(zip((ends - lengths).tolist(), ends.tolist())):
        model = real[i % len(real)]
        doc = f"syn-{i // 100:05d}"
        text = " ".join(vocab[j] for j in drawn[start:end].tolist())
        out.append(
            Passage(
                id=f"{doc}:{i % 100:02d}", doc_id=doc, source=f"{doc}.txt", title=model.title,
                section=model.section, text=text, order=i,
            )
        )
    return out


def part_synthetic(n: int, data_dir: Path) -> dict[str, Any]:
    """Build an index of `n` synthetic passages; time search; recall of the faiss index against exact search."""
    import faiss

    from knowledge import index
    from knowledge.calibration import load_weights
    from knowledge.lexical import danish_stopwords
    from knowledge.search import CANDIDATES, Searcher
    from knowledge.settings import Settings

    settings = Settings(data_dir=data_dir)
    rng = np.random.default_rng(SEED)
    started = time.perf_counter()
    passages = synthetic_passages(n, rng, data_dir)
    generated = time.perf_counter()
    embedder = HashEmbedder()
    idx = index.build(
        settings.index_dir, passages, embedder, settings.ann_threshold, settings.batch_size, gloss=settings.gloss,
    )
    built = time.perf_counter()
    searcher = Searcher(idx, embedder, load_weights(), settings.max_query_chars)
    stop = danish_stopwords()
    queries: list[str] = []
    while len(queries) < SYNTHETIC_QUERIES:  # 3–8 words of a passage, at least two of them content words
        picked = rng.choice(passages[int(rng.integers(n))].text.split(), size=int(rng.integers(3, 9)), replace=False)
        if len(set(picked.tolist()) - stop) >= 2:
            queries.append(" ".join(picked.tolist()))
    for q in queries[:5]:
        searcher.search(q, k=5)

    vectors = np.stack([searcher.query_vector(q, "da") for q in queries])  # as the index holds passages
    exact = faiss.IndexFlatIP(idx.vectors.shape[1])
    exact.add(idx.vectors)
    _, truth = exact.search(vectors, RECALL_K)

    def recall(k: int) -> float:
        _, found = idx.faiss_index.search(vectors, k)
        return float(np.mean([len(set(t) & set(f[:RECALL_K])) / RECALL_K for t, f in zip(truth.tolist(), found.tolist())]))

    recall_k, recall_wide = recall(RECALL_K), recall(min(CANDIDATES, n))  # the searcher asks for CANDIDATES
    hnsw = getattr(idx.faiss_index, "hnsw", None)
    ef_search = int(hnsw.efSearch) if hnsw is not None else None
    if hnsw is not None:
        hnsw.efSearch = EF_PROBE
    recall_probe = recall(min(CANDIDATES, n))
    return {
        "passages": n,
        "faiss": idx.manifest["faiss"],
        "ef_search": ef_search,
        "generate_s": generated - started,
        "build_s": built - generated,
        "embed_s": embedder.seconds,
        **timed({"search": lambda q: searcher.search(q, k=5)}, queries),
        "recall_k": recall_k,
        "recall_wide": recall_wide,
        "recall_probe": recall_probe,
        "maxrss_mb": maxrss_mb(),
    }


# ---------------------------------------------------------------- the parent: orchestration and the table


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))


def _env(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ, "BROBYGGER_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
    }


def _remaining(deadline: float) -> float:
    return deadline - time.monotonic()


def run_part(args: list[str], data_dir: Path, deadline: float, cap_s: float) -> dict[str, Any]:
    """Run one measurement in a child process under the time and memory limits; its result, or {"error": …}."""
    timeout = min(cap_s, _remaining(deadline))
    if timeout < 5:
        return {"error": "skipped: the time budget is spent"}
    cmd = [sys.executable, "-m", "bench.run", "--part", *args, "--data-dir", str(data_dir)]
    try:
        proc = subprocess.run(
            cmd, cwd=REPO, env=_env(data_dir), capture_output=True, text=True, timeout=timeout, preexec_fn=_limit_memory
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0:
        return {"error": f"exit code {proc.returncode}: " + " | ".join(proc.stderr.strip().splitlines()[-3:])}
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def run_cli(cmd: list[str], data_dir: Path, work: Path, deadline: float) -> tuple[float, list[float], str]:
    """Run one CLI batch: (wall seconds, the moment each output line arrived, problem).

    In batch mode the CLI flushes one JSON line per query, so the gaps between lines
    are the in-process cost per query, free of start-up noise.
    """
    timeout = min(120.0, _remaining(deadline))
    if timeout < 5:
        return 0.0, [], "skipped: the time budget is spent"
    errors = work / "cli-stderr.txt"
    started = time.perf_counter()
    with open(errors, "w") as err:
        proc = subprocess.Popen(
            cmd, cwd=REPO, env=_env(data_dir), stdout=subprocess.PIPE, stderr=err, text=True, preexec_fn=_limit_memory
        )
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        assert proc.stdout is not None
        stamps = [time.perf_counter() - started for _line in proc.stdout]
        code = proc.wait()
        timer.cancel()
    seconds = time.perf_counter() - started
    stderr = errors.read_text(encoding="utf-8", errors="replace")
    if code != 0:
        return seconds, stamps, f"exit code {code}: " + " | ".join(stderr.strip().splitlines()[-3:])
    if "No index yet" in stderr or "changed since the index was built" in stderr:
        return seconds, stamps, "the CLI rebuilt the index (did the corpus or the word lists change during the run?)"
    return seconds, stamps, ""


def bench_cli(data_dir: Path, work: Path, deadline: float) -> dict[str, Any]:
    """`brobygger search|ask --json --batch` with 20 and 100 queries: wall times and the marginal cost per query."""
    exe = Path(sys.executable).with_name("brobygger")
    base = [str(exe)] if exe.exists() else [sys.executable, "-m", "knowledge.cli"]
    lo, hi = CLI_SIZES
    out: dict[str, Any] = {}
    for command, extra in (("search", ["-k", "5"]), ("ask", [])):
        wall: dict[int, float] = {}
        gaps: list[float] = []
        for n in CLI_SIZES:
            file = work / f"queries-{n}.txt"
            file.write_text("\n".join(QUESTIONS[:n]) + "\n", encoding="utf-8")
            runs = []
            for _ in range(CLI_REPEATS):
                seconds, stamps, problem = run_cli([*base, command, "--json", *extra, "--batch", str(file)], data_dir, work, deadline)
                if not problem and len(stamps) != n:
                    problem = f"{len(stamps)} lines of output for {n} queries"
                if problem:
                    return {**out, command: {"error": problem}}
                runs.append(seconds)
                if n == hi:
                    gaps.append((stamps[-1] - stamps[0]) / (n - 1))
            wall[n] = min(runs)
        out[command] = {
            "t_lo": wall[lo], "t_hi": wall[hi], "marginal_ms": (wall[hi] - wall[lo]) / (hi - lo) * 1000,
            "per_line_ms": min(gaps) * 1000,
        }
    return out


Row = tuple[str, str, str, str]  # measure, value, target, status


def _status(value: float, target: float) -> str:
    return "met" if value <= target else "NOT MET"


def rows_real(r: dict[str, Any]) -> list[Row]:
    if "error" in r:
        return [("real corpus", r["error"], "", "")]
    rows: list[Row] = [
        ("passages / faiss", f"{r['passages']} / {r['faiss']}", "", ""),
        ("model load (import + weights)", f"{r['load_s']:.1f} s", "", ""),
        ("index build, excluding model load", f"{r['build_s']:.1f} s", f"≤ {TARGET_BUILD_S:.0f} s", _status(r["build_s"], TARGET_BUILD_S)),
        ("index build, including model load", f"{r['total_s']:.1f} s", "", ""),
    ]
    for name, target in (("search", TARGET_SEARCH_MS), ("ask", TARGET_ASK_MS)):
        s = r[name]
        rows.append((f"warm {name}, mean (n={s['n']})", f"{s['mean']:.1f} ms", f"≤ {target:.0f} ms", _status(s["mean"], target)))
        rows.append((f"warm {name}, p50 / p95", f"{s['p50']:.1f} / {s['p95']:.1f} ms", "", ""))
    rows.append(("peak RSS (model + build + search)", f"{r['maxrss_mb']:.0f} MB", "", ""))
    return rows


def rows_cli(c: dict[str, Any]) -> list[Row]:
    lo, hi = CLI_SIZES
    rows: list[Row] = []
    for command in ("search", "ask"):
        r = c.get(command, {"error": "not run"})
        if "error" in r:
            rows.append((f"CLI {command} --batch", r["error"], "", ""))
            continue
        rows.append((f"CLI {command} --batch, wall {lo} / {hi} queries", f"{r['t_lo']:.2f} / {r['t_hi']:.2f} s", "", ""))
        rows.append((f"CLI {command}, marginal per query", f"{r['marginal_ms']:.1f} ms", "", ""))
        rows.append((f"CLI {command}, per query from output timing", f"{r['per_line_ms']:.1f} ms", "", ""))
    return rows


def rows_synthetic(n: int, r: dict[str, Any]) -> list[Row]:
    if "error" in r:
        return [(f"{n:,} passages", r["error"], "", "")]
    s, hnsw = r["search"], r["ef_search"] is not None
    p95_target, p95_status = (f"≤ {TARGET_SYNTHETIC_P95_MS:.0f} ms", _status(s["p95"], TARGET_SYNTHETIC_P95_MS)) if n >= 100_000 else ("", "")
    rows: list[Row] = [
        ("faiss (manifest)", r["faiss"] + (f", efSearch {r['ef_search']}" if hnsw else ""), "", ""),
        ("generate passages", f"{r['generate_s']:.1f} s", "", ""),
        ("index build (of which embedding)", f"{r['build_s']:.1f} s ({r['embed_s']:.1f} s)", "", ""),
        (f"search k=5, mean / p50 (n={s['n']})", f"{s['mean']:.1f} / {s['p50']:.1f} ms", "", ""),
        ("search k=5, p95", f"{s['p95']:.1f} ms", p95_target, p95_status),
        (f"recall@{RECALL_K} vs exact, faiss k={RECALL_K}", f"{r['recall_k']:.3f}", "", ""),
        (f"recall@{RECALL_K} vs exact, as searched (k=200)", f"{r['recall_wide']:.3f}", "", ""),
    ]
    if hnsw:
        rows.append((f"recall@{RECALL_K}, as searched, efSearch {EF_PROBE}", f"{r['recall_probe']:.3f}", "", ""))
    rows.append(("peak RSS (this size, own process)", f"{r['maxrss_mb']:.0f} MB", "", ""))
    return rows


def print_table(sections: list[tuple[str, list[Row]]]) -> None:
    width = max(len(m) for _t, rows in sections for m, *_ in rows)
    vwidth = max(len(v) for _t, rows in sections for _m, v, *_ in rows)
    line = "-" * (width + vwidth + 24)
    print(line)
    print(f"{'measure':<{width}}  {'value':>{vwidth}}  {'target':>9}  status")
    for title, rows in sections:
        print(line)
        print(title)
        for measure, value, target, status in rows:
            print(f"{measure:<{width}}  {value:>{vwidth}}  {target:>9}  {status}".rstrip())
    print(line)


def orchestrate() -> int:
    from importlib.metadata import version

    deadline = time.monotonic() + BUDGET_S
    began = time.monotonic()
    load_before = os.getloadavg()[0]
    say: Callable[[str], None] = lambda m: print(f"[bench {time.monotonic() - began:5.0f} s] {m}", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="brobygger-bench-") as tmp:
        work = Path(tmp)
        real_dir = work / "real"
        say("bundled sources: model load, index build, warm search and ask …")
        real = run_part(["real"], real_dir, deadline, cap_s=300)
        synthetic = {}
        for n in SYNTHETIC_SIZES:
            say(f"synthetic corpus of {n:,} passages …")
            synthetic[n] = run_part(["synthetic", "--size", str(n)], work / f"synthetic-{n}", deadline, cap_s=300)
        say("CLI batches (each one starts the model) …")
        cli = bench_cli(real_dir, work, deadline) if "error" not in real else {}
        say("dialogue: Rasa and the action server over REST …")
        from bench.dialogue import measure, rows as rows_dialogue

        dialogue = measure(real_dir)
        say(f"done; removing {tmp}")
    print(
        f"Brobygger benchmark: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"torch {version('torch')}, faiss {version('faiss-cpu')}, total {time.monotonic() - began:.0f} s"
    )
    load_after = os.getloadavg()[0]
    print(f"load average (1 min) before / after: {load_before:.2f} / {load_after:.2f}", end="")
    busy = load_before > 0.5 * (os.cpu_count() or 1)  # "after" includes our own children
    print("  (other processes were busy: the timings are pessimistic)" if busy else "")
    sections = [("bundled sources, real model", rows_real(real)), ("CLI batch (marginal = (t100 − t20) / 80)", rows_cli(cli))]
    sections += [(f"synthetic {n:,} passages, {SYNTHETIC_DIMS}-d hash embedder", rows_synthetic(n, r)) for n, r in synthetic.items()]
    sections.append(("dialogue over REST, warm (Rasa 3.6 + action server, one turn = one HTTP request)", rows_dialogue(dialogue)))
    print_table(sections)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("real", "synthetic"), help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=10_000, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.part is None:
        return orchestrate()
    if args.data_dir is None:
        parser.error("--part needs --data-dir")
    result = part_real(args.data_dir) if args.part == "real" else part_synthetic(args.size, args.data_dir)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

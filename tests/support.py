"""Helpers shared by the tests: a tiny Danish corpus, a hand-made PDF, the bundled sources."""

from __future__ import annotations

import http.client
import io
import json
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

from knowledge.chunk import mark_duplicates, parse_clean, passages_from_blocks
from knowledge.passage import Passage
from knowledge.settings import CORPUS_DIR
from knowledge.text import normalize_space

# ---------------------------------------------------------------------------------------------
# A tiny corpus in the cleaned-markdown form (front matter + `#` headings, `?`/`!` Q&A, lists).
# ---------------------------------------------------------------------------------------------

MINI_STAFET = """---
doc_id: mini-stafet
source: mini_stafet.txt
title: Små stemmer fra offentlige ledere
groups:
- institutions- og driftsledere
- topledere
---

# Små stemmer fra offentlige ledere

## Topledere – krydspres

? Hvordan håndterer du krydspresset mellem politiske krav og faglige hensyn?
? Hvad gør du, når budgettet og kvalitetsindikatorerne trækker i hver sin retning?

! Jeg samler mine chefer hver uge og taler åbent om de modsatrettede krav fra byrådet og fagligheden.
! Vi har skåret ned på antallet af kvalitetsindikatorer, så de få mål, vi følger, giver mening for medarbejderne.

## Institutions- og driftsledere – borgerblik

? Hvordan inddrager I forældrene i udviklingen af dagtilbuddet?

! Forældrene sidder med i et panel, og vi ændrer åbningstiderne efter deres ønsker.

## Institutions- og driftsledere – ledelsesrum

Et stort ledelsesspænd betyder, at den enkelte leder har mange medarbejdere og for lidt tid til sparring.
"""

MINI_GUIDE = """---
doc_id: mini-guide
source: mini_guide.txt
title: Guide til ledelse på tværs
---

# Guide til ledelse på tværs

Fire råd til ledere, der skal samarbejde på tværs af forvaltninger:

1. Aftal et fælles mål for borgerens forløb
2. Mød hinanden fysisk hver måned
3. Del data om borgerne på tværs af afdelingerne
4. Fejr de små sejre sammen med medarbejderne

## Borgerinddragelse

Borgerinddragelse kræver, at lederen giver medarbejderne tid til at lytte til borgerens egne ønsker.

Morsø Kommune har samlet en koordinator omkring de mest udsatte familier, så familien kun har én indgang til kommunen.

## Erfaringer

Erfaringerne fra projekterne er mange. Lederne i hjemmeplejen mødtes hver fjortende dag med sygeplejerskerne fra hospitalet. De aftalte faste rutiner for udskrivelser, så ingen borger kom hjem til en tom lejlighed. Det krævede tålmodighed, for de to organisationer havde forskellige it-systemer og forskellige arbejdstider. Videndeling mellem afdelingerne blev styrket, da lederne indførte fælles tavlemøder hver morgen. Medarbejderne fortalte, at de nu kendte hinandens navne og ringede direkte til hinanden. Det gav færre misforståelser og hurtigere beslutninger. Til sidst evaluerede lederne forløbet sammen med borgerne og deres pårørende, og evalueringen viste stor tilfredshed.
"""

MINI_NYHED = """---
doc_id: mini-nyhed
source: mini_nyhed.txt
title: Nyhed om sammenhængende forløb
---

# Nyhed om sammenhængende forløb

Morsø Kommune har samlet en koordinator omkring de mest udsatte familier, så familien kun har én indgang til kommunen.

Sygefraværet faldt, da lederne begyndte at holde trivselssamtaler med alle medarbejdere hvert kvartal.
"""

MINI_DOCS = {"mini_stafet.md": MINI_STAFET, "mini_guide.md": MINI_GUIDE, "mini_nyhed.md": MINI_NYHED}
LONG_PARAGRAPH_START = "Erfaringerne fra projekterne er mange."
DUPLICATED_PARAGRAPH_START = "Morsø Kommune har samlet en koordinator"


def write_mini_corpus(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in MINI_DOCS.items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def passages_from_files(paths: list[Path]) -> list[Passage]:
    passages: list[Passage] = []
    for path in paths:
        doc, blocks, groups = parse_clean(path.read_text(encoding="utf-8"))
        passages.extend(passages_from_blocks(doc, blocks, groups))
    return mark_duplicates(passages)


def mini_references() -> dict[str, str]:
    """The mini corpus' 'originals' (its cleaned text), whitespace-normalised, by source name."""
    out = {}
    for text in MINI_DOCS.values():
        source = next(l.split(":", 1)[1].strip() for l in text.splitlines() if l.startswith("source:"))
        out[source] = normalize_space(text)
    return out


# ---------------------------------------------------------------------------------------------
# The bundled sources
# ---------------------------------------------------------------------------------------------

SOURCES_DIR = CORPUS_DIR / "sources"


def bundled_source_texts() -> dict[str, str]:
    """The citable originals of the bundled corpus, whitespace-normalised, by file name."""
    return {p.name: normalize_space(p.read_text(encoding="utf-8")) for p in sorted(SOURCES_DIR.glob("*.txt"))}


def raw_bundled_source(prefix: str) -> str:
    path = next(SOURCES_DIR.glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8")


def passage_lines(p: Passage) -> list[str]:
    """The pieces of a passage that must each be verbatim in the source: a list line by line."""
    return [l for l in p.text.split("\n") if l.strip()] if p.role == "list" else [p.text]


# ---------------------------------------------------------------------------------------------
# A real, minimal PDF (no PDF library needed to write it; pypdf must read it)
# ---------------------------------------------------------------------------------------------


def make_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF with the lines as text (Helvetica, WinAnsi encoding so æøå survive)."""
    try:  # a real PDF writer, when one happens to be installed
        from reportlab.pdfgen import canvas  # type: ignore[import-not-found]

        buffer = io.BytesIO()
        page = canvas.Canvas(buffer)
        for n, line in enumerate(lines):
            page.drawString(72, 780 - 16 * n, line)
        page.save()
        return buffer.getvalue()
    except Exception:
        pass
    try:
        from fpdf import FPDF  # type: ignore[import-not-found]

        pdf = FPDF()
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        for line in lines:
            pdf.cell(0, 8, line, ln=1)
        return bytes(pdf.output())
    except Exception:
        pass

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 12 Tf", "16 TL", "72 770 Td"]
    ops += [f"({esc(line)}) Tj T*" for line in lines]
    ops.append("ET")
    stream = "\n".join(ops).encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# ---------------------------------------------------------------------------------------------
# The console script
# ---------------------------------------------------------------------------------------------

BROBYGGER = Path(sys.executable).parent / "brobygger"


def cli_env(data_dir: Path, model: str = "fake-64", extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BROBYGGER_")}
    env.update(
        BROBYGGER_DATA_DIR=str(data_dir),
        BROBYGGER_MODEL=model,
        HF_HUB_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        PYTHONIOENCODING="utf-8",
    )
    env.update(extra or {})
    return env


def run_cli(args: list[str], data_dir: Path, model: str = "fake-64", cwd: Path | None = None,
            timeout: float = 120, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BROBYGGER), *args], env=cli_env(data_dir, model, env), cwd=cwd or data_dir.parent,
        capture_output=True, text=True, encoding="utf-8", timeout=timeout,
    )


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def http_call(base: str, method: str, path: str, body: bytes | None = None,
              headers: dict[str, str] | None = None, timeout: float = 120) -> tuple[int, dict[str, str], str]:
    """(status, lower-cased headers, body) of one request; http.client, so any method, header and body
    can be sent as is."""
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode("utf-8", errors="replace")
    finally:
        conn.close()

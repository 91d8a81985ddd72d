"""The corpus: the bundled sources (cleaned copy with provenance) and an organisation's own documents."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge.chunk import mark_duplicates, parse_clean, passages_from_blocks
from knowledge.clean import Rules, clean, looks_like_markdown, render
from knowledge.passage import Document, Passage
from knowledge.settings import CORPUS_DIR, Settings
from knowledge.text import normalize_space

SUPPORTED = (".txt", ".md", ".pdf")
PROVENANCE_KEYS = ("doc_id", "source", "title", "subtitle", "publisher", "author", "date", "kind", "language")


class IngestError(Exception):
    """A document that could not be read or parsed."""


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def catalog() -> list[dict[str, Any]]:
    with open(CORPUS_DIR / "catalog.yaml", encoding="utf-8") as f:
        return list(yaml.safe_load(f)["documents"])


def clean_bundled(out_dir: Path | None = None) -> list[Path]:
    """Regenerate the cleaned copy of the bundled sources from the originals and the catalog."""
    out_dir = out_dir or CORPUS_DIR / "clean"
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for entry in catalog():
        raw = (CORPUS_DIR / "sources" / entry["file"]).read_text(encoding="utf-8")
        markdown = looks_like_markdown(raw)
        blocks = clean(raw, Rules.from_entry(entry), markdown=markdown)
        meta = {k: entry[k] for k in PROVENANCE_KEYS if entry.get(k)}
        meta["source"] = entry["file"]
        groups = sorted({s["group"] for s in entry.get("sections", []) if s.get("group")})
        if groups:
            meta["groups"] = groups
        path = out_dir / (Path(entry["file"]).stem + ".md")
        path.write_text(render(blocks, meta), encoding="utf-8")
        written.append(path)
    return written


def cleaned_files(settings: Settings) -> list[Path]:
    bundled = sorted((CORPUS_DIR / "clean").glob("*.md"))
    added = sorted((settings.documents_dir / "clean").glob("*.md"))
    return bundled + added


def load_passages(settings: Settings) -> tuple[list[Document], list[Passage]]:
    """All documents and their passages, duplicates across documents marked."""
    docs: list[Document] = []
    passages: list[Passage] = []
    for path in cleaned_files(settings):
        doc, blocks, groups = parse_clean(path.read_text(encoding="utf-8"))
        docs.append(doc)
        passages.extend(passages_from_blocks(doc, blocks, groups))
    return docs, mark_duplicates(passages)


def reference_texts(settings: Settings) -> dict[str, str]:
    """The citable originals, whitespace-normalised: what quotes are checked against.

    Bundled sources are keyed by file name, added documents by document id."""
    refs = {p.name: normalize_space(p.read_text(encoding="utf-8")) for p in (CORPUS_DIR / "sources").glob("*.txt")}
    added = settings.documents_dir / "sources"
    if added.exists():
        for p in added.glob("*.txt"):
            refs[p.stem] = normalize_space(p.read_text(encoding="utf-8"))  # by document id: names may repeat
    return refs


def ingest(path: Path, settings: Settings) -> IngestReport:
    """Add an organisation's own documents (.txt, .md, .pdf): a file, or every such file under a folder."""
    report = IngestReport()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED)
    if not path.exists():
        report.failed.append((str(path), "no such file or folder"))
        return report
    for file in files:
        try:
            _ingest_file(file, settings)
            report.added.append(file.name)
        except IngestError as exc:
            report.failed.append((file.name, str(exc)))
    return report


def _ingest_file(file: Path, settings: Settings) -> None:
    suffix = file.suffix.lower()
    if suffix not in SUPPORTED:
        raise IngestError(f"unsupported file type {suffix or '(none)'}; use .txt, .md or .pdf")
    text = _extract_text(file)
    if not normalize_space(text):
        raise IngestError("no text could be read from it")
    # the folder is part of the id, so same-named files from different folders are both kept
    folder = hashlib.sha1(str(file.resolve().parent).encode("utf-8")).hexdigest()[:6]
    doc_id = "org-" + re.sub(r"[^a-z0-9]+", "-", file.name.lower()).strip("-") + "-" + folder
    blocks = clean(text, markdown=suffix == ".md" or looks_like_markdown(text))
    if not any(b.kind != "heading" for b in blocks):
        raise IngestError("no paragraphs were found in it")
    title = next((b.text for b in blocks if b.kind == "heading"), file.stem)
    meta = {"doc_id": doc_id, "source": file.name, "title": title, "kind": f"organisation document ({suffix[1:]})"}
    sources = settings.documents_dir / "sources"
    cleaned = settings.documents_dir / "clean"
    sources.mkdir(parents=True, exist_ok=True)
    cleaned.mkdir(parents=True, exist_ok=True)
    (sources / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    (cleaned / f"{doc_id}.md").write_text(render(blocks, meta), encoding="utf-8")


def _extract_text(file: Path) -> str:
    if file.suffix.lower() == ".pdf":
        try:
            from pypdf import PdfReader

            reader = PdfReader(str(file))
            return "\n\n".join(page.extract_text() or "" for page in reader.pages)
        except Exception as exc:  # pypdf raises many types on broken files
            raise IngestError(f"the PDF could not be parsed ({type(exc).__name__}: {exc})") from exc
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(f"it is not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise IngestError(str(exc)) from exc

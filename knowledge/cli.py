"""The `brobygger` command line. Subcommands import what they need when they run."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

EXIT_USAGE = 2
EXIT_FAILURE = 1


class UsageError(Exception):
    """Bad input from the user: reported plainly, exit code 2."""


class Failure(Exception):
    """Something outside the user's input went wrong (e.g. the database is unreachable): exit code 1."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_USAGE
    from knowledge.embed import ModelLoadError
    from knowledge.index import IndexProblem

    try:
        return int(args.run(args) or 0)
    except UsageError as exc:
        print(f"brobygger: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (IndexProblem, ModelLoadError, Failure) as exc:
        print(f"brobygger: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="brobygger",
        description="Cited answers for Danish public-sector leaders from the Brobygger sources.",
    )
    sub = p.add_subparsers(title="commands")

    s = sub.add_parser("index", help="build or update the search index")
    s.add_argument("--rebuild", action="store_true", help="embed everything again, ignoring the index on disk")
    s.set_defaults(run=cmd_index)

    for name, fn, helptext in (("search", cmd_search, "find passages"), ("ask", cmd_ask, "answer with cited quotes")):
        s = sub.add_parser(name, help=helptext)
        s.add_argument("query", nargs="*", help="the question (or use --batch)")
        s.add_argument("--json", action="store_true", help="one JSON object per query")
        s.add_argument("-k", type=int, default=None, help="number of results (default 5)")
        s.add_argument("--source", default="", help="only this source (file name or document id)")
        s.add_argument("--theme", default="", help="only this theme, e.g. krydspres")
        s.add_argument("--group", default="", help="only this speaker group: topledere or institutions- og driftsledere")
        s.add_argument("--batch", type=Path, help="a file with one query per line")
        s.set_defaults(run=fn)

    s = sub.add_parser("chat", help="ask questions in the terminal, one after another")
    s.set_defaults(run=cmd_chat)

    s = sub.add_parser("eval", help="score retrieval and answers on a question file")
    s.add_argument("file", type=Path)
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=cmd_eval)

    s = sub.add_parser("ingest", help="add your own .txt, .md or PDF documents and update the index")
    s.add_argument("path", type=Path)
    s.set_defaults(run=cmd_ingest)

    s = sub.add_parser("clean", help="regenerate the cleaned copy of the bundled sources")
    s.set_defaults(run=cmd_clean)

    s = sub.add_parser("calibrate", help="fit fusion weights and the abstain threshold on a question file")
    s.add_argument("file", type=Path, nargs="?", help="default: the bundled calibration set")
    s.add_argument("--write", action="store_true", help="save the result as the new defaults")
    s.set_defaults(run=cmd_calibrate)

    s = sub.add_parser("forget", help="delete one person's conversation, feedback and unanswered questions")
    s.add_argument("sender_id", help="the conversation's sender id (as in the tracker store)")
    s.set_defaults(run=cmd_forget)

    s = sub.add_parser("purge", help="delete conversations and records older than the retention period")
    s.add_argument("--days", type=int, default=None,
                   help="the retention period in days (default: BROBYGGER_RETENTION_DAYS, else 180)")
    s.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    s.set_defaults(run=cmd_purge)

    s = sub.add_parser("report", help="for editors: unanswered questions and unhelpful answers, by theme")
    s.add_argument("--since", type=int, default=None, metavar="DAYS", help="only the last DAYS days")
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=cmd_report)
    return p


def _settings():  # type: ignore[no-untyped-def]
    from knowledge.settings import get_settings

    return get_settings()


def cmd_index(args: argparse.Namespace) -> int:
    from knowledge.engine import build_index

    build_index(_settings(), rebuild=args.rebuild, progress=sys.stderr.isatty())
    return 0


def _queries(args: argparse.Namespace) -> Iterator[tuple[int, str]]:
    if args.batch is not None:
        if args.query:
            raise UsageError("give either a query or --batch FILE, not both")
        try:
            raw = args.batch.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {args.batch}: {exc.strerror or exc}") from exc
        lines = raw.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        decoded = []
        for n, line in enumerate(lines, 1):
            try:
                decoded.append(line.rstrip(b"\r").decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise UsageError(f"{args.batch}, line {n}: not valid UTF-8 (byte {exc.start + 1})") from exc
        yield from enumerate(decoded, 1)
        return
    text = " ".join(args.query)
    if not text.strip():
        raise UsageError("the question is empty: write what you want to know, e.g. brobygger ask \"Hvad er krydspres?\"")
    yield 0, text


def _run_queries(args: argparse.Namespace, one: Callable[[Any, str, Any, int], dict[str, Any]], human: Callable[[dict[str, Any]], str]) -> int:
    from knowledge.engine import get_searcher
    from knowledge.search import EmptyQuery, Filters

    k = args.k if args.k is not None else _settings().top_k
    if k < 1 or k > 100:
        raise UsageError("-k must be between 1 and 100")
    filters = Filters(source=args.source, theme=args.theme, group=args.group)
    queries = list(_queries(args))  # validate the whole batch before any work
    searcher = get_searcher(repair=False)
    for n, text in queries:
        try:
            out = one(searcher, text, filters, k)
        except EmptyQuery as exc:
            if n == 0:
                raise UsageError(str(exc)) from exc
            out = {"query": text, "abstain": True, "results": [], "error": f"line {n}: empty query"}
        if args.json:
            print(json.dumps(out, ensure_ascii=False), flush=args.batch is not None)
        else:
            print(human(out))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    def one(searcher: Any, text: str, filters: Any, k: int) -> dict[str, Any]:
        return searcher.search(text, k=k, filters=filters).to_dict()

    return _run_queries(args, one, _human_search)


def cmd_ask(args: argparse.Namespace) -> int:
    from knowledge.answer import answer

    def one(searcher: Any, text: str, filters: Any, k: int) -> dict[str, Any]:
        return answer(searcher, text, filters, k).to_dict()

    return _run_queries(args, one, _human_answer)


def cmd_chat(args: argparse.Namespace) -> int:
    from knowledge.answer import answer
    from knowledge.engine import get_searcher
    from knowledge.search import EmptyQuery

    searcher = get_searcher(repair=False)
    print("Brobygger: stil et spørgsmål om ledelse på tværs (en tom linje eller Ctrl-D afslutter).")
    while True:
        try:
            question = input("\n> ")
        except EOFError:
            print()
            return 0
        if not question.strip():
            return 0
        try:
            print(_human_answer(answer(searcher, question).to_dict()))
        except EmptyQuery:
            continue


def _human_search(out: dict[str, Any]) -> str:
    if "error" in out:
        return f"({out['error']})"
    lines = [f"Søgning: {out['query'][:200]}"]
    if out.get("note"):
        lines.append(f"(note: {out['note']})")
    if out["abstain"]:
        lines.append("Kilderne ser ikke ud til at dække dette; de nærmeste passager er:")
    for i, r in enumerate(out["results"], 1):
        lines.append(f"\n{i}. [{r['score']:.3f}] {r['title']} › {r['section']}  ({r['source']}, {r['id']})")
        lines.append(_wrap(r["text"], "   "))
    return "\n".join(lines)


def _human_answer(out: dict[str, Any]) -> str:
    if "error" in out:
        return f"({out['error']})"
    lines = [out["answer"].split("\n")[0] if not out["abstain"] else out["answer"]]
    if out.get("note"):
        lines.append(f"(note: {out['note']})")
    for c in out["citations"]:
        lines.append(f"\n[{c['n']}] {_wrap(c['quote'], '    ').strip()}")
        lines.append(f"    — {c['label']}")
        lines.append(f"      {c['title']} › {c['section']} ({c['source']})")
    return "\n".join(lines) + "\n"


def _wrap(text: str, indent: str) -> str:
    import textwrap

    return "\n".join(textwrap.fill(line, 100, initial_indent=indent, subsequent_indent=indent) for line in text.split("\n"))


def cmd_eval(args: argparse.Namespace) -> int:
    from knowledge.corpus import reference_texts
    from knowledge.engine import get_searcher
    from knowledge.evaluate import EvalFileError, evaluate, format_report, load_items

    try:
        items = load_items(args.file)
    except EvalFileError as exc:
        raise UsageError(str(exc)) from exc
    report = evaluate(get_searcher(repair=False), items, reference_texts(_settings()))
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else format_report(report))
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from knowledge.corpus import ingest
    from knowledge.engine import build_index

    settings = _settings()
    report = ingest(args.path, settings)
    for name in report.added:
        print(f"added: {name}")
    for name, why in report.failed:
        print(f"not added: {name}: {why}", file=sys.stderr)
    if report.added:
        build_index(settings)
    return 0 if report.added or not report.failed else EXIT_FAILURE


def cmd_clean(args: argparse.Namespace) -> int:
    from knowledge.corpus import clean_bundled

    for path in clean_bundled():
        print(f"wrote {path}")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from knowledge.calibration import DEFAULT_SET, calibrate

    path = args.file or DEFAULT_SET
    print(calibrate(path, write=args.write))
    return 0


def _database_failure(exc: Exception) -> Failure:
    return Failure(f"{exc}. Check BROBYGGER_DATABASE_URL and that the database is running.")


def cmd_forget(args: argparse.Namespace) -> int:
    from records.db import RecordsUnavailable
    from records.privacy import forget

    sender = args.sender_id.strip()
    if not sender:
        raise UsageError("give the sender id of the conversation to delete")
    try:
        removed = forget(sender)
    except RecordsUnavailable as exc:
        raise _database_failure(exc) from None
    if removed.nothing:
        print(f"Nothing is stored for {sender!r}: there was nothing to delete.")
    else:
        print(f"Deleted what was stored for {sender!r}: {removed.events} conversation events, "
              f"{removed.feedback} feedback, {removed.unanswered} unanswered questions.")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from records.db import RecordsUnavailable
    from records.privacy import purge
    from records.settings import retention_days

    try:
        days = retention_days() if args.days is None else args.days
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if days < 1:
        raise UsageError("--days must be at least 1")
    try:
        removed = purge(days, dry_run=args.dry_run)
    except RecordsUnavailable as exc:
        raise _database_failure(exc) from None
    print(f"{'Would delete' if args.dry_run else 'Deleted'} {removed.conversations} conversations "
          f"({removed.events} events) whose latest message is older than {days} days, {removed.feedback} feedback "
          f"and {removed.unanswered} unanswered questions recorded before then.")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from knowledge.corpus import load_passages
    from records.db import RecordsUnavailable
    from records.report import Where, build, to_text

    if args.since is not None and args.since < 1:
        raise UsageError("--since must be at least 1 day")
    _, passages = load_passages(_settings())  # the corpus, not the index: no model needed
    try:
        report = build({p.id: Where(p.theme, p.title) for p in passages}, since_days=args.since)
    except RecordsUnavailable as exc:
        raise _database_failure(exc) from None
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else to_text(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

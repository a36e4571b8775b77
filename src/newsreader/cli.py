"""The ``newsreader`` command: the app, and the core driven headless.

``newsreader [SOURCE ...]`` opens the app. The sub-commands (``parse``,
``entities``, ``bookmarks``, ...) expose the core to scripts, benchmarks and
our own checks, so their JSON output is a stable interface: one JSON object
per line, keys as documented in the README.

This module imports nothing heavy at import time: ``newsreader entities --json -``
is timed with its start-up included, and the app imports Textual only when it
runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from newsreader import __version__

if TYPE_CHECKING:
    from newsreader.entities import Extractor
    from newsreader.models import Article
    from newsreader.store import Store

PROG = "newsreader"


class CliError(Exception):
    """A failure to report as one ``newsreader: ...`` line, with an exit code."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


# --------------------------------------------------------------------------- helpers


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _one_line(text: str) -> str:
    """Error reasons quote input; keep them on one clean line."""
    from newsreader.sanitize import clean_line

    return clean_line(text)


def _warn(message: str) -> None:
    print(f"{PROG}: {_one_line(message)}", file=sys.stderr)


def _emit_json(obj: object, out: TextIO) -> None:
    out.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _open_store(db: str | None) -> Store:
    from newsreader.store import Store, StoreError

    try:
        return Store.open(Path(db) if db else None)
    except StoreError as exc:
        raise CliError(str(exc), code=2) from None


def _add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="database file (default: $NEWSREADER_DB, else the user data dir)",
    )


def _add_engine_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ner",
        metavar="ENGINE",
        default=argparse.SUPPRESS,
        help="entity engine (default: the shipped model; see `newsreader engines`)",
    )


def _get_extractor(name: str) -> Extractor:
    from newsreader.entities.registry import get_extractor

    try:
        return get_extractor(name)
    except (ValueError, ImportError) as exc:
        raise CliError(str(exc), code=2) from None


# --------------------------------------------------------------------------- commands


def cmd_parse(args: argparse.Namespace, out: TextIO) -> int:
    """Read and parse SOURCEs without storing; report every failure, never a traceback."""
    from newsreader.sources import load_source

    failures = 0
    for spec in args.sources:
        result = load_source(spec)
        for article in result.articles:
            if args.json:
                _emit_json(_article_json(article), out)
            else:
                date = article.published.strftime("%Y-%m-%d") if article.published else "-"
                out.write(f"{date:10}  {article.source_name}  {article.title}\n")
        for warning in result.warnings:
            _warn(f"{warning.source}: warning: {warning.reason}")
        for error in result.errors:
            failures += 1
            _warn(f"{error.source}: {error.reason}")
    return 1 if failures else 0


def _article_json(article: Article) -> dict[str, object]:
    return {
        "source": article.source,
        "id": article.id,
        "title": article.title,
        "link": article.link,
        "author": article.author,
        "published": _iso(article.published),
        "text_length": len(article.text),
    }


def cmd_entities(args: argparse.Namespace, out: TextIO) -> int:
    """Print an article file's entities, or tag JSON lines from stdin (``--json -``)."""
    extractor = _get_extractor(args.ner)
    if args.file == "-":
        return _entities_stream(extractor, sys.stdin, out, as_json=args.json)

    from newsreader.sources import load_source

    result = load_source(args.file)
    for error in result.errors:
        _warn(f"{error.source}: {error.reason}")
    if not result.articles:
        return 1
    for article in result.articles:
        spans = extractor.extract(article.text, published=article.published)
        if args.json:
            _emit_json(
                {
                    "id": article.id,
                    "title": article.title,
                    "entities": [span.as_dict() for span in spans],
                },
                out,
            )
        else:
            _print_entity_summary(article.title, spans, out)
    return 0


def _entities_stream(extractor: Extractor, stream: TextIO, out: TextIO, *, as_json: bool) -> int:
    """The scoring interface: JSON lines in, one JSON line out per input, in order."""
    if not as_json:
        raise CliError("reading from stdin needs --json (JSON lines in, JSON lines out)", 2)
    bad = 0
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text = item["text"]
            if not isinstance(text, str):
                raise TypeError("text is not a string")
        except (ValueError, KeyError, TypeError) as exc:
            bad += 1
            _warn(f"stdin line {number}: not a JSON object with a text string ({exc})")
            _emit_json({"id": None, "entities": [], "error": "bad input line"}, out)
            continue
        spans = extractor.extract(text)
        _emit_json({"id": item.get("id"), "entities": [s.as_dict() for s in spans]}, out)
    out.flush()
    return 1 if bad else 0


def _print_entity_summary(title: str, spans: Sequence, out: TextIO) -> None:
    """Entities grouped as in the app's sidebar, most mentioned first."""
    from collections import Counter

    from newsreader.entities import GROUPS

    out.write(f"{title}\n")
    for heading, labels in GROUPS.items():
        counts = Counter((s.label, s.canonical or s.text) for s in spans if s.label in labels)
        if not counts:
            continue
        out.write(f"\n{heading}\n")
        for (label, name), count in counts.most_common():
            out.write(f"  {name}  ({label}, {count})\n")


def cmd_bookmarks(args: argparse.Namespace, out: TextIO) -> int:
    """List bookmarks, newest first."""
    store = _open_store(getattr(args, "db", None))
    try:
        bookmarks = store.bookmarks()
    finally:
        store.close()
    for bookmark in bookmarks:
        article = bookmark.article
        if args.json:
            _emit_json(
                {
                    "id": article.id,
                    "title": article.title,
                    "link": article.link,
                    "source": article.source,
                    "bookmarked_at": _iso(bookmark.bookmarked_at),
                },
                out,
            )
        else:
            when = bookmark.bookmarked_at.astimezone().strftime("%Y-%m-%d %H:%M")
            out.write(f"{when}  {article.source_name}  {article.title}\n")
    if not bookmarks and not args.json:
        out.write("No bookmarks yet. Press b on an article in the app to add one.\n")
    return 0


def cmd_engines(args: argparse.Namespace, out: TextIO) -> int:
    """List the entity engines this installation can use."""
    from newsreader.entities.registry import available_engines

    for name in available_engines():
        out.write(f"{name}\n")
    return 0


def cmd_locate(args: argparse.Namespace, out: TextIO) -> int:
    """Print where data is kept (the database path)."""
    from newsreader.store import default_db_path

    db = getattr(args, "db", None)
    out.write(f"database: {Path(db) if db else default_db_path()}\n")
    return 0


def cmd_app(args: argparse.Namespace, out: TextIO) -> int:
    """Open the app on SOURCEs (or the subscriptions, or the sample feeds)."""
    from newsreader.store import StoreError

    db = getattr(args, "db", None)
    # Check the database before the screen switches, so a bad file is a plain message.
    _open_store(db).close()
    from newsreader.ui.app import run_app

    try:
        run_app(Path(db) if db else None, list(args.sources), engine=args.ner)
    except StoreError as exc:
        raise CliError(str(exc), code=2) from None
    return 0


# --------------------------------------------------------------------------- parsers

Command = Callable[[argparse.Namespace, TextIO], int]


def _app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "A terminal news reader that highlights the people, organisations, places and "
            "dates in the news. With no SOURCE it opens your subscriptions, or the sample "
            "feeds when you have none."
        ),
        epilog=(
            "commands (run `newsreader COMMAND --help`):\n"
            "  parse SOURCE...       read and parse without storing\n"
            "  entities FILE|-       print an article's named entities\n"
            "  bookmarks             list bookmarks\n"
            "  engines               list entity engines\n"
            "  locate                print where data is kept\n"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="feed file, http(s) feed URL, article file (.txt .md .html .json .jsonl) or folder",
    )
    _add_db_option(parser)
    _add_engine_option(parser)
    parser.set_defaults(func=cmd_app)
    return parser


def _command_parsers() -> dict[str, argparse.ArgumentParser]:
    parsers: dict[str, argparse.ArgumentParser] = {}

    def make(name: str, func: Command, help_text: str) -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(prog=f"{PROG} {name}", description=help_text)
        _add_db_option(parser)
        parser.set_defaults(func=func)
        parsers[name] = parser
        return parser

    parse = make("parse", cmd_parse, "Read and parse SOURCEs without storing them.")
    parse.add_argument("sources", nargs="+", metavar="SOURCE")
    parse.add_argument("--json", action="store_true", help="one JSON object per article")

    entities = make(
        "entities",
        cmd_entities,
        "Print the named entities of an article file. With `--json -`, read JSON lines "
        '{"id": ..., "text": ...} on stdin and write one line per input: '
        '{"id": ..., "entities": [{"start", "end", "label", "text"}]}.',
    )
    entities.add_argument("file", metavar="FILE", help="an article file, or - for stdin")
    entities.add_argument("--json", action="store_true", help="JSON output")
    _add_engine_option(entities)

    bookmarks = make("bookmarks", cmd_bookmarks, "List bookmarks, newest first.")
    bookmarks.add_argument("--json", action="store_true", help="one JSON object per bookmark")

    make("engines", cmd_engines, "List the entity engines this installation can use.")
    make("locate", cmd_locate, "Print where newsreader keeps its data.")
    return parsers


def _split_command(argv: list[str]) -> tuple[str | None, list[str]]:
    """Find a sub-command name among the leading arguments (after global options).

    ``newsreader --db x.db bookmarks`` and ``newsreader bookmarks --db x.db``
    both work; a first positional that is not a command name is a SOURCE.
    """
    commands = _COMMAND_NAMES
    index = 0
    while index < len(argv):
        token = argv[index]
        if token in ("--db", "--ner"):
            index += 2
            continue
        if token.startswith("-"):
            index += 1
            continue
        if token in commands:
            return token, argv[:index] + argv[index + 1 :]
        return None, argv
    return None, argv


_COMMAND_NAMES = ("parse", "entities", "bookmarks", "engines", "locate")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    command, rest = _split_command(args_list)
    parser = _command_parsers()[command] if command else _app_parser()
    args = parser.parse_args(rest)
    if not hasattr(args, "ner"):
        args.ner = os.environ.get("NEWSREADER_NER", "default")
    if hasattr(args, "db"):
        os.environ["NEWSREADER_DB"] = args.db
    try:
        return args.func(args, sys.stdout)
    except CliError as exc:
        _warn(str(exc))
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `newsreader parse ... | head` closed the pipe: not an error worth a trace.
        sys.stderr.close()
        return 0
    except Exception as exc:  # the last line of defence: never a traceback for input
        if os.environ.get("NEWSREADER_DEBUG"):
            raise
        _warn(f"unexpected error: {type(exc).__name__}: {exc} (set NEWSREADER_DEBUG=1 for details)")
        return 1

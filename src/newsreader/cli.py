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
from typing import TYPE_CHECKING, TextIO, TypeVar

from newsreader import __version__

if TYPE_CHECKING:
    from newsreader.entities import Extractor
    from newsreader.feeds import FeedReport
    from newsreader.models import Article
    from newsreader.store import Feed, Store

PROG = "newsreader"
_T = TypeVar("_T")


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
        "source_name": article.source_name,
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
    """List bookmarks, newest first; ``--export md|json|html FILE`` writes them with notes."""
    if getattr(args, "export", None):
        return _export_bookmarks(args)
    with _open_store(getattr(args, "db", None)) as store:
        bookmarks = store.bookmarks()
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


def _export_bookmarks(args: argparse.Namespace) -> int:
    from newsreader.export import write_export

    fmt, target = args.export
    if fmt not in ("md", "json", "html"):
        raise CliError(f"unknown export format {_one_line(fmt)!r}: use md, json or html", code=2)
    with _open_store(getattr(args, "db", None)) as store:
        items = store.noted_bookmarks()
    path = Path(target)
    try:
        write_export(items, fmt, path)
    except OSError as exc:
        raise CliError(f"cannot write {_one_line(str(path))}: {exc.strerror or exc}") from None
    sys.stderr.write(f"Wrote {len(items)} bookmarks to {_one_line(str(path))}\n")
    return 0


def cmd_search(args: argparse.Namespace, out: TextIO) -> int:
    """Search stored articles; a malformed query is a one-line message, never a trace."""
    from newsreader.query import QueryError, parse_query

    text = " ".join(args.query)
    try:
        query = parse_query(text)
    except QueryError as exc:
        raise CliError(f"bad query: {exc.message}", 2) from None
    with _open_store(getattr(args, "db", None)) as store:
        hits = store.search(query, limit=max(1, args.limit))
    for hit in hits:
        header = hit.header
        if args.json:
            _emit_json(
                {
                    "key": header.key,
                    "title": header.title,
                    "source": header.source,
                    "source_name": header.source_name,
                    "published": _iso(header.published),
                    "read": header.read,
                    "bookmarked": header.bookmarked,
                },
                out,
            )
        else:
            day = header.published.strftime("%Y-%m-%d") if header.published else "-"
            out.write(f"{day:10}  {_one_line(header.source_name)}  {_one_line(header.title)}\n")
    return 0 if hits else 1


def cmd_fulltext(args: argparse.Namespace, out: TextIO) -> int:
    """Fetch a summary-only article's web page, store its main text, extract entities again."""
    from newsreader.sources.fulltext import FullTextError, adds_text, fetch_full_text
    from newsreader.store import StoreError

    store = _open_store(getattr(args, "db", None))
    try:
        keys = store.find_article_keys(args.id)
        if len(keys) != 1:
            raise CliError(
                f"no stored article with key or id {args.id}" if not keys else
                f"{len(keys)} articles have the id {args.id}; give the key "
                "(`newsreader search --json` shows it)"
            )
        key = keys[0]
        article = store.article(key)
        if article is None:
            raise CliError(f"no stored article with key or id {args.id}")
        fetched = article.summary_only or args.force
        if fetched:
            if not article.link:
                raise CliError(f"{article.title}: the article has no link to fetch")
            try:
                full = fetch_full_text(article.link)
            except FullTextError as exc:
                raise CliError(f"{article.link}: {exc}") from None
            if not args.force and not adds_text(full, article.text):
                raise CliError(f"{article.link}: the page has no more text than the summary "
                               "(--force stores it anyway)")
            store.set_full_text(key, full.text)
            article = store.article(key) or article
            _extract_again(store, key, article, args.ner)
        if args.json:
            _emit_json({"key": key, "id": article.id, "title": article.title,
                        "chars": len(article.text), "fetched": bool(fetched)}, out)
        elif fetched:
            out.write(f"Fetched {len(article.text)} characters for {_one_line(article.title)}\n")
        else:
            out.write(f"{_one_line(article.title)} already has its full text "
                      f"({len(article.text)} characters); --force fetches the page anyway\n")
        return 0
    except StoreError as exc:
        raise CliError(str(exc), code=2) from None
    finally:
        store.close()


def _extract_again(store: Store, key: int, article: Article, engine: str) -> None:
    """Entities for the new text now, so `newsreader entity` finds them; the app would too."""
    try:
        extractor = _get_extractor(engine)
    except CliError as exc:
        _warn(f"stored the text, but no entities yet: {exc}")
        return
    spans = extractor.extract(article.text, published=article.published)
    name = f"{extractor.name}:{extractor.version}"  # as the app files them
    store.save_entities(key, name, spans, for_text=article.text)


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


# --------------------------------------------------------------------------- subscriptions


def _feeds_call(func: Callable[[], _T]) -> _T:
    """Run a feeds-service call; its refusals become one-line errors.

    Exit status 1 when the feed itself failed (an HTTP error, a page with no
    feed link), 2 when the request was wrong (not subscribed, no such file)
    or the database is unusable.
    """
    from newsreader.feeds import FeedsError, FeedUnavailable
    from newsreader.store import StoreError

    try:
        return func()
    except FeedUnavailable as exc:
        raise CliError(str(exc), code=1) from None
    except FeedsError as exc:
        raise CliError(str(exc), code=2) from None
    except StoreError as exc:
        raise CliError(str(exc), code=2) from None


def _feed_or_fail(store: Store, ref: str) -> Feed:
    from newsreader.feeds import find_feed

    feed = find_feed(store, ref)
    if feed is None:
        raise CliError(f"not subscribed: {ref}", code=2)
    return feed


def cmd_add(args: argparse.Namespace, out: TextIO) -> int:
    """Subscribe to a feed URL, a page with a feed link, a file or a folder; fetch it once."""
    from newsreader.feeds import add_feed, refresh_feeds

    with _open_store(getattr(args, "db", None)) as store:
        added = _feeds_call(
            lambda: add_feed(store, args.spec, args.title, args.tag or (), check=not args.no_fetch)
        )
        feed = added.feed
        if added.found_on:
            out.write(f"Found feed {feed.url} on {added.found_on}\n")
        if added.note:
            _warn(added.note)
        name = feed.url if feed.display_title == feed.url else f"{feed.display_title} ({feed.url})"
        if not added.created:
            out.write(f"Already subscribed: {name}\n")
            return 0
        out.write(f"Subscribed: {name}\n")
        if args.no_fetch:
            return 0
        summary = _feeds_call(
            lambda: refresh_feeds(store, [feed.url], parse_in_processes=False, force=True)
        )
        for report in summary.reports:
            _write_report(report, out)
        return 0


def cmd_remove(args: argparse.Namespace, out: TextIO) -> int:
    """Unsubscribe, deleting the feed's articles (bookmarks stay); asks first on a terminal."""
    with _open_store(getattr(args, "db", None)) as store:
        feeds = [_feed_or_fail(store, ref) for ref in args.urls]
        if not args.yes and not sys.stdin.isatty():
            raise CliError(
                "removing deletes the feed's articles (bookmarks stay); "
                "pass --yes to confirm when not running in a terminal",
                code=2,
            )
        for feed in feeds:
            if not args.yes and not _confirm(
                f"Remove feed {feed.display_title} and its {feed.total} articles "
                "(bookmarks stay)? [y/N] "
            ):
                out.write(f"Kept {feed.display_title}\n")
                continue
            removed = store.remove_feed(feed.url)
            if removed is None:
                _warn(f"{feed.url} was already unsubscribed")
                continue
            out.write(f"Removed {feed.display_title} and {removed} articles\n")
        return 0


def _confirm(question: str) -> bool:
    """Ask on stderr (stdout may be a pipe); only "y"/"yes" agrees."""
    sys.stderr.write(question)
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def cmd_rename(args: argparse.Namespace, out: TextIO) -> int:
    """Give a feed your own title; an empty title goes back to the feed's own."""
    with _open_store(getattr(args, "db", None)) as store:
        feed = _feed_or_fail(store, args.url)
        _feeds_call(lambda: store.rename_feed(feed.url, args.title))
        renamed = _feed_or_fail(store, feed.url)
        out.write(f"{renamed.url} is now shown as {renamed.display_title}\n")
        return 0


def cmd_tag(args: argparse.Namespace, out: TextIO) -> int:
    """Add tags to a feed (or take them away with --remove)."""
    from newsreader.sanitize import clean_line

    with _open_store(getattr(args, "db", None)) as store:
        feed = _feed_or_fail(store, args.url)
        given = [clean_line(tag).strip() for tag in args.tags]
        if args.remove:
            tags = [tag for tag in feed.tags if tag not in given]
        else:
            tags = [*feed.tags, *given]
        _feeds_call(lambda: store.set_feed_tags(feed.url, tags))
        now = _feed_or_fail(store, feed.url).tags
        out.write(f"{feed.display_title}: {', '.join(now) if now else '(no tags)'}\n")
        return 0


def cmd_retention(args: argparse.Namespace, out: TextIO) -> int:
    """Set how long a feed's articles are kept, and apply it now."""
    with _open_store(getattr(args, "db", None)) as store:
        feed = _feed_or_fail(store, args.url)
        if feed.is_local:
            raise CliError("retention is for web feeds; local files are mirrored as they are", 2)
        if args.keep_all:
            days, count = None, None
        else:
            days = feed.max_age_days if args.max_age is None else args.max_age
            count = feed.max_count if args.max_count is None else args.max_count
        _feeds_call(lambda: store.set_feed_retention(feed.url, days, count))
        dropped = _feeds_call(lambda: store.apply_retention(feed.source, days, count))
        if days is None and count is None:
            rule = "everything"
        else:
            parts = [f"the newest {count} articles" if count else ""]
            parts.append(f"articles up to {days:g} days old" if days else "")
            rule = " and ".join(part for part in parts if part)
        out.write(f"{feed.display_title}: keeping {rule} (bookmarks always); dropped {dropped}\n")
        return 0


def cmd_feeds(args: argparse.Namespace, out: TextIO) -> int:
    """List subscriptions with unread counts and their last error."""
    with _open_store(getattr(args, "db", None)) as store:
        feeds = store.feeds()
    for feed in feeds:
        if args.json:
            _emit_json(_feed_json(feed), out)
            continue
        tags = f"  [{', '.join(feed.tags)}]" if feed.tags else ""
        error = f"  ! {feed.last_error}" if feed.last_error else ""
        out.write(
            f"{feed.unread:6d}/{feed.total:<6d} {feed.display_title}  {feed.url}{tags}{error}\n"
        )
    if not feeds and not args.json:
        out.write("No subscriptions yet. Add one with `newsreader add URL`.\n")
    return 0


def _feed_json(feed: Feed) -> dict[str, object]:
    return {
        "url": feed.url,
        "title": feed.display_title,
        "feed_title": feed.title,
        "user_title": feed.user_title,
        "kind": feed.kind,
        "source": feed.source,
        "tags": list(feed.tags),
        "unread": feed.unread,
        "total": feed.total,
        "last_error": feed.last_error,
        "error_count": feed.error_count,
        "last_success": _iso(feed.last_success),
        "last_attempt": _iso(feed.last_attempt),
        "next_attempt": _iso(feed.next_attempt),
        "added_at": _iso(feed.added_at),
        "max_age_days": feed.max_age_days,
        "max_count": feed.max_count,
    }


def cmd_refresh(args: argparse.Namespace, out: TextIO) -> int:
    """Fetch every subscription (or those named) and store new articles."""
    from newsreader.feeds import refresh_feeds

    if args.concurrency < 1:
        raise CliError("--concurrency must be at least 1", code=2)
    store = _open_store(getattr(args, "db", None))

    def show(report: FeedReport) -> None:
        if args.json:
            _emit_json(report.as_json(), out)
            out.flush()
        else:
            _write_report(report, out)

    try:
        summary = _feeds_call(
            lambda: refresh_feeds(
                store, args.urls or None, concurrency=args.concurrency, force=args.force,
                on_result=show,
            )
        )
    finally:
        store.close()
    if not args.json:
        if summary.total == 0:
            out.write("No subscriptions yet. Add one with `newsreader add URL`.\n")
        else:
            deferred = summary.count("deferred")
            out.write(
                f"{summary.total} feeds: {summary.new} new articles, {summary.updated} updated"
                + (f", {summary.failed} failed" if summary.failed else "")
                + (f", {deferred} deferred (asked us to wait)" if deferred else "")
                + "\n"
            )
    return 1 if summary.failed else 0


def _write_report(report: FeedReport, out: TextIO) -> None:
    """One line per feed: status, counts, title, and the reason when it failed."""
    counts = []
    if report.new:
        counts.append(f"{report.new} new")
    if report.updated:
        counts.append(f"{report.updated} updated")
    if report.removed:
        counts.append(f"{report.removed} removed")
    # Feed titles and reasons come from the store, already one clean line each;
    # the padding stays so a long refresh reads as columns.
    line = f"{report.status.replace('_', ' '):<12} {', '.join(counts):<22} {report.title}"
    if report.error:
        line += f": {report.error}"
    if report.moved_from:
        line += f" (moved permanently to {report.url})"
    if report.status == "deferred" and report.next_attempt:
        line += f" (until {report.next_attempt.astimezone().strftime('%Y-%m-%d %H:%M')})"
    out.write(line.replace("\n", " ").rstrip() + "\n")
    for warning in report.warnings:
        _warn(f"{report.title}: warning: {warning}")


def cmd_import_opml(args: argparse.Namespace, out: TextIO) -> int:
    """Subscribe to every feed of an OPML list; bad entries are reported, the rest imported."""
    from newsreader.feeds import import_opml

    with _open_store(getattr(args, "db", None)) as store:
        report = _feeds_call(lambda: import_opml(store, args.file))
    for problem in report.problems:
        _warn(f"{args.file}: {problem}")
    out.write(
        f"Imported {report.added} new feeds from {report.path}"
        f" ({report.existing} already subscribed, {report.duplicates} duplicates in the list,"
        f" {len(report.problems)} problems)\n"
    )
    return 1 if report.problems else 0


def cmd_export_opml(args: argparse.Namespace, out: TextIO) -> int:
    """Write the subscriptions as OPML (tags as folders) to FILE or stdout."""
    from newsreader.feeds import export_opml

    with _open_store(getattr(args, "db", None)) as store:
        feeds = store.feeds()
        document = _feeds_call(lambda: export_opml(store))
    local = sum(feed.is_local for feed in feeds)
    if local:
        _warn(f"left out {local} local file/folder subscription(s): OPML lists web feeds")
    if args.file in (None, "-"):
        out.write(document)
        return 0
    target = Path(args.file)
    partial = target.with_name(target.name + ".part")
    try:
        partial.write_text(document, encoding="utf-8")
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CliError(f"cannot write {target}: {exc.strerror or exc}") from None
    sys.stderr.write(f"Wrote {len(feeds) - local} feeds to {_one_line(str(target))}\n")
    return 0


def cmd_app(args: argparse.Namespace, out: TextIO) -> int:
    """Open the app on SOURCEs (or the subscriptions, or the sample feeds)."""
    from newsreader.store import StoreError

    db = getattr(args, "db", None)
    # Check the database before the screen switches, so a bad file is a plain message.
    _open_store(db).close()
    from newsreader.ui.app import run_app

    try:
        config = getattr(args, "config", None)
        run_app(Path(db) if db else None, list(args.sources), engine=args.ner,
                config_path=Path(config) if config else None)
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
            "  add URL|PATH          subscribe (a web page: its feed is found)\n"
            "  remove URL            unsubscribe and delete its articles (bookmarks stay)\n"
            "  rename URL TITLE      show a feed under your own title\n"
            "  tag URL TAG...        tag a feed (--remove to untag)\n"
            "  retention URL         keep a feed's articles N days / N articles\n"
            "  feeds                 list subscriptions, unread counts and errors\n"
            "  refresh [URL...]      fetch subscriptions and store new articles\n"
            "  import-opml FILE      subscribe to every feed of an OPML list\n"
            "  export-opml [FILE]    write subscriptions as OPML\n"
            "  entity NAME           list stored articles that mention an entity\n"
            "  search QUERY          search stored articles (query language in the README)\n"
            "  fulltext ID           fetch the full article of a summary-only item\n"
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
    parser.add_argument("--config", metavar="PATH",
                        help="config file (default: $NEWSREADER_CONFIG or the user config dir)")
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
    bookmarks.add_argument("--export", nargs=2, metavar=("md|json|html", "FILE"),
                           help="write every bookmark, with its note and tags, to FILE")

    add = make(
        "add",
        cmd_add,
        "Subscribe to a feed URL, a web page that links its feed (the feed is found and "
        "subscribed), a local feed/article file or a folder; then fetch it once.",
    )
    add.add_argument("spec", metavar="URL|PATH")
    add.add_argument("--title", help="your own title for the feed")
    add.add_argument("--tag", action="append", metavar="TAG", help="a tag (repeatable)")
    add.add_argument(
        "--no-fetch", action="store_true", help="subscribe without checking or fetching it now"
    )

    remove = make(
        "remove",
        cmd_remove,
        "Unsubscribe and delete the feed's articles. Bookmarked articles stay. "
        "Asks first on a terminal; elsewhere it needs --yes.",
    )
    remove.add_argument("urls", nargs="+", metavar="URL")
    remove.add_argument("-y", "--yes", action="store_true", help="do not ask")

    rename = make("rename", cmd_rename, "Show a feed under your own title ('' undoes it).")
    rename.add_argument("url", metavar="URL")
    rename.add_argument("title", metavar="TITLE")

    tag = make("tag", cmd_tag, "Add tags to a feed, or remove them with --remove.")
    tag.add_argument("url", metavar="URL")
    tag.add_argument("tags", nargs="+", metavar="TAG")
    tag.add_argument("--remove", action="store_true", help="remove these tags")

    retention = make(
        "retention",
        cmd_retention,
        "Set how long a feed's articles are kept, and apply it now. Bookmarked articles "
        "are always kept; dropped ones do not come back on refresh.",
    )
    retention.add_argument("url", metavar="URL")
    retention.add_argument("--max-age", type=float, metavar="DAYS", help="drop older articles")
    retention.add_argument("--max-count", type=int, metavar="N", help="keep the newest N")
    retention.add_argument("--keep-all", action="store_true", help="no limits (the default)")

    feeds = make("feeds", cmd_feeds, "List subscriptions with unread counts and last errors.")
    feeds.add_argument(
        "--json",
        action="store_true",
        help='one JSON object per feed: {"url", "title", "tags", "unread", "total", '
        '"last_error", ...}',
    )

    refresh = make(
        "refresh",
        cmd_refresh,
        "Fetch every subscription (or the URLs given), store new articles and report each "
        "feed. Exit status 1 when any feed failed.",
    )
    refresh.add_argument("urls", nargs="*", metavar="URL")
    refresh.add_argument(
        "--json",
        action="store_true",
        help='one JSON object per feed: {"url", "status", "new", "updated", "error", ...}',
    )
    refresh.add_argument(
        "--concurrency", type=int, default=8, metavar="N", help="requests at once (default 8)"
    )
    refresh.add_argument(
        "--force", action="store_true", help="also fetch feeds that asked us to wait"
    )

    import_opml = make(
        "import-opml",
        cmd_import_opml,
        "Subscribe to every feed of an OPML (or FOAF) list; folders become tags. "
        "Bad entries are reported (exit status 1) and the rest imported.",
    )
    import_opml.add_argument("file", metavar="FILE")

    export_opml = make(
        "export-opml", cmd_export_opml, "Write the web subscriptions as OPML, tags as folders."
    )
    export_opml.add_argument("file", nargs="?", metavar="FILE", help="default: stdout")

    from newsreader.cli_entity import add_entity_arguments, cmd_entity

    add_entity_arguments(
        make("entity", cmd_entity, "List the stored articles that mention an entity, newest first.")
    )

    search = make(
        "search",
        cmd_search,
        "Search stored articles with the query language (see README: words, \"phrases\", "
        "-exclude, feed:, tag:, is:unread, is:bookmarked, entity:, type:, after:, before:).",
    )
    search.add_argument("query", nargs="+", metavar="QUERY")
    search.add_argument("--limit", type=int, default=50, help="at most N results (default 50)")
    search.add_argument("--json", action="store_true", help="one JSON object per article")

    fulltext = make(
        "fulltext",
        cmd_fulltext,
        "Fetch the web page of a summary-only article, store its main text in place of the "
        "summary and extract its entities again. ID is the article key (as `search --json` "
        "and `entity --json` show it) or the article id.",
    )
    fulltext.add_argument("id", metavar="ID")
    fulltext.add_argument(
        "--force", action="store_true",
        help="fetch even when the article has its full text, and keep a shorter page text",
    )
    fulltext.add_argument(
        "--json", action="store_true", help='{"key", "id", "title", "chars", "fetched"}'
    )
    _add_engine_option(fulltext)

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
        if token in ("--db", "--ner", "--config"):
            index += 2
            continue
        if token.startswith("-"):
            index += 1
            continue
        if token in commands:
            return token, argv[:index] + argv[index + 1 :]
        return None, argv
    return None, argv


_COMMAND_NAMES = (
    "parse",
    "entity",
    "search",
    "fulltext",
    "entities",
    "bookmarks",
    "engines",
    "locate",
    "add",
    "remove",
    "rename",
    "tag",
    "retention",
    "feeds",
    "refresh",
    "import-opml",
    "export-opml",
)


def _configured_engine(args: argparse.Namespace) -> str:
    """The ``[entities] engine`` setting (the app reports config problems; we don't)."""
    from newsreader.config import load_config

    config = getattr(args, "config", None)
    return str(load_config(Path(config) if config else None).get("entities", "engine"))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    command, rest = _split_command(args_list)
    parser = _command_parsers()[command] if command else _app_parser()
    args = parser.parse_args(rest)
    if not hasattr(args, "ner"):
        args.ner = os.environ.get("NEWSREADER_NER") or _configured_engine(args)
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
        from newsreader.store.types import StoreError

        if isinstance(exc, StoreError):  # already one line that names the file
            _warn(str(exc))
            return 1
        if os.environ.get("NEWSREADER_DEBUG"):
            raise
        _warn(f"unexpected error: {type(exc).__name__}: {exc} (set NEWSREADER_DEBUG=1 for details)")
        return 1

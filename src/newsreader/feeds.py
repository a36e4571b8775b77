"""Subscriptions, headless: add, refresh, import and export, tying sources to the store.

The CLI calls this now and the app will call it from a Textual *thread*
worker, so nothing here imports Textual, nothing blocks on an event loop of
the caller's, and long operations take ``cancelled`` (checked between
feeds) and ``progress(done, total, report)`` callables.

How a refresh flows: :func:`refresh_feeds` reads each feed's state from the
store, hands the web feeds to the concurrent engine
(:func:`newsreader.sources.refresh.refresh`) and re-reads local files and
folders itself; as each feed completes, its articles and new state are
written back in short transactions (so an interrupted refresh keeps what it
finished) and its retention limits are applied. Every feed gets one
:class:`FeedReport`; a feed's failure never stops the others.

Local subscriptions mirror their files: an article removed from a file, or a
file deleted from a subscribed folder, loses its stored articles on the next
refresh (bookmarks stay, as always). A deleted subscribed file or folder
loses all of them and the feed reports an error until it comes back or is
removed.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
from collections.abc import Callable, Coroutine, Iterable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from newsreader.models import Article
from newsreader.sanitize import clean_line
from newsreader.sources.fetch_async import DEFAULT_TIMEOUT, check_url
from newsreader.sources.refresh import DEFAULT_CONCURRENCY, FeedResult, FeedState
from newsreader.store import Feed, FeedSpec, FeedStateUpdate, Store

__all__ = [
    "AddResult",
    "FeedReport",
    "FeedUnavailable",
    "FeedsError",
    "ImportReport",
    "RefreshSummary",
    "add_feed",
    "discover_feed",
    "export_opml",
    "find_feed",
    "import_opml",
    "refresh_feeds",
]

ReportStatus = Literal["new", "updated", "not_modified", "unchanged", "deferred", "error"]

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_SCHEME_ONLY = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:(?!\\)")  # javascript:, not C:\
#: A discovery page or feed probed by ``add`` need not be as large as a feed may be.
_PROBE_MAX_BYTES = 5_000_000


class FeedsError(Exception):
    """A request that cannot be done ("not subscribed", "no such file"); one-line message."""


class FeedUnavailable(FeedsError):
    """The URL was fetched but gave no feed (an HTTP error, a page without feed links)."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class FeedReport:
    """What refreshing one feed did.

    ``status``: ``new`` (new articles), ``updated`` (no new ones, some
    changed), ``unchanged`` (fetched or read, nothing changed, including a
    body identical to last time), ``not_modified`` (the server said 304),
    ``deferred`` (not fetched: the server asked us to wait until
    ``next_attempt``) or ``error`` (``error`` says why, in one line).
    ``url`` is the feed's URL after this refresh; ``moved_from`` the old one
    when a permanent redirect moved it. ``removed`` counts articles dropped
    by retention or because a local file changed or went away.
    """

    url: str
    title: str
    status: ReportStatus
    new: int = 0
    updated: int = 0
    error: str | None = None
    moved_from: str | None = None
    next_attempt: datetime | None = None
    removed: int = 0
    warnings: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.status == "error"

    def as_json(self) -> dict[str, object]:
        """The ``newsreader refresh --json`` line for this feed."""
        return {
            "url": self.url,
            "title": self.title,
            "status": self.status,
            "new": self.new,
            "updated": self.updated,
            "error": self.error,
            "moved_from": self.moved_from,
            "removed": self.removed,
            "next_attempt": self.next_attempt.isoformat() if self.next_attempt else None,
        }


@dataclass(slots=True)
class RefreshSummary:
    """Every feed's report, in completion order; ``cancelled`` if stopped early."""

    total: int
    reports: list[FeedReport] = field(default_factory=list)
    cancelled: bool = False

    @property
    def failed(self) -> int:
        return sum(report.failed for report in self.reports)

    @property
    def new(self) -> int:
        return sum(report.new for report in self.reports)

    @property
    def updated(self) -> int:
        return sum(report.updated for report in self.reports)

    def count(self, status: str) -> int:
        return sum(report.status == status for report in self.reports)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What importing one subscription list did.

    ``feeds`` usable entries in the list; ``added`` of them were new,
    ``existing`` were subscribed already (their tags were merged);
    ``duplicates`` repeated an earlier entry of the same list; ``problems``
    are the entries (or damage) that were skipped, one line each.
    """

    path: str
    feeds: int
    added: int
    existing: int
    duplicates: int
    problems: tuple[str, ...]
    title: str = ""


@dataclass(frozen=True, slots=True)
class AddResult:
    """The subscription :func:`add_feed` made or found.

    ``created`` is False when it was subscribed already. ``found_on`` is the
    page whose feed link was followed (autodiscovery), ``note`` a remark
    worth showing (the URL could not be checked right now).
    """

    feed: Feed
    created: bool
    found_on: str | None = None
    note: str | None = None


Progress = Callable[[int, int, FeedReport], None]

# --------------------------------------------------------------------------- finding feeds


def is_url(spec: str) -> bool:
    """``scheme://...``: a URL, not a path."""
    return bool(_URL.match(spec.strip()))


def find_feed(store: Store, ref: str) -> Feed | None:
    """The subscription ``ref`` names: its URL, its original URL, or a (relative) path."""
    ref = ref.strip()
    if not ref:
        return None
    feed = store.feed(ref)
    if feed is None and not is_url(ref):
        feed = store.feed(str(Path(ref).expanduser().absolute()))
    return feed


def _require(store: Store, ref: str) -> Feed:
    feed = find_feed(store, ref)
    if feed is None:
        raise FeedsError(f"not subscribed: {clean_line(ref, 200)}")
    return feed


# --------------------------------------------------------------------------- adding


def add_feed(
    store: Store,
    spec: str,
    title: str | None = None,
    tags: Iterable[str] = (),
    *,
    check: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
) -> AddResult:
    """Subscribe to a feed URL, a web page that advertises a feed, a file or a folder.

    A path becomes absolute and must exist. With ``check``, a URL is
    fetched once: a feed is subscribed as it is, an HTML page is searched
    for its feed link (autodiscovery) and that feed is subscribed instead;
    anything else is refused. When the URL cannot be reached right now it
    is subscribed anyway (the refresh will retry) and ``note`` says so.
    Subscribing again only merges in new ``tags``. Raises
    :class:`FeedsError` with a one-line reason.
    """
    spec = spec.strip()
    if not spec:
        raise FeedsError("give a feed URL, a web page, a file or a folder")
    tags = tuple(tags)
    if is_url(spec):
        reason = check_url(spec)
        if reason:
            raise FeedsError(f"{clean_line(spec, 200)}: {reason}")
        return _add_url(store, spec, title, tags, check=check, timeout=timeout)
    path = Path(spec).expanduser()
    if not path.exists() and _SCHEME_ONLY.match(spec):
        raise FeedsError(
            f"{clean_line(spec, 200)}: only http and https URLs, files and folders can be added"
        )
    path = path.absolute()
    if not path.exists():
        raise FeedsError(f"no such file or folder: {clean_line(str(path), 200)}")
    if not (path.is_dir() or path.is_file()):
        raise FeedsError(f"not a regular file or folder: {clean_line(str(path), 200)}")
    kind = "folder" if path.is_dir() else "file"
    created = store.add_feed(str(path), title, tags, kind=kind)
    return AddResult(_added(store, str(path)), created)


def _add_url(
    store: Store, url: str, title: str | None, tags: tuple[str, ...], *, check: bool,
    timeout: float,
) -> AddResult:
    existing = find_feed(store, url)
    if existing is not None or not check:
        created = store.add_feed(url, title, tags)
        return AddResult(_added(store, url), created)
    probe = _probe(url, timeout)
    if probe.unreachable:
        created = store.add_feed(url, title, tags)
        note = f"could not check {clean_line(url, 200)} now ({probe.error}); subscribed anyway"
        return AddResult(_added(store, url), created, note=note)
    if probe.error:
        raise FeedUnavailable(f"{clean_line(url, 200)}: {clean_line(probe.error)}")
    assert probe.feed_url is not None
    feed_url = probe.feed_url
    existing = find_feed(store, feed_url)
    created = store.add_feed(feed_url, title, tags)
    found_on = url if probe.discovered else None
    return AddResult(_added(store, feed_url), created and existing is None, found_on=found_on)


def _added(store: Store, url: str) -> Feed:
    feed = find_feed(store, url)
    if feed is None:  # removed by another process in between
        raise FeedsError(f"{clean_line(url, 200)} was unsubscribed meanwhile")
    return feed


def discover_feed(url: str, *, timeout: float = DEFAULT_TIMEOUT) -> str | None:
    """The feed at ``url``: itself when it is a feed, else the first feed an HTML page links.

    None when there is none, or the URL cannot be fetched.
    """
    probe = _probe(url, timeout)
    return None if probe.error else probe.feed_url


@dataclass(frozen=True, slots=True)
class _Probe:
    feed_url: str | None = None
    discovered: bool = False
    error: str | None = None
    unreachable: bool = False


def _probe(url: str, timeout: float) -> _Probe:
    """Fetch ``url`` once and decide what it is: a feed, a page with a feed link, or neither."""
    from newsreader.sources import parse_feed_bytes
    from newsreader.sources.discover import find_feed_links
    from newsreader.sources.sniff import Kind, is_gzip, sniff

    got = _run(_fetch_once(url, timeout))
    if got.error is not None:
        # No answer, or a server error: not the URL's fault as far as we know.
        transient = got.status is None or got.status >= 500 or got.status == 429
        return _Probe(error=got.error, unreachable=transient)
    body = got.body or b""
    if not is_gzip(body) and sniff(body, "") is Kind.HTML:
        links = find_feed_links(body, got.url)
        if not links:
            return _Probe(error="a web page that links no feed (no <link rel=\"alternate\">)")
        return _Probe(feed_url=links[0].url, discovered=True)
    parsed = parse_feed_bytes(body, url, base_url=got.url, content_type=got.content_type)
    if parsed.errors and not parsed.articles:
        return _Probe(error=parsed.errors[0].reason)
    return _Probe(feed_url=got.permanent_url or url)


async def _fetch_once(url: str, timeout: float) -> Any:
    from newsreader.sources.fetch_async import fetch, make_client

    client = make_client(concurrency=1, timeout=timeout)
    try:
        return await fetch(client, url, max_bytes=_PROBE_MAX_BYTES, timeout=timeout)
    finally:
        await client.aclose()


_T = TypeVar("_T")


def _run(coro: Coroutine[Any, Any, _T]) -> _T:
    """Run a coroutine to the end from synchronous code, even under a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(1, thread_name_prefix="newsreader-probe") as pool:
        return pool.submit(asyncio.run, coro).result()


# --------------------------------------------------------------------------- refreshing


def refresh_feeds(
    store: Store,
    urls: Iterable[str] | None = None,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    force: bool = False,
    on_result: Callable[[FeedReport], None] | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    parse_in_processes: bool = True,
    executor: Executor | None = None,
) -> RefreshSummary:
    """Refresh every subscription (or those named in ``urls``) and store what changed.

    Reports arrive through ``on_result(report)`` and ``progress(done,
    total, report)`` as each feed completes (on the calling thread, so they
    may touch the store). ``cancelled()`` is checked between feeds; a
    cancelled refresh stops fetching, keeps what it stored and says
    ``cancelled``. ``force`` also fetches feeds that asked us to wait and
    re-reads local files that look unchanged. ``executor`` (e.g. a
    long-lived :func:`~newsreader.sources.refresh.make_parse_pool`) parses;
    without one a pool is started when the first body needs parsing.
    Raises :class:`FeedsError` for a URL that is not subscribed, before
    anything is fetched.
    """
    feeds = store.feeds() if urls is None else _select(store, urls)
    summary = RefreshSummary(total=len(feeds))
    stop = cancelled or (lambda: False)

    def record(report: FeedReport) -> None:
        summary.reports.append(report)
        if on_result is not None:
            on_result(report)
        if progress is not None:
            progress(len(summary.reports), summary.total, report)

    for feed in feeds:
        if not feed.is_local:
            continue
        if stop():
            summary.cancelled = True
            return summary
        record(_refresh_local(store, feed, force=force))
    remote = [feed for feed in feeds if not feed.is_local]
    if not remote:
        return summary
    if stop():
        summary.cancelled = True
        return summary
    from newsreader.sources.refresh import fetch_in_workers, make_parse_pool

    by_url = {feed.url: feed for feed in remote}
    states = [
        FeedState(
            feed.url, feed.etag, feed.last_modified, feed.body_hash, feed.next_attempt,
            feed.source,
        )
        for feed in remote
    ]
    own_pool = None
    if executor is None and fetch_in_workers(states, None, parse_in_processes):
        # Made here, before the refresh (or the store) starts a thread, so a
        # single-threaded caller's workers can be forked from it, warm. Not
        # for a refresh that will likely be all 304s: workers return results
        # a chunk at a time, each chunk as late as its slowest server, which
        # measured slower with 50 ms of latency (0.52 -> 0.65 s) though faster
        # on a loopback server with none.
        own_pool = executor = make_parse_pool(fork_if_alone=True)
    try:
        return _refresh_remote(store, states, by_url, summary, record, stop, executor=executor,
                               concurrency=concurrency, timeout=timeout,
                               parse_in_processes=parse_in_processes, force=force)
    finally:
        if own_pool is not None:
            own_pool.shutdown(wait=False, cancel_futures=True)


def _refresh_remote(
    store: Store,
    states: list[FeedState],
    by_url: dict[str, Feed],
    summary: RefreshSummary,
    record: Callable[[FeedReport], None],
    stop: Callable[[], bool],
    *,
    executor: Executor | None,
    concurrency: int,
    timeout: float,
    parse_in_processes: bool,
    force: bool,
) -> RefreshSummary:
    """:func:`refresh_feeds` for the web feeds: the engine's results, stored as they come."""
    from newsreader.sources.refresh import refresh

    results = refresh(
        states,
        concurrency=concurrency,
        timeout=timeout,
        parse_in_processes=parse_in_processes,
        executor=executor,
        force=force,
        # New articles are stored with their HTML and converted later (the
        # background batch after a refresh, or on reading): half the parse time.
        defer_html=True,
    )
    # Results without articles (304s, unchanged bodies, errors) only update
    # their feed's state: those wait here while more results keep coming, and
    # are written one transaction per batch instead of one commit each (in a
    # refresh of 304s that commit was most of this thread's work, and this
    # thread shares the GIL with the fetching).
    waiting: list[tuple[Feed, FeedResult]] = []

    def write_waiting() -> None:
        if not waiting:
            return
        updates = [_state_update(feed, result) for feed, result in waiting]
        for (feed, result), stored_url in zip(
            waiting, store.update_feed_states(updates), strict=True
        ):
            record(_state_report(store, feed, result, stored_url))
        waiting.clear()

    with results, store.bulk_writes():
        while True:
            try:
                result = results.next_within(_STATE_PAUSE if waiting else None)
            except TimeoutError:  # results paused: write what waits, so progress shows it
                write_waiting()
                continue
            if result is None:
                break
            feed = by_url[result.feed.url]
            if result.status in ("new", "deferred"):
                write_waiting()
                record(_store_result(store, feed, result))
            else:
                waiting.append((feed, result))
                if len(waiting) >= _STATE_BATCH:
                    write_waiting()
            if stop() and len(summary.reports) + len(waiting) < summary.total:
                summary.cancelled = True
                break
        write_waiting()
    return summary


#: At most this many feeds' states are written in one transaction...
_STATE_BATCH = 64
#: ... and none waits longer than this once results pause (seconds).
_STATE_PAUSE = 0.05


def _select(store: Store, urls: Iterable[str]) -> list[Feed]:
    chosen: dict[str, Feed] = {}
    for ref in urls:
        feed = _require(store, ref)
        chosen.setdefault(feed.source, feed)
    return list(chosen.values())


def _store_result(store: Store, feed: Feed, result: FeedResult) -> FeedReport:
    """Write one engine result back: articles, state, retention; say what happened."""
    if result.status == "deferred":
        return FeedReport(feed.url, feed.display_title, "deferred", next_attempt=feed.next_attempt)
    new = updated = 0
    feed_title = None
    status: ReportStatus = result.status
    if result.status == "new":
        ingested = store.store_articles(
            result.articles, pending_html=result.html or None, base_url=result.base_url
        )
        new, updated = ingested.new, ingested.updated
        feed_title = _feed_title(result.articles)
        status = "new" if new else "updated" if updated else "unchanged"
    (stored_url,) = store.update_feed_states([_state_update(feed, result, feed_title)])
    return _state_report(
        store, feed, result, stored_url, status=status, new=new, updated=updated,
        feed_title=feed_title,
    )


def _state_update(feed: Feed, result: FeedResult, feed_title: str | None = None) -> FeedStateUpdate:
    """The feed state a result leaves behind, as the store records it."""
    state = result.state
    return FeedStateUpdate(
        feed.url,
        etag=state.etag,
        last_modified=state.last_modified,
        body_hash=state.body_hash,
        next_attempt=state.next_attempt,
        error=result.error if result.status == "error" else None,
        new_url=state.url if result.moved else None,
        title=feed_title,
    )


def _state_report(
    store: Store,
    feed: Feed,
    result: FeedResult,
    stored_url: str | None,
    *,
    status: ReportStatus | None = None,
    new: int = 0,
    updated: int = 0,
    feed_title: str | None = None,
) -> FeedReport:
    """After the state is written: retention, tombstones, and the report for this feed."""
    state = result.state
    warnings = list(result.warnings)
    moved_from = None
    if result.moved:
        if stored_url == state.url:
            moved_from = feed.url
        else:
            warnings.append(
                f"moved permanently to {state.url}, which is another subscription; "
                "kept the old URL"
            )
    removed = 0
    if result.status != "error":
        removed = store.apply_retention(feed.source, feed.max_age_days, feed.max_count)
    if result.status == "new" and result.articles:
        store.prune_tombstones(feed.source, (article.id for article in result.articles))
    title = feed.display_title
    if not feed.user_title and feed_title:
        title = feed_title
    error = clean_line(result.error or "error") if result.status == "error" else None
    return FeedReport(
        stored_url or feed.url,
        clean_line(title),
        status or result.status,
        new=new,
        updated=updated,
        error=error,
        moved_from=moved_from,
        next_attempt=state.next_attempt,
        removed=removed,
        warnings=tuple(clean_line(w) for w in warnings),
    )


def _feed_title(articles: list[Article]) -> str | None:
    return next((a.source_name for a in articles if a.source_name), None)


def _refresh_local(store: Store, feed: Feed, *, force: bool) -> FeedReport:
    """Re-read a subscribed file or folder and mirror it into the store."""
    from newsreader.sources import load_source

    title = feed.display_title
    path = Path(feed.source)
    if not os.path.lexists(path):
        removed = _forget_sources(store, feed, store.feed_sources(feed.url))
        error = "the file or folder is gone"
        if removed:
            error += f"; its {removed} stored articles were removed (bookmarks stay)"
        store.update_feed_state(feed.url, body_hash=None, error=error)
        return FeedReport(feed.url, title, "error", error=error, removed=removed)
    signature = _local_signature(path)
    if not force and signature is not None and signature == feed.body_hash:
        store.update_feed_state(feed.url, body_hash=signature)
        return FeedReport(feed.url, title, "unchanged")
    loaded = load_source(str(path))
    problems = tuple(clean_line(f"{e.source}: {e.reason}") for e in loaded.errors)
    if loaded.errors and not loaded.articles:
        error = clean_line(loaded.errors[0].reason)
        if feed.kind == "folder":
            error = f"no file could be read ({problems[0]})"
        store.update_feed_state(feed.url, body_hash=feed.body_hash, error=error)
        return FeedReport(feed.url, title, "error", error=error, warnings=problems[1:])
    ingested = store.store_articles(loaded.articles)
    removed = _mirror(store, feed, loaded.articles)
    feed_title = _feed_title(loaded.articles) if feed.kind == "file" else path.name
    # Unreadable files in a folder were reported now; they are read again
    # once they change (content, permissions), like everything else.
    store.update_feed_state(feed.url, body_hash=signature, title=feed_title or None)
    if not feed.user_title and feed_title:
        title = feed_title
    status: ReportStatus = (
        "new" if ingested.new else "updated" if ingested.updated or removed else "unchanged"
    )
    warnings = problems + tuple(clean_line(f"{w.source}: {w.reason}") for w in loaded.warnings)
    return FeedReport(
        feed.url, title, status, new=ingested.new, updated=ingested.updated, removed=removed,
        warnings=warnings,
    )


def _mirror(store: Store, feed: Feed, articles: list[Article]) -> int:
    """Drop stored articles a local file no longer holds, and those of deleted files."""
    ids: dict[str, set[str]] = {}
    for article in articles:
        ids.setdefault(article.source, set()).add(article.id)
    removed = sum(store.delete_source(source, keep_ids=kept) for source, kept in ids.items())
    gone = [
        source
        for source in store.feed_sources(feed.url)
        if source not in ids and not os.path.lexists(source)
    ]
    return removed + _forget_sources(store, feed, gone)


def _forget_sources(store: Store, feed: Feed, sources: Iterable[str]) -> int:
    return sum(store.delete_source(source) for source in sources)


def _local_signature(path: Path) -> str | None:
    """Sizes and change times of what a local subscription would read.

    Equal signatures mean nothing to re-read. None when the path cannot be
    examined (the read then reports why).
    """
    from newsreader.sources.local import folder_files

    digest = hashlib.blake2b(digest_size=16)
    try:
        files = list(folder_files(path)) if path.is_dir() else [path]
        for item in files:
            info = item.stat()
            # ctime moves on chmod too, so a file made readable is read again.
            stamp = f"{item}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\n"
            digest.update(stamp.encode("utf-8", "surrogateescape"))
    except OSError:
        return None
    return "local:" + digest.hexdigest()


# --------------------------------------------------------------------------- OPML


def import_opml(store: Store, path: str | Path) -> ImportReport:
    """Subscribe to every feed in an OPML (or FOAF) list; bad entries are reported, not fatal.

    Folders and categories become tags; a feed already subscribed keeps its
    title and gains the list's tags. The titles in the list are kept as the
    user's titles (they are often renames made in the previous reader).
    """
    from newsreader.sources.opml import read_opml_file

    imported = read_opml_file(path)
    specs = [
        FeedSpec(feed.url, feed.title or None, feed.tags, "url", feed.html_url)
        for feed in imported.feeds
    ]
    added = store.add_feeds(specs) if specs else []
    return ImportReport(
        path=clean_line(str(path)),
        feeds=len(specs),
        added=sum(added),
        existing=len(added) - sum(added),
        duplicates=imported.duplicates,
        problems=tuple(clean_line(problem) for problem in imported.problems),
        title=imported.title,
    )


def export_opml(store: Store, *, title: str = "newsreader subscriptions") -> str:
    """Every web subscription as an OPML 2.0 document, tags as folders and categories.

    Local files and folders are left out: a path means nothing on another
    machine, and OPML import (ours included) only accepts http(s) feeds.
    """
    from newsreader.sources.opml import OpmlFeed, write_opml

    feeds = [
        OpmlFeed(feed.url, feed.user_title or feed.title or "", feed.tags, feed.site_url)
        for feed in store.feeds()
        if not feed.is_local
    ]
    return write_opml(feeds, title=title).decode("utf-8")

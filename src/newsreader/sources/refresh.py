"""The feed-refresh engine: many feeds, fetched concurrently, parsed off the caller's thread.

Headless on purpose: it takes each feed's stored state in (URL, validators,
body hash, back-off time) and gives results out, one per feed, *as feeds
complete*. It writes nothing; the caller stores the articles and the new
state (the store is the only place that writes SQL).

How a refresh stays fast and polite:

* a pool of ``concurrency`` HTTP requests in flight (default 8) over one
  pooled ``httpx.AsyncClient``; each request has a wall-clock timeout and a
  body-size cap (see :mod:`newsreader.sources.fetch_async`);
* conditional GET: the ETag/Last-Modified the server gave last time go back
  unchanged, so an unchanged feed costs a 304 and no parsing; when a server
  gives no validators, a body whose hash is unchanged is not parsed either;
* parsing runs in a process pool (so a 10,000-item refresh uses every core
  and never blocks the event loop or the UI), through the fast parser first
  and feedparser whenever the fast one is unsure
  (:mod:`newsreader.sources.fastfeed`);
* backpressure: only a bounded number of bodies and results exist at once,
  so memory does not grow with the number of feeds, and a slow consumer
  slows fetching down instead of piling up results.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import multiprocessing
import os
import pickle
import queue
import sys
import threading
from collections.abc import AsyncIterator, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from newsreader.models import Article
from newsreader.sources.fetch_async import (
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT,
    USER_AGENT,
    Fetched,
    fetch,
    make_client,
)

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEFAULT_CONCURRENCY",
    "FeedResult",
    "FeedState",
    "RefreshResults",
    "Status",
    "fetch_in_workers",
    "make_parse_pool",
    "parse_body",
    "parse_body_deferred",
    "refresh",
    "refresh_async",
]

DEFAULT_CONCURRENCY = 8

Status = Literal["new", "not_modified", "unchanged", "error", "deferred"]


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the store keeps about one subscription between refreshes.

    ``etag`` and ``last_modified`` are the raw header values as the server
    sent them. ``body_hash`` identifies the last body parsed.
    ``next_attempt`` is the earliest time the server wants to hear from us
    again (``Retry-After``, ``Cache-Control: max-age``), or None.
    ``source`` is the identity the feed's articles are stored under; it
    defaults to ``url`` and, unlike ``url``, does not change when the feed
    moves permanently, so a moved feed's articles are not duplicated.
    """

    url: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    next_attempt: datetime | None = None
    source: str | None = None

    @property
    def key(self) -> str:
        """The ``Article.source`` of this feed's articles."""
        return self.source or self.url


@dataclass(frozen=True, slots=True)
class FeedResult:
    """The outcome for one feed.

    ``status``: ``"new"`` (a body was fetched and parsed: ``articles``),
    ``"not_modified"`` (the server said 304), ``"unchanged"`` (same body as
    last time, not parsed), ``"error"`` (``error`` says why, in one line) or
    ``"deferred"`` (not fetched: the server asked us to wait until
    ``state.next_attempt``). ``state`` is what to store from now on: it
    carries new validators, a new ``url`` after a permanent redirect, and
    the next-attempt time. ``feed`` is the state that was passed in.

    Only with ``defer_html`` (see :func:`refresh_async`): ``html[i]``, when
    not None, is the HTML body of ``articles[i]`` as UTF-8 bytes, whose
    ``text`` is empty until ``html_to_text`` of it (with ``base_url``) fills
    it (the store does). Bytes, because the store writes them to a file as
    they are: sent as text, they would be encoded to cross the pipe from a
    worker, decoded, and encoded again (~0.09 s of CPU per 10,000 items).
    """

    feed: FeedState
    state: FeedState
    status: Status
    articles: list[Article] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    http_status: int | None = None
    parser: str | None = None
    html: list[bytes | None] = field(default_factory=list)
    base_url: str | None = None

    @property
    def moved(self) -> bool:
        """True when a permanent redirect changed the feed's URL."""
        return self.state.url != self.feed.url


class _Clients:
    """The requests in flight, each on a client of its own with one connection.

    httpcore's pool checks every connection it holds for every request (and
    each check asks the socket for its peer and more): with eight
    connections in one client that was a fifth of a 304-only refresh's CPU.
    A request borrows a client, so ``count`` clients also bound how many are
    in flight; a client keeps its connection alive for the next request to
    the same host.
    """

    def __init__(self, count: int, timeout: float, user_agent: str) -> None:
        self._free: asyncio.Queue[httpx.AsyncClient] = asyncio.Queue()
        self._all = [
            make_client(concurrency=1, timeout=timeout, user_agent=user_agent)
            for _ in range(max(1, count))
        ]
        for client in self._all:
            self._free.put_nowait(client)

    @contextlib.asynccontextmanager
    async def lend(self) -> AsyncIterator[httpx.AsyncClient]:
        client = await self._free.get()
        try:
            yield client
        finally:
            self._free.put_nowait(client)

    @property
    def closed(self) -> bool:
        return any(client.is_closed for client in self._all)

    async def aclose(self) -> None:
        for client in self._all:
            await client.aclose()


# --------------------------------------------------------------------------- parsing


def parse_body(
    data: bytes, source: str, base_url: str, content_type: str | None
) -> tuple[list[Article], list[str], str | None, str]:
    """Parse one fetched body: ``(articles, warnings, error, parser name)``.

    Runs in a worker process, so it takes and returns plain picklable
    values. The fast parser goes first; feedparser (through the sources
    package, which also reads JSON Feed and explains what is not a feed)
    whenever the fast one is unsure.
    """
    from newsreader.sources.fastfeed import parse_feed_fast

    host = urlsplit(base_url).hostname or source
    try:
        fast = parse_feed_fast(
            data, source=source, fallback_name=host, base_url=base_url, content_type=content_type
        )
    except Exception:  # the fast path is an optimisation: any surprise means "unsure"
        fast = None
    if fast is not None:
        return fast.articles, fast.warnings, None, "fast"
    from newsreader.sources import parse_feed_bytes

    loaded = parse_feed_bytes(data, source, base_url=base_url, content_type=content_type)
    warnings = [warning.reason for warning in loaded.warnings]
    if loaded.errors and not loaded.articles:
        return [], warnings, loaded.errors[0].reason, "feedparser"
    return loaded.articles, warnings, None, "feedparser"


# An Article as a plain tuple, in the dataclass's field order. Pickling a
# frozen slots dataclass goes through Python-level __getstate__/__setstate__
# per object; a tuple of str/datetime is pickled in C. For 10,000 articles
# that is ~0.5 s of CPU (pickle in the worker, unpickle in the caller) less.
_Packed = tuple[str, str, str, str, str, str | None, str | None, datetime | None, str | None, bool]


def _pack(article: Article) -> _Packed:
    return (
        article.id, article.source, article.source_name, article.title, article.text,
        article.link, article.author, article.published, article.caption, article.summary_only,
    )


def parse_body_packed(
    data: bytes, source: str, base_url: str, content_type: str | None
) -> tuple[list[_Packed], list[str], str | None, str]:
    """:func:`parse_body` with the articles as tuples: what a worker process sends back."""
    articles, warnings, error, used = parse_body(data, source, base_url, content_type)
    return [_pack(article) for article in articles], warnings, error, used


_Deferred = tuple[list[_Packed], list[bytes | None], list[str], str | None, str]


def parse_body_deferred(
    data: bytes, source: str, base_url: str, content_type: str | None
) -> _Deferred:
    """:func:`parse_body_packed`, leaving HTML bodies as UTF-8 HTML: ``(articles, html, ...)``.

    The fast parser's :func:`~newsreader.sources.fastfeed.parse_feed_fast_deferred`;
    a feed it is unsure of goes through :func:`parse_body` as always (all
    text, no HTML left).
    """
    from newsreader.sources.fastfeed import parse_feed_fast_deferred

    host = urlsplit(base_url).hostname or source
    try:
        fast = parse_feed_fast_deferred(
            data, source=source, fallback_name=host, base_url=base_url, content_type=content_type
        )
    except Exception:  # the fast path is an optimisation: any surprise means "unsure"
        fast = None
    if fast is not None:
        parsed, html = fast
        bodies = [None if h is None else h.encode("utf-8", "surrogatepass") for h in html]
        return [_pack(a) for a in parsed.articles], bodies, parsed.warnings, None, "fast"
    articles, warnings, error, used = parse_body_packed(data, source, base_url, content_type)
    return articles, [None] * len(articles), warnings, error, used


# What a worker's first fetch imports lazily (httpx loads its transport stack
# when the first client is made): ~80 ms of imports, then ~50 ms for the TLS
# context, before a new worker fetched anything.
_WORKER_MODULES = ("httpcore", "h11", "anyio", "anyio._backends._asyncio", "certifi")


def warm_worker() -> None:
    """Import what fetching imports lazily and build the TLS context, so forks start warm."""
    import importlib

    from newsreader.sources.fetch_async import warm_tls

    for name in _WORKER_MODULES:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    warm_tls()


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with a real file for its stderr.

    The tracker (started with a pool's first process) hands ``sys.stderr``'s
    descriptor to its child. Inside the app, Textual has replaced
    ``sys.stderr`` with an object whose ``fileno()`` is -1, and the start
    failed ("bad value(s) in fds_to_keep"): no refresh of a new feed could
    start its workers. So, when stderr has no descriptor, the tracker gets
    the null device instead (its only output is warnings about leaks at
    exit, which a full-screen app must not print anyway), for the few
    milliseconds its start takes. Starting it before the app instead cost
    ~0.1 s of the app's start-up.
    """
    try:
        usable = sys.stderr is None or sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = True  # no fileno at all: the tracker passes no stderr, which works
    if usable:
        return
    from multiprocessing import resource_tracker

    saved = sys.stderr
    with open(os.devnull, "w") as null:
        sys.stderr = null
        try:
            resource_tracker.ensure_running()
        finally:
            sys.stderr = saved


def _preload_worker_server() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(
        ["newsreader.sources.refresh", "newsreader.sources.fastfeed", *_WORKER_MODULES]
    )
    return context


def _can_fork_workers() -> bool:
    """Whether workers may be forked from this process now: ``fork`` exists, no other thread."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def make_parse_pool(
    workers: int | None = None, *, fork_if_alone: bool = False
) -> ProcessPoolExecutor:
    """A process pool for :func:`refresh`'s parsing, safe to create from any thread.

    ``forkserver`` where available: forking a process that runs other threads
    (the app, the event loop) can deadlock the child; the fork server is a
    clean single-threaded parent, preloaded with the parsing modules so
    each worker starts warm. A long-lived caller (the app) should create one
    pool and pass it to every refresh.

    With ``fork_if_alone``, a caller whose process runs no other thread (the
    ``newsreader refresh`` command) gets workers forked from itself, right
    now: they start with every module already imported, where starting the
    fork server costs a new interpreter and its imports (~0.15-0.2 s before
    the first feed is fetched).
    """
    methods = multiprocessing.get_all_start_methods()
    if fork_if_alone and _can_fork_workers():
        warm_worker()  # once here, not once in every worker
        pool = ProcessPoolExecutor(
            max_workers=workers or os.cpu_count() or 2,
            mp_context=multiprocessing.get_context("fork"),
        )
        # The first task forks every worker, here, while this is still the
        # only thread (the pool's own manager thread starts after the forks).
        pool.submit(os.getpid).result()
        return pool
    _start_resource_tracker()
    forkserver = "forkserver" in methods
    context = _preload_worker_server() if forkserver else multiprocessing.get_context()
    return ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 2, mp_context=context)


# --------------------------------------------------------------------------- refresh


async def refresh_async(
    feeds: Iterable[FeedState],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    user_agent: str = USER_AGENT,
    parse_in_processes: bool = True,
    executor: Executor | None = None,
    force: bool = False,
    defer_html: bool = False,
) -> AsyncIterator[FeedResult]:
    """Refresh ``feeds``, yielding one :class:`FeedResult` per feed as each completes.

    ``executor`` runs the parsing (a pool from :func:`make_parse_pool` is
    created, and shut down at the end, when none is given and
    ``parse_in_processes`` is true; otherwise a thread parses). ``force``
    fetches feeds whose ``next_attempt`` lies in the future too.
    ``defer_html`` leaves the HTML bodies the fast parser reads unconverted
    (:attr:`FeedResult.html`), for a caller that stores them and converts
    later; without it every article has its text.
    Leaving the loop early cancels the outstanding work.
    """
    concurrency = max(1, concurrency)
    parser = _Parser(executor, parse_in_processes, defer_html)
    feeds = list(feeds)
    if not feeds:
        return
    options = _Options(concurrency, timeout, max_bytes, user_agent, force, defer_html)
    source = (
        _refresh_in_workers(feeds, parser, options)
        if fetch_in_workers(feeds, executor, parse_in_processes)
        else _refresh_here(feeds, parser, options)
    )
    try:
        async for result in source:
            yield result
    finally:
        await source.aclose()
        parser.close()


async def _refresh_here(
    feeds: list[FeedState], parser: _Parser, options: _Options
) -> AsyncIterator[FeedResult]:
    """Fetch in this process's event loop; bodies go to ``parser`` (see :func:`refresh_async`)."""
    concurrency, timeout, max_bytes = options.concurrency, options.timeout, options.max_bytes
    user_agent, force = options.user_agent, options.force
    pending: asyncio.Queue[FeedState | None] = asyncio.Queue()
    count = 0
    for feed in feeds:
        pending.put_nowait(feed)
        count += 1
    if count == 0:
        return
    # Workers beyond the fetch limit keep requests in flight while others
    # wait for a parser; the result queue bounds what waits for the consumer.
    workers = min(count, concurrency + 2 * (os.cpu_count() or 2))
    for _ in range(workers):
        pending.put_nowait(None)
    # Parsed results are the bulk of a refresh's memory (a 500-item feed is a
    # few MB of text): one per core waiting for the consumer keeps it busy.
    results: asyncio.Queue[FeedResult] = asyncio.Queue(maxsize=os.cpu_count() or 2)
    clients = _Clients(concurrency, timeout, user_agent)

    async def work() -> None:
        while (feed := await pending.get()) is not None:
            try:
                result = await _refresh_one(
                    clients, feed, parser, timeout=timeout, max_bytes=max_bytes, force=force,
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a bug, reported for this feed only
                result = FeedResult(
                    feed, feed, "error", error=f"unexpected error ({type(exc).__name__})"
                )
            await results.put(result)

    tasks = [asyncio.create_task(work()) for _ in range(workers)]
    try:
        for _ in range(count):
            yield await results.get()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await clients.aclose()


class _Parser:
    """Runs :func:`parse_body` in the given executor, or in a pool made on first use.

    The pool is made lazily: a refresh where every feed answers 304 parses
    nothing and should not pay for starting worker processes.
    """

    def __init__(
        self, executor: Executor | None, in_processes: bool, defer_html: bool = False
    ) -> None:
        self.executor = executor
        self.in_processes = in_processes
        self.defer_html = defer_html
        self.own: ProcessPoolExecutor | None = None

    async def parse(
        self, body: bytes, source: str, base_url: str, content_type: str | None
    ) -> tuple[list[Article], list[bytes | None], list[str], str | None, str]:
        """``(articles, html, warnings, error, parser)``; ``html`` is empty unless deferring."""
        pool = self.executor
        if pool is None and self.in_processes:
            pool = self.process_pool()
        loop = asyncio.get_running_loop()
        if self.defer_html:
            packed, html, warnings, error, used = await loop.run_in_executor(
                pool, parse_body_deferred, body, source, base_url, content_type
            )
            if not any(item is not None for item in html):
                html = []
            return [Article(*fields) for fields in packed], html, warnings, error, used
        if not isinstance(pool, ProcessPoolExecutor):
            # With no pool, the loop's default thread pool: slower, but the
            # event loop (and a UI sharing it) stays responsive.
            articles, warnings, error, used = await loop.run_in_executor(
                pool, parse_body, body, source, base_url, content_type
            )
            return articles, [], warnings, error, used
        packed, warnings, error, used = await loop.run_in_executor(
            pool, parse_body_packed, body, source, base_url, content_type
        )
        return [Article(*fields) for fields in packed], [], warnings, error, used

    def process_pool(self) -> Executor:
        """The executor given, or this refresh's own process pool (started on first use)."""
        if self.executor is not None:
            return self.executor
        if self.own is None:
            self.own = make_parse_pool()
        return self.own

    def close(self) -> None:
        if self.own is not None:
            self.own.shutdown(wait=False, cancel_futures=True)


async def _refresh_one(
    clients: _Clients,
    feed: FeedState,
    parser: _Parser | _InlineParser,
    *,
    timeout: float,
    max_bytes: int,
    force: bool,
) -> FeedResult:
    now = datetime.now(UTC)
    if not force and feed.next_attempt is not None and feed.next_attempt > now:
        return FeedResult(feed, feed, "deferred")
    async with clients.lend() as client:
        got = await fetch(
            client,
            feed.url,
            etag=feed.etag,
            last_modified=feed.last_modified,
            max_bytes=max_bytes,
            timeout=timeout,
        )
    url = got.permanent_url or feed.url
    if got.error is not None:
        state = replace(feed, url=url, next_attempt=got.next_attempt)
        return FeedResult(feed, state, "error", error=got.error, http_status=got.status)
    if got.status == 304:
        state = replace(
            feed,
            url=url,
            etag=got.etag or feed.etag,
            last_modified=got.last_modified or feed.last_modified,
            next_attempt=got.next_attempt,
        )
        return FeedResult(feed, state, "not_modified", http_status=304)
    return await _parse(feed, got, url, parser)


async def _parse(feed: FeedState, got: Fetched, url: str, parser: _Parser) -> FeedResult:
    body = got.body or b""
    # SHA-256, not BLAKE2b: twice as fast on CPUs with SHA instructions (a
    # fresh 10,000-item refresh hashes 44 MB). A hash stored by an older
    # version never matches, so such a body is parsed once more, no harm.
    digest = hashlib.sha256(body).hexdigest()[:32]
    fresh = replace(
        feed,
        url=url,
        etag=got.etag,
        last_modified=got.last_modified,
        body_hash=digest,
        next_attempt=got.next_attempt,
    )
    if digest == feed.body_hash:
        return FeedResult(feed, fresh, "unchanged", http_status=got.status)
    articles, html, warnings, error, used = await parser.parse(
        body, feed.key, got.url, got.content_type
    )
    if error is not None:
        # Keep the old validators and hash: the next refresh fetches and
        # reports the problem again rather than calling it "unchanged".
        state = replace(feed, url=url, next_attempt=got.next_attempt)
        return FeedResult(
            feed, state, "error", warnings=warnings, error=error, http_status=got.status,
            parser=used,
        )
    return FeedResult(
        feed, fresh, "new", articles=articles, warnings=warnings, http_status=got.status,
        parser=used, html=html, base_url=got.url,
    )


# --------------------------------------------------------------------------- fetching in workers


@dataclass(frozen=True, slots=True)
class _Options:
    """A refresh's settings, as one picklable value for the worker processes."""

    concurrency: int
    timeout: float
    max_bytes: int
    user_agent: str
    force: bool
    defer_html: bool


def fetch_in_workers(
    feeds: list[FeedState], executor: Executor | None, in_processes: bool
) -> bool:
    """Whether the worker processes fetch as well as parse this refresh's feeds.

    A worker that fetches the body it parses keeps every body off the pipes
    and out of this process (whose one GIL also runs the caller's storing):
    the caller receives only the parsed articles. It needs a process pool,
    though, and starting one from a fork server costs ~0.15 s of wall time and
    more of CPU, which a refresh where every feed answers 304 need not pay: so
    without a pool given, the workers fetch only when some feed was never
    fetched (no validators, no body hash), whose body will certainly need
    parsing. (Forked from a single-threaded caller, a pool costs ~10 ms, but
    a refresh of 304s still fetches here: workers hand results back a chunk
    at a time, each as late as its slowest server.)
    """
    if executor is not None:
        return isinstance(executor, ProcessPoolExecutor)
    if not in_processes:
        return False
    return any(
        feed.etag is None and feed.last_modified is None and feed.body_hash is None
        for feed in feeds
    )


async def _refresh_in_workers(
    feeds: list[FeedState], parser: _Parser, options: _Options
) -> AsyncIterator[FeedResult]:
    """Fetch and parse in the process pool, a chunk of feeds per task, results as chunks end.

    Requests in flight stay within ``options.concurrency``: at most
    ``min(workers, concurrency)`` chunks run at once, each with its share of
    the requests. A chunk is a few feeds, so results (and the progress they
    drive) still arrive a few at a time.
    """
    now = datetime.now(UTC)
    todo: list[FeedState] = []
    for feed in feeds:
        if not options.force and feed.next_attempt is not None and feed.next_attempt > now:
            yield FeedResult(feed, feed, "deferred")
        else:
            todo.append(feed)
    if not todo:
        return
    pool = parser.process_pool()
    workers = max(1, int(getattr(pool, "_max_workers", 0) or os.cpu_count() or 2))
    running = min(workers, options.concurrency)
    share = max(1, options.concurrency // running)
    chunk_options = replace(options, concurrency=share)
    # Chunks of one share: bigger ones measured no faster, and hold more results at once.
    chunks = iter([todo[i:i + share] for i in range(0, len(todo), share)])
    # A chunk waiting in the pool's queue starts the moment a worker is free,
    # instead of after this generator has handed every result of the last
    # one to a consumer that stores between results. Only when every worker
    # may run a chunk: the pool then runs no more than ``running`` at once.
    queued = running + (1 if running == workers else 0)
    loop = asyncio.get_running_loop()
    owners: dict[asyncio.Future[list[FeedResult]], list[FeedState]] = {}

    def submit() -> None:
        while len(owners) < queued and (chunk := next(chunks, None)) is not None:
            future = loop.run_in_executor(pool, fetch_and_parse, chunk, chunk_options)
            owners[future] = chunk

    try:
        submit()
        while owners:
            done, _ = await asyncio.wait(owners, return_when=asyncio.FIRST_COMPLETED)
            finished = [(future, owners.pop(future)) for future in done]
            submit()
            for future, chunk in finished:
                try:
                    results = future.result()
                except Exception as exc:  # a broken pool or a bug: these feeds fail, others go on
                    reason = f"unexpected error ({type(exc).__name__})"
                    for feed in chunk:
                        yield FeedResult(feed, feed, "error", error=reason)
                    continue
                results.reverse()  # popped in feed order, each freed once handed over
                while results:
                    yield _unpacked(pickle.loads(results.pop()))
    finally:
        for future in owners:
            future.cancel()


def _unpacked(result: FeedResult) -> FeedResult:
    """A worker's result with its article tuples made Articles again (see :func:`_pack`)."""
    if not result.articles:
        return result
    html = result.html if any(item is not None for item in result.html) else []
    articles = [Article(*fields) for fields in result.articles]  # type: ignore[misc]
    return replace(result, articles=articles, html=html)


_worker_loop: asyncio.AbstractEventLoop | None = None
# One set of clients per setting for the life of the worker (and its loop):
# chunks of the same refresh reuse their kept-alive connections instead of
# connecting again for every chunk (~200 connects in a 200-feed refresh, now
# one per client and host).
_worker_clients: dict[tuple[int, float, str], _Clients] = {}


def fetch_and_parse(feeds: list[FeedState], options: _Options) -> list[bytes]:
    """In a worker process: fetch and parse ``feeds`` concurrently, results in feed order.

    Each result is pickled as soon as its feed is parsed, articles as tuples
    (cheap to pickle; :func:`_unpacked` restores them): a pickle keeps text
    as UTF-8, where a str of non-ASCII text takes two or four bytes a
    character, so a chunk of big feeds waits in the worker (and in the
    caller, until handed over) at a fraction of the memory. The worker keeps
    one event loop for all its chunks.
    """
    global _worker_loop
    if _worker_loop is None or _worker_loop.is_closed():
        _worker_loop = asyncio.new_event_loop()
        _worker_clients.clear()  # bound to the old loop
    return _worker_loop.run_until_complete(_fetch_and_parse(feeds, options))


def _worker_clients_for(options: _Options) -> _Clients:
    """This worker's clients for ``options`` (made on first use; see ``_worker_clients``)."""
    key = (options.concurrency, options.timeout, options.user_agent)
    clients = _worker_clients.get(key)
    if clients is None or clients.closed:
        clients = _Clients(options.concurrency, options.timeout, options.user_agent)
        _worker_clients[key] = clients
    return clients


async def _fetch_and_parse(feeds: list[FeedState], options: _Options) -> list[bytes]:
    clients = _worker_clients_for(options)
    parser = _InlineParser(options.defer_html)

    async def one(feed: FeedState) -> bytes:
        try:
            result = await _refresh_one(
                clients, feed, parser, timeout=options.timeout,
                max_bytes=options.max_bytes, force=options.force,
            )
        except Exception as exc:  # a bug, reported for this feed only
            reason = f"unexpected error ({type(exc).__name__})"
            result = FeedResult(feed, feed, "error", error=reason)
        return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)

    return list(await asyncio.gather(*(one(feed) for feed in feeds)))


class _InlineParser:
    """:class:`_Parser` for a worker process: parses right here, articles left as tuples."""

    def __init__(self, defer_html: bool) -> None:
        self.defer_html = defer_html

    async def parse(
        self, body: bytes, source: str, base_url: str, content_type: str | None
    ) -> tuple[list[_Packed], list[bytes | None], list[str], str | None, str]:
        # Without the cyclic garbage collector while parsing: a parse makes
        # ~100 container objects per item, all freed by reference counting
        # (its passes here collected nothing), and the passes cost ~7% of
        # the parse's CPU. Only in a worker process, where nothing else runs.
        enabled = gc.isenabled()
        gc.disable()
        try:
            if self.defer_html:
                return parse_body_deferred(body, source, base_url, content_type)
            packed, warnings, error, used = parse_body_packed(
                body, source, base_url, content_type
            )
            return packed, [], warnings, error, used
        finally:
            if enabled:
                gc.enable()


_DONE = object()


class RefreshResults(Iterator[FeedResult]):
    """:func:`refresh`'s results: an iterator that can also wait for the next with a timeout.

    The event loop runs in a background thread; results are handed over one
    at a time, so a slow consumer (storing articles) slows the fetching
    instead of letting results pile up. :meth:`close` (or leaving a ``with``
    block) stops the refresh early.
    """

    def __init__(self, feeds: Iterable[FeedState], options: dict[str, object]) -> None:
        self._handoff: queue.Queue[object] = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._done = False
        feeds = list(feeds)

        async def pump() -> None:
            agen = refresh_async(feeds, **options)  # type: ignore[arg-type]
            try:
                async for result in agen:
                    if self._stop.is_set():
                        break
                    try:  # the consumer is usually waiting: no thread needed to hand over
                        self._handoff.put_nowait(result)
                    except queue.Full:
                        await asyncio.to_thread(self._handoff.put, result)
            except BaseException as exc:
                self._handoff.put(exc)
                return
            finally:
                await agen.aclose()
            self._handoff.put(_DONE)

        self._thread = threading.Thread(
            target=asyncio.run, args=(pump(),), name="refresh", daemon=True
        )
        self._thread.start()

    def __iter__(self) -> RefreshResults:
        return self

    def __next__(self) -> FeedResult:
        result = self.next_within(None)
        if result is None:
            raise StopIteration
        return result

    def next_within(self, timeout: float | None) -> FeedResult | None:
        """The next result, None at the end; :class:`TimeoutError` if none comes in ``timeout`` s.

        For a consumer that batches its writes while results keep coming
        and writes what it holds as soon as they pause.
        """
        if self._done:
            return None
        try:
            item = self._handoff.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError from None
        if item is _DONE:
            self.close()
            return None
        if isinstance(item, BaseException):
            self.close()
            raise item
        return item  # type: ignore[return-value]

    def close(self) -> None:
        """Stop the refresh (if still running) and wait for its thread."""
        if self._done:
            return
        self._done = True
        self._stop.set()
        while self._thread.is_alive():
            with contextlib.suppress(queue.Empty):
                self._handoff.get(timeout=0.05)
        self._thread.join()

    def __enter__(self) -> RefreshResults:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def refresh(feeds: Iterable[FeedState], **options: object) -> RefreshResults:
    """:func:`refresh_async` for synchronous callers: results as they complete.

    Takes :func:`refresh_async`'s options; see :class:`RefreshResults`.
    Closing it early stops the refresh.
    """
    return RefreshResults(feeds, options)

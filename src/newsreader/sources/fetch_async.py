"""One polite HTTP GET of a feed, for the refresh engine: validators in, bytes out.

The refresh engine fetches hundreds of feeds at once, so this is asynchronous
(one ``httpx.AsyncClient`` shared by every fetch, a connection pool sized to
the concurrency). What makes it *polite* is what a feed host expects of a
reader: the validators it gave last time are sent back byte-for-byte
(``If-None-Match`` / ``If-Modified-Since``), so an unchanged feed costs a
304 and no body; ``Retry-After`` and ``Cache-Control: max-age`` say when to
come back; redirects are followed by hand so that only a *permanent* one
moves the subscription; the body is streamed and cut off at a size cap, so a
hostile or broken server can neither exhaust memory nor hang the refresh.

Nothing here raises for a network or server failure: every outcome is a
:class:`Fetched` whose ``error`` is a one-line reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import functools
import re
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit

import httpx

from newsreader import __version__

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "MAX_REDIRECTS",
    "USER_AGENT",
    "Fetched",
    "check_url",
    "fetch",
    "make_client",
]

#: Sent with every request: a real, specific User-Agent lets feed hosts tell us
#: apart from scrapers and contact the project if we misbehave.
USER_AGENT = (
    f"newsreader/{__version__} (terminal news reader; +https://pypi.org/project/newsreader/)"
)
DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_BYTES = 20_000_000
MAX_REDIRECTS = 5
#: Longest wait a server may impose through Retry-After or max-age. A feed that
#: says "come back in ten years" (or by mistake, max-age=31536000) must not
#: silently stop updating; a day is the most we honour.
MAX_BACKOFF = timedelta(days=1)

_PERMANENT = frozenset({301, 308})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d{1,10})", re.IGNORECASE)
_HTTP_REASON = {
    404: "not found",
    410: "gone (the feed was removed)",
    401: "needs a login",
    403: "forbidden",
    429: "too many requests",
}


@dataclass(frozen=True, slots=True)
class Fetched:
    """What one fetch gave.

    ``status`` is the final HTTP status (``None`` when no response came).
    ``url`` is where the body came from (after redirects: the base for
    relative links); ``permanent_url`` is set only when the first hops were
    all permanent redirects, and is then the URL to store instead.
    ``etag``/``last_modified`` are the raw header values, exactly as received.
    ``next_attempt`` is the earliest time the server wants to be asked again.
    """

    status: int | None
    url: str
    body: bytes | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    permanent_url: str | None = None
    next_attempt: datetime | None = None
    error: str | None = None


def make_client(
    *,
    concurrency: int = 8,
    timeout: float = DEFAULT_TIMEOUT,
    user_agent: str = USER_AGENT,
) -> httpx.AsyncClient:
    """A client for :func:`fetch`: pooled connections, no automatic redirects.

    ``trust_env=False`` keeps proxy variables and ``.netrc`` credentials out
    of requests to hosts that feed lists name.
    """
    return httpx.AsyncClient(
        follow_redirects=False,
        verify=_tls_context(),
        timeout=httpx.Timeout(timeout),
        limits=httpx.Limits(
            max_connections=concurrency, max_keepalive_connections=concurrency
        ),
        headers={
            "User-Agent": user_agent,
            "Accept": (
                "application/rss+xml, application/atom+xml, application/feed+json, "
                "application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, "
                "application/json;q=0.8, */*;q=0.5"
            ),
            "Accept-Encoding": "gzip, deflate",
        },
        trust_env=False,
    )


def warm_tls() -> None:
    """Build this process's TLS context now (a parent about to fork its workers calls it)."""
    _tls_context()


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The default verifying TLS context, built once per process.

    Loading the CA bundle takes ~50 ms, and every refresh makes a new
    client: a refresh where every feed answers 304 takes ~0.3 s in all, so
    this was a sixth of it. A context is safe to share between clients.
    """
    return httpx.create_ssl_context()


def check_url(url: str) -> str | None:
    """Why ``url`` cannot be fetched (only http/https with a host), or None if it can."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "not a valid URL"
    if parts.scheme.lower() not in ("http", "https"):
        scheme = parts.scheme or "no scheme"
        return f"only http and https feeds can be fetched, not {scheme}:"
    if not host:
        return "the URL has no host"
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return "the URL contains spaces or control characters"
    return None


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
    now: datetime | None = None,
) -> Fetched:
    """GET ``url`` conditionally, following at most :data:`MAX_REDIRECTS` redirects.

    ``timeout`` bounds the whole fetch (redirects and body included), not just
    each socket read: a server that trickles one byte a second is cut off too.
    """
    try:
        async with asyncio.timeout(timeout):
            return await _fetch(client, url, etag, last_modified, max_bytes, now)
    except TimeoutError:
        return Fetched(None, url, error=f"timed out after {timeout:g} s")


async def _fetch(
    client: httpx.AsyncClient,
    url: str,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
    now: datetime | None,
) -> Fetched:
    headers: dict[str, str] = {}
    # Validators go back exactly as received: servers compare them as opaque
    # strings, and a "normalised" ETag never matches.
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    permanent_url: str | None = None
    still_permanent = True
    seen = {url}
    for hop in range(MAX_REDIRECTS + 1):
        reason = check_url(current)
        if reason:
            return Fetched(None, current, error=reason if hop == 0 else f"redirected: {reason}")
        try:
            request = client.build_request("GET", current, headers=headers)
            response = await client.send(request, stream=True)
        except httpx.TimeoutException:
            return Fetched(None, current, error="timed out")
        except (httpx.HTTPError, OSError, ValueError) as exc:
            return Fetched(None, current, error=_network_reason(exc))
        try:
            if response.status_code in _REDIRECTS:
                location = response.headers.get("Location", "").strip()
                if not location:
                    return Fetched(
                        response.status_code, current, error="redirect without a Location"
                    )
                await _drain(response)
                target = urljoin(current, location)
                if response.status_code in _PERMANENT and still_permanent:
                    permanent_url = target
                else:
                    still_permanent = False
                if target in seen:
                    return Fetched(response.status_code, current, error="redirect loop")
                seen.add(target)
                current = target
                continue
            return await _finish(response, current, permanent_url, max_bytes, now)
        finally:
            await response.aclose()
    return Fetched(None, current, error=f"too many redirects (more than {MAX_REDIRECTS})")


async def _finish(
    response: httpx.Response,
    url: str,
    permanent_url: str | None,
    max_bytes: int,
    now: datetime | None,
) -> Fetched:
    """Turn the final response into a :class:`Fetched`, reading at most ``max_bytes``."""
    status = response.status_code
    now = now or datetime.now(UTC)
    next_attempt = _next_attempt(response.headers, status, now)
    common = {
        "url": url,
        "permanent_url": permanent_url,
        "next_attempt": next_attempt,
        "etag": response.headers.get("ETag"),
        "last_modified": response.headers.get("Last-Modified"),
    }
    if status == 304:
        # Reading the (empty) body lets the connection go back to the pool;
        # closing an unread response would drop it and cost a reconnect.
        await response.aread()
        return Fetched(304, **common)
    if status != 200:
        reason = _HTTP_REASON.get(status) or response.reason_phrase or "error"
        return Fetched(status, error=f"HTTP {status} {reason}".strip(), **common)
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        return Fetched(status, error=_too_big(max_bytes), **common)
    chunks: list[bytes] = []
    size = 0
    try:
        # aiter_bytes decodes gzip/deflate, so the cap applies to what we would
        # parse: a small gzip bomb is stopped as soon as it inflates past it.
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > max_bytes:
                return Fetched(status, error=_too_big(max_bytes), **common)
            chunks.append(chunk)
    except httpx.TimeoutException:
        return Fetched(status, error="timed out while reading the feed", **common)
    except (httpx.HTTPError, OSError, ValueError, EOFError) as exc:
        return Fetched(status, error=_network_reason(exc), **common)
    return Fetched(
        status,
        body=b"".join(chunks),
        content_type=response.headers.get("Content-Type"),
        **common,
    )


async def _drain(response: httpx.Response, limit: int = 65536) -> None:
    """Read a small redirect body so its connection can be reused; leave a big one."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) <= limit:
        with contextlib.suppress(httpx.HTTPError, OSError):
            await response.aread()


def _too_big(max_bytes: int) -> str:
    return f"the feed is larger than {max_bytes / 1_000_000:g} MB"


def _next_attempt(headers: httpx.Headers, status: int, now: datetime) -> datetime | None:
    """When to ask again: ``Retry-After`` on refusals, ``max-age`` on success.

    Both are capped at :data:`MAX_BACKOFF`; absurd or unparsable values are ignored.
    """
    delay: timedelta | None = None
    if status in (200, 304):
        match = _MAX_AGE.search(headers.get("Cache-Control", ""))
        if match:
            delay = timedelta(seconds=int(match.group(1)))
    elif retry_after := headers.get("Retry-After"):
        # Sent with 429 and 503 (and in theory 3xx): the server's own schedule.
        delay = _parse_retry_after(retry_after.strip(), now)
    if delay is None or delay <= timedelta(0):
        return None
    return now + min(delay, MAX_BACKOFF)


def _parse_retry_after(value: str, now: datetime) -> timedelta | None:
    """Retry-After is either delta-seconds or an HTTP-date."""
    if value.isdigit():
        return timedelta(seconds=min(int(value), int(MAX_BACKOFF.total_seconds())))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when - now


_BYTES_REPR = re.compile(r"bytearray\((b'[^']*'|b\"[^\"]*\")\)")


def _network_reason(exc: BaseException) -> str:
    """A short human reason for a transport failure (no traceback, no repr soup)."""
    text = str(exc) or type(exc).__name__
    lowered = text.lower()
    if "connection refused" in lowered or "connect call failed" in lowered:
        return "connection refused"
    if "name or service not known" in lowered or "nodename nor servname" in lowered:
        return "host not found"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {text}"
    if isinstance(exc, httpx.RemoteProtocolError):
        # h11 quotes what it got as "bytearray(b'...')": show just the bytes' text.
        return "the server broke the connection: " + _BYTES_REPR.sub(r"\1", text)
    if isinstance(exc, httpx.DecodingError):
        return "the server sent a body that does not decompress"
    if isinstance(exc, (httpx.ReadError, httpx.WriteError, ConnectionError)):
        # A reset connection comes as a ReadError with no message at all.
        detail = str(exc)
        return f"the connection was lost: {detail}" if detail else "the server reset the connection"
    return f"{type(exc).__name__}: {text}"

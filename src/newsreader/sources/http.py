"""Fetch one feed URL (synchronously) with hard limits.

Kept in its own module so the refresh engine can use a concurrent fetcher
instead; :func:`fetch` is the only thing :mod:`newsreader.sources` needs.

Limits, because a feed host can be slow, broken or hostile: 20 s in total
(not per read: a server dribbling one byte a second must not hold us for
minutes), 20 MB of *decoded* body (the body is streamed and decompressed in
bounded steps, so a gzip bomb stops at the cap instead of filling memory),
at most 5 redirects, http and https only, also for redirect targets.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from newsreader import __version__
from newsreader.sources.common import MAX_BYTES, LoadFailure, size_text

USER_AGENT = f"newsreader/{__version__} (+https://github.com/newsreader)"
TIMEOUT = 20.0
MAX_REDIRECTS = 5
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)


class FetchError(LoadFailure):
    """A fetch that failed; ``str(exc)`` is a one-line reason ("HTTP 404")."""


@dataclass(slots=True)
class Response:
    """A successful fetch: the final URL (after redirects), headers and body."""

    url: str
    content: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


def fetch(
    url: str,
    *,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
) -> Response:
    """GET ``url`` and return its decoded body, or raise :class:`FetchError`."""
    import httpx  # lazy: startup must not pay for the HTTP stack

    deadline = time.monotonic() + timeout
    try:
        with (
            httpx.Client(
                follow_redirects=True,
                max_redirects=max_redirects,
                timeout=httpx.Timeout(timeout),
                headers={
                    "User-Agent": USER_AGENT,
                    "Accept": ACCEPT,
                    "Accept-Encoding": "gzip, deflate",
                },
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code}")
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"response too large ({size_text(int(length))}, "
                                 f"limit {size_text(max_bytes)})")
            encoding = response.headers.get("content-encoding", "").strip().lower()
            # iter_raw() without a size: chunks as they arrive (a size would make
            # httpx wait to fill it, and the deadline could not be checked).
            body = _read_body(response.iter_raw(), encoding, max_bytes, deadline, timeout)
            headers = {k.lower(): v for k, v in response.headers.items()}
            return Response(url=str(response.url), content=body, headers=headers)
    except FetchError:
        raise
    except httpx.TimeoutException:
        raise FetchError(f"timed out after {timeout:g} s") from None
    except httpx.TooManyRedirects:
        raise FetchError(f"too many redirects (more than {max_redirects})") from None
    except httpx.UnsupportedProtocol:
        raise FetchError("redirected to a URL that is not http or https") from None
    except httpx.InvalidURL:
        raise FetchError("invalid URL") from None
    except httpx.ConnectError as exc:
        raise FetchError(_connect_reason(exc)) from None
    except httpx.DecodingError:
        raise FetchError("corrupt compressed response") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"network error ({type(exc).__name__})") from None
    except (OSError, ValueError) as exc:
        raise FetchError(f"network error ({type(exc).__name__})") from None


def _read_body(
    chunks: Iterator[bytes], encoding: str, max_bytes: int, deadline: float, timeout: float
) -> bytes:
    """Collect and decompress the body in bounded steps, enforcing size and time."""
    if encoding in ("gzip", "x-gzip"):
        inflater = zlib.decompressobj(wbits=31)
    elif encoding == "deflate":
        inflater = zlib.decompressobj(wbits=47)  # zlib-wrapped, as servers usually send
    elif encoding in ("", "identity"):
        inflater = None
    else:
        raise FetchError(f"unsupported content encoding {encoding[:20]!r}")
    parts: list[bytes] = []
    total = 0
    for chunk in chunks:
        if time.monotonic() > deadline:
            raise FetchError(f"timed out after {timeout:g} s")
        pending = chunk
        while pending:
            if inflater is None:
                out, pending = pending, b""
            else:
                try:
                    out = inflater.decompress(pending, max_bytes + 1 - total)
                except zlib.error:
                    raise FetchError("corrupt compressed response") from None
                pending = inflater.unconsumed_tail
            total += len(out)
            if total > max_bytes:
                raise FetchError(f"response too large (over {size_text(max_bytes)})")
            parts.append(out)
            if inflater is not None and not out and pending:
                break  # no progress possible; avoid spinning
    if inflater is not None:
        tail = inflater.flush()
        total += len(tail)
        if total > max_bytes:
            raise FetchError(f"response too large (over {size_text(max_bytes)})")
        parts.append(tail)
    return b"".join(parts)


def _connect_reason(exc: Exception) -> str:
    text = str(exc).lower()
    if "refused" in text:
        return "connection refused"
    if "name or service not known" in text or "nodename nor servname" in text \
            or "getaddrinfo" in text or "name resolution" in text:
        return "cannot resolve host name"
    if "ssl" in text or "certificate" in text:
        return "TLS/certificate error"
    if "unreachable" in text:
        return "network unreachable"
    return "cannot connect"

"""Last-line defence for strings shown on screen.

The sources layer cleans text at ingest, but the database may hold rows
written by older versions or other tools, and a terminal must never receive
escape sequences, C0/C1 controls or bidi overrides from data. These helpers
are cheap (one ``str.translate``) so every widget can call them on every
string it draws.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from newsreader.sanitize import INVISIBLE, TERMINAL_UNSAFE, safe_link

# The character classes come from the ingest sanitiser, so the two layers
# never disagree about what is dangerous. Only what a terminal acts on or what
# reorders text is replaced in bodies; zero-width joiners (Persian, Indic,
# emoji) are kept everywhere, being part of words, not tricks.

# Same length in, same length out: entity offsets index the original text, so
# article bodies have unsafe characters replaced, never removed.
_BODY_TABLE = {code: " " for code in TERMINAL_UNSAFE}
# A list row or a heading is one line: tabs and newlines become spaces too,
# and invisible characters that belong to no word go.
_LINE_TABLE = {**{code: None for code in TERMINAL_UNSAFE | INVISIBLE}, 0x09: " ", 0x0A: " "}


def safe_text(text: str) -> str:
    """Article text with unsafe characters replaced by spaces, keeping every offset."""
    return text.translate(_BODY_TABLE)


def safe_line(text: str | None) -> str:
    """A single display line: unsafe characters dropped, line breaks flattened."""
    if not text:
        return ""
    return " ".join(text.translate(_LINE_TABLE).split())


def web_link(url: str | None) -> str | None:
    """The article link if it is safe to hand to a browser: http or https only.

    ``safe_link`` strips the tricks (controls inside the scheme, credentials);
    it also allows ``mailto:``, which ``o`` should not open.
    """
    link = safe_link(url)
    if not link:
        return None
    parts = urlsplit(link)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return link


def failure_reason(error: BaseException | None) -> str:
    """A failed worker's error as one clean line: ``Kind: message``.

    Exception messages can carry data (a feed's bytes, a path), so they are
    cleaned like anything else shown; every screen reports failures this way.
    """
    return safe_line(f"{type(error).__name__}: {error}" if error is not None else "failed")


def failure_line(what: str, error: BaseException | None) -> str:
    """A failed worker as one notice line: ``what: Kind: message``."""
    return f"{safe_line(what)}: {failure_reason(error)}"

"""The subscription commands as scripts use them: exit codes, one-line errors, JSON shapes."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from loopback import running_server, send
from newsreader import cli
from newsreader.store import Store

RSS = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
<title>CLI Wire</title><link>https://wire.example/</link>
<item><title>First</title><guid>urn:cli:1</guid><description>One.</description>
<pubDate>Fri, 10 Jan 2025 09:00:00 +0000</pubDate></item>
<item><title>Second</title><guid>urn:cli:2</guid><description>Two.</description>
<pubDate>Sat, 11 Jan 2025 09:00:00 +0000</pubDate></item>
</channel></rss>"""
ETAG = '"cli-1"'
PAGE = (
    b'<html><head><link rel="alternate" type="application/atom+xml" href="/feed">'
    b"</head><body>x</body></html>"
)

REFRESH_KEYS = {"url", "status", "new", "updated", "error"}
FEED_KEYS = {"url", "title", "tags", "unread", "last_error"}


class TTY(io.StringIO):
    """A stdin that says it is a terminal, with the user's answers in it."""

    def isatty(self) -> bool:
        return True


def run(
    argv: list[str], capsys: pytest.CaptureFixture[str], stdin: io.StringIO | None = None
) -> tuple[int, str, str]:
    old_stdin = sys.stdin
    sys.stdin = stdin or io.StringIO("")
    try:
        code = cli.main(argv)
    finally:
        sys.stdin = old_stdin
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


@pytest.fixture
def server() -> Iterator[Callable[[str], str]]:
    """Serves /feed (with an ETag), / (a page linking /feed) and 404s; yields url(path).

    The shared loopback server: quiet when a client drops a connection, so
    nothing but the command's own message reaches the captured stderr.
    """

    def feed(handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("If-None-Match") == ETAG:
            send(handler, 304, b"", {"Content-Type": "application/rss+xml", "ETag": ETAG})
        else:
            send(handler, 200, RSS, {"Content-Type": "application/rss+xml", "ETag": ETAG})

    def page(handler: BaseHTTPRequestHandler) -> None:
        send(handler, 200, PAGE, {"Content-Type": "text/html"})

    with running_server() as srv:
        srv.routes.update({"/feed": feed, "/": page})
        yield srv.url


def test_help_lists_the_feed_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for command in ("add", "remove", "rename", "tag", "feeds", "refresh", "import-opml",
                    "export-opml", "retention"):
        assert f"  {command} " in out


def test_add_a_page_then_refresh_says_not_modified(
    server: Callable[[str], str], db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["--db", str(db), "add", server("/"), "--tag", "news"], capsys)
    assert code == 0, err
    assert f"Found feed {server('/feed')} on {server('/')}" in out
    assert f"Subscribed: {server('/feed')}\n" in out
    assert "2 new" in out

    code, out, err = run(["refresh", "--json", "--db", str(db)], capsys)
    assert code == 0, err
    (line,) = lines(out)
    assert set(line) >= REFRESH_KEYS
    assert line["url"] == server("/feed")
    assert (line["status"], line["new"], line["updated"], line["error"]) == (
        "not_modified", 0, 0, None,
    )

    code, out, _ = run(["feeds", "--json", "--db", str(db)], capsys)
    (feed,) = lines(out)
    assert set(feed) >= FEED_KEYS
    assert (feed["title"], feed["tags"], feed["unread"], feed["total"]) == (
        "CLI Wire", ["news"], 2, 2,
    )
    assert feed["last_error"] is None

    code, out, _ = run(["add", server("/feed"), "--db", str(db)], capsys)
    assert code == 0 and "Already subscribed" in out


def test_refresh_text_output_and_failure_exit_code(
    server: Callable[[str], str], db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["add", "--no-fetch", server("/feed"), "--db", str(db)], capsys)
    run(["add", "--no-fetch", server("/missing"), "--db", str(db)], capsys)
    code, out, err = run(["refresh", "--db", str(db), "--concurrency", "2"], capsys)
    assert code == 1, err
    assert "2 new" in out
    assert "HTTP 404" in out
    assert "2 feeds: 2 new articles, 0 updated, 1 failed" in out

    code, out, _ = run(["refresh", "--json", server("/missing"), "--db", str(db)], capsys)
    (line,) = lines(out)
    assert code == 1
    assert line["status"] == "error" and "404" in str(line["error"])

    code, out, _ = run(["feeds", "--db", str(db)], capsys)
    assert "! HTTP 404" in out

    code, out, err = run(["refresh", "https://not.subscribed.example/", "--db", str(db)], capsys)
    assert code == 2 and "not subscribed" in err and err.count("\n") == 1


def test_refresh_with_no_feeds(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["refresh", "--db", str(db)], capsys)
    assert code == 0 and "No subscriptions yet" in out
    code, out, _ = run(["refresh", "--json", "--db", str(db)], capsys)
    assert code == 0 and out == ""
    code, out, _ = run(["refresh", "--concurrency", "0", "--db", str(db)], capsys)
    assert code == 2


def test_add_local_file_rename_tag_retention(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_file = tmp_path / "wire.xml"
    feed_file.write_bytes(RSS)
    code, out, err = run(["add", str(feed_file), "--title", "Mine", "--db", str(db)], capsys)
    assert code == 0, err
    assert "Subscribed: Mine" in out and "2 new" in out

    code, out, _ = run(["rename", str(feed_file), "Renamed", "--db", str(db)], capsys)
    assert code == 0 and "Renamed" in out
    code, out, _ = run(["tag", str(feed_file), "a", "b", "--db", str(db)], capsys)
    assert code == 0 and "a, b" in out
    code, out, _ = run(["tag", str(feed_file), "a", "--remove", "--db", str(db)], capsys)
    assert code == 0 and out.strip().endswith(": b")
    code, out, _ = run(["feeds", "--json", "--db", str(db)], capsys)
    (feed,) = lines(out)
    assert (feed["title"], feed["tags"], feed["kind"]) == ("Renamed", ["b"], "file")

    code, _, err = run(["retention", str(feed_file), "--max-count", "1", "--db", str(db)], capsys)
    assert code == 2 and "web feeds" in err

    code, _, err = run(["rename", "https://nope.example/", "X", "--db", str(db)], capsys)
    assert code == 2 and "not subscribed" in err


def test_retention_command(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = "https://wire.example/feed"
    run(["add", "--no-fetch", url, "--db", str(db)], capsys)
    with Store.open(db) as store:
        from newsreader.models import Article

        store.add_articles(
            [Article(id=str(i), source=url, source_name="W", title=f"T{i}", text="x")
             for i in range(5)]
        )
    code, out, err = run(["retention", url, "--max-count", "2", "--db", str(db)], capsys)
    assert code == 0, err
    assert "the newest 2 articles" in out and "dropped 3" in out
    code, out, _ = run(["retention", url, "--keep-all", "--db", str(db)], capsys)
    assert code == 0 and "keeping everything" in out
    code, out, _ = run(["feeds", "--json", "--db", str(db)], capsys)
    (feed,) = lines(out)
    assert (feed["max_count"], feed["total"]) == (None, 2)


def test_add_errors_are_one_line(
    server: Callable[[str], str], tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for spec, status in (
        (str(tmp_path / "missing.xml"), 2),
        ("javascript:alert(1)", 2),
        (server("/missing"), 1),  # the feed failed, the request was fine
    ):
        code, out, err = run(["add", spec, "--db", str(db)], capsys)
        assert code == status, (spec, out)
        assert err.startswith("newsreader: ") and err.count("\n") == 1
    code, out, _ = run(["feeds", "--db", str(db)], capsys)
    assert "No subscriptions yet" in out


def test_remove_needs_yes_when_not_interactive(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "https://wire.example/feed"
    run(["add", "--no-fetch", url, "--db", str(db)], capsys)
    code, _, err = run(["remove", url, "--db", str(db)], capsys)
    assert code == 2 and "--yes" in err
    code, out, _ = run(["remove", "--yes", url, "--db", str(db)], capsys)
    assert code == 0 and "Removed" in out
    code, _, err = run(["remove", "--yes", url, "--db", str(db)], capsys)
    assert code == 2 and "not subscribed" in err


def test_remove_asks_on_a_terminal_and_keeps_bookmarks(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "https://wire.example/feed"
    run(["add", "--no-fetch", url, "--db", str(db)], capsys)
    with Store.open(db) as store:
        from newsreader.models import Article

        keys = store.add_articles(
            [Article(id=str(i), source=url, source_name="W", title=f"T{i}", text="x")
             for i in range(3)]
        )
        store.set_bookmark(keys[0], True)
    code, out, err = run(["remove", url, "--db", str(db)], capsys, stdin=TTY("n\n"))
    assert code == 0 and "Kept" in out
    assert "Remove feed https://wire.example/feed and its 3 articles (bookmarks stay)?" in err
    code, out, _ = run(["remove", url, "--db", str(db)], capsys, stdin=TTY("y\n"))
    assert code == 0 and "Removed https://wire.example/feed and 3 articles" in out
    code, out, _ = run(["bookmarks", "--json", "--db", str(db)], capsys)
    assert len(lines(out)) == 1


OPML = b"""<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
<outline text="News"><outline type="rss" text="Wire" xmlUrl="https://wire.example/feed"/></outline>
<outline type="rss" text="Bad" xmlUrl="file:///etc/passwd"/>
</body></opml>"""


def test_import_and_export_opml(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.opml"
    source.write_bytes(OPML)
    code, out, err = run(["import-opml", str(source), "--db", str(db)], capsys)
    assert code == 1  # one bad entry; the rest is imported
    assert "Imported 1 new feeds" in out
    assert "file" in err and err.count("\n") == 1

    code, out, _ = run(["export-opml", "--db", str(db)], capsys)
    assert code == 0
    assert 'xmlUrl="https://wire.example/feed"' in out and "/etc/passwd" not in out
    target = tmp_path / "out.opml"
    code, _, err = run(["export-opml", str(target), "--db", str(db)], capsys)
    assert code == 0 and "Wrote 1 feeds" in err
    assert 'category="/News"' in target.read_text()

    code, _, err = run(["import-opml", str(tmp_path / "nope.opml"), "--db", str(db)], capsys)
    assert code == 1 and "cannot read" in err
    code, _, err = run(["export-opml", str(tmp_path / "no" / "dir.opml"), "--db", str(db)],
                       capsys)
    assert code == 1 and err.count("\n") == 1


def test_db_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all" * 10)
    for argv in (["feeds"], ["refresh"], ["add", "--no-fetch", "https://x.example/f"]):
        code, _, err = run([*argv, "--db", str(bad)], capsys)
        assert code == 2 and "not a newsreader database" in err

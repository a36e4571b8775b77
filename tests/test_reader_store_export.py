"""Headless tests: settings and bulk read marks, bookmark notes/tags, bookmark export."""

from __future__ import annotations

import json

from newsreader.cli import main
from newsreader.content import links_from_text
from newsreader.export import render
from newsreader.models import Article
from newsreader.store import Store


def _store(db_path) -> tuple[Store, list[int]]:
    store = Store.open(db_path)
    keys = store.add_articles([
        Article(id=str(n), source="s", source_name="<b>Src</b>",
                title=f"<script>{n}</script> & [md]", link="javascript:alert(1)", text="body")
        for n in range(3)
    ])
    return store, keys


def test_settings_round_trip_and_forget(db_path):
    store, _ = _store(db_path)
    assert store.setting("ui.theme", "x") == "x"
    store.set_setting("ui.theme", "nord")
    assert store.setting("ui.theme") == "nord"
    store.set_setting("ui.theme", None)
    assert store.setting("ui.theme") is None


def test_set_read_many_returns_only_changed(db_path):
    store, keys = _store(db_path)
    store.set_read(keys[0], True)
    assert sorted(store.set_read_many(keys, True)) == sorted(keys[1:])
    assert store.count(unread_only=True) == 0
    assert sorted(store.set_read_many(keys[:2], False)) == sorted(keys[:2])
    assert store.count(unread_only=True) == 2


def test_notes_and_tags_only_on_bookmarks(db_path):
    store, keys = _store(db_path)
    assert not store.set_note(keys[0], "no bookmark yet")
    store.set_bookmark(keys[0], True)
    assert store.set_note(keys[0], "a note\x1b[31m")
    assert store.set_tags(keys[0], ["x", "X", "a,b", ""])
    (item,) = store.noted_bookmarks()
    assert "\x1b" not in item.note and item.note.startswith("a note")
    assert item.tags == ("x", "a b")


def test_html_export_escapes_everything(db_path):
    store, keys = _store(db_path)
    store.set_bookmark(keys[0], True)
    store.set_note(keys[0], "<img src=x onerror=alert(1)>")
    items = store.noted_bookmarks()
    page = render(items, "html")
    assert "<script>" not in page and "<img" not in page and "javascript:" not in page
    assert "&lt;script&gt;" in page
    data = json.loads(render(items, "json"))
    assert data[0]["link"] == "" and data[0]["note"].startswith("<img")
    assert "\\<script\\>" in render(items, "md")


def test_cli_export_and_bad_format(db_path, tmp_path, capsys):
    store, keys = _store(db_path)
    store.set_bookmark(keys[1], True)
    store.close()
    target = tmp_path / "out.json"
    assert main(["--db", str(db_path), "bookmarks", "--export", "json", str(target)]) == 0
    assert len(json.loads(target.read_text())) == 1
    assert main(["--db", str(db_path), "bookmarks", "--export", "pdf", str(target)]) == 2
    assert "md, json or html" in capsys.readouterr().err


def test_links_from_text():
    text = "a [1] b [2]\n\nLinks:\n[1] https://x.org/a\n[2] javascript:alert(1)\n[3] mailto:a@b.c"
    assert links_from_text(text) == ["https://x.org/a", "", "mailto:a@b.c"]
    assert links_from_text("Links:\n[2] https://x.org/") == []
    assert links_from_text("no links") == []

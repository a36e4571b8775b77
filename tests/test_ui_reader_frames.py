"""One key press, one frame: the cursor move is painted together with its article.

Counts the frames the app hands to the terminal (``App._display``, the hook
``bench/keys.py`` also wraps) and what the list and the reader held at each.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.ui.screens import main as main_screen
from test_ui_app import make_app, panes, settle


@pytest.fixture
def wire(fixtures_dir: Path) -> str:
    return str(fixtures_dir / "ui" / "wire.xml")


async def test_cursor_and_article_come_in_one_frame(db_path, wire, fake_extractor, monkeypatch):
    # Only the article releases the hold here, never the safety timer.
    monkeypatch.setattr(main_screen, "HOLD_FRAME_MAX", 30.0)
    app = make_app(db_path, [wire], fake_extractor)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        articles, reader, _ = panes(app)
        frames: list[tuple[int, int | None]] = []
        display = app._display

        def spy(screen, renderable):  # type: ignore[no-untyped-def]
            display(screen, renderable)
            if renderable is not None:
                frames.append((articles.cursor, reader.article_key))

        app._display = spy  # type: ignore[method-assign]
        for index in (1, 2, 1):
            frames.clear()
            await pilot.press("j" if index > articles.cursor else "k")
            await settle(app, pilot)
            target = articles.rows[index].key
            assert reader.article_key == target
            # The cursor never shows on a row whose article is not the one shown.
            assert frames and frames[0] == (index, target)
            assert all(key == target for cursor, key in frames if cursor == index)


def test_a_due_full_collection_runs_after_the_frame(monkeypatch):
    collected: list[int] = []
    monkeypatch.setattr(main_screen.gc, "collect", lambda *a: collected.append(1) or 0)
    monkeypatch.setattr(main_screen.gc, "get_count", lambda: (100, 3, main_screen.GC_FULL_DUE - 1))
    main_screen._collect_if_due()
    assert collected == []
    monkeypatch.setattr(main_screen.gc, "get_count", lambda: (100, 3, main_screen.GC_FULL_DUE))
    main_screen._collect_if_due()
    assert collected == [1]

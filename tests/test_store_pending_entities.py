"""Which articles still need entities: new ones, and all of them after an engine upgrade."""

from __future__ import annotations

from pathlib import Path

from newsreader.entities import Span
from newsreader.models import Article
from newsreader.store import Store


def test_keys_without_entities_lists_new_and_outdated_articles(tmp_path: Path) -> None:
    with Store.open(tmp_path / "k.db") as store:
        first, second = store.add_articles(
            [
                Article(id="1", source="s", source_name="S", title="One", text="Cairo news"),
                Article(id="2", source="s", source_name="S", title="Two", text="Moscow news"),
            ]
        )
        assert sorted(store.keys_without_entities("model:1")) == sorted([first, second])
        store.save_entities(first, "model:1", [Span(0, 5, "GPE", "Cairo")])
        assert store.keys_without_entities("model:1") == [second]
        # A new engine version makes every article due again.
        assert sorted(store.keys_without_entities("model:2")) == sorted([first, second])
        assert store.keys_without_entities("model:1", limit=0) == []

"""bench/fill.py: the store builder the scale benchmarks rely on works and is deterministic.

The benchmarks compare figures across runs and machines only if every run
reads the same articles, so a tiny fill must give identical content twice.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from newsreader.store import Store

FILL_PATH = Path(__file__).resolve().parents[1] / "bench" / "fill.py"


@pytest.fixture(scope="module")
def fill():
    spec = importlib.util.spec_from_file_location("bench_fill", FILL_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_fill"] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("bench_fill", None)


def contents(db: Path) -> list[tuple[object, ...]]:
    """Every stored article's identity and content, newest first (store stamps left out)."""
    with Store.open(db) as store:
        out = []
        for header in store.headers():
            article = store.article(header.key)
            assert article is not None
            out.append((article.source, article.id, article.source_name, article.title,
                        article.text, article.link, article.author, article.published))
        return out


def test_a_tiny_fill_stores_every_article(fill, tmp_path):
    db = tmp_path / "a.db"
    assert fill.fill_synthetic(db, 200) == 200
    rows = contents(db)
    assert len(rows) == 200
    assert len({(source, id_) for source, id_, *_ in rows}) == 200
    # Spread over many sources with real dates, so the list interleaves feeds.
    assert len({row[0] for row in rows}) > 100
    assert all(row[7] is not None and row[7].tzinfo is not None for row in rows)
    assert all(row[3] and row[4] for row in rows)


def test_the_same_arguments_give_the_same_articles(fill, tmp_path):
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    fill.fill_synthetic(first, 200)
    fill.fill_synthetic(second, 200)
    assert contents(first) == contents(second)
    assert list(fill.synthetic_articles(5, seed=2)) == list(fill.synthetic_articles(5, seed=2))
    assert list(fill.synthetic_articles(5, seed=2)) != list(fill.synthetic_articles(5, seed=3))


def test_filling_again_adds_nothing(fill, tmp_path):
    db = tmp_path / "again.db"
    fill.fill_synthetic(db, 200)
    before = contents(db)
    assert fill.fill_synthetic(db, 200) == 200
    assert contents(db) == before


def test_the_command_line_fills_a_store(fill, tmp_path, capsys):
    db = tmp_path / "cli.db"
    assert fill.main(["--articles", "200", "--db", str(db)]) == 0
    assert "stored 200 articles" in capsys.readouterr().out
    with Store.open(db) as store:
        assert store.count() == 200


def test_the_feeds_corpus_needs_a_multiple_of_the_feed_count(fill, tmp_path, capsys):
    assert fill.main(["--articles", "250", "--db", str(tmp_path / "x.db"), "--feeds",
                      "--work", str(tmp_path)]) == 1
    assert "multiple of 200" in capsys.readouterr().err

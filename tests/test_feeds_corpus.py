"""Importing every real subscription list in ../shared/corpus/opml into the store.

Real lists are messy (damaged XML, duplicates, file: URLs, lists that are
not lists); every file must import what it can and report the rest, and the
big ones must land whole.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.feeds import export_opml, import_opml
from newsreader.sources.opml import read_opml_file
from newsreader.store import Store

SHARED = Path(__file__).resolve().parents[2] / "shared"
OPML = SHARED / "corpus" / "opml"

pytestmark = pytest.mark.corpus


def _lists() -> list[Path]:
    if not OPML.exists():
        pytest.skip(f"{OPML} is not here")
    return [
        path
        for path in sorted(OPML.rglob("*"))
        if path.is_file() and path.suffix in (".opml", ".xml")
    ]


def test_every_corpus_list_imports_into_one_database(tmp_path: Path) -> None:
    files = _lists()
    assert len(files) >= 115
    with Store.open(tmp_path / "all.db") as store:
        added = 0
        for path in files:
            report = import_opml(store, path)  # never raises
            assert report.added + report.existing == report.feeds, path.name
            assert all("\n" not in problem for problem in report.problems)
            added += report.added
        feeds = store.feeds()
        assert len(feeds) == added > 1400  # 1451 distinct feeds in 123 files
        assert len({feed.url for feed in feeds}) == len(feeds)
        assert all(feed.url.startswith(("http://", "https://")) for feed in feeds)
        # Importing everything again adds nothing.
        assert sum(import_opml(store, path).added for path in files) == 0


@pytest.mark.parametrize(
    ("name", "feeds"),
    [("aramzs-google-reader-710-feeds.opml", 670), ("engineering-blogs-422-feeds.opml", 420)],
)
def test_big_lists_land_whole_and_round_trip(tmp_path: Path, name: str, feeds: int) -> None:
    _lists()
    path = OPML / name
    if not path.exists():
        pytest.skip(f"{path} is not here")
    with Store.open(tmp_path / "big.db") as store:
        report = import_opml(store, path)
        assert report.added == feeds
        exported = tmp_path / "export.opml"
        exported.write_text(export_opml(store), encoding="utf-8")
        tags = {feed.url: feed.tags for feed in store.feeds()}
    again = read_opml_file(exported)
    assert again.problems == []
    assert {feed.url: feed.tags for feed in again.feeds} == tags

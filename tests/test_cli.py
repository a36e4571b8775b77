"""The command line as scripts use it: exit codes, stderr lines and stable JSON shapes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsreader import __version__, cli
from newsreader.models import Article
from newsreader.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed" / "egypt-russia-2021.txt"
SAMPLES = Path(__file__).resolve().parents[1] / "sample_feeds"


def run(
    argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str = ""
) -> tuple[int, str, str]:
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = cli.main(argv)
    finally:
        sys.stdin = old_stdin
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(autouse=True)
def _tmp_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "cli.db"
    monkeypatch.setenv("NEWSREADER_DB", str(db))
    return db


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"newsreader {__version__}"


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for command in ("parse", "entities", "bookmarks"):
        assert command in out


def test_parse_json_seed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["parse", "--json", str(SEED)], capsys)
    assert code == 0, err
    (line,) = out.splitlines()
    record = json.loads(line)
    assert set(record) == {"source", "source_name", "id", "title", "link", "author", "published",
                           "text_length"}
    assert record["title"] == "Egypt, Russia to reach combat extremist activities agreement"
    assert record["published"] == "2021-12-26T06:05:00+00:00"
    assert record["source"] == str(SEED.resolve())
    assert isinstance(record["text_length"], int) and record["text_length"] > 1000


def test_parse_sample_feeds_reads_everything(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["parse", "--json", str(SAMPLES)], capsys)
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) >= 25
    assert all(r["title"] for r in records)


def test_parse_failure_is_one_line_per_source_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    code, out, err = run(["parse", str(SEED), str(tmp_path / "missing.txt"), str(empty)], capsys)
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 2
    assert all(line.startswith("newsreader: ") for line in lines)
    assert "Traceback" not in err
    assert "Egypt, Russia" in out  # the good source still printed


def test_entities_stream_is_the_scoring_interface(capsys: pytest.CaptureFixture[str]) -> None:
    texts = [
        {"id": "a", "text": "Angela Merkel met officials in Berlin on Monday."},
        {"id": 7, "text": ""},
        {"id": "c", "text": "The United Nations met in Cairo."},
    ]
    stdin = "".join(json.dumps(t) + "\n" for t in texts)
    code, out, err = run(["entities", "--json", "-"], capsys, stdin)
    assert code == 0, err
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in results] == ["a", 7, "c"]
    for given, result in zip(texts, results, strict=True):
        for entity in result["entities"]:
            assert set(entity) == {"start", "end", "label", "text"}
            assert given["text"][entity["start"] : entity["end"]] == entity["text"]
    first = {(e["text"], e["label"]) for e in results[0]["entities"]}
    assert ("Angela Merkel", "PERSON") in first
    assert ("Berlin", "GPE") in first
    assert results[1]["entities"] == []


def test_entities_stream_bad_line_keeps_order(capsys: pytest.CaptureFixture[str]) -> None:
    stdin = 'not json\n{"id": 2, "text": "Cairo"}\n'
    code, out, err = run(["entities", "--json", "-"], capsys, stdin)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2
    assert json.loads(lines[1])["id"] == 2
    assert err.startswith("newsreader: stdin line 1:")


def test_entities_of_seed_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["entities", str(SEED)], capsys)
    assert code == 0
    assert "Georgiy Y. Borisenko" in out
    assert "United Nations" in out
    assert "Leave a Comment" not in out


def test_unknown_engine_is_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["entities", "--ner", "nonsense", str(SEED)], capsys)
    assert code == 2
    assert err.startswith("newsreader: ")
    assert "Traceback" not in err


def test_bookmarks_json_reads_what_the_store_wrote(
    _tmp_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store.open(_tmp_db)
    (key,) = store.add_articles(
        [Article(id="x1", source="/tmp/f.xml", source_name="Feed", title="T", text="body",
                 link="https://example.org/x1")]
    )
    store.set_bookmark(key, True)
    store.close()
    code, out, _ = run(["bookmarks", "--json"], capsys)
    assert code == 0
    (line,) = out.splitlines()
    record = json.loads(line)
    assert record["id"] == "x1"
    assert record["title"] == "T"
    assert record["link"] == "https://example.org/x1"
    assert record["source"] == "/tmp/f.xml"
    assert record["bookmarked_at"].endswith("+00:00")


def test_db_option_before_or_after_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.db"
    for argv in (["--db", str(other), "locate"], ["locate", "--db", str(other)]):
        code, out, _ = run(argv, capsys)
        assert code == 0
        assert str(other) in out


def test_corrupt_database_is_a_message_and_left_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    before = bad.read_bytes()
    code, _, err = run(["--db", str(bad), "bookmarks"], capsys)
    assert code == 2
    assert err.startswith("newsreader: ") and "Traceback" not in err
    assert bad.read_bytes() == before


def test_python_dash_m_works() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "newsreader", "--version"], capture_output=True, text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"newsreader {__version__}"


def test_engine_comes_from_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[entities]\nengine = "no-such-engine"\n', encoding="utf-8")
    monkeypatch.setenv("NEWSREADER_CONFIG", str(config))
    monkeypatch.delenv("NEWSREADER_NER", raising=False)
    code, _, err = run(["entities", str(SEED)], capsys)
    assert code == 2
    assert "no-such-engine" in err
    monkeypatch.setenv("NEWSREADER_NER", "rules")  # the environment wins over the file
    code, out, _ = run(["entities", str(SEED)], capsys)
    assert code == 0 and "Georgiy Y. Borisenko" in out

"""The config file: defaults, values read, and bad files that never stop the app."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.config import SCHEMA, defaults, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_default_file_is_all_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSREADER_CONFIG", str(tmp_path / "absent.toml"))
    config = load_config()
    assert config.values == defaults()
    assert config.problems == ()


def test_a_named_file_must_exist(tmp_path: Path) -> None:
    config = load_config(tmp_path / "absent.toml")
    assert config.values == defaults()
    assert len(config.problems) == 1 and "no such file" in config.problems[0]


def test_values_and_keymap_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[ui]\ntheme = "gruvbox"\nanimations = true\n[reading]\nmark_read_on_open = false\n'
        '[refresh]\ninterval_minutes = 15\n[keys]\n"article.next" = "j,down"\n',
    )
    config = load_config(path)
    assert config.problems == ()
    assert config.get("ui", "theme") == "gruvbox"
    assert config.get("ui", "animations") is True
    assert config.get("reading", "mark_read_on_open") is False
    assert config.get("refresh", "interval_minutes") == 15.0
    assert config.keys == {"article.next": "j,down"}


def test_bad_values_name_their_line_and_fall_back(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[ui]\nlayout = "sideways"\n\n[refresh]\nconcurrency = -3\n[nope]\nx = 1\n'
        "[reading]\nmark_read_on_open = 1\n",
    )
    config = load_config(path)
    assert config.get("ui", "layout") == "auto"
    assert config.get("refresh", "concurrency") == SCHEMA["refresh"]["concurrency"][1]
    assert config.get("reading", "mark_read_on_open") is True
    lines = [problem.split(":")[1] for problem in config.problems]
    assert lines == ["2", "5", "6", "9"]
    assert all(str(path) in problem for problem in config.problems)


def test_broken_toml_is_one_message_with_the_line(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[ui\ntheme = 1\n"))
    assert config.values == defaults()
    (problem,) = config.problems
    assert "line 1" in problem


def test_binary_file_is_a_message(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    (problem,) = load_config(path).problems
    assert "UTF-8" in problem

"""The user's configuration file: key bindings, theme, layout, reading and refresh choices.

A TOML file in the platformdirs config dir (``~/.config/newsreader/config.toml``
on Linux); ``--config PATH`` or ``NEWSREADER_CONFIG`` name another. Every
setting has a default, so a missing file is an empty one. A file that cannot
be read never stops the app: each problem becomes one message that names the
line (when TOML can tell it) and the setting falls back to its default.

Example::

    [ui]
    theme = "gruvbox"          # any Textual theme name
    animations = false         # smooth scrolling costs ~10x the CPU per page

    [reading]
    mark_read_on_open = true

    [refresh]
    interval_minutes = 30      # 0 = never refresh by itself
    concurrency = 8

    [keys]                     # binding id = "keys" (comma-separated)
    "article.next" = "j,down"

Headless: nothing here imports Textual; the UI applies ``keys`` with
``App.set_keymap``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Settings by section: name -> (type, default). One table is the whole schema.
SCHEMA: dict[str, dict[str, tuple[type, Any]]] = {
    "ui": {
        "theme": (str, ""),  # "" = Textual's default, or the last one chosen in the app
        "animations": (bool, False),
        "layout": (str, "auto"),  # auto | wide | medium | narrow
    },
    "reading": {
        "mark_read_on_open": (bool, True),
    },
    "refresh": {
        "interval_minutes": (float, 0.0),
        "concurrency": (int, 8),
        "timeout_seconds": (float, 20.0),
        "max_megabytes": (float, 20.0),
    },
    "retention": {
        "max_age_days": (float, 0.0),  # 0 = keep everything
        "max_count": (int, 0),
    },
    "entities": {
        "engine": (str, "default"),
    },
}

_LAYOUTS = ("auto", "wide", "medium", "narrow")
_KIND_NAMES = {bool: "true or false", float: "number >= 0", int: "whole number >= 0", str: "string"}


@dataclass(frozen=True, slots=True)
class Config:
    """The settings in effect, with the problems found while reading them."""

    values: dict[str, dict[str, Any]]
    keys: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    problems: tuple[str, ...] = ()

    def get(self, section: str, name: str) -> Any:
        return self.values[section][name]


def default_config_path() -> Path:
    """``$NEWSREADER_CONFIG``, else ``config.toml`` in the user config dir."""
    override = os.environ.get("NEWSREADER_CONFIG")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return platformdirs.user_config_path("newsreader", appauthor=False) / "config.toml"


def defaults() -> dict[str, dict[str, Any]]:
    return {section: {k: d for k, (_, d) in names.items()} for section, names in SCHEMA.items()}


def load_config(path: Path | str | None = None) -> Config:
    """Read the config file; never raises for a bad or missing file."""
    config_path = Path(path).expanduser() if path else default_config_path()
    values = defaults()
    try:
        raw = config_path.read_bytes()
    except FileNotFoundError:
        if path:  # a file named on the command line must exist
            return Config(values, path=config_path, problems=(f"{config_path}: no such file",))
        return Config(values, path=config_path)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return Config(values, path=config_path, problems=(f"{config_path}: {reason}",))
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return Config(values, path=config_path, problems=(f"{config_path}: not UTF-8 text",))
    except tomllib.TOMLDecodeError as exc:
        # The message ends "(at line N, column M)": it names the line.
        return Config(values, path=config_path, problems=(f"{config_path}: {exc}",))
    problems: list[str] = []
    keys = _read_sections(data, values, problems, config_path, raw.decode("utf-8"))
    return Config(values, keys=keys, path=config_path, problems=tuple(problems))


def _read_sections(
    data: dict[str, Any],
    values: dict[str, dict[str, Any]],
    problems: list[str],
    path: Path,
    text: str,
) -> dict[str, str]:
    keys: dict[str, str] = {}
    for section, content in data.items():
        where = f"{path}:{_line_of(text, section)}"
        if section == "keys":
            if not isinstance(content, dict):
                problems.append(f"{where}: [keys] must be a table of binding id = \"keys\"")
                continue
            for binding_id, value in content.items():
                if isinstance(value, str) and value.strip():
                    keys[str(binding_id)] = value
                else:
                    problems.append(
                        f"{path}:{_line_of(text, binding_id)}: keys.{binding_id} must be a "
                        'string such as "j,down"'
                    )
            continue
        if section not in SCHEMA or not isinstance(content, dict):
            known = ", ".join(f"[{name}]" for name in (*SCHEMA, "keys"))
            problems.append(f"{where}: unknown section [{section}] (known: {known})")
            continue
        for name, value in content.items():
            line = f"{path}:{_line_of(text, name)}"
            spec = SCHEMA[section].get(name)
            if spec is None:
                known = ", ".join(SCHEMA[section])
                problems.append(f"{line}: unknown setting {section}.{name} (known: {known})")
                continue
            converted = _convert(value, spec[0])
            if converted is None or ((section, name) == ("ui", "layout") and value not in _LAYOUTS):
                expected = " | ".join(_LAYOUTS) if name == "layout" else _KIND_NAMES[spec[0]]
                problems.append(
                    f"{line}: {section}.{name} = {value!r} is not a {expected}; using the default"
                )
                continue
            values[section][name] = converted
    return keys


def _convert(value: Any, kind: type) -> Any:
    """The value as ``kind``, or None when it is the wrong type (ints count as floats)."""
    if kind is bool:
        return value if isinstance(value, bool) else None
    if kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
        return float(value) if ok else None
    if kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return value if ok else None
    return value if isinstance(value, kind) else None


def _line_of(text: str, name: str) -> int:
    """The first line that mentions ``name`` as a key or section, for messages."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip().lstrip("[").strip('"').strip("'")
        if stripped.startswith(name):
            return number
    return 1

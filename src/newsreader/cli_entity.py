"""``newsreader entity NAME [--json] [--type LABEL]``: the stored articles that mention it.

Reads the database only (no entity engine is loaded), so it answers in the
time it takes to open SQLite. NAME is folded like the store folds entity
names, so ``entity UN`` finds articles that said "U.N." or "United
Nations". Exit status: 0 when something mentions it, 1 when nothing does
(as ``grep``), 2 for a bad argument or database.

JSON output is one object per article, newest first::

    {"key": 12, "id": "...", "title": "...", "source": "...",
     "published": "2024-03-04T09:30:00+00:00", "mentions": 4}

Kept out of :mod:`newsreader.cli` so it can grow on its own; ``cli`` wires
it in with :func:`add_entity_arguments` and :func:`cmd_entity`. Like
``cli``, it imports nothing heavy at import time, and it imports ``cli``'s
helpers only when it runs (``cli`` imports this module).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from newsreader.store import EntityArticle

#: One line for the ``newsreader --help`` command list.
ENTITY_HELP = "  entity NAME           list stored articles that mention an entity\n"

#: ``--type`` values: the labels, and the sidebar's words for them.
TYPE_NAMES: dict[str, str] = {
    "person": "PERSON", "people": "PERSON",
    "org": "ORG", "organisation": "ORG", "organization": "ORG", "organisations": "ORG",
    "gpe": "GPE", "loc": "LOC", "place": "GPE", "places": "GPE",
    "norp": "NORP", "group": "NORP", "groups": "NORP",
    "date": "DATE", "dates": "DATE",
}


def add_entity_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's arguments, added to the parser ``cli`` made for it."""
    parser.add_argument("name", metavar="NAME", help="an entity name, any spelling or alias")
    parser.add_argument(
        "--type",
        metavar="LABEL",
        default=None,
        help="only this kind: PERSON, ORG, GPE, LOC, NORP, DATE "
        "(or person, org, place, group, date)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per article")


def _label(value: str | None) -> str | None:
    """The label ``--type`` names, or a CliError naming the choices."""
    from newsreader.cli import CliError

    if value is None:
        return None
    label = TYPE_NAMES.get(value.strip().casefold())
    if label is None:
        choices = ", ".join(sorted(set(TYPE_NAMES.values())))
        raise CliError(f"unknown entity type {value.strip()[:40]!r} (use one of {choices})", 2)
    return label


def cmd_entity(args: argparse.Namespace, out: TextIO) -> int:
    """List the stored articles that mention NAME, newest first."""
    from newsreader.cli import CliError, _emit_json, _one_line, _open_store

    name = _one_line(args.name).strip()
    if not name:
        raise CliError("an entity name is needed, e.g. newsreader entity 'Angela Merkel'", 2)
    label = _label(args.type)
    with _open_store(getattr(args, "db", None)) as store:
        found = store.entity_articles(name, label)
        known = store.find_entities(name, label) if found and not args.json else []
    if args.json:
        for item in found:
            _emit_json(_article_json(item), out)
        return 0 if found else 1
    if not found:
        kind = f" as {label}" if label else ""
        out.write(f"No stored article mentions {name}{kind}.\n")
        return 1
    described = ", ".join(f"{_one_line(e.name)} ({e.label})" for e in known) or name
    total = sum(item.mentions for item in found)
    noun = "article" if len(found) == 1 else "articles"
    out.write(f"{described}: {total} mentions in {len(found)} {noun}\n")
    for item in found:
        header = item.header
        day = header.published.strftime("%Y-%m-%d") if header.published else "-"
        out.write(
            f"{day:10}  {_one_line(header.source_name)}  {_one_line(header.title)}"
            f"  ({item.mentions})\n"
        )
    return 0


def _article_json(item: EntityArticle) -> dict[str, object]:
    from newsreader.cli import _iso

    header = item.header
    return {
        "key": header.key,
        "id": item.article_id,
        "title": header.title,
        "source": header.source,
        "published": _iso(header.published),
        "mentions": item.mentions,
    }

"""Re-key stored entities after the folding rule changed.

Entity rows are keyed on ``(label, norm)`` as :func:`entity_identity`
computes it. When that rule changes (schema 3 moved the store onto the
entity engines' :func:`~newsreader.entities.fold.fold_identity`, which also
merges known aliases and LOC with GPE), rows written under the old rule
would never meet the new ones, so this migration recomputes every mention's
entity from the name it stands for. Rows that now name the same entity are
merged; a row whose mentions now name different entities is split.

Written as a reusable function so a later rule change is one more entry in
:data:`newsreader.store.schema.MIGRATIONS` calling it again.
"""

from __future__ import annotations

import sqlite3

from newsreader.store.names import entity_identity


def refold_entities(db: sqlite3.Connection) -> None:
    """Point every mention at the entity its name folds to now; drop unused rows.

    One pass over (entity, spelling) pairs, not over mentions, and one
    UPDATE statement for the mentions that move, so it stays quick on a
    large database. Runs inside the migration's transaction.
    """
    labels = dict(db.execute("SELECT id, label FROM entities").fetchall())
    pairs = db.execute(
        "SELECT entity_id, name, count(*) FROM mentions GROUP BY entity_id, name"
    ).fetchall()
    # identity -> contributing old ids (first seen first) and spelling counts.
    identity_of: dict[tuple[int, str], tuple[str, str]] = {}
    members: dict[tuple[str, str], list[int]] = {}
    spellings: dict[tuple[str, str], dict[str, int]] = {}
    for entity_id, name, count in pairs:
        identity = entity_identity(labels.get(entity_id, ""), name)
        identity_of[(entity_id, name)] = identity
        ids = members.setdefault(identity, [])
        if entity_id not in ids:
            ids.append(entity_id)
        counts = spellings.setdefault(identity, {})
        counts[name] = counts.get(name, 0) + count
    # Free every (label, norm) first: a row about to take a key may still hold
    # one another row is about to take. A folded name never holds a NUL.
    db.execute("UPDATE entities SET norm = char(0) || id")
    target: dict[tuple[str, str], int] = {}
    taken: set[int] = set()
    for identity, ids in members.items():
        name = max(spellings[identity].items(), key=lambda item: (item[1], item[0]))[0]
        free = next((i for i in sorted(ids) if i not in taken), None)
        if free is None:  # an old row split in two: the second half gets a new row
            cursor = db.execute(
                "INSERT INTO entities (label, norm, name) VALUES (?, ?, ?)", (*identity, name)
            )
            free = int(cursor.lastrowid or 0)
        else:
            db.execute(
                "UPDATE entities SET label = ?, norm = ?, name = ? WHERE id = ?",
                (*identity, name, free),
            )
        taken.add(free)
        target[identity] = free
    moves = [
        (entity_id, name, target[identity])
        for (entity_id, name), identity in identity_of.items()
        if target[identity] != entity_id
    ]
    if moves:
        db.execute(
            "CREATE TEMP TABLE refold_moves ("
            "old_id INTEGER NOT NULL, name TEXT NOT NULL, new_id INTEGER NOT NULL, "
            "PRIMARY KEY (old_id, name))"
        )
        db.executemany("INSERT INTO temp.refold_moves VALUES (?, ?, ?)", moves)
        # One statement: each mention is looked up once against its old id,
        # so a mention moved onto a row that itself moves is not moved twice.
        db.execute(
            "UPDATE mentions SET entity_id = (SELECT new_id FROM temp.refold_moves "
            "WHERE old_id = mentions.entity_id AND name = mentions.name) "
            "WHERE (entity_id, name) IN (SELECT old_id, name FROM temp.refold_moves)"
        )
        db.execute("DROP TABLE temp.refold_moves")
        # Two engines' labels for one stretch of text (LOC and GPE) are now one
        # entity: keep that mention once.
        db.execute(
            "DELETE FROM mentions WHERE rowid NOT IN (SELECT min(rowid) FROM mentions "
            'GROUP BY article_key, entity_id, start, "end")'
        )
    db.execute(
        "DELETE FROM entities WHERE NOT EXISTS "
        "(SELECT 1 FROM mentions WHERE entity_id = entities.id)"
    )

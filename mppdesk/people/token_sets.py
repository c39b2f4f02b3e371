"""``people_name_token_set``: each person's name-token digests as one array, with a GIN
index, kept by PostgreSQL triggers from ``people_personnametoken`` (PostgreSQL only).

Why. A search of only common words ("María Hernández") needs the people who have a
token of every word. From the token table that is a merge of each word's whole runs of
the ``(bidx, person_id)`` index: at 1,000,000 people, 213,000 index entries read for
2,322 people, about 60-75 ms of PostgreSQL, a third of a case worker's CPU on average
(docs/benchmarks.md). A GIN index keeps each digest's people as a compressed list and
intersects them itself: the same 2,322 people in about 9 ms.

The token table stays the one place the application writes (``services.reindex_person``,
the importer's COPY, index-key rotation, erasure): these triggers derive the arrays,
per statement and from the statement's transition tables, so a COPY of 2,000 people
is one aggregate insert, not 40,000 trigger calls.

- Insert: each person's new digests are merged into their array (created if missing).
- Delete: the deleted digests leave the array; an empty array's row goes.
- Update: both, in that order. Truncate: the arrays go too.

Concurrent writers stay correct: every change is computed against the row's latest
version under its row lock (``ON CONFLICT DO UPDATE`` and ``UPDATE`` re-read it), never
from a snapshot of the token table; writers of one person's tokens also hold the
person's row lock (``update_person``, erasure, rotation).

Bypassing the triggers (``session_replication_role = replica``, ``DISABLE TRIGGER``, a
data-only restore with ``--disable-triggers``) or one statement that both deletes and
re-inserts a person's tokens (a ``WITH ... DELETE`` feeding an ``INSERT``, which the
application never writes) leaves arrays that differ from the tokens, and a search would
trust them: ``mppdesk people check-search [--rebuild]`` finds and mends that (``check``,
``rebuild``).

Only digests are stored, as in the token table: the same blind indexes, grouped by
person. Nothing here on SQLite (``queries._people_with_all`` uses ``INTERSECT`` there).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

TABLE = "people_name_token_set"

_TABLE = """
CREATE TABLE people_name_token_set (
    person_id uuid PRIMARY KEY,
    bidxs text[] NOT NULL
);
"""

#: The removed digests are grouped per person once and joined in: a subquery over the whole
#: transition table per person made deleting 4,000 people's tokens take 20.6 s (0.31 s so).
_REMOVE = """
    UPDATE people_name_token_set AS s
        SET bidxs = ARRAY(SELECT unnest(s.bidxs) EXCEPT SELECT unnest(r.gone))
        FROM (SELECT person_id, array_agg(bidx::text) AS gone FROM removed GROUP BY person_id) r
        WHERE s.person_id = r.person_id;
    DELETE FROM people_name_token_set s
        WHERE s.person_id IN (SELECT person_id FROM removed) AND cardinality(s.bidxs) = 0;
"""

_ADD = """
    INSERT INTO people_name_token_set AS s (person_id, bidxs)
        SELECT person_id, array_agg(DISTINCT bidx::text) FROM added GROUP BY person_id
    ON CONFLICT (person_id) DO UPDATE
        SET bidxs = ARRAY(SELECT unnest(s.bidxs) UNION SELECT unnest(EXCLUDED.bidxs));
"""

#: The trigger functions carry the migration's search_path: a session with another one
#: (``search_path = ''`` in maintenance scripts) still writes the right table.
_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION people_name_token_set_add() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN {_ADD}
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION people_name_token_set_remove() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN {_REMOVE}
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION people_name_token_set_replace() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN {_REMOVE} {_ADD}
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION people_name_token_set_truncate() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    TRUNCATE people_name_token_set;
    RETURN NULL;
END $$;
"""

TRIGGERS = (
    "people_name_token_set_add",
    "people_name_token_set_remove",
    "people_name_token_set_replace",
    "people_name_token_set_truncate",
)

_TRIGGERS = """
CREATE TRIGGER people_name_token_set_add AFTER INSERT ON people_personnametoken
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION people_name_token_set_add();
CREATE TRIGGER people_name_token_set_remove AFTER DELETE ON people_personnametoken
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION people_name_token_set_remove();
CREATE TRIGGER people_name_token_set_replace AFTER UPDATE ON people_personnametoken
    REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION people_name_token_set_replace();
CREATE TRIGGER people_name_token_set_truncate AFTER TRUNCATE ON people_personnametoken
    FOR EACH STATEMENT EXECUTE FUNCTION people_name_token_set_truncate();
"""

#: The arrays of the tokens there are. Writers of tokens wait meanwhile: the triggers'
#: creation (a migration) or ``rebuild``'s lock holds them off until the commit.
_FILL = """
INSERT INTO people_name_token_set (person_id, bidxs)
    SELECT person_id, array_agg(bidx::text) FROM people_personnametoken GROUP BY person_id
"""

#: Built after the fill: one sorted build instead of 1,000,000 inserts into the index.
_INDEX = "CREATE INDEX people_name_token_set_bidxs ON people_name_token_set USING gin (bidxs)"

#: Each trigger calls the function of its name.
_DROP = (
    "".join(
        f"DROP TRIGGER IF EXISTS {name} ON people_personnametoken; DROP FUNCTION IF EXISTS {name}();"
        for name in TRIGGERS
    )
    + "DROP TABLE IF EXISTS people_name_token_set;"
)

#: People whose array is not exactly their tokens (either side missing counts too).
_DIFFERENCES = """
SELECT count(*) FROM (
    SELECT person_id, array_agg(bidx::text ORDER BY bidx::text) AS b
    FROM people_personnametoken GROUP BY person_id
) t FULL JOIN (
    SELECT person_id, ARRAY(SELECT x FROM unnest(bidxs) x ORDER BY x) AS b
    FROM people_name_token_set
) s USING (person_id)
WHERE t.b IS DISTINCT FROM s.b
"""

_ENABLED_TRIGGERS = """
SELECT count(*) FROM pg_trigger
WHERE tgrelid = 'people_personnametoken'::regclass AND tgname = ANY(%s) AND tgenabled = 'O'
"""


def install(connection: Any) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for statement in (_TABLE, _FUNCTIONS, _TRIGGERS, _FILL, _INDEX):
                cursor.execute(statement)


def remove(connection: Any) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_DROP)


@dataclass(frozen=True)
class Check:
    """What ``check`` found: how many of the four triggers are there and enabled, and
    how many people's arrays are not exactly their tokens."""

    triggers: int
    differences: int

    @property
    def ok(self) -> bool:
        return self.triggers == len(TRIGGERS) and self.differences == 0


def check(connection: Any) -> Check:
    """Compare every array with its person's tokens (reads the whole token table: 15 s
    at 1,000,000 people here). Nothing to compare on SQLite: ``Check(4, 0)``."""
    if connection.vendor != "postgresql":
        return Check(len(TRIGGERS), 0)
    with connection.cursor() as cursor:
        cursor.execute(_ENABLED_TRIGGERS, [list(TRIGGERS)])
        triggers = cursor.fetchone()[0]
        cursor.execute(_DIFFERENCES)
        return Check(triggers, cursor.fetchone()[0])


def rebuild(connection: Any) -> None:
    """Drop and recreate the table, its triggers and index from the tokens, in one
    transaction; writers of tokens wait until it commits. For an array that drifted:
    the triggers were bypassed (``session_replication_role = replica``, ``DISABLE
    TRIGGER``, a data-only restore with ``--disable-triggers``) or a statement both deleted
    and re-inserted the same tokens (a ``WITH ... DELETE`` feeding an ``INSERT``: the two
    statement triggers run in the order the parts finish, which the application never
    does)."""
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE people_personnametoken IN SHARE MODE")
        remove(connection)
        install(connection)


def people_with_all(per_word: list[tuple[str, ...]], limit: int) -> list[Any]:
    """Up to ``limit`` ids of the people with one of each word's digests (``per_word``),
    through the GIN index: one ``&&`` (has any of) per word (PostgreSQL)."""
    conditions = " AND ".join("bidxs && %s::text[]" for _ in per_word)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT person_id FROM {TABLE} WHERE {conditions} LIMIT %s",  # noqa: S608 - placeholders only
            [*(list(digests) for digests in per_word), limit],
        )
        return [row[0] for row in cursor.fetchall()]

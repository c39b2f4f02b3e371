"""``audit_append``: the PostgreSQL function that appends entries to the hash chain.

Why a function. Every writer holds the chain head's row lock from the moment it reads
the head until its transaction ends, so the time a writer holds it is the time every
other writer waits. Written from Python, that time was four round trips (lock the
head, insert the entry, move the head, commit) and the Python between them; under load
a web thread that had its answer back then waited for the GIL while other threads of
its process ran, still holding the lock. Page views of personal data queued behind each
other on the lock (measured in the load benchmark: ``docs/benchmarks.md``).

The function does the same steps inside the server: lock the head, number and hash the
entries, insert them, move the head. Python computes everything that does not depend on
the head beforehand: the canonical JSON around its holes (``chain.Parts``). Called
outside a transaction (a page view) it is a transaction of its own and the lock is held
for microseconds; inside the caller's transaction it keeps the lock until that commits,
as ``services.record`` always did.

The hash is the one ``chain`` defines (a test compares every entry written here with
``AuditEntry.compute_hash``): SHA-256 of
``parts[1] || at || parts[2] || encoded object id || parts[3] || prev_hash || parts[4]
|| seq || '}'``, with ``at`` in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``. ``at`` is the
writer's time, or the previous entry's when the writer's is at most ``chain.CLOCK_STEP``
behind it (``chain.in_order``: in order for writers racing for the lock, and a clock far
off shows on its own entries instead of pinning everyone's).

No head row (a fresh database): the function returns no rows and the caller takes the
Python path, which creates it.
"""

from __future__ import annotations

from typing import Any

from mppdesk.audit import chain

_CREATE = """
CREATE OR REPLACE FUNCTION audit_append(
    p_parts text[],
    p_at timestamptz,
    p_actor_id bigint,
    p_organization_id bigint,
    p_action text,
    p_object_type text,
    p_object_ids text[],
    p_encoded_ids text[],
    p_fields jsonb,
    p_channel text,
    p_request_id text,
    p_ip inet
) RETURNS TABLE (entry_id bigint, entry_seq bigint, entry_at timestamptz,
                 entry_prev text, entry_hash text)
LANGUAGE plpgsql AS $$
DECLARE
    v_seq bigint;
    v_prev text;
    v_last timestamptz;
    v_at timestamptz;
    v_at_text text;
    v_hash text;
    v_count integer := coalesce(array_length(p_object_ids, 1), 0);
BEGIN
    IF v_count = 0 OR v_count <> coalesce(array_length(p_encoded_ids, 1), 0)
       OR coalesce(array_length(p_parts, 1), 0) <> 4 THEN
        RAISE EXCEPTION 'audit_append: % object ids, % encoded ids, % parts',
            v_count, array_length(p_encoded_ids, 1), array_length(p_parts, 1)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT h.seq, h.hash INTO v_seq, v_prev
        FROM audit_auditchainhead h WHERE h.id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT e.at INTO v_last FROM audit_auditentry e WHERE e.seq = v_seq;
    -- chain.in_order: the previous entry's time if ours is at most CLOCK_STEP behind it.
    IF v_last > p_at AND v_last <= p_at + interval '{step} seconds' THEN
        v_at := v_last;
    ELSE
        v_at := p_at;
    END IF;
    v_at_text := to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
    FOR i IN 1 .. v_count LOOP
        v_seq := v_seq + 1;
        v_hash := encode(sha256(convert_to(
            p_parts[1] || v_at_text || p_parts[2] || p_encoded_ids[i] || p_parts[3]
            || v_prev || p_parts[4] || v_seq::text || '}', 'UTF8')), 'hex');
        INSERT INTO audit_auditentry (seq, at, actor_id, organization_id, action,
            object_type, object_id, fields, channel, request_id, ip, prev_hash, hash)
        VALUES (v_seq, v_at, p_actor_id, p_organization_id, p_action, p_object_type,
            p_object_ids[i], p_fields, p_channel, p_request_id, p_ip, v_prev, v_hash)
        RETURNING id INTO entry_id;
        entry_seq := v_seq;
        entry_at := v_at;
        entry_prev := v_prev;
        entry_hash := v_hash;
        RETURN NEXT;
        v_prev := v_hash;
    END LOOP;
    UPDATE audit_auditchainhead SET seq = v_seq, hash = v_prev WHERE id = 1;
END
$$
"""

CREATE = _CREATE.replace("{step}", str(int(chain.CLOCK_STEP.total_seconds())))

DROP = "DROP FUNCTION IF EXISTS audit_append(text[], timestamptz, bigint, bigint, text, text, text[], text[], jsonb, text, text, inet)"  # noqa: E501

CALL = (
    "SELECT entry_id, entry_seq, entry_at, entry_prev, entry_hash FROM audit_append("
    "%s::text[], %s::timestamptz, %s::bigint, %s::bigint, %s::text, %s::text, %s::text[], "
    "%s::text[], %s::jsonb, %s::text, %s::text, %s::inet)"
)


def install(connection: Any) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(CREATE)


def remove(connection: Any) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(DROP)

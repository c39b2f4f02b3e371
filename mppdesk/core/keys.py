"""Key rotation: re-encrypt every encrypted column under the current key version.

``rotate_keys`` selects rows whose ciphertext does not start with the current version's
prefix (``"<version>$"``), a batch at a time, each batch in its own transaction. So:

- an interrupted run resumes where it stopped: finished batches are already under the
  new key and are not selected again;
- the application keeps serving meanwhile: old ciphertexts stay readable as long as their
  key is in ``MPPDESK_FIELD_KEYS``, new writes use the current key, and on PostgreSQL a
  batch skips rows another transaction holds (``SKIP LOCKED``) instead of waiting;
- only when a run reports nothing left to do may the old key be removed from the ring.

Blind indexes use a separate key ring: ``rotate_index`` (below) recomputes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from mppdesk.core.models import EncryptedModelMixin
from mppdesk.lib import crypto

Progress = Callable[[str, int], None]
#: ``(given_names, family_names, other_names) -> blind-index digests`` of a person's name
#: tokens. The people app registers its builder (``register_name_tokens``) from ``ready()``:
#: what a name token is belongs to the people domain, and core does not import it.
NameTokens = Callable[[str, str, list[str]], Iterable[str]]
_name_tokens: list[NameTokens] = []


def register_name_tokens(builder: NameTokens) -> None:
    """Set the function that computes a person's name-token digests (one per process)."""
    _name_tokens[:] = [builder]


def _name_token_builder() -> NameTokens:
    if not _name_tokens:
        raise ImproperlyConfigured("No name-token builder registered (people app not installed)")
    return _name_tokens[0]


@dataclass
class RotationResult:
    # "<table>.<column>" -> values re-encrypted in this run
    rewritten: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rewritten.values())


def encrypted_columns() -> list[tuple[type[Any], Any]]:
    """Every (model, encrypted field) of the project."""
    found: list[tuple[type[Any], Any]] = []
    for model in apps.get_models():
        if issubclass(model, EncryptedModelMixin):
            found.extend((model, f) for f in model.encrypted_fields())
    return found


def _rotate_batch(model: type[Any], fld: Any, prefix: str, batch_size: int) -> int:
    ring = crypto.keyring()
    bound = "pk" if fld.bind_to == "pk" else fld.bind_to
    manager = model._base_manager
    # Empty values are stored empty (not encrypted): nothing to rotate there.
    stale = (
        Q(**{f"{fld.attname}__isnull": False})
        & ~Q(**{fld.attname: ""})
        & ~Q(**{f"{fld.attname}__startswith": prefix})
    )
    with transaction.atomic():
        rows = manager.filter(stale).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        batch = list(rows.values_list("pk", bound, fld.attname)[:batch_size])
        for pk, row, stored in batch:
            aad = fld.aad_for(row)
            plaintext = ring.decrypt(stored, aad)
            manager.filter(pk=pk).update(**{fld.attname: ring.encrypt(plaintext, aad)})
    return len(batch)


def rotate_keys(batch_size: int = 500, progress: Progress | None = None) -> RotationResult:
    """Re-encrypt every ciphertext not under the current key; ``progress(column, n)`` is
    called after each committed batch of ``n`` values."""
    if not crypto.encryption_enabled():
        raise ImproperlyConfigured("Field encryption is off (MPPDESK_FIELD_ENCRYPTION=0)")
    prefix = crypto.keyring().current_prefix
    result = RotationResult()
    for model, fld in encrypted_columns():
        label = f"{model._meta.db_table}.{fld.column}"
        result.rewritten.setdefault(label, 0)
        while True:
            done = _rotate_batch(model, fld, prefix, batch_size)
            if not done:
                break
            result.rewritten[label] += done
            if progress is not None:
                progress(label, done)
    return result


# ---------------------------------------------------------------------------------------
# Blind-index key rotation
#
# A stored digest names its index key version ("" = 1, "<v>$" otherwise, lib.crypto), so
# the rows still to recompute are found the way rotate_keys finds stale ciphertexts: by
# prefix, a batch per transaction, locked rows skipped on PostgreSQL. No progress table
# and no extra column: an interrupted run resumes by itself, and whether any row still
# uses a version is one query per table (retiring a version checks exactly that).
# Recomputing needs the plaintext only, never the old key; the old key stays in the ring
# so that lookups (which match every version, crypto.lookup_digests) keep finding the
# rows not yet done.

TOKENS = "people_personnametoken.bidx"


@dataclass
class IndexRotationResult:
    version: int
    # "<table>.<column>" -> rows recomputed in this run (name tokens: people reindexed)
    recomputed: dict[str, int] = field(default_factory=dict)
    # rows still under another version: locked by a transaction, or written meanwhile by a
    # process that still runs with the previous ring; a second run takes them
    left: dict[str, int] = field(default_factory=dict)
    # primary keys whose new digest collides with a unique constraint (the same A-number
    # or contact twice, once under each version): merge them, then run again
    conflicts: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.recomputed.values())

    @property
    def complete(self) -> bool:
        return not any(self.left.values())


def blind_index_columns() -> list[tuple[type[Any], Any]]:
    """Every (model, ``BlindIndexField``) of the project; each must have a ``source``,
    the plaintext it is recomputed from."""
    from mppdesk.core.fields import BlindIndexField

    found: list[tuple[type[Any], Any]] = []
    for model in apps.get_models():
        for fld in model._meta.concrete_fields:
            if isinstance(fld, BlindIndexField):
                if not fld.source:
                    raise ImproperlyConfigured(
                        f"{model._meta.label}.{fld.name} has no source: "
                        "its blind index cannot be recomputed"
                    )
                found.append((model, fld))
    return found


def _label(model: type[Any], fld: Any) -> str:
    return f"{model._meta.db_table}.{fld.column}"


def _under_version(attname: str, version: int) -> Q:
    """Rows whose non-empty digest in ``attname`` was made with index key ``version``."""
    if version == 1:
        return ~Q(**{attname: ""}) & ~Q(**{f"{attname}__contains": "$"})
    return Q(**{f"{attname}__startswith": crypto.index_prefix(version)})


def _not_under_version(attname: str, version: int) -> Q:
    """Rows with a non-empty digest made with any other index key than ``version``."""
    if version == 1:
        return Q(**{f"{attname}__contains": "$"})
    return ~Q(**{attname: ""}) & ~Q(**{f"{attname}__startswith": crypto.index_prefix(version)})


def _token_model() -> type[Any]:
    return apps.get_model("people", "PersonNameToken")


def _skip_locked(queryset: Any) -> Any:
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset


def pending_index_work(version: int | None = None) -> dict[str, int]:
    """What ``rotate_index`` has left to do: rows per blind-index column, and people
    whose name tokens are not all under the current (or given) index key version."""
    version = version or crypto.keyring().index_current
    work = {
        _label(model, fld): model._base_manager.filter(
            _not_under_version(fld.attname, version)
        ).count()
        for model, fld in blind_index_columns()
    }
    work[TOKENS] = (
        _token_model()
        .objects.filter(_not_under_version("bidx", version))
        .values("person_id")
        .distinct()
        .count()
    )
    return work


def index_version_usage(version: int) -> dict[str, int]:
    """Stored digests (name tokens: token rows) made with index key ``version``."""
    usage = {
        _label(model, fld): model._base_manager.filter(_under_version(fld.attname, version)).count()
        for model, fld in blind_index_columns()
    }
    usage[TOKENS] = _token_model().objects.filter(_under_version("bidx", version)).count()
    return usage


@dataclass
class _Batch:
    selected: int  # rows read (some may have been locked: not even read on PostgreSQL)
    done: int
    last: Any  # cursor: the highest primary key read
    conflicts: list[Any] = field(default_factory=list)


def _recompute_rows(
    model: type[Any], fld: Any, stale: Q, after: Any, batch_size: int, careful: bool
) -> _Batch:
    manager = model._base_manager
    with transaction.atomic():
        rows = manager.filter(stale)
        if after is not None:
            # A cursor within the run, so each batch continues the primary-key index scan
            # instead of scanning the done prefix again.
            rows = rows.filter(pk__gt=after)
        batch = list(_skip_locked(rows.order_by("pk"))[:batch_size])
        done, conflicts = 0, []
        for row in batch:
            digest = fld.digest(str(getattr(row, fld.source) or ""))
            target = manager.filter(pk=row.pk)
            if not careful:
                target.update(**{fld.attname: digest})
            else:
                try:
                    with transaction.atomic():  # a savepoint per row, only after a conflict
                        target.update(**{fld.attname: digest})
                except IntegrityError:
                    conflicts.append(row.pk)
                    continue
            done += 1
    return _Batch(len(batch), done, batch[-1].pk if batch else None, conflicts)


def _recompute_tokens(stale: Q, after: Any, batch_size: int) -> _Batch:
    # people registers the builder (the one definition of what a name token is).
    name_token_digests = _name_token_builder()
    token_model = _token_model()
    person_model = apps.get_model("people", "Person")
    with transaction.atomic():
        candidates = token_model.objects.filter(stale)
        if after is not None:
            candidates = candidates.filter(person_id__gt=after)
        ids = list(
            candidates.order_by("person_id")
            .values_list("person_id", flat=True)
            .distinct()[:batch_size]
        )
        if not ids:
            return _Batch(0, 0, None)
        # The person's row lock is the one update_person and erasure take before they
        # rebuild the tokens, so the two never interleave.
        people = list(_skip_locked(person_model._base_manager.filter(pk__in=ids).order_by("pk")))
        token_model.objects.filter(person_id__in=[p.pk for p in people]).delete()
        token_model.objects.bulk_create(
            token_model(person_id=person.pk, bidx=digest)
            for person in people
            for digest in name_token_digests(
                person.given_names, person.family_names, person.other_names or []
            )
        )
    return _Batch(len(ids), len(people), ids[-1])


def rotate_index(batch_size: int = 500, progress: Progress | None = None) -> IndexRotationResult:
    """Recompute every blind index and name token not under the current index key
    version, a batch per transaction; ``progress(column, n)`` is called after each
    committed batch of ``n`` rows (name tokens: ``n`` people).

    Safe to interrupt and run again. Every process must already run with the new ring
    (new version first, old one kept): a process still on the old ring neither finds the
    rows already recomputed nor writes new ones under the new version.
    """
    version = crypto.keyring().index_current
    result = IndexRotationResult(version=version)

    def run(label: str, step: Callable[[Q, Any], _Batch], attname: str, count: Any) -> None:
        skip: list[Any] = []
        result.recomputed.setdefault(label, 0)
        # Passes over the table: a later pass takes rows that were locked in an earlier one.
        while True:
            after, done_in_pass = None, 0
            stale = _not_under_version(attname, version)
            if skip:
                stale &= ~Q(pk__in=skip)
            while True:
                batch = step(stale, after)
                if not batch.selected:
                    break
                after = batch.last
                skip.extend(batch.conflicts)
                done_in_pass += batch.done
                result.recomputed[label] += batch.done
                if progress is not None and batch.done:
                    progress(label, batch.done)
            left = count(_not_under_version(attname, version))
            if not left or not done_in_pass:
                break
        result.left[label] = left
        if skip:
            result.conflicts[label] = skip

    for model, fld in blind_index_columns():

        def rows_step(stale: Q, after: Any, model: Any = model, fld: Any = fld) -> _Batch:
            try:
                return _recompute_rows(model, fld, stale, after, batch_size, careful=False)
            except IntegrityError:
                return _recompute_rows(model, fld, stale, after, batch_size, careful=True)

        manager = model._base_manager
        run(_label(model, fld), rows_step, fld.attname, lambda q, m=manager: m.filter(q).count())

    token_model = _token_model()
    run(
        TOKENS,
        lambda stale, after: _recompute_tokens(stale, after, batch_size),
        "bidx",
        lambda q: token_model.objects.filter(q).values("person_id").distinct().count(),
    )
    return result

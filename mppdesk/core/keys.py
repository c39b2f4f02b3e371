"""Key rotation: re-encrypt every encrypted column under the current key version.

``rotate_keys`` selects rows whose ciphertext does not start with the current version's
prefix (``"<version>$"``), a batch at a time, each batch in its own transaction. So:

- an interrupted run resumes where it stopped: finished batches are already under the
  new key and are not selected again;
- the application keeps serving meanwhile: old ciphertexts stay readable as long as their
  key is in ``MPPDESK_FIELD_KEYS``, new writes use the current key, and on PostgreSQL a
  batch skips rows another transaction holds (``SKIP LOCKED``) instead of waiting;
- only when a run reports nothing left to do may the old key be removed from the ring.

Blind indexes use a separate key and are not touched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Q

from mppdesk.core.models import EncryptedModelMixin
from mppdesk.lib import crypto

Progress = Callable[[str, int], None]


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

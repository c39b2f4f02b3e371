from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mppdesk.audit import chain
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType


class AuditEntry(models.Model):
    """One read or write of personal data. Rows are only ever appended.

    An entry holds ids and field names, never values: the log itself is not personal
    data, so auditors may read it and erasure of a person leaves it as it is (the ids
    then point at an anonymized record).

    **Hash chain.** Entries are numbered ``seq`` = 1, 2, 3, ... with no gaps. Each entry
    stores ``prev_hash``, the ``hash`` of the entry before it (64 zeros for seq 1), and
    its own ``hash``: the lowercase hex SHA-256 of the UTF-8 bytes (all ASCII) of this
    canonical serialization::

        {"action":"view","actor":7,"at":"2026-01-31T14:05:09.000123Z","channel":"web",
         "fields":["a_number","name"],"ip":"203.0.113.9","object_id":"3f2b...",
         "object_type":"person","organization":2,"prev_hash":"<64 hex>",
         "request_id":"9c1e...","seq":42}

    that is, JSON with exactly these twelve keys, sorted, no whitespace (separators
    ``,`` and ``:``), non-ASCII characters escaped as ``\\uXXXX`` (Python's
    ``json.dumps(..., sort_keys=True, separators=(",", ":"), ensure_ascii=True)``), where

    - ``at`` is the time in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (always 6 digits);
    - ``actor`` and ``organization`` are the primary keys (JSON integers) or ``null``;
    - ``fields`` is the stored list of field names (sorted, unique, when written);
    - ``ip`` is ``null``, an IPv4 dotted quad, or an IPv6 address fully exploded
      (8 groups of 4 lowercase hex digits), whatever text the database returns;
    - the database ``id`` is not covered (it is assigned by the database); ``seq`` is.

    ``audit.chain`` implements this; ``audit.verify`` recomputes it. A single chain head
    row (``AuditChainHead``) records the last seq and hash: writers lock it, and
    ``verify`` compares the last entry against it so that a deleted or added last entry
    shows too. Database triggers (``audit.triggers``) refuse UPDATE, DELETE and
    TRUNCATE of this table.
    """

    #: The actions (``core.audit_vocabulary.AuditAction``), under their older name.
    Action = AuditAction

    seq = models.BigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(max_length=64, choices=ObjectType.choices)
    object_id = models.CharField(max_length=64, blank=True)
    fields = models.JSONField(default=list, blank=True)
    channel = models.CharField(max_length=16, default="system")
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}"

    def chain_content(self) -> dict[str, Any]:
        """The values the hash covers, as ``chain.canonical`` takes them."""
        return {
            "seq": self.seq,
            "at": self.at,
            "actor_id": self.actor_id,
            "organization_id": self.organization_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "fields": self.fields,
            "channel": self.channel,
            "request_id": self.request_id,
            "ip": self.ip,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        return chain.entry_hash(**self.chain_content())


class AuditChainHead(models.Model):
    """The one row (id 1) holding the last entry's seq and hash.

    Writers lock it (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN
    IMMEDIATE`` already admits one writer at a time), append after it and move it on in
    the same transaction, so the chain stays a single line with any number of web and
    worker processes. A trigger refuses deleting it or moving it backwards.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=chain.GENESIS)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"audit chain head at {self.seq}"

"""Counters of the self-service lookups, for rate limits and A-number locks.

One row per (scope, digest): the digest is an HMAC (``lib.crypto.blind_index``) of the
sender's number, the client's IP network or the A-number, never the value itself. The
A-number's rows are keyed by the HMAC of any well-formed A-number, held or not, so a
lock says nothing about whether a case exists. Rows
change only through one ``INSERT ... ON CONFLICT DO UPDATE`` statement
(``ratelimit.bump``), atomic on SQLite and PostgreSQL alike, so several web processes
count together. Times are whole seconds since the epoch (UTC), compared in SQL without
time-zone conversions.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    SENDER = "sender", _("Sender's phone number")
    IP = "ip", _("Client IP network")
    A_NUMBER = "anumber", _("A-number")
    # Failed lookups of an A-number from a phone on file for one of its cases: a lock
    # of their own, which nobody without such a phone can move (docs/selfservice.md).
    A_NUMBER_ON_FILE = "onfile", _("A-number, from a phone on file")


class LookupCounter(models.Model):
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices)
    digest = models.CharField(max_length=64)
    # Start of the current window (epoch seconds) and what was counted in it: lookups
    # for a sender or IP, failed lookups for an A-number.
    window_start = models.BigIntegerField(default=0)
    hits = models.PositiveIntegerField(default=0)
    # An A-number with too many failures is refused until then (epoch seconds; 0: never).
    locked_until = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "digest"], name="lookup_counter_unique")
        ]
        verbose_name = _("lookup counter")
        verbose_name_plural = _("lookup counters")

    def __str__(self) -> str:
        return f"{self.scope} counter"

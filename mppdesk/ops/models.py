"""Runs of the periodic jobs (``mppdesk periodic``): when, how long, and how it went.

No personal data: ``detail`` holds counts or an exception's class name, never a message.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    RUNNING = "running", _("Running")
    OK = "ok", _("Succeeded")
    FAILED = "failed", _("Failed")


class JobRun(models.Model):
    job = models.CharField(_("job"), max_length=32)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=8, choices=Outcome.choices, default=Outcome.RUNNING
    )
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["job", "started_at"], name="jobrun_job_started")]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self) -> str:
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"

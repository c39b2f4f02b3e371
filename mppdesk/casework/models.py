"""Caseload (who works a case), tasks with due dates, typed notes and uploaded documents.

Everything belongs to the case's organization and is read and written only there (a case
shared with another organization by a referral does not share its notes or files). Free
text is encrypted (``core.fields``); an uploaded file's bytes are encrypted with the same
field key ring, stored apart from the listing row (``CaseFileContent``) and served only by
an authenticated, audited view as an attachment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mppdesk.core.fields import EncryptedTextField
from mppdesk.core.models import EncryptedModelMixin, OrgOwnedModel


class AssignmentRole(models.TextChoices):
    WORKER = "worker", _("Case worker")
    ATTORNEY = "attorney", _("Attorney of record")


class CaseAssignment(OrgOwnedModel):
    """A staff member of the case's organization working the case."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="assignments", verbose_name=_("case")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="case_assignments",
        verbose_name=_("staff member"),
    )
    role = models.CharField(
        _("role"), max_length=10, choices=AssignmentRole.choices, default=AssignmentRole.WORKER
    )
    # Attorney of record: whether the form G-28 (notice of entry of appearance) is on file.
    g28_on_file = models.BooleanField(_("G-28 on file"), default=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user", "role"], name="assignment_unique"),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(role="attorney"),
                name="assignment_one_attorney_per_case",
            ),
        ]
        indexes = [models.Index(fields=["user", "role"])]
        ordering = ["role", "created_at"]
        verbose_name = _("case assignment")
        verbose_name_plural = _("case assignments")

    def __str__(self) -> str:
        return f"{self.get_role_display()}"


class TaskSource(models.TextChoices):
    MANUAL = "manual", _("Added by hand")
    FOLLOW_UP = "follow_up", _("Service referral follow-up due")
    IN_ABSENTIA = "in_absentia", _("Motion to reopen deadline (in absentia order)")
    DOCUMENT_EXPIRY = "document_expiry", _("Document expires")
    UNREACHABLE = "unreachable", _("Unreachable before a hearing")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class Task(EncryptedModelMixin, OrgOwnedModel):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="tasks", verbose_name=_("case")
    )
    # Typed by hand; empty for a system task (its kind, translated, is shown instead).
    title = EncryptedTextField(_("task"), blank=True)
    due_on = models.DateField(_("due on"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
        verbose_name=_("assigned to"),
    )
    source = models.CharField(
        _("source"), max_length=16, choices=TaskSource.choices, default=TaskSource.MANUAL
    )
    # What a system task is about ("service_referral:<uuid>:<date>"): one task per thing.
    source_key = models.CharField(max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source", "source_key"],
                condition=~Q(source_key=""),
                name="task_unique_system_source",
            )
        ]
        indexes = [
            models.Index(fields=["assignee", "status", "due_on"]),
            models.Index(fields=["case", "status"]),
        ]
        ordering = ["status", "due_on", "created_at"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return f"Task {str(self.id)[:8]}"

    @property
    def label(self) -> str:
        """What to show: the title typed by hand, or the system task's translated kind."""
        return self.title or str(self.get_source_display())

    @property
    def is_system(self) -> bool:
        return self.source != TaskSource.MANUAL


class NoteKind(models.TextChoices):
    GENERAL = "general", _("General")
    CALL = "call", _("Phone call")
    VISIT = "visit", _("Visit or meeting")
    LEGAL = "legal", _("Legal advice")
    HEARING = "hearing", _("Hearing")
    SAFETY = "safety", _("Safety concern")


class CaseNote(EncryptedModelMixin, OrgOwnedModel):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="notes", verbose_name=_("case")
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=NoteKind.choices, default=NoteKind.GENERAL
    )
    text = EncryptedTextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self) -> str:
        return self.get_kind_display()


class CaseFileKind(models.TextChoices):
    NOTICE = "notice", _("Notice to appear or hearing notice")
    ID = "id", _("Identity document")
    COURT = "court", _("Other court document")
    EVIDENCE = "evidence", _("Evidence")
    OTHER = "other", _("Other")


class CaseFile(EncryptedModelMixin, OrgOwnedModel):
    """An uploaded file of a case: the listing row (the bytes are in ``CaseFileContent``)."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="files", verbose_name=_("case")
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=CaseFileKind.choices, default=CaseFileKind.OTHER
    )
    # The name given on upload may name the person: encrypted.
    filename = EncryptedTextField(_("file name"))
    content_type = models.CharField(_("type"), max_length=40)  # sniffed, never the client's
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.content_type})"


class CaseFileContent(EncryptedModelMixin, models.Model):
    """The encrypted bytes (base64 inside the ciphertext), bound to the file's UUID."""

    file = models.OneToOneField(
        CaseFile, on_delete=models.CASCADE, primary_key=True, related_name="content"
    )
    data = EncryptedTextField(bind_to="file_id")

    def __str__(self) -> str:
        return f"content of {self.file_id}"

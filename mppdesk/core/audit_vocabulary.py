"""The audit log's vocabulary: what was done (``AuditAction``) to what (``ObjectType``).

Every ``audit.services.record`` / ``record_many`` / ``record_view`` call names its action
and object type with these enums, never with a bare string
(``core/tests/test_architecture.py`` keeps it so). The values are what the log stores
and what its hash chain covers: they never change. Both are ``str`` subclasses, so a
member compares equal to its stored value, and the labels (translated) are what the
auditor's page shows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditAction(models.TextChoices):
    CREATE = "create", _("create")
    UPDATE = "update", _("update")
    DELETE = "delete", _("delete")
    VIEW = "view", _("view")
    EXPORT = "export", _("export")
    IMPORT = "import", _("import")
    LOGIN = "login", _("login")
    RUN = "run", pgettext_lazy("audit action", "run")
    REFERRAL_CREATE = "referral.create", _("referral sent")
    REFERRAL_ACCEPT = "referral.accept", _("referral accepted")
    REFERRAL_REJECT = "referral.reject", _("referral rejected")
    REFERRAL_REVOKE = "referral.revoke", _("referral revoked")


class ObjectType(models.TextChoices):
    """What an entry is about (``AuditEntry.object_type``; ``object_id`` is its id)."""

    API_TOKEN = "api_token", pgettext_lazy("audit object type", "API token")
    CASE = "case", pgettext_lazy("audit object type", "case")
    CASE_FILE = "case_file", pgettext_lazy("audit object type", "case file")
    CASE_NOTE = "case_note", pgettext_lazy("audit object type", "case note")
    CLOSURE_DAY = "closure_day", pgettext_lazy("audit object type", "court closure day")
    CONTACT_POINT = "contact_point", pgettext_lazy("audit object type", "contact point")
    DETENTION = "detention", pgettext_lazy("audit object type", "detention")
    DETENTION_FACILITY = (
        "detention_facility",
        pgettext_lazy("audit object type", "detention facility"),
    )
    DOCKET = "docket", pgettext_lazy("audit object type", "docket")
    DOCKET_TEMPLATE = "docket_template", pgettext_lazy("audit object type", "docket template")
    DOCUMENT = "document", pgettext_lazy("audit object type", "document")
    FEAR_INTERVIEW = "fear_interview", pgettext_lazy("audit object type", "fear interview")
    GUIDANCE_VERSION = (
        "guidance_version",
        pgettext_lazy("audit object type", "screening guidance version"),
    )
    HEARING = "hearing", pgettext_lazy("audit object type", "hearing")
    HOUSEHOLD = "household", pgettext_lazy("audit object type", "household")
    HOUSEHOLD_SCREENING = (
        "household_screening",
        pgettext_lazy("audit object type", "household screening"),
    )
    IN_ABSENTIA_FOLLOW_UP = (
        "in_absentia_follow_up",
        pgettext_lazy("audit object type", "in absentia follow-up"),
    )
    INBOUND_MESSAGE = "inbound_message", pgettext_lazy("audit object type", "inbound message")
    INCIDENT = "incident", pgettext_lazy("audit object type", "incident")
    INCIDENT_TALLIES = "incident_tallies", pgettext_lazy("audit object type", "incident tallies")
    MESSAGE = "message", pgettext_lazy("audit object type", "message")
    MESSAGE_TEMPLATE = "message_template", pgettext_lazy("audit object type", "message template")
    MOVEMENT_EVENT = "movement_event", pgettext_lazy("audit object type", "movement")
    NEED = "need", pgettext_lazy("audit object type", "need")
    NOTICE = "notice", pgettext_lazy("audit object type", "notice")
    ORGANIZATION = "organization", pgettext_lazy("audit object type", "organization")
    PERSON = "person", pgettext_lazy("audit object type", "person")
    PORT = "port", pgettext_lazy("audit object type", "port of entry")
    REFERRAL = "referral", pgettext_lazy("audit object type", "referral")
    REMINDER_POLICY = "reminder_policy", pgettext_lazy("audit object type", "reminder policy")
    SCHEDULE_PROPOSAL = "schedule_proposal", pgettext_lazy("audit object type", "schedule proposal")
    SCREENING = "screening", pgettext_lazy("audit object type", "screening")
    SCREENING_DECISION = (
        "screening_decision",
        pgettext_lazy("audit object type", "screening decision"),
    )
    SCREENING_FACTS = "screening_facts", pgettext_lazy("audit object type", "screening facts")
    SELFSERVICE_LOOKUP = (
        "selfservice_lookup",
        pgettext_lazy("audit object type", "self-service lookup"),
    )
    SERVICE_REFERRAL = "service_referral", pgettext_lazy("audit object type", "service referral")
    SHELTER = "shelter", pgettext_lazy("audit object type", "shelter")
    SIMULATION = "simulation", pgettext_lazy("audit object type", "simulation")
    STATS = "stats", pgettext_lazy("audit object type", "statistics")
    STATS_DASHBOARD = "stats.dashboard", pgettext_lazy("audit object type", "statistics dashboards")
    TASK = "task", pgettext_lazy("audit object type", "task")
    TOTP_DEVICE = "totp_device", pgettext_lazy("audit object type", "two-factor device")
    TRANSFER_GROUP = "transfer_group", pgettext_lazy("audit object type", "transfer group")
    TRANSFER_MEMBER = "transfer_member", pgettext_lazy("audit object type", "transfer group member")
    USER = "user", pgettext_lazy("audit object type", "user")
    VENUE = "venue", pgettext_lazy("audit object type", "court")

"""The permission matrix: which role may do what. The one place this is decided.

Every entry point asks here — web views (``web.access.requires``), API endpoints
(``api.auth.role(action)`` on each operation), CLI commands (they act as a named user), exports and the Django
admin — and reads of personal data are scoped by ``orgs_where(user, PERSON_READ)`` in
``core.models.OrgScopedQuerySet.visible_to``, so a role without ``person.read`` sees no
person anywhere. ``docs/permissions.md`` shows the same matrix as a table; a test keeps the
two in step.

A role is held per organization (``Membership``): a user who is a case worker in one
organization and an analyst in another sees the people of the first only.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from mppdesk.accounts.models import Membership

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from mppdesk.accounts.models import User

Role = Membership.Role


class Action(StrEnum):
    PERSON_READ = "person.read"
    PERSON_WRITE = "person.write"
    PERSON_IMPORT = "person.import"
    PERSON_EXPORT = "person.export"
    PERSON_ERASE = "person.erase"
    LIST_EXPORT = "list.export"
    CASE_ASSIGN = "case.assign"
    REFERRAL_SEND = "referral.send"
    REFERRAL_DECIDE = "referral.decide"
    STATS_READ = "stats.read"
    STATS_RESEARCH = "stats.research"
    SIM_RUN = "sim.run"
    AUDIT_READ = "audit.read"
    DOCKET_READ = "docket.read"
    DOCKET_MANAGE = "docket.manage"
    TRANSFER_READ = "transfer.read"
    TRANSFER_MANAGE = "transfer.manage"
    SCREENING_DECIDE = "screening.decide"
    SCREENING_RULES_MANAGE = "screening.rules.manage"
    MESSAGE_SEND = "message.send"
    MESSAGE_TEMPLATE_MANAGE = "message.template.manage"
    INCIDENT_READ = "incident.read"
    INCIDENT_WRITE = "incident.write"
    ORG_MANAGE = "org.manage"


DESCRIPTIONS: dict[Action, Promise] = {
    Action.PERSON_READ: _("See people, households and cases with their personal data"),
    Action.PERSON_WRITE: _("Create and change people, households, contacts and cases"),
    Action.PERSON_IMPORT: _("Import people from a CSV or XLSX file"),
    Action.PERSON_EXPORT: _("Export everything held about a person (subject access)"),
    Action.PERSON_ERASE: _("Erase a person (retention, or on request)"),
    Action.LIST_EXPORT: _(
        "Download a list (people, cases, hearings, messages, people at risk) as CSV: "
        "the records of the organization only, every row audited"
    ),
    Action.CASE_ASSIGN: _(
        "Assign cases to any worker of the organization and reassign in bulk "
        "(a case worker may assign herself)"
    ),
    Action.REFERRAL_SEND: _("Refer a person to another organization, and revoke it"),
    Action.REFERRAL_DECIDE: _("Accept or reject a referral received"),
    Action.STATS_READ: _("See de-identified aggregate figures"),
    Action.STATS_RESEARCH: _("See the de-identified dashboards and download research extracts"),
    Action.SIM_RUN: _("Run the program simulator (projections from de-identified counts)"),
    Action.AUDIT_READ: _("Read the audit log (ids and field names, no personal data)"),
    Action.DOCKET_READ: _("See dockets and hearings"),
    Action.DOCKET_MANAGE: _("Create dockets and schedule hearings"),
    Action.TRANSFER_READ: _("See transfer groups and manifests"),
    Action.TRANSFER_MANAGE: _("Plan and approve transfer groups"),
    Action.SCREENING_DECIDE: _("Screen people for the program and record fear interviews"),
    Action.SCREENING_RULES_MANAGE: _("Edit the current version of the screening rules"),
    Action.MESSAGE_SEND: _("Send a message to a person from a template"),
    Action.MESSAGE_TEMPLATE_MANAGE: _("Edit message templates and reminder rules"),
    Action.INCIDENT_READ: _(
        "Read incident reports: narratives and the people affected (every read audited)"
    ),
    Action.INCIDENT_WRITE: _("Record incident reports and the consent for each use"),
    Action.ORG_MANAGE: _("Manage the organization's users, roles and tokens (admin site)"),
}

A = Action
_CASEWORK = frozenset(
    {
        A.PERSON_READ,
        A.PERSON_WRITE,
        A.PERSON_EXPORT,
        A.REFERRAL_SEND,
        A.REFERRAL_DECIDE,
        A.DOCKET_READ,
        A.STATS_READ,
        A.MESSAGE_SEND,
    }
)

_INCIDENTS = frozenset({A.INCIDENT_READ, A.INCIDENT_WRITE})

MATRIX: dict[str, frozenset[Action]] = {
    # Incident reports are not in _CASEWORK: the coordinator holds that but not them.
    # A list in a file leaves the system: case workers, supervisors and coordinators, who
    # work with lists of people, may download them; an attorney works client by client.
    Role.CASEWORKER: _CASEWORK | _INCIDENTS | {A.PERSON_IMPORT, A.LIST_EXPORT},
    Role.SUPERVISOR: _CASEWORK
    | _INCIDENTS
    | {A.PERSON_IMPORT, A.PERSON_ERASE, A.CASE_ASSIGN, A.LIST_EXPORT},
    Role.ATTORNEY: _CASEWORK | _INCIDENTS,
    Role.COORDINATOR: _CASEWORK
    | {
        A.PERSON_IMPORT,
        A.LIST_EXPORT,
        A.DOCKET_MANAGE,
        A.TRANSFER_READ,
        A.TRANSFER_MANAGE,
        A.SCREENING_DECIDE,
        A.MESSAGE_TEMPLATE_MANAGE,
        A.SIM_RUN,
    },
    # Dashboards and research extracts: a monitor role gets them by adding STATS_RESEARCH.
    Role.ANALYST: frozenset({A.STATS_READ, A.STATS_RESEARCH, A.SIM_RUN}),
    Role.AUDITOR: frozenset({A.AUDIT_READ}),
    Role.ADMIN: frozenset(Action),
}

#: Actions that reveal or change personal data. Roles without any of them never see a name.
PERSONAL_DATA_ACTIONS = frozenset(
    {
        A.PERSON_READ,
        A.PERSON_WRITE,
        A.PERSON_IMPORT,
        A.PERSON_EXPORT,
        A.PERSON_ERASE,
        A.LIST_EXPORT,
        A.CASE_ASSIGN,
        A.REFERRAL_SEND,
        A.REFERRAL_DECIDE,
        A.INCIDENT_READ,
        A.INCIDENT_WRITE,
        A.SCREENING_DECIDE,
        A.MESSAGE_SEND,
    }
)


#: Organizations whose work spans the whole program (the coordinator, a monitor): their
#: auditors read the whole log and their analysts see every organization's figures.
PROGRAM_WIDE_KINDS = frozenset({"coordinator", "monitor"})


def any_program_wide(org_ids: list[int], kinds: frozenset[str] = PROGRAM_WIDE_KINDS) -> bool:
    """Is one of these (active) organizations of a program-wide kind?"""
    from mppdesk.accounts.models import Organization

    return Organization.objects.filter(pk__in=org_ids, kind__in=kinds, is_active=True).exists()


def role_allows(role: str | None, action: Action | str) -> bool:
    return role is not None and Action(action) in MATRIX.get(role, frozenset())


def roles_by_org(user: User | None) -> dict[int, str]:
    """``{organization id: role}`` over the user's active organizations (cached per user)."""
    if user is None or not user.is_authenticated:
        return {}
    cached: dict[int, str] | None = getattr(user, "_mppdesk_roles", None)
    if cached is None:
        # The same read gives the active membership (``core.access.active_membership``:
        # the first by id, which the menu of every page shows): one query, not two.
        memberships = list(
            user.memberships.select_related("organization")
            .filter(organization__is_active=True)
            .order_by("id")
        )
        cached = {m.organization_id: m.role for m in memberships}
        user._mppdesk_roles = cached  # type: ignore[attr-defined]
        if not hasattr(user, "_mppdesk_membership"):
            user._mppdesk_membership = memberships[0] if memberships else None  # type: ignore[attr-defined]
    return cached


def role_in(user: User | None, organization_id: int) -> str | None:
    return roles_by_org(user).get(organization_id)


def can(user: User | None, action: Action | str, organization_id: int | None = None) -> bool:
    """May ``user`` do ``action`` — in that organization, or (without one) in any of theirs."""
    roles = roles_by_org(user)
    if organization_id is not None:
        return role_allows(roles.get(organization_id), action)
    return any(role_allows(role, action) for role in roles.values())


def orgs_where(user: User | None, action: Action | str) -> list[int]:
    """The organizations in which ``user``'s role allows ``action``."""
    return sorted(org for org, role in roles_by_org(user).items() if role_allows(role, action))


def actions_for(user: User | None) -> frozenset[Action]:
    """Everything the user may do somewhere (drives which links the menu shows)."""
    allowed: set[Action] = set()
    for role in roles_by_org(user).values():
        allowed |= MATRIX.get(role, frozenset())
    return frozenset(allowed)


def forget(user: User) -> None:
    """Drop the cached roles (after a membership changes within one request)."""
    for attr in ("_mppdesk_roles", "_mppdesk_org_ids", "_mppdesk_membership"):
        if hasattr(user, attr):
            delattr(user, attr)


def markdown_table() -> str:
    """The matrix as the Markdown table in ``docs/permissions.md``."""
    from django.utils import translation

    roles = list(Role)
    with translation.override("en"):
        descriptions = {action: str(text) for action, text in DESCRIPTIONS.items()}
    header = "| action | " + " | ".join(str(r.value) for r in roles) + " |"
    rule = "|---|" + "---|" * len(roles)
    rows = [header, rule]
    for action in Action:
        marks = " | ".join("✓" if action in MATRIX[r] else "" for r in roles)
        rows.append(f"| `{action.value}` — {descriptions[action]} | {marks} |")
    return "\n".join(rows)

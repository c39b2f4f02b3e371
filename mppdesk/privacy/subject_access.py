"""Subject access: everything held about one person, as JSON and as a readable PDF.

The export is a header (format, time, organization) and the sections that the apps
register (``core.registry.register_subject_section``): the registry record, languages,
contact points and household (``people.subject_access``), the cases
(``cases.subject_access``), hearings with notices and follow-ups
(``hearings.subject_access``), screening facts, decisions and fear interviews
(``screening.subject_access``), detentions, transfer groups and movements
(``transfers.subject_access``), messages sent and texts received
(``messaging.subject_access``), referrals to other organizations
(``sharing.subject_access``) and the access log (here). The system check ``core.E003``
keeps every model with personal data accounted for by some section.

What is the person's own data and what is not (docs/retention.md):

* their registry record, languages, vulnerabilities, notes and contact points (with
  consent and opt-out) — all of it;
* their household: their own relationship to the lead and, for every other member,
  only that member's relationship (no names, dates of birth or ids: those are the
  relatives' data, and a printed export may be seen by others);
* the cases they are on: A-number, venue, port, program, status, dates and the case
  timeline (kind, time, summary; a "family member added" event does not say who);
* the audit trail of their record, their cases, contact points and household: time,
  organization, the actor's role in it (staff usernames are staff data), action,
  fields and channel.

``EXPORT_VERSION`` and the keys below are stable; a change of keys bumps the version.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mppdesk.accounts.models import Membership
from mppdesk.audit import services as audit
from mppdesk.audit.models import AuditEntry
from mppdesk.cases.models import CaseEvent, CaseStatus, ProgramVersion
from mppdesk.cases.subject_access import memberships as case_memberships
from mppdesk.core import registry
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.registry import register_subject_section
from mppdesk.lib.pdf import FONT, add_fonts, pdf_bytes
from mppdesk.people.models import Person, Relationship, Sex, Vulnerability
from mppdesk.people.subject_access import choice_label

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User

EXPORT_VERSION = "mppdesk.subject_access/2"
TOP_LEVEL_KEYS = [
    "format", "generated_at", "organization", "person", "languages", "contact_points",
    "household", "cases", "casework", "hearings", "screening", "transfers", "messages", "referrals",
    "documents", "needs", "service_referrals", "incidents", "access_log",
]  # fmt: skip
EXPORT_FIELDS = [
    "given_names", "family_names", "other_names", "birth_date", "sex", "nationality",
    "languages", "vulnerabilities", "notes", "contact_points", "household", "cases",
    "casework", "hearings", "screening", "transfers", "messages", "referrals", "documents",
    "needs", "service_referrals", "incidents", "access_log",
]  # fmt: skip
#: Sections laid out by ``render_subject_pdf`` itself; every other section is rendered
#: from its ``describe`` (``core.registry.SubjectSection``).
PDF_OWN_SECTIONS = {
    "person", "languages", "contact_points", "household", "cases", "access_log",
}  # fmt: skip
# ISO 639-3 preferred language -> interface language of the PDF.
PDF_LANGUAGES = {"spa": "es", "eng": "en", "por": "pt", "fra": "fr"}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


@register_subject_section("access_log", order=900, models=())
def access_log_section(person: Person) -> list[dict[str, Any]]:
    """Who read or changed the person's record, cases, contact points and household."""
    case_ids = [str(m.case_id) for m in case_memberships(person)]
    contact_ids = [str(pk) for pk in person.contact_points.values_list("pk", flat=True)]
    condition = Q(object_type=ObjectType.PERSON, object_id=str(person.pk))
    if case_ids:
        condition |= Q(object_type=ObjectType.CASE, object_id__in=case_ids)
        # Notes, documents and tasks of those cases (casework): every read is audited.
        from mppdesk.casework.models import CaseFile, CaseNote, Task

        for object_type, model in (
            (ObjectType.CASE_NOTE, CaseNote),
            (ObjectType.CASE_FILE, CaseFile),
            (ObjectType.TASK, Task),
        ):
            ids = [
                str(pk)
                for pk in model.objects.filter(case_id__in=case_ids).values_list("pk", flat=True)
            ]
            if ids:
                condition |= Q(object_type=object_type, object_id__in=ids)
    if contact_ids:
        condition |= Q(object_type=ObjectType.CONTACT_POINT, object_id__in=contact_ids)
    membership = getattr(person, "household_membership", None)
    if membership is not None:
        condition |= Q(object_type=ObjectType.HOUSEHOLD, object_id=str(membership.household_id))
    entries = list(AuditEntry.objects.filter(condition).select_related("organization"))
    roles: dict[tuple[int, int | None], str] = {
        (m.user_id, m.organization_id): m.role
        for m in Membership.objects.filter(user_id__in={e.actor_id for e in entries if e.actor_id})
    }
    return [
        {
            "at": _iso(e.at),
            "organization": e.organization.name if e.organization else None,
            "role": (
                roles.get((e.actor_id, e.organization_id), "staff") if e.actor_id else "system"
            ),
            "action": e.action,
            "object_type": e.object_type,
            "fields": list(e.fields or []),
            "channel": e.channel,
        }
        for e in entries
    ]


def build_subject_export(person: Person) -> dict[str, Any]:
    """Everything held about ``person``, as plain JSON-ready data (keys documented above):
    the header, then every registered section (``core.registry``) in its order.

    The caller has checked access; this function reads without scoping.
    """
    person = (
        Person.objects.select_related("organization", "household_membership__household__port")
        .prefetch_related("languages", "contact_points")
        .get(pk=person.pk)
    )
    export: dict[str, Any] = {
        "format": EXPORT_VERSION,
        "generated_at": _iso(timezone.now()),
        "organization": {"name": person.organization.name},
    }
    for section in registry.subject_sections:
        export[section.name] = section.build(person)
    return export


@transaction.atomic
def export_subject_data(
    *,
    actor: User | None,
    person: Person,
    fmt: str,
    organization: Organization | None = None,
) -> dict[str, Any]:
    """Build the export and record the read in the audit log (action "export").

    The audit entry is written first, so the export lists its own production.
    """
    audit.record(
        actor=actor,
        organization=organization or person.organization,
        action=AuditAction.EXPORT,
        object_type=ObjectType.PERSON,
        object_id=person.pk,
        fields=[*EXPORT_FIELDS, f"subject_access_{fmt}"],
    )
    return build_subject_export(person)


# --- PDF ------------------------------------------------------------------------------


def pdf_language(export: dict[str, Any], fallback: str | None = None) -> str:
    """The person's preferred language if the interface has it, else ``fallback``."""
    available = {code for code, _name in settings.LANGUAGES}
    for lang in export.get("languages", []):
        if lang.get("preferred"):
            code = PDF_LANGUAGES.get(lang.get("code", ""))
            if code in available:
                return code
    return fallback or translation.get_language() or settings.LANGUAGE_CODE


def _labels() -> dict[str, str]:
    return {
        "title": _("Personal data held about you"),
        "intro": _(
            "This document lists everything MPP Desk holds about you: your record, "
            "your contact details, your household, your cases and hearings, your "
            "screening, detention and transfers, the messages sent to you and received "
            "from you, the organizations your record was shared with, and who looked at "
            "or changed your data."
        ),
        "generated": _("Generated"),
        "organization": _("Organization"),
        "record": _("Your record"),
        "given_names": _("Given names"),
        "family_names": _("Family names"),
        "other_names": _("Other names or spellings"),
        "birth_date": _("Date of birth"),
        "sex": _("Sex"),
        "nationality": _("Nationality"),
        "vulnerabilities": _("Vulnerabilities"),
        "notes": _("Notes"),
        "languages": _("Languages"),
        "preferred": _("preferred"),
        "interpreter": _("needs interpreter"),
        "contacts": _("Contact points"),
        "consent": _("consent to be contacted"),
        "no_consent": _("no consent"),
        "opted_out": _("opted out"),
        "household": _("Household"),
        "your_relationship": _("Your relationship to the lead respondent"),
        "other_members": _("Other members"),
        "cases": _("Cases"),
        "a_number": _("A-number"),
        "venue": _("Hearing venue"),
        "port": _("Port of entry"),
        "program": _("Program version"),
        "status": _("Status"),
        "opened_on": _("Opened on"),
        "closed_on": _("Closed on"),
        "timeline": _("Timeline"),
        "access_log": _("Who looked at or changed your data"),
        "none": _("None recorded."),
        "system": _("system"),
    }


class _Pdf:
    """A thin layer over fpdf2: headings, label/value rows and wrapped paragraphs."""

    def __init__(self) -> None:
        from fpdf import FPDF

        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=15)
        add_fonts(self.pdf)
        self.pdf.set_title("Subject access export")
        self.pdf.set_creator("MPP Desk")
        self.pdf.add_page()
        self.width = self.pdf.epw

    def title(self, text: str) -> None:
        self.pdf.set_font(FONT, "B", 16)
        self.pdf.multi_cell(self.width, 8, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(2)

    def heading(self, text: str) -> None:
        self.pdf.ln(3)
        self.pdf.set_font(FONT, "B", 12)
        self.pdf.multi_cell(self.width, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_draw_color(160, 160, 160)
        self.pdf.line(
            self.pdf.l_margin, self.pdf.get_y(), self.pdf.l_margin + self.width, self.pdf.get_y()
        )
        self.pdf.ln(1.5)

    def text(self, text: str, size: float = 10, bold: bool = False) -> None:
        self.pdf.set_font(FONT, "B" if bold else "", size)
        self.pdf.multi_cell(self.width, 5, text or "—", new_x="LMARGIN", new_y="NEXT")

    def row(self, label: str, value: str) -> None:
        label_width = 55
        self.pdf.set_font(FONT, "B", 9.5)
        # A long label wraps; the row must be as tall as the taller of label and value.
        lines: list[str] = self.pdf.multi_cell(label_width, 5, label, dry_run=True, output="LINES")  # type: ignore[assignment]
        label_lines = len(lines)
        if self.pdf.will_page_break(5 * label_lines):
            self.pdf.add_page()
        y = self.pdf.get_y()
        self.pdf.multi_cell(label_width, 5, label, new_x="RIGHT", new_y="TOP")
        self.pdf.set_font(FONT, "", 9.5)
        self.pdf.multi_cell(
            self.width - label_width, 5, value or "—", new_x="LMARGIN", new_y="NEXT"
        )
        self.pdf.set_y(max(self.pdf.get_y(), y + 5 * label_lines))

    def bullet(self, text: str, size: float = 9.5) -> None:
        self.pdf.set_font(FONT, "", size)
        self.pdf.multi_cell(self.width, 5, "• " + text, new_x="LMARGIN", new_y="NEXT")

    def output(self) -> bytes:
        return pdf_bytes(self.pdf)


def _local(value: str | None) -> str:
    if not value:
        return "—"
    moment = dt.datetime.fromisoformat(value)
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")


def render_subject_pdf(export: dict[str, Any], language: str | None = None) -> bytes:
    """A readable PDF of ``export`` with an embedded Unicode font, in ``language`` (default:
    the person's preferred language when the interface has it)."""
    from mppdesk.lib.labels import country_label, language_label

    with translation.override(language or pdf_language(export)):
        labels = _labels()
        doc = _Pdf()
        person = export["person"]
        doc.title(labels["title"])
        doc.text(labels["intro"], size=9.5)
        doc.pdf.ln(2)
        doc.row(labels["organization"], export["organization"]["name"])
        doc.row(labels["generated"], _local(export["generated_at"]))

        doc.heading(labels["record"])
        doc.row(labels["given_names"], person["given_names"])
        doc.row(labels["family_names"], person["family_names"])
        doc.row(labels["other_names"], ", ".join(person["other_names"]))
        doc.row(
            labels["birth_date"],
            person["birth_date"] or (str(person["birth_year"]) if person["birth_year"] else ""),
        )
        doc.row(labels["sex"], choice_label(Sex, person["sex"]))
        doc.row(labels["nationality"], country_label(person["nationality"]))
        doc.row(
            labels["vulnerabilities"],
            ", ".join(choice_label(Vulnerability, v) for v in person["vulnerabilities"]),
        )
        doc.row(labels["notes"], person["notes"])

        doc.heading(labels["languages"])
        for lang in export["languages"]:
            flags = [labels["preferred"]] if lang["preferred"] else []
            flags += [labels["interpreter"]] if lang["needs_interpreter"] else []
            suffix = f" ({', '.join(flags)})" if flags else ""
            doc.bullet(f"{language_label(lang['code'])} [{lang['code']}]{suffix}")
        if not export["languages"]:
            doc.text(labels["none"], size=9.5)

        doc.heading(labels["contacts"])
        for contact in export["contact_points"]:
            flags = [labels["consent"] if contact["consent"] else labels["no_consent"]]
            if contact["opted_out"]:
                flags.append(f"{labels['opted_out']} {_local(contact['opted_out_at'])}")
            doc.bullet(f"{contact['kind']}: {contact['value']} ({', '.join(flags)})")
        if not export["contact_points"]:
            doc.text(labels["none"], size=9.5)

        household = export["household"]
        doc.heading(labels["household"])
        if household:
            doc.row(
                labels["your_relationship"], choice_label(Relationship, household["relationship"])
            )
            if household["port"]:
                doc.row(labels["port"], household["port"]["name"])
            doc.row(
                labels["other_members"],
                ", ".join(
                    choice_label(Relationship, m["relationship"])
                    for m in household["other_members"]
                ),
            )
        else:
            doc.text(labels["none"], size=9.5)

        doc.heading(labels["cases"])
        for case in export["cases"]:
            doc.text(f"{labels['a_number']} {case['a_number']}", size=10.5, bold=True)
            doc.row(labels["venue"], case["venue"]["name"] if case["venue"] else "")
            doc.row(labels["port"], case["port"]["name"] if case["port"] else "")
            doc.row(labels["program"], choice_label(ProgramVersion, case["program_version"]))
            doc.row(labels["status"], choice_label(CaseStatus, case["status"]))
            doc.row(labels["opened_on"], case["opened_on"] or "")
            doc.row(labels["closed_on"], case["closed_on"] or "")
            doc.text(labels["timeline"], size=9.5, bold=True)
            for event in case["events"]:
                text = f"{_local(event['at'])} — {choice_label(CaseEvent.Kind, event['kind'])}"
                detail = event["detail"]
                if "to" in detail:
                    text += (
                        f": {choice_label(CaseStatus, detail.get('from'))} → "
                        f"{choice_label(CaseStatus, detail.get('to'))}"
                    )
                if event["summary"]:
                    text += f": {event['summary']}"
                doc.bullet(text, size=9)
            doc.pdf.ln(2)
        if not export["cases"]:
            doc.text(labels["none"], size=9.5)

        for section in registry.subject_sections:
            if section.name in PDF_OWN_SECTIONS or section.name not in export:
                continue
            if section.describe is None:
                continue
            heading, lines = section.describe(export[section.name])
            doc.heading(heading)
            for line in lines:
                doc.bullet(line, size=9)
            if not lines:
                doc.text(labels["none"], size=9.5)

        doc.heading(labels["access_log"])
        for entry in export["access_log"]:
            role = (
                labels["system"] if entry["role"] == "system" else _rolechoice_label(entry["role"])
            )
            where = entry["organization"] or "—"
            fields = f" [{', '.join(entry['fields'])}]" if entry["fields"] else ""
            doc.bullet(
                f"{_local(entry['at'])} — {where} ({role}) — {_actionchoice_label(entry['action'])} "
                f"{entry['object_type']}{fields}",
                size=8.5,
            )
        if not export["access_log"]:
            doc.text(labels["none"], size=9.5)
        return doc.output()


def _rolechoice_label(role: str) -> str:
    return choice_label(Membership.Role, role) if role in Membership.Role.values else role


def _actionchoice_label(action: str) -> str:
    return choice_label(AuditEntry.Action, action)


def export_bytes(export: dict[str, Any], fmt: str, language: str | None = None) -> bytes:
    """The export serialized as ``json`` (UTF-8, stable key order) or ``pdf``."""
    if fmt == "pdf":
        return render_subject_pdf(export, language)
    import json

    buffer = io.StringIO()
    json.dump(export, buffer, ensure_ascii=False, indent=2)
    buffer.write("\n")
    return buffer.getvalue().encode("utf-8")

"""Demo caseloads, on top of ``people.demo.load_demo``: each demo case worker has cases
(those with hearings ahead first), tasks by hand and by the system, a note and a notice
PDF on the first case, and a text from a client; some cases stay unassigned for the
supervisor. Synthetic data only; loading it again adds nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from mppdesk.core.clocks import utc_today
from mppdesk.core.registry import DemoContext, register_demo_loader

CASELOADS = {"caseworker.legal": ("demo-legal-aid", 8), "caseworker.shelter": ("demo-shelters", 6)}
SUPERVISOR = "supervisor.legal"


def notice_pdf(title: str = "Notice to Appear (synthetic demo)") -> bytes:
    """A one-page synthetic notice, as a case worker would scan it."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.cell(0, 12, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 7, "DEMO DOCUMENT - not a real notice. Synthetic data for MPP Desk.")
    return bytes(pdf.output())


def add_demo_casework() -> int:
    """Assign the demo caseloads; returns how many cases were assigned (0 if done)."""
    from mppdesk.accounts.models import User
    from mppdesk.cases.models import Case
    from mppdesk.casework import services
    from mppdesk.casework.models import CaseAssignment
    from mppdesk.casework.system import refresh_system_tasks
    from mppdesk.hearings.models import Hearing, HearingStatus
    from mppdesk.messaging.models import InboundMessage

    if CaseAssignment.objects.filter(case__organization__slug__in=["demo-legal-aid"]).exists():
        return 0
    today = utc_today()
    now = timezone.now()
    supervisor = User.objects.filter(username=SUPERVISOR).first()
    made = 0
    for username, (slug, count) in CASELOADS.items():
        worker = User.objects.filter(username=username).first()
        if worker is None:
            continue
        ahead = set(
            Hearing.objects.filter(
                organization__slug=slug, status=HearingStatus.SCHEDULED, scheduled_at__gt=now,
                scheduled_at__lt=now + dt.timedelta(days=14),
            ).values_list("case_id", flat=True)
        )  # fmt: skip
        cases = sorted(
            Case.objects.filter(organization__slug=slug, status__in=["intake", "active"])
            .select_related("lead")
            .order_by("created_at", "id")[:60],
            key=lambda c: (c.pk not in ahead, c.created_at),
        )[:count]
        for index, case in enumerate(cases):
            actor = supervisor if supervisor is not None and slug == "demo-legal-aid" else worker
            services.assign(actor=actor if index else worker, case=case, user=worker)
            made += 1
        if not cases:
            continue
        first = cases[0]
        if supervisor is not None and slug == "demo-legal-aid":
            services.assign(
                actor=supervisor, case=first, user=supervisor, role="attorney", g28_on_file=True
            )
        services.add_task(
            actor=worker, case=first, title="Devolver la llamada sobre la plaza en el albergue",
            due_on=today - dt.timedelta(days=2),
        )  # fmt: skip
        services.add_task(
            actor=worker, case=cases[min(1, len(cases) - 1)],
            title="Preparar a la familia para la audiencia", due_on=today,
        )  # fmt: skip
        services.add_task(
            actor=worker, case=cases[-1], title="Revisar la copia de la solicitud de asilo",
            due_on=today + dt.timedelta(days=4),
        )  # fmt: skip
        services.add_note(
            actor=worker, case=first, kind="call",
            text="Llamé al titular: la familia se mudó a otro albergue; "
            "anoté la nueva dirección. Preguntó por la fecha de la audiencia.",
        )  # fmt: skip
        services.upload_file(
            actor=worker, case=first, kind="notice", filename="aviso-de-comparecencia.pdf",
            data=notice_pdf(),
        )  # fmt: skip
        point = first.lead.contact_points.filter(kind__in=["phone", "whatsapp"]).first()
        if point is not None:
            InboundMessage.objects.get_or_create(
                provider_id=f"SMdemo{slug.replace('-', '')}"[:64],
                defaults={"channel": "sms", "sender": point.value,
                          "body": "Buenas tardes, ¿a qué hora debo estar en el puente?",
                          "intent": "other"},
            )  # fmt: skip
    refresh_system_tasks()
    return made


@register_demo_loader("casework", order=700)
def load_casework(context: DemoContext) -> int:
    """Caseloads, tasks, a note and a notice PDF for each demo case worker."""
    return add_demo_casework()

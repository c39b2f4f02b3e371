"""Demo incident reports, on top of ``people.demo.load_demo`` and the assistance demo.

For the shelter network (``caseworker.shelter``): an attempted kidnapping of a family's
lead, with consent to keep it and to include it in de-identified reporting only (no
referral, no sharing); and a theft of a family's documents, which sets the
document-exposure flag on their case, with consent to keep it and refer it to a service.
Five extortions in one city and month and a dozen more reports of both demo
organizations, consented for reporting, give the tallies at ``/incidents/tallies/``
something to show. Narratives are synthetic.
Calling it again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from mppdesk.core.clocks import utc_today
from mppdesk.core.registry import DemoContext, register_demo_loader

KINDS = [
    ("extortion", "criminal_group"),
    ("robbery", "individual"),
    ("threats", "criminal_group"),
    ("abuse_by_officials", "mexican_police"),
    ("denial_of_services", "unknown"),
]


def add_demo_incidents() -> int:
    """Add the demo incidents; returns how many were created (0 if already done)."""
    from mppdesk.accounts.models import User
    from mppdesk.cases.models import Case
    from mppdesk.incidents import services
    from mppdesk.incidents.models import Incident

    if Incident.objects.filter(organization__slug__in=["demo-shelters", "demo-legal-aid"]).exists():
        return 0
    rng = random.Random(20260205)  # noqa: S311 - demo data
    today = utc_today()
    made = 0
    for slug, username in (
        ("demo-shelters", "caseworker.shelter"),
        ("demo-legal-aid", "caseworker.legal"),
    ):
        actor = User.objects.filter(username=username).first()
        if actor is None:
            continue
        cases = list(
            Case.objects.filter(organization__slug=slug, port__isnull=False)
            .select_related("lead", "port", "organization")
            .prefetch_related("members__person")
            .order_by("created_at", "id")
        )
        # Past the families the assistance demo uses first, when there are enough.
        cases = (cases[12:] if len(cases) > 14 else cases)[:8]
        if not cases:
            continue
        if slug == "demo-shelters" and len(cases) >= 2:
            first, second = cases[0], cases[1]
            services.record_incident(
                actor=actor, organization=first.organization,
                occurred_on=today - dt.timedelta(days=6), port=first.port,
                kinds=["attempted_kidnapping"], perpetrator="criminal_group",
                people=[first.lead], consent_method="verbal_in_person",
                uses=["keep", "report"],
                narrative="(demo) Dos hombres intentaron subirla a un coche frente al albergue; "
                "los vecinos intervinieron.",
            )  # fmt: skip
            family = [m.person for m in second.members.all()] or [second.lead]
            services.record_incident(
                actor=actor, organization=second.organization,
                occurred_on=today - dt.timedelta(days=3), port=second.port,
                kinds=["robbery", "document_theft"], perpetrator="criminal_group",
                people=family, consent_method="interpreter_assisted",
                uses=["keep", "refer", "report"],
                narrative="(demo) En una parada de autobús le quitaron a la familia la bolsa "
                "con los avisos de audiencia.",
            )  # fmt: skip
            made += 2
            # Five extortions at the same bus station last month: five in one cell of the
            # tallies is shown as 5, where one or two would be "<5".
            last_month = today.replace(day=1) - dt.timedelta(days=10)
            for case in cases[2:7]:
                services.record_incident(
                    actor=actor, organization=case.organization, occurred_on=last_month,
                    port=first.port, kinds=["extortion"], perpetrator="criminal_group",
                    people=[case.lead], consent_method="verbal_in_person",
                    uses=["keep", "report"], narrative="(demo) Relato sintético para la demostración.",
                )  # fmt: skip
                made += 1
            cases = cases[2:]
        for case in cases[:6]:
            kind, perpetrator = KINDS[rng.randrange(len(KINDS))]
            services.record_incident(
                actor=actor, organization=case.organization,
                occurred_on=today - dt.timedelta(days=rng.randrange(2, 80)), port=case.port,
                kinds=[kind], perpetrator=perpetrator, people=[case.lead],
                consent_method="verbal_in_person", uses=["keep", "report"],
                narrative="(demo) Relato sintético para la demostración.",
            )  # fmt: skip
            made += 1
    return made


@register_demo_loader("incidents", order=600)
def load_incidents(context: DemoContext) -> int:
    """Incident reports for the tallies and the document-exposure flag."""
    return add_demo_incidents()

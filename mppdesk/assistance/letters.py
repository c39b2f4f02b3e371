"""The letter on demand and the printable transport list (PDF, fpdf2 with the embedded
DejaVu font of the hearing notices: ``lib.pdf.layout``).

A letter states, in the person's language and in Spanish, that the person has a case in
the US immigration court and when the next hearing is, for one recipient chosen by the
case worker. Each purpose shows only what that recipient needs: the A-number only for
the purposes that require it (a Mexican document office, a lawyer). Every letter is
audited as an export naming the purpose and the fields shown.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mppdesk.accounts.permissions import Action, can
from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.clocks import utc_today
from mppdesk.core.errors import FieldErrors
from mppdesk.hearings.pdf.formatting import format_date, format_moment
from mppdesk.lib.pdf.layout import Document

if TYPE_CHECKING:
    from mppdesk.accounts.models import User
    from mppdesk.assistance.queries import TransportMorning

#: purpose -> (label, what the letter shows besides the name and the next hearing)
PURPOSES: dict[str, tuple[Any, frozenset[str]]] = {
    "shelter": (gettext_lazy("Shelter"), frozenset({"family", "report"})),
    "school": (gettext_lazy("School"), frozenset({"birth_date"})),
    "clinic": (gettext_lazy("Clinic or hospital"), frozenset({"birth_date"})),
    "employer": (gettext_lazy("Employer"), frozenset()),
    "mexican_authority": (
        gettext_lazy("Mexican document office (INM, COMAR, RENAPO)"),
        frozenset({"birth_date", "a_number", "nationality"}),
    ),
    "legal": (gettext_lazy("Lawyer or legal aid"), frozenset({"birth_date", "a_number", "family"})),
}

T: dict[str, dict[str, str]] = {
    "es": {
        "title": "Constancia de procedimiento migratorio en Estados Unidos",
        "to": "A quien corresponda:",
        "body": "{name} tiene un caso abierto ante la corte de inmigración de Estados Unidos "
        "(Protocolos de Protección a Migrantes, «Quédate en México») y espera su audiencia en "
        "México. Esta constancia se emite a solicitud de la persona para: {purpose}.",
        "name": "Nombre", "birth": "Fecha de nacimiento", "nationality": "Nacionalidad",
        "anumber": "Número A", "family": "Familiares en el caso", "next": "Próxima audiencia",
        "court": "Corte", "report": "Debe presentarse en", "none": "Sin audiencia programada",
        "issued": "Emitida el {date} por {org}.", "page": "Página {page} de {pages}",
    },
    "en": {
        "title": "Statement of US immigration proceedings",
        "to": "To whom it may concern:",
        "body": "{name} has an open case before the US immigration court (Migrant Protection "
        "Protocols, \"Remain in Mexico\") and is waiting in Mexico for their hearing. This "
        "statement is issued at the person's request for: {purpose}.",
        "name": "Name", "birth": "Date of birth", "nationality": "Nationality",
        "anumber": "A-number", "family": "Family members on the case", "next": "Next hearing",
        "court": "Court", "report": "Must report at", "none": "No hearing scheduled",
        "issued": "Issued on {date} by {org}.", "page": "Page {page} of {pages}",
    },
    "pt": {
        "title": "Declaração de processo de imigração nos Estados Unidos",
        "to": "A quem possa interessar:",
        "body": "{name} tem um caso aberto no tribunal de imigração dos Estados Unidos "
        "(Protocolos de Proteção ao Migrante, «Fique no México») e aguarda a sua audiência no "
        "México. Esta declaração é emitida a pedido da pessoa para: {purpose}.",
        "name": "Nome", "birth": "Data de nascimento", "nationality": "Nacionalidade",
        "anumber": "Número A", "family": "Familiares no caso", "next": "Próxima audiência",
        "court": "Tribunal", "report": "Deve apresentar-se em", "none": "Sem audiência marcada",
        "issued": "Emitida em {date} por {org}.", "page": "Página {page} de {pages}",
    },
    "fr": {
        "title": "Attestation de procédure d'immigration aux États-Unis",
        "to": "À qui de droit :",
        "body": "{name} a un dossier ouvert devant le tribunal de l'immigration des États-Unis "
        "(Protocoles de protection des migrants, « Rester au Mexique ») et attend son audience "
        "au Mexique. Cette attestation est délivrée à la demande de la personne pour : {purpose}.",
        "name": "Nom", "birth": "Date de naissance", "nationality": "Nationalité",
        "anumber": "Numéro A", "family": "Membres de la famille", "next": "Prochaine audience",
        "court": "Tribunal", "report": "Se présenter à", "none": "Aucune audience prévue",
        "issued": "Délivrée le {date} par {org}.", "page": "Page {page} sur {pages}",
    },
    "ht": {
        "title": "Deklarasyon sou pwosedi imigrasyon Ozetazini",
        "to": "Pou moun sa konsène:",
        "body": "{name} gen yon dosye louvri devan tribinal imigrasyon Ozetazini (Pwotokòl "
        "Pwoteksyon Migran, \"Rete nan Meksik\") epi l ap tann odyans li nan Meksik. Deklarasyon "
        "sa a fèt sou demann moun nan pou: {purpose}.",
        "name": "Non", "birth": "Dat nesans", "nationality": "Nasyonalite",
        "anumber": "Nimewo A", "family": "Fanmi ki nan dosye a", "next": "Pwochen odyans",
        "court": "Tribinal", "report": "Pou prezante nan", "none": "Pa gen odyans pwograme",
        "issued": "Bay {date} pa {org}.", "page": "Paj {page} sou {pages}",
    },
}  # fmt: skip
PURPOSE_NAMES: dict[str, dict[str, str]] = {
    "es": {"shelter": "un albergue", "school": "una escuela", "clinic": "una clínica u hospital",
           "employer": "un empleador", "mexican_authority": "una oficina de documentos mexicana",
           "legal": "asesoría legal"},
    "en": {"shelter": "a shelter", "school": "a school", "clinic": "a clinic or hospital",
           "employer": "an employer", "mexican_authority": "a Mexican document office",
           "legal": "legal advice"},
    "pt": {"shelter": "um abrigo", "school": "uma escola", "clinic": "uma clínica ou hospital",
           "employer": "um empregador", "mexican_authority": "um escritório de documentos mexicano",
           "legal": "assessoria jurídica"},
    "fr": {"shelter": "un foyer d'accueil", "school": "une école", "clinic": "une clinique ou un hôpital",
           "employer": "un employeur", "mexican_authority": "un bureau de documents mexicain",
           "legal": "un conseil juridique"},
    "ht": {"shelter": "yon abri", "school": "yon lekòl", "clinic": "yon klinik oswa lopital",
           "employer": "yon patwon", "mexican_authority": "yon biwo dokiman meksiken",
           "legal": "konsèy legal"},
}  # fmt: skip


@transaction.atomic
def letter_for(*, actor: User, person_pk: Any, purpose: str) -> bytes:
    """The letter for ``purpose`` as PDF bytes. The person's own organization only
    (``person.export`` there); ``FieldErrors`` naming ``purpose`` for an unknown one."""
    from mppdesk.cases.models import Case
    from mppdesk.hearings.models import Hearing, HearingStatus
    from mppdesk.people import queries as people_queries
    from mppdesk.reminders.planning import written_language

    person = people_queries.get_person(actor, person_pk)
    if not can(actor, Action.PERSON_EXPORT, person.organization_id):
        raise PermissionDenied
    if purpose not in PURPOSES:
        raise FieldErrors(
            {"purpose": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(PURPOSES)}]}
        )
    shows = PURPOSES[purpose][1]
    case = (
        Case.objects.filter(organization_id=person.organization_id, members__person=person)
        .select_related("venue", "port")
        .order_by("-created_at")
        .first()
    )
    hearing = (
        Hearing.objects.filter(
            case__members__person=person, status=HearingStatus.SCHEDULED,
            scheduled_at__gt=timezone.now(), organization_id=person.organization_id,
        )
        .select_related("docket__venue", "port", "case__port")
        .order_by("scheduled_at")
        .first()
    )  # fmt: skip
    family: list[str] = []
    if case is not None and "family" in shows:
        family = [
            m.person.full_name
            for m in case.members.select_related("person")
            if m.person_id != person.pk
        ]
    language = written_language(person)[0]
    languages = [language] + (["es"] if language != "es" else [])
    today = utc_today()
    doc = Document(
        title=T["es"]["title"], footer=person.organization.name,
        page_label=T[language]["page"],
        created_at=dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC),
    )  # fmt: skip
    shown = ["name", "next_hearing"]
    for index, lang in enumerate(languages):
        t = T[lang]
        if index:
            doc.add_page()
        doc.title_line(t["title"])
        doc.paragraph(t["to"], size=10)
        doc.ln(1)
        doc.paragraph(
            t["body"].format(name=person.full_name, purpose=PURPOSE_NAMES[lang][purpose]), size=10
        )
        doc.ln(2)
        doc.row(t["name"], person.full_name)
        if "birth_date" in shows and person.birth_date:
            doc.row(t["birth"], format_date(person.birth_date, lang))
        if "nationality" in shows and person.nationality:
            doc.row(t["nationality"], person.nationality)
        if "a_number" in shows and case is not None:
            doc.row(t["anumber"], case.a_number_display)
        if family:
            doc.row(t["family"], ", ".join(family))
        if hearing is not None:
            venue = hearing.docket.venue
            doc.row(
                t["next"], format_moment(hearing.scheduled_at, venue.timezone, venue.city, lang)
            )
            doc.row(t["court"], f"{venue.name} ({venue.city})")
            port = hearing.port or hearing.case.port
            if "report" in shows and port is not None and hearing.report_at is not None:
                doc.row(
                    t["report"],
                    f"{port.name}: "
                    + format_moment(hearing.report_at, port.timezone, port.mexican_city, lang),
                )
        else:
            doc.row(t["next"], t["none"])
        doc.ln(3)
        doc.paragraph(
            t["issued"].format(date=format_date(today, lang), org=person.organization.name), size=9
        )
    shown += sorted(f for f in shows if f != "family") + (["family"] if family else [])
    audit.record(
        actor=actor, organization=person.organization, action=AuditAction.EXPORT,
        object_type=ObjectType.PERSON, object_id=person.pk,
        fields=[f"letter:{purpose}", *shown],
    )  # fmt: skip
    return bytes(doc.to_bytes())


def transport_pdf(mornings: list[TransportMorning], *, day: dt.date) -> bytes:
    """The coordinator's printout: per port and morning, who is picked up where, with
    counts per shelter. Names and shelters only (no A-number, no date of birth)."""
    from mppdesk.hearings.pdf.formatting import format_time, in_zone

    doc = Document(
        title="Transporte a la audiencia / Hearing-day transport", footer="",
        page_label="Página {page} de {pages}",
        created_at=dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC),
    )  # fmt: skip
    doc.title_line(f"Transporte a la audiencia / Hearing-day transport — {format_date(day, 'es')}")
    if not mornings:
        doc.paragraph("Nadie pidió transporte para esta mañana. / Nobody asked for transport.")
    for morning in mornings:
        doc.heading(f"{morning.port} — {format_date(morning.day, 'es')} ({len(morning.riders)})")
        for shelter, count in morning.per_shelter:
            doc.row(shelter, str(count), size=9)
        doc.ln(1)
        for rider in morning.riders:
            when = format_time(in_zone(rider.report_at, morning.timezone), "es")
            extra = " · acompañamiento / accompaniment" if rider.accompaniment else ""
            doc.row(
                when, f"{rider.person.full_name} — {rider.shelter}{extra}", size=9, label_width=22
            )
    return bytes(doc.to_bytes())

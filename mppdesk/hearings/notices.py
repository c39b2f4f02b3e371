"""Build the printed notice's ``NoticeData`` from the models (``pdf.notice.render_notice``).

The renderer takes plain data so that it runs without a database; this adapter reads one
``Notice`` and its hearing, case, docket, venue and port. The caller has already checked
that the user may read the hearing (``queries.get_hearing``) and records the download in
the audit log: the notice carries the person's name and A-number.

What the notice says comes from the hearing as it was scheduled: ``scheduled_at`` and
``report_at`` are stored, so a later change of a port's lead does not move the times a
notice already gave. The reporting place is the hearing's own (a proper name, printed as
written) or, when none was set, the generic "port of entry, pedestrian entrance" in the
notice's language.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from mppdesk.hearings.models import Hearing, Notice
from mppdesk.hearings.pdf import NoticeData, render_notice
from mppdesk.hearings.pdf.texts import NOTICE_LANGUAGES

#: "<port> port of entry, pedestrian entrance" per notice language (es and en as in the
#: app's catalogue; pt reviewed; ht and fr drafted like the notice's other ht/fr texts).
GENERIC_REPORT_PLACE = {
    "es": "Puerto de entrada de {port}, entrada peatonal",
    "en": "{port} port of entry, pedestrian entrance",
    "pt": "Porto de entrada de {port}, entrada de pedestres",
    "ht": "Pò antre {port}, antre pou moun ki a pye",
    "fr": "Point d'entrée de {port}, entrée piétonne",
}


class NoticeUnavailable(ValueError):  # noqa: N818 - reads as a state, like Http404
    """The notice cannot be printed: the hearing has no port of entry to report to."""


def notice_languages() -> tuple[str, ...]:
    return tuple(NOTICE_LANGUAGES)


def notice_data(notice: Notice, language: str | None = None) -> NoticeData:
    """What the printed ``notice`` says, in ``language`` (default: the notice's own).

    Raises ``NoticeUnavailable`` when neither the hearing nor its case has a port (every
    MPP case was returned through one; a case entered without it must be completed
    first), and ``ValueError`` for a language the notice is not printed in.
    """
    from mppdesk.hearings.times import reporting_time

    chosen = language or notice.language
    if chosen not in NOTICE_LANGUAGES:
        raise ValueError(f"unsupported notice language {chosen!r}")
    hearing: Hearing = notice.hearing
    case = hearing.case
    docket = hearing.docket
    venue = docket.venue
    port = hearing.port or case.port
    if port is None:
        raise NoticeUnavailable("the hearing has no port of entry")
    report_at = hearing.report_at or reporting_time(docket, port)
    if report_at is None:  # pragma: no cover - reporting_time answers for any port
        raise NoticeUnavailable("the hearing has no reporting time")
    previous = hearing.replaces if notice.kind == Notice.Kind.CHANGED else None
    if notice.kind == Notice.Kind.CHANGED and previous is not None:
        reason = previous.continuance_reason
    elif notice.kind == Notice.Kind.CANCELLED:
        reason = hearing.continuance_reason
    else:
        reason = ""
    issued = notice.served_at or notice.created_at
    return NoticeData(
        language=chosen,
        kind=str(notice.kind),
        person_name=case.lead.full_name,
        a_number_display=case.a_number_display,
        hearing_kind=str(hearing.kind),
        hearing_local=hearing.scheduled_at,
        venue_name=venue.name,
        venue_city=f"{venue.city}, {venue.state}" if venue.state else venue.city,
        court_timezone=venue.timezone,
        port_name=port.name,
        port_city=port.mexican_city,
        report_local=report_at,
        port_timezone=port.timezone,
        report_place=hearing.report_place
        or port.report_place
        or GENERIC_REPORT_PLACE[chosen].format(port=port.name),
        previous_hearing_local=previous.scheduled_at if previous is not None else None,
        reason=reason or "",
        served_method=str(notice.method) if notice.served_at is not None else "",
        issued_on=issued.astimezone(ZoneInfo(port.timezone)).date() if issued else None,
    )


def render_notice_pdf(notice: Notice, language: str | None = None) -> bytes:
    """The notice as a PDF in ``language`` (default: the notice's own)."""
    return render_notice(notice_data(notice, language))


def notice_pdfs(notices: list[Notice]) -> dict[str, bytes]:
    """Each printable notice as a PDF in its own language, keyed by ``str(notice.id)`` (as
    ``pdf.build_evidence_zip`` takes them). Notices that cannot be printed are left out."""
    pdfs: dict[str, bytes] = {}
    for notice in notices:
        try:
            pdfs[str(notice.pk)] = render_notice_pdf(notice)
        except NoticeUnavailable:
            continue
    return pdfs


def file_name(notice: Notice, language: str) -> str:
    """A download name without personal data: the notice's random id and the language."""
    return f"notice-{notice.pk}-{language}.pdf"


__all__ = [
    "GENERIC_REPORT_PLACE",
    "NoticeUnavailable",
    "file_name",
    "notice_data",
    "notice_languages",
    "notice_pdfs",
    "render_notice_pdf",
]

"""The template catalogue: which text a message uses, and filling in its placeholders.

``render(kind, channel, language, context)`` takes the coordinator's override
(``MessageTemplate``) if there is one, else the default of ``texts.DEFAULTS`` for the
channel (SMS short, WhatsApp/e-mail longer, voice a spoken text), and fills in the
placeholders from ``context`` (``hearing_context`` builds it for a hearing).

Placeholders are ``{name}`` from a fixed list per kind (``PLACEHOLDERS``). None of them
is a name or an A-number: a message can only say what its context holds, and the
context of a hearing holds dates, times and places. ``validate_body`` names any other
placeholder, so an edited template cannot ask for more.

Times are shown in the time zone of the port's Mexican side, where the person waits and
reports (``Port.timezone``; the venue's zone when the hearing has no port), like the
reporting time on the printed notice, and every text that gives a time names that clock
with ``{zone}`` ("hora de Ciudad Juárez, MST"), as the notice does: a phone set to
another zone, or a reader who crossed the border, would otherwise read it an hour off.
An override that gives a time without ``{zone}`` gets the clock added (``fill``).
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from mppdesk.messaging.models import Channel, TemplateKind
from mppdesk.reminders.models import LANGUAGES, MessageTemplate
from mppdesk.reminders.segments import to_gsm7
from mppdesk.reminders.texts import DATE_FORMATS, DEFAULTS, MONTHS, WEEKDAYS

if TYPE_CHECKING:
    from mppdesk.hearings.models import Hearing

DEFAULT_LANGUAGE = "es"
#: The most a template may hold (Twilio's limit for one SMS body, in characters).
MAX_BODY = 1600

HEARING_PLACEHOLDERS = (
    "date",  # the hearing's date, written out ("lunes 9 de marzo de 2026")
    "time",  # the hearing's time in the port's zone ("08:00"; "8:00 AM" in English)
    "report_date",  # the day to report at the port
    "report_time",  # when to report
    "report_place",  # where to report (the hearing's or the port's place)
    "venue",  # the court
    "port",  # the port of entry
    "city",  # the Mexican city of the port (whose clock the times are in)
    "zone",  # that clock, named as on the notice ("hora de Ciudad Juárez, MST")
)
#: Placeholders that state a time of day: a text using one must name its clock ({zone}).
TIME_PLACEHOLDERS = ("time", "report_time", "old_time")
#: The placeholders each kind may use.
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    TemplateKind.HEARING_NOTICE: HEARING_PLACEHOLDERS,
    TemplateKind.REMINDER: HEARING_PLACEHOLDERS,
    TemplateKind.HEARING_CHANGED: (*HEARING_PLACEHOLDERS, "old_date", "old_time"),
    TemplateKind.HEARING_CANCELLED: HEARING_PLACEHOLDERS,
    TemplateKind.REPORTING_INSTRUCTIONS: HEARING_PLACEHOLDERS,
    TemplateKind.OPT_OUT_CONFIRMATION: (),
    TemplateKind.SELF_SERVICE_ANSWER: HEARING_PLACEHOLDERS,
    TemplateKind.SELF_SERVICE_HELP: (),
    TemplateKind.MANUAL: ("text",),
}

#: Which variant of ``texts.DEFAULTS`` a channel uses (falling back to ``sms``).
VARIANT_OF = {
    Channel.SMS: "sms",
    Channel.WHATSAPP: "long",
    Channel.EMAIL: "long",
    Channel.VOICE: "voice",
}


def language_of(language: str) -> str:
    """A language messages are written in: ``language`` if we have texts, else Spanish."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def default_body(kind: str, channel: str, language: str) -> str:
    """The built-in text for ``kind`` on ``channel`` in ``language``."""
    texts = DEFAULTS[str(kind)][language_of(language)]
    return texts.get(VARIANT_OF.get(Channel(channel), "sms"), texts["sms"])


def override_for(kind: str, channel: str, language: str) -> MessageTemplate | None:
    return MessageTemplate.objects.filter(
        kind=kind, channel=channel, language=language_of(language)
    ).first()


def template_body(kind: str, channel: str, language: str) -> tuple[str, bool]:
    """``(text, is_override)``: the text a message of this kind would use now."""
    override = override_for(kind, channel, language)
    if override is not None:
        return override.body, True
    return default_body(kind, channel, language), False


def placeholders_in(body: str) -> list[str]:
    """The placeholder names used in ``body``, in order (``ValueError`` if malformed)."""
    names: list[str] = []
    for _literal, name, _spec, _conversion in string.Formatter().parse(body):
        if name is not None and name not in names:
            names.append(name)
    return names


def validate_body(kind: str, channel: str, body: str) -> list[str]:
    """Problems with ``body`` as a template of ``kind`` (empty list when it is fine)."""
    problems: list[str] = []
    if not body.strip():
        return [_("The text is empty.")]
    if len(body) > MAX_BODY:
        problems.append(_("At most %(count)s characters.") % {"count": MAX_BODY})
    allowed = PLACEHOLDERS.get(kind, ())
    try:
        parsed = list(string.Formatter().parse(body))
    except ValueError:
        return [
            *problems,
            _('Unbalanced braces: write a placeholder as {date}, a brace itself as "{{" or "}}".'),
        ]
    unknown: list[str] = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in allowed:
            if name not in unknown:
                unknown.append(name)
        elif spec or conversion:
            problems.append(
                _("Write the placeholder {%(name)s} without a format or conversion.")
                % {"name": name}
            )
    if unknown:
        problems.append(
            _("Unknown placeholder(s): %(unknown)s. This kind of message can use: %(allowed)s.")
            % {
                "unknown": ", ".join("{%s}" % n for n in unknown),  # noqa: UP031
                "allowed": ", ".join("{%s}" % n for n in allowed) or _("none"),  # noqa: UP031
            }
        )
    return problems


def fill(body: str, context: Mapping[str, Any], *, channel: str = Channel.SMS) -> str:
    """``body`` with each ``{name}`` replaced by ``context[name]`` (missing: empty).

    Only plain names are looked up (no attribute access, no format specs), so a stored
    template can never reach into an object. For SMS the values are folded to GSM-7
    ("Juárez" -> "Juarez"): a place name must not turn a message into UCS-2.

    A text that gives a time but does not name its clock (an override written without
    ``{zone}``) gets the clock after its first time, "08:00 (hora de Ciudad Juarez,
    MST)": no message states a time on an unnamed clock.
    """
    parsed = list(string.Formatter().parse(body))
    names = {name for _literal, name, _spec, _conversion in parsed if name is not None}
    clock = str(context.get("zone", "")) if "zone" not in names else ""
    parts: list[str] = []
    for literal, name, _spec, _conversion in parsed:
        parts.append(literal)
        if name is not None:
            value = str(context.get(name, ""))
            if clock and name in TIME_PLACEHOLDERS and value:
                value, clock = f"{value} ({clock})", ""
            parts.append(to_gsm7(value) if channel == Channel.SMS else value)
    return "".join(parts)


def render(kind: str, channel: str, language: str, context: Mapping[str, Any]) -> str:
    """The text of a message: the override if present, else the default, filled in."""
    body, _is_override = template_body(kind, channel, language)
    return fill(body, context, channel=channel)


# --- the context of a hearing -------------------------------------------------------------


def format_date(day: dt.date, language: str) -> str:
    lang = language_of(language)
    return DATE_FORMATS[lang].format(
        weekday=WEEKDAYS[lang].split()[day.weekday()],
        day=day.day,
        month=MONTHS[lang].split()[day.month - 1],
        year=day.year,
    )


def format_time(moment: dt.datetime | dt.time, language: str) -> str:
    if language_of(language) == "en":
        hour = moment.hour % 12 or 12
        return f"{hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"
    return f"{moment:%H:%M}"


def local_zone(hearing: Hearing) -> str:
    """The recipient's time zone: the port's Mexican side, else the court's."""
    port = hearing.port or hearing.case.port
    if port is not None and port.timezone:
        return str(port.timezone)
    return str(hearing.docket.venue.timezone)


def report_place(hearing: Hearing, language: str) -> str:
    """Where to report, in ``language`` (as the printed notice says it)."""
    from mppdesk.hearings.notices import GENERIC_REPORT_PLACE

    port = hearing.port or hearing.case.port
    if hearing.report_place:
        return str(hearing.report_place)
    if port is None:
        return str(hearing.docket.venue.name)
    return str(
        port.report_place or GENERIC_REPORT_PLACE[language_of(language)].format(port=port.name)
    )


def report_moment(hearing: Hearing) -> dt.datetime:
    """When to report (UTC): the stored time, else the hearing's time itself."""
    return hearing.report_at or hearing.scheduled_at


def zone_name(moment: dt.datetime, city: str, language: str) -> str:
    """The clock of an aware ``moment``, named as the notice names it: ``hora de Ciudad
    Juárez, MST``, ``Ciudad Juárez time, MDT``."""
    from mppdesk.hearings.pdf.formatting import zone_abbreviation
    from mppdesk.hearings.pdf.texts import ZONE_FORMAT

    return ZONE_FORMAT[language_of(language)].format(city=city, abbr=zone_abbreviation(moment))


def _time_on(moment: dt.datetime, clock: dt.datetime, language: str) -> str:
    """A time named once by ``{zone}`` (the hearing's clock); when ``moment`` falls on
    the other side of a daylight-saving change, it carries its own abbreviation."""
    from mppdesk.hearings.pdf.formatting import zone_abbreviation

    text = format_time(moment, language)
    own = zone_abbreviation(moment)
    return text if own == zone_abbreviation(clock) else f"{text} {own}"


def hearing_context(
    hearing: Hearing, language: str, *, previous: Hearing | None = None
) -> dict[str, str]:
    """The placeholder values of ``hearing`` in ``language`` (no personal data).

    ``previous`` (the hearing it replaced) fills ``old_date`` and ``old_time``. Every time
    is on the clock of the port's Mexican side, which ``{zone}`` names.
    """
    lang = language_of(language)
    zone = ZoneInfo(local_zone(hearing))
    at = hearing.scheduled_at.astimezone(zone)
    report = report_moment(hearing).astimezone(zone)
    port = hearing.port or hearing.case.port
    venue = hearing.docket.venue
    city = str(port.mexican_city) if port is not None else str(venue.city)
    context = {
        "date": format_date(at.date(), lang),
        "time": format_time(at, lang),
        "report_date": format_date(report.date(), lang),
        "report_time": _time_on(report, at, lang),
        "report_place": report_place(hearing, lang),
        "venue": str(venue.name),
        "port": str(port.name) if port is not None else "",
        "city": city,
        "zone": zone_name(at, city, lang),
        "old_date": "",
        "old_time": "",
    }
    if previous is not None:
        old = previous.scheduled_at.astimezone(zone)
        context["old_date"] = format_date(old.date(), lang)
        context["old_time"] = _time_on(old, at, lang)
    return context


def sample_context(language: str) -> dict[str, str]:
    """Made-up values for the editor's preview (a Monday hearing at El Paso)."""
    from mppdesk.hearings.notices import GENERIC_REPORT_PLACE

    lang = language_of(language)
    day = dt.date(2026, 3, 9)
    hearing = dt.time(8, 0)
    report = dt.time(4, 0)
    at = dt.datetime.combine(day, hearing, tzinfo=ZoneInfo("America/Ciudad_Juarez"))
    return {
        "date": format_date(day, lang),
        "time": format_time(hearing, lang),
        "report_date": format_date(day, lang),
        "report_time": format_time(report, lang),
        "report_place": GENERIC_REPORT_PLACE[lang].format(port="El Paso"),
        "venue": "El Paso Immigration Court",
        "port": "El Paso",
        "city": "Ciudad Juárez",
        "zone": zone_name(at, "Ciudad Juárez", lang),
        "old_date": format_date(dt.date(2026, 2, 2), lang),
        "old_time": format_time(hearing, lang),
        "text": _("(the text written by the case worker)"),
    }


def preview(kind: str, channel: str, language: str, body: str | None = None) -> str:
    """``body`` (default: the current text) filled in with the sample values."""
    text = body if body is not None else template_body(kind, channel, language)[0]
    return fill(text, sample_context(language), channel=channel)


def catalogue() -> list[dict[str, Any]]:
    """Every (kind, channel, language) with its current text, for the editor's list."""
    overrides = {
        (t.kind, t.channel, t.language): t
        for t in MessageTemplate.objects.select_related("updated_by")
    }
    rows = []
    for kind in TemplateKind:
        for channel in Channel:
            for language in LANGUAGES:
                override = overrides.get((kind.value, channel.value, language))
                rows.append(
                    {
                        "kind": kind.value,
                        "channel": channel.value,
                        "language": language,
                        "body": override.body
                        if override
                        else default_body(kind, channel, language),
                        "default": default_body(kind, channel, language),
                        "is_override": override is not None,
                        "updated_at": override.updated_at if override else None,
                        "updated_by": override.updated_by if override else None,
                    }
                )
    return rows

"""Every text the self-service channels send, in es, en, pt, ht and fr.

The answers go out by SMS/WhatsApp in the language of the person (or of the keyword
they wrote), not in the language of a web session, so they are kept here rather than in
the gettext catalogue. The web pages (one per language) show the same texts.

Review status: Spanish, English and Portuguese written for plain language. **The
Haitian Creole (ht) and French (fr) texts are drafts, to be reviewed by a native
speaker** before they are relied on.

Rules: no name, no A-number, no date of birth in any text (they could be read over a
shoulder or on a shared phone). The generic answer is one constant text per language:
the anti-harvesting design (docs/selfservice.md) depends on it never varying. It always
says to text from the phone on file: that is the one way a person whose court documents
were stolen (``cases.exposure``) still gets an answer, and saying it to everyone tells
nobody whether a number was flagged. The two
refusals say what they are — too many attempts from this phone or connection, or a
number protected for a while — and depend only on counters that exist for every
A-number, held or not: they tell nothing about any record either.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from mppdesk.hearings.pdf import texts as notice_texts
from mppdesk.hearings.pdf.formatting import (
    format_moment,
    format_time,
    in_zone,
    zone_abbreviation,
)

LANGUAGES: Final = ("es", "en", "pt", "ht", "fr")

GENERIC: Final[dict[str, str]] = {
    "es": (
        "No encontramos una audiencia con esos datos. Revíselos, escriba desde el teléfono "
        "que su organización tiene registrado, o comuníquese con su organización de "
        "asistencia legal."
    ),
    "en": (
        "We could not find a hearing for those details. Check them, text from the phone your "
        "organization has on file for you, or contact your legal aid organization."
    ),
    "pt": (
        "Não encontramos uma audiência com esses dados. Confira-os, escreva do telefone que "
        "a sua organização tem registrado, ou fale com a sua organização de assistência "
        "jurídica."
    ),
    "ht": (
        "Nou pa jwenn okenn odyans pou enfòmasyon sa yo. Verifye yo, ekri depi telefòn "
        "òganizasyon ou anrejistre pou ou a, oswa kontakte òganizasyon èd legal ou a."
    ),
    "fr": (
        "Nous n'avons pas trouvé d'audience pour ces informations. Vérifiez-les, écrivez "
        "depuis le téléphone que votre organisation a enregistré, ou contactez votre "
        "organisation d'aide juridique."
    ),
}

USAGE: Final[dict[str, str]] = {
    "es": (
        "Para consultar su próxima audiencia envíe CITA, su número A y su fecha de "
        "nacimiento (día/mes/año). Ejemplo: CITA A123456789 31/12/1990"
    ),
    "en": (
        "To look up your next hearing send HEARING, your A-number and your date of birth "
        "(day/month/year). Example: HEARING A123456789 31/12/1990"
    ),
    "pt": (
        "Para consultar a sua próxima audiência envie AUDIÊNCIA, o seu número A e a sua "
        "data de nascimento (dia/mês/ano). Exemplo: AUDIÊNCIA A123456789 31/12/1990"
    ),
    "ht": (
        "Pou konnen pwochen odyans ou, voye ODYANS, nimewo A ou ak dat nesans ou "
        "(jou/mwa/ane). Egzanp: ODYANS A123456789 31/12/1990"
    ),
    "fr": (
        "Pour connaître votre prochaine audience, envoyez AUDIENCE, votre numéro A et "
        "votre date de naissance (jour/mois/année). Exemple : AUDIENCE A123456789 31/12/1990"
    ),
}

HELP: Final[dict[str, str]] = {
    "es": USAGE["es"] + ". Para no recibir más mensajes envíe ALTO; para volver a "
    "recibirlos, ALTA.",
    "en": USAGE["en"] + ". To stop messages send STOP; to get them again, START.",
    "pt": USAGE["pt"] + ". Para não receber mais mensagens envie PARAR; para voltar a "
    "recebê-las, START.",
    "ht": USAGE["ht"] + ". Pou pa resevwa mesaj ankò voye STOP; pou resevwa yo ankò, START.",
    "fr": USAGE["fr"] + ". Pour ne plus recevoir de messages envoyez STOP ; pour les "
    "recevoir de nouveau, START.",
}

OPTED_OUT: Final[dict[str, str]] = {
    "es": "Ya no recibirá mensajes de este servicio. Para volver a recibirlos envíe ALTA.",
    "en": "You will no longer get messages from this service. To get them again send START.",
    "pt": "Você não receberá mais mensagens deste serviço. Para voltar a recebê-las envie START.",
    "ht": "Ou p ap resevwa mesaj sèvis sa a ankò. Pou resevwa yo ankò voye START.",
    "fr": "Vous ne recevrez plus de messages de ce service. Pour les recevoir de nouveau "
    "envoyez START.",
}

OPTED_IN: Final[dict[str, str]] = {
    "es": "Volverá a recibir mensajes de este servicio. Para dejar de recibirlos envíe ALTO.",
    "en": "You will get messages from this service again. To stop them send STOP.",
    "pt": "Você voltará a receber mensagens deste serviço. Para pará-las envie PARAR.",
    "ht": "Ou ap resevwa mesaj sèvis sa a ankò. Pou kanpe yo voye STOP.",
    "fr": "Vous recevrez de nouveau les messages de ce service. Pour les arrêter envoyez STOP.",
}

# The requester (a phone number, or a web client's address) asked too often. {time}: when
# its count starts afresh, on a named clock ("15:40 (hora de Ciudad Juárez, MST)").
RATE_LIMITED_PHONE: Final[dict[str, str]] = {
    "es": "Demasiados intentos desde este teléfono. Intente de nuevo después de las {time}.",
    "en": "Too many attempts from this phone. Try again after {time}.",
    "pt": "Muitas tentativas deste telefone. Tente de novo depois das {time}.",
    "ht": "Twòp esè soti nan telefòn sa a. Eseye ankò apre {time}.",
    "fr": "Trop de tentatives depuis ce téléphone. Réessayez après {time}.",
}
RATE_LIMITED_WEB: Final[dict[str, str]] = {
    "es": "Demasiados intentos desde esta conexión. Intente de nuevo después de las {time}.",
    "en": "Too many attempts from this connection. Try again after {time}.",
    "pt": "Muitas tentativas desta conexão. Tente de novo depois das {time}.",
    "ht": "Twòp esè soti nan koneksyon sa a. Eseye ankò apre {time}.",
    "fr": "Trop de tentatives depuis cette connexion. Réessayez après {time}.",
}
# The A-number failed too often lately (by anyone): locked for a while. The same text
# whether a case has the number or not.
PROTECTED: Final[dict[str, str]] = {
    "es": (
        "Este número está protegido por un tiempo tras varios intentos fallidos. Pida ayuda "
        "a su organización, o escriba desde el teléfono que ella tiene registrado."
    ),
    "en": (
        "This number is temporarily protected after several failed attempts. Ask your "
        "organization for help, or text from the phone it has on file for you."
    ),
    "pt": (
        "Este número está protegido por um tempo após várias tentativas falhas. Peça ajuda "
        "à sua organização, ou escreva do telefone que ela tem registrado."
    ),
    "ht": (
        "Nimewo sa a pwoteje pou yon ti tan apre plizyè esè ki pa mache. Mande òganizasyon "
        "ou èd, oswa ekri depi telefòn li anrejistre pou ou a."
    ),
    "fr": (
        "Ce numéro est protégé pour un temps après plusieurs tentatives échouées. Demandez "
        "de l'aide à votre organisation, ou écrivez depuis le téléphone qu'elle a enregistré."
    ),
}

# Placeholders: {hearing} (date and time with the court's zone), {court} (venue name and
# city), {report} (date and time with the port city's zone), {place}.
ANSWER: Final[dict[str, str]] = {
    "es": (
        "Su próxima audiencia: {hearing}, en {court}. Preséntese en {place} el {report}. "
        "Llegue a tiempo."
    ),
    "en": ("Your next hearing: {hearing}, at {court}. Report at {place} on {report}. Be on time."),
    "pt": (
        "A sua próxima audiência: {hearing}, em {court}. Apresente-se em {place} em {report}. "
        "Chegue na hora."
    ),
    "ht": (
        "Pwochen odyans ou: {hearing}, nan {court}. Prezante ou nan {place} {report}. Rive alè."
    ),
    "fr": (
        "Votre prochaine audience : {hearing}, à {court}. Présentez-vous à {place} le "
        "{report}. Soyez à l'heure."
    ),
}
# When the hearing has no port to report to (a case entered without one).
ANSWER_NO_PORT: Final[dict[str, str]] = {
    "es": "Su próxima audiencia: {hearing}, en {court}. Pregunte a su organización dónde presentarse.",
    "en": "Your next hearing: {hearing}, at {court}. Ask your organization where to report.",
    "pt": "A sua próxima audiência: {hearing}, em {court}. Pergunte à sua organização onde se apresentar.",
    "ht": "Pwochen odyans ou: {hearing}, nan {court}. Mande òganizasyon ou kote pou prezante.",
    "fr": "Votre prochaine audience : {hearing}, à {court}. Demandez à votre organisation où vous présenter.",
}  # fmt: skip


def pick(texts: dict[str, str], language: str) -> str:
    """The text in ``language``, Spanish for any other."""
    return texts.get(language) or texts["es"]


def supported(language: str) -> str:
    return language if language in LANGUAGES else "es"


def answer_text(
    *,
    language: str,
    hearing_at: dt.datetime,
    court_timezone: str,
    court_name: str,
    court_city: str,
    report_at: dt.datetime | None,
    port_timezone: str,
    port_city: str,
    place: str,
) -> str:
    """The answer with the next hearing, every time on the clock it is read by."""
    language = supported(language)
    hearing = format_moment(hearing_at, court_timezone, court_city, language)
    court = f"{court_name} ({court_city})" if court_city else court_name
    if report_at is None or not port_timezone:
        return ANSWER_NO_PORT[language].format(hearing=hearing, court=court)
    report = format_moment(report_at, port_timezone, port_city, language)
    return ANSWER[language].format(hearing=hearing, court=court, report=report, place=place)


def clock_time(moment: dt.datetime, timezone: str, city: str, language: str) -> str:
    """``15:40 (hora de Ciudad Juárez, MST)``: a time of day on a named clock (English:
    ``3:40 p.m. (Ciudad Juárez time, MST)``)."""
    language = supported(language)
    local = in_zone(moment, timezone)
    if language == "en":
        time = f"{local.hour % 12 or 12}:{local.minute:02d} {'a.m.' if local.hour < 12 else 'p.m.'}"
    else:
        time = format_time(local, language)
    zone = notice_texts.ZONE_FORMAT[language].format(city=city, abbr=zone_abbreviation(local))
    return f"{time} ({zone})"


def rate_limited_text(
    *, language: str, web: bool, retry_at: dt.datetime, timezone: str, city: str
) -> str:
    """The refusal "too many attempts from this phone/connection, try again after HH:MM"."""
    language = supported(language)
    texts = RATE_LIMITED_WEB if web else RATE_LIMITED_PHONE
    return texts[language].format(time=clock_time(retry_at, timezone, city, language))

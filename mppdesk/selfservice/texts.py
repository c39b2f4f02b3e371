"""Every text the self-service channels send, in es, en, pt, ht and fr.

The answers go out by SMS/WhatsApp in the language of the person (or of the keyword
they wrote), not in the language of a web session, so they are kept here rather than in
the gettext catalogue. The web page (es/en) shows the same generic and answer texts.

Review status: Spanish, English and Portuguese written for plain language. **The
Haitian Creole (ht) and French (fr) texts are drafts, to be reviewed by a native
speaker** before they are relied on.

Rules: no name, no A-number, no date of birth in any text (they could be read over a
shoulder or on a shared phone). The generic answer is one constant text per language:
the anti-harvesting design (docs/selfservice.md) depends on it never varying.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from mppdesk.hearings.pdf.formatting import format_moment

LANGUAGES: Final = ("es", "en", "pt", "ht", "fr")

GENERIC: Final[dict[str, str]] = {
    "es": (
        "No encontramos una audiencia con esos datos. Revíselos o comuníquese con su "
        "organización de asistencia legal."
    ),
    "en": (
        "We could not find a hearing for those details. Check them or contact your legal "
        "aid organization."
    ),
    "pt": (
        "Não encontramos uma audiência com esses dados. Confira-os ou fale com a sua "
        "organização de assistência jurídica."
    ),
    "ht": (
        "Nou pa jwenn okenn odyans pou enfòmasyon sa yo. Verifye yo oswa kontakte "
        "òganizasyon èd legal ou a."
    ),
    "fr": (
        "Nous n'avons pas trouvé d'audience pour ces informations. Vérifiez-les ou "
        "contactez votre organisation d'aide juridique."
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

"""Default texts of every message template, per kind, language and channel.

``DEFAULTS[kind][language]`` maps a *variant* to a ``str.format`` text:

- ``sms``: short, for SMS. Written in GSM-7 characters only (no "ó", "ã", "ç", "ê"...,
  as SMS to Latin America usually are): one accented letter outside GSM-7 switches a
  message to UCS-2 and more than doubles its segments (``segments.py``; a test holds it).
- ``long``: WhatsApp and e-mail, which have room and full Unicode (falls back to ``sms``).
- ``voice``: one spoken text for a Twilio ``<Say>`` call, for people who read little or
  speak a language we have no written text for (falls back to ``sms``).

**Haitian Creole (``ht``) and French (``fr``) texts are drafts: they must be reviewed by
a native speaker before they are relied on** (as the printed notices' ht/fr texts;
``hearings/pdf/texts.py``). Coordinators can correct any text in the template editor
(``MessageTemplate`` overrides) without a release.

No text names the person or gives an A-number: an SMS is read on shared and
confiscated phones. The placeholders a kind may use are in ``catalog.PLACEHOLDERS``.
"""

from __future__ import annotations

# fmt: off
DEFAULTS: dict[str, dict[str, dict[str, str]]] = {
    "hearing_notice": {
        "es": {
            "sms": (
                "Aviso: tiene audiencia de inmigracion ({venue}) el {date} a las {time} ({zone}). "
                "Preséntese el {report_date} a las {report_time} en {report_place}. "
                "Responda ALTO para no recibir mensajes."
            ),
            "long": (
                "Aviso de audiencia de inmigración.\n"
                "Fecha: {date}, {time} ({zone}).\n"
                "Corte: {venue}.\n"
                "Preséntese el {report_date} a las {report_time} en {report_place}, con su "
                "aviso de audiencia y sus documentos.\n"
                "Si no se presenta, el juez puede ordenar su deportación en su ausencia.\n"
                "Responda ALTO para no recibir más mensajes."
            ),
            "voice": (
                "Este es un aviso de su audiencia de inmigración. Su audiencia es el {date} "
                "a las {time}, {zone}. Debe presentarse el {report_date} a las {report_time} en "
                "{report_place}. Lleve su aviso y sus documentos. Repito: preséntese el "
                "{report_date} a las {report_time} en {report_place}."
            ),
        },
        "en": {
            "sms": (
                "Notice: you have an immigration hearing ({venue}) on {date} at {time} ({zone}). "
                "Report on {report_date} at {report_time} at {report_place}. "
                "Reply STOP to stop messages."
            ),
            "long": (
                "Notice of immigration hearing.\n"
                "Date: {date}, {time} ({zone}).\n"
                "Court: {venue}.\n"
                "Report on {report_date} at {report_time} at {report_place}, with your "
                "hearing notice and your documents.\n"
                "If you do not appear, the judge may order you removed in your absence.\n"
                "Reply STOP to stop messages."
            ),
            "voice": (
                "This is a notice of your immigration hearing. Your hearing is on {date} at "
                "{time}, {zone}. You must report on {report_date} at {report_time} at "
                "{report_place}. Bring your notice and your documents. Again: report on "
                "{report_date} at {report_time} at {report_place}."
            ),
        },
        "pt": {
            "sms": (
                "Aviso: voce tem audiencia de imigracao ({venue}) em {date} às {time} ({zone}). "
                "Apresente-se em {report_date} às {report_time} em {report_place}. "
                "Responda PARAR para nao receber mensagens."
            ),
            "long": (
                "Aviso de audiência de imigração.\n"
                "Data: {date}, {time} ({zone}).\n"
                "Tribunal: {venue}.\n"
                "Apresente-se em {report_date} às {report_time} em {report_place}, com o "
                "aviso de audiência e os seus documentos.\n"
                "Se não comparecer, o juiz pode ordenar a sua deportação à revelia.\n"
                "Responda PARAR para não receber mais mensagens."
            ),
            "voice": (
                "Este é um aviso da sua audiência de imigração. A sua audiência é em {date} "
                "às {time}, {zone}. Apresente-se em {report_date} às {report_time} em "
                "{report_place}. Leve o seu aviso e os seus documentos. Repito: "
                "apresente-se em {report_date} às {report_time} em {report_place}."
            ),
        },
        # Draft: to be reviewed by a native speaker.
        "ht": {
            "sms": (
                "Avi: ou gen yon odyans imigrasyon ({venue}) {date} a {time} ({zone}). "
                "Prezante w {report_date} a {report_time} nan {report_place}. "
                "Reponn STOP pou w pa resevwa mesaj ankò."
            ),
            "long": (
                "Avi pou odyans imigrasyon.\n"
                "Dat: {date}, {time} ({zone}).\n"
                "Tribinal: {venue}.\n"
                "Prezante w {report_date} a {report_time} nan {report_place}, avèk avi "
                "odyans ou ak dokiman ou yo.\n"
                "Si w pa prezante, jij la ka bay lòd pou yo depòte w menm si ou pa la.\n"
                "Reponn STOP pou w pa resevwa mesaj ankò."
            ),
            "voice": (
                "Sa a se yon avi pou odyans imigrasyon ou. Odyans ou an se {date} a {time}, "
                "{zone}. "
                "Ou dwe prezante {report_date} a {report_time} nan {report_place}. Pote avi "
                "ou ak dokiman ou yo. Mwen repete: prezante w {report_date} a {report_time} "
                "nan {report_place}."
            ),
        },
        # Draft: to be reviewed by a native speaker.
        "fr": {
            "sms": (
                "Avis : vous avez une audience d'immigration ({venue}) le {date} à {time} ({zone}). "
                "Présentez-vous le {report_date} à {report_time} à {report_place}. "
                "Répondez STOP pour ne plus recevoir de messages."
            ),
            "long": (
                "Avis d'audience d'immigration.\n"
                "Date : {date}, {time} ({zone}).\n"
                "Tribunal : {venue}.\n"
                "Présentez-vous le {report_date} à {report_time} à {report_place}, avec "
                "votre avis d'audience et vos documents.\n"
                "Si vous ne vous présentez pas, le juge peut ordonner votre expulsion en "
                "votre absence.\n"
                "Répondez STOP pour ne plus recevoir de messages."
            ),
            "voice": (
                "Ceci est un avis pour votre audience d'immigration. Votre audience a lieu "
                "le {date} à {time}, {zone}. Vous devez vous présenter le {report_date} à "
                "{report_time} à {report_place}. Apportez votre avis et vos documents. Je "
                "répète : présentez-vous le {report_date} à {report_time} à {report_place}."
            ),
        },
    },
    "reminder": {
        "es": {
            "sms": (
                "Recordatorio: su audiencia de inmigracion es el {date} a las {time} ({zone}). "
                "Preséntese el {report_date} a las {report_time} en {report_place}."
            ),
            "voice": (
                "Le recordamos su audiencia de inmigración el {date} a las {time}, {zone}. "
                "Preséntese el {report_date} a las {report_time} en {report_place}."
            ),
        },
        "en": {
            "sms": (
                "Reminder: your immigration hearing is on {date} at {time} ({zone}). "
                "Report on {report_date} at {report_time} at {report_place}."
            ),
            "voice": (
                "This is a reminder of your immigration hearing on {date} at {time}, {zone}. "
                "Report on {report_date} at {report_time} at {report_place}."
            ),
        },
        "pt": {
            "sms": (
                "Lembrete: sua audiencia de imigracao é em {date} às {time} ({zone}). "
                "Apresente-se em {report_date} às {report_time} em {report_place}."
            ),
            "voice": (
                "Lembramos a sua audiência de imigração em {date} às {time}, {zone}. "
                "Apresente-se em {report_date} às {report_time} em {report_place}."
            ),
        },
        "ht": {  # Draft: to be reviewed by a native speaker.
            "sms": (
                "Rapèl: odyans imigrasyon ou an se {date} a {time} ({zone}). "
                "Prezante w {report_date} a {report_time} nan {report_place}."
            ),
            "voice": (
                "Nou fè w sonje odyans imigrasyon ou {date} a {time}, {zone}. "
                "Prezante w {report_date} a {report_time} nan {report_place}."
            ),
        },
        "fr": {  # Draft: to be reviewed by a native speaker.
            "sms": (
                "Rappel : votre audience d'immigration est le {date} à {time} ({zone}). "
                "Présentez-vous le {report_date} à {report_time} à {report_place}."
            ),
            "voice": (
                "Nous vous rappelons votre audience d'immigration le {date} à {time}, {zone}. "
                "Présentez-vous le {report_date} à {report_time} à {report_place}."
            ),
        },
    },
    "hearing_changed": {
        "es": {
            "sms": (
                "Su audiencia del {old_date} fue cambiada. Nueva fecha: {date} a las {time} "
                "({zone}). "
                "Preséntese el {report_date} a las {report_time} en {report_place}."
            ),
            "voice": (
                "Su audiencia de inmigración del {old_date} fue cambiada. La nueva fecha es "
                "el {date} a las {time}, {zone}. Preséntese el {report_date} a las {report_time} "
                "en {report_place}."
            ),
        },
        "en": {
            "sms": (
                "Your hearing of {old_date} was changed. New date: {date} at {time} ({zone}). "
                "Report on {report_date} at {report_time} at {report_place}."
            ),
            "voice": (
                "Your immigration hearing of {old_date} was changed. The new date is {date} "
                "at {time}, {zone}. Report on {report_date} at {report_time} at {report_place}."
            ),
        },
        "pt": {
            "sms": (
                "Sua audiencia de {old_date} foi alterada. Nova data: {date} às {time} ({zone}). "
                "Apresente-se em {report_date} às {report_time} em {report_place}."
            ),
            "voice": (
                "A sua audiência de imigração de {old_date} foi alterada. A nova data é "
                "{date} às {time}, {zone}. Apresente-se em {report_date} às {report_time} em "
                "{report_place}."
            ),
        },
        "ht": {  # Draft: to be reviewed by a native speaker.
            "sms": (
                "Yo chanje odyans ou te gen {old_date} la. Nouvo dat: {date} a {time} ({zone}). "
                "Prezante w {report_date} a {report_time} nan {report_place}."
            ),
            "voice": (
                "Yo chanje odyans imigrasyon ou te gen {old_date} la. Nouvo dat la se {date} "
                "a {time}, {zone}. Prezante w {report_date} a {report_time} nan {report_place}."
            ),
        },
        "fr": {  # Draft: to be reviewed by a native speaker.
            "sms": (
                "Votre audience du {old_date} a été modifiée. Nouvelle date : {date} à "
                "{time} ({zone}). Présentez-vous le {report_date} à {report_time} à {report_place}."
            ),
            "voice": (
                "Votre audience d'immigration du {old_date} a été modifiée. La nouvelle date "
                "est le {date} à {time}, {zone}. Présentez-vous le {report_date} à {report_time} "
                "à {report_place}."
            ),
        },
    },
    "hearing_cancelled": {
        "es": {
            "sms": (
                "Su audiencia de inmigracion del {date} a las {time} ({zone}) fue cancelada. No se "
                "presente ese dia. Le avisaremos si hay una nueva fecha."
            ),
            "voice": (
                "Su audiencia de inmigración del {date} a las {time}, {zone}, fue cancelada. No se "
                "presente ese día. Le avisaremos si hay una nueva fecha."
            ),
        },
        "en": {
            "sms": (
                "Your immigration hearing of {date} at {time} ({zone}) was cancelled. Do not report "
                "that day. We will tell you if there is a new date."
            ),
        },
        "pt": {
            "sms": (
                "Sua audiencia de imigracao de {date} às {time} ({zone}) foi cancelada. Nao se "
                "apresente nesse dia. Avisaremos se houver nova data."
            ),
            "voice": (
                "A sua audiência de imigração de {date} às {time}, {zone}, foi cancelada. Não se "
                "apresente nesse dia. Avisaremos se houver uma nova data."
            ),
        },
        "ht": {  # Draft: to be reviewed by a native speaker.
            "sms": (
                "Yo anile odyans imigrasyon ou te gen {date} a {time} ({zone}) la. Pa prezante jou "
                "sa a. N ap avèti w si gen yon nouvo dat."
            ),
        },
        "fr": {  # Draft: to be reviewed by a native speaker.
            "sms": (
                "Votre audience d'immigration du {date} à {time} ({zone}) a été annulée. Ne vous "
                "présentez pas ce jour-là. Nous vous avertirons s'il y a une nouvelle date."
            ),
        },
    },
    "reporting_instructions": {
        "es": {
            "sms": (
                "Recuerde: preséntese el {report_date} a las {report_time} ({zone}) en "
                "{report_place}, para su audiencia de las {time}. Lleve su aviso y sus "
                "documentos."
            ),
            "long": (
                "Instrucciones para presentarse a su audiencia:\n"
                "- Día: {report_date}\n"
                "- Hora: {report_time} ({zone})\n"
                "- Lugar: {report_place}\n"
                "- Lleve su aviso de audiencia y los documentos de usted y de su familia.\n"
                "Su audiencia es el {date} a las {time} en {venue}."
            ),
            "voice": (
                "Recuerde: preséntese el {report_date} a las {report_time} ({zone}) en "
                "{report_place}, para su audiencia de las {time}. Lleve su aviso y sus "
                "documentos."
            ),
        },
        "en": {
            "sms": (
                "Remember: report on {report_date} at {report_time} ({zone}) at {report_place}, for "
                "your {time} hearing. Bring your notice and your documents."
            ),
            "long": (
                "How to report for your hearing:\n"
                "- Day: {report_date}\n"
                "- Time: {report_time} ({zone})\n"
                "- Place: {report_place}\n"
                "- Bring your hearing notice and your and your family's documents.\n"
                "Your hearing is on {date} at {time} at {venue}."
            ),
        },
        "pt": {
            "sms": (
                "Lembre-se: apresente-se em {report_date} às {report_time} ({zone}) em "
                "{report_place}, para a audiencia das {time}. Leve seu aviso e documentos."
            ),
            "long": (
                "Como se apresentar para a sua audiência:\n"
                "- Dia: {report_date}\n"
                "- Hora: {report_time} ({zone})\n"
                "- Local: {report_place}\n"
                "- Leve o aviso de audiência e os seus documentos e os da sua família.\n"
                "A sua audiência é em {date} às {time} em {venue}."
            ),
        },
        "ht": {  # Draft: to be reviewed by a native speaker.
            "sms": (
                "Pa bliye: prezante w {report_date} a {report_time} ({zone}) nan {report_place}, pou "
                "odyans ou a {time}. Pote avi ou ak dokiman ou yo."
            ),
            "long": (
                "Kijan pou w prezante pou odyans ou:\n"
                "- Jou: {report_date}\n"
                "- Lè: {report_time} ({zone})\n"
                "- Kote: {report_place}\n"
                "- Pote avi odyans ou ak dokiman pa w ak pa fanmi w.\n"
                "Odyans ou an se {date} a {time} nan {venue}."
            ),
        },
        "fr": {  # Draft: to be reviewed by a native speaker.
            "sms": (
                "Rappel : présentez-vous le {report_date} à {report_time} ({zone}) à {report_place}, "
                "pour votre audience de {time}. Apportez votre avis et vos documents."
            ),
            "long": (
                "Comment vous présenter à votre audience :\n"
                "- Jour : {report_date}\n"
                "- Heure : {report_time} ({zone})\n"
                "- Lieu : {report_place}\n"
                "- Apportez votre avis d'audience et vos documents et ceux de votre famille.\n"
                "Votre audience a lieu le {date} à {time} à {venue}."
            ),
        },
    },
    "opt_out_confirmation": {
        "es": {"sms": "No recibira mas recordatorios. Responda ALTA para volver a recibirlos."},
        "en": {"sms": "You will not receive more reminders. Reply START to receive them again."},
        "pt": {"sms": "Voce nao recebera mais lembretes. Responda START para voltar a recebe-los."},
        "ht": {"sms": "Ou p ap resevwa rapèl ankò. Reponn START pou w resevwa yo ankò."},
        "fr": {"sms": "Vous ne recevrez plus de rappels. Répondez START pour les recevoir à nouveau."},
    },
    "self_service_answer": {
        "es": {"sms": (
            "Su proxima audiencia ({venue}): {date} a las {time} ({zone}). "
            "Preséntese el {report_date} a las {report_time} en {report_place}."
        )},
        "en": {"sms": (
            "Your next hearing ({venue}): {date} at {time} ({zone}). "
            "Report on {report_date} at {report_time} at {report_place}."
        )},
        "pt": {"sms": (
            "Sua proxima audiencia ({venue}): {date} às {time} ({zone}). "
            "Apresente-se em {report_date} às {report_time} em {report_place}."
        )},
        "ht": {"sms": (
            "Pwochen odyans ou ({venue}): {date} a {time} ({zone}). "
            "Prezante w {report_date} a {report_time} nan {report_place}."
        )},
        "fr": {"sms": (
            "Votre prochaine audience ({venue}) : {date} à {time} ({zone}). "
            "Présentez-vous le {report_date} à {report_time} à {report_place}."
        )},
    },
    "self_service_help": {
        "es": {"sms": (
            "Para consultar su audiencia envie: CITA, su numero A y su fecha de nacimiento. "
            "Responda ALTO para no recibir mensajes."
        )},
        "en": {"sms": (
            "To look up your hearing, send: HEARING, your A-number and your date of birth. "
            "Reply STOP to stop messages."
        )},
        "pt": {"sms": (
            "Para consultar sua audiencia envie: CITA, seu numero A e sua data de nascimento. "
            "Responda PARAR para nao receber mensagens."
        )},
        "ht": {"sms": (
            "Pou w konnen dat odyans ou, voye: ODYANS, nimewo A ou ak dat nesans ou. "
            "Reponn STOP pou w pa resevwa mesaj ankò."
        )},
        "fr": {"sms": (
            "Pour consulter votre audience, envoyez : CITA, votre numéro A et votre date de "
            "naissance. Répondez STOP pour ne plus recevoir de messages."
        )},
    },
    "manual": {lang: {"sms": "{text}"} for lang in ("es", "en", "pt", "ht", "fr")},
}
# fmt: on

#: Month and weekday names for dates in messages ("lunes 9 de marzo de 2026").
MONTHS = {
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
    "en": "January February March April May June July August September October November December",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro "
    "dezembro",
    "ht": "janvye fevriye mas avril me jen jiyè out septanm oktòb novanm desanm",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
}
WEEKDAYS = {
    "es": "lunes martes miércoles jueves viernes sábado domingo",
    "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    "pt": "segunda-feira terça-feira quarta-feira quinta-feira sexta-feira sábado domingo",
    "ht": "lendi madi mèkredi jedi vandredi samdi dimanch",
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche",
}
DATE_FORMATS = {
    "es": "{weekday} {day} de {month} de {year}",
    "en": "{weekday}, {month} {day}, {year}",
    "pt": "{weekday}, {day} de {month} de {year}",
    "ht": "{weekday} {day} {month} {year}",
    "fr": "{weekday} {day} {month} {year}",
}

"""Every text of the printed hearing notice and evidence packet, per language.

The notice is printed in the person's language (``NOTICE``: es, en, pt, ht, fr); the
in absentia evidence packet is for attorneys (``PACKET``: en, es). Each language is a
dict keyed by message id; values are ``str.format`` templates. Every language has the
same keys (a test checks it), so a missing translation fails a test, not a printout.

Review status: the Spanish, English and Portuguese texts were written with care for
plain language. **The Haitian Creole (ht) and French (fr) texts are drafted, to be
reviewed by a native speaker** before they are relied on; keep this note until then.

Legal content (checked against ``places/reference/program_rules.md``): removal in
absentia under INA 240(b)(5)(A); motion to reopen within 180 days for exceptional
circumstances or at any time for lack of notice or custody, INA 240(b)(5)(C); change of
address on form EOIR-33 within 5 working days (8 CFR 1003.15(d)(2)); the court's case
status line answers to an A-number alone, hence the "keep this notice private" text. No
organization, phone number or web address is named: the notice must stay true wherever
it is printed.

The notice texts carry no question marks on purpose: a test reads the PDF back and
asserts that no character was replaced by ``?``.
"""

from __future__ import annotations

from typing import Final

NOTICE_LANGUAGES: Final = ("es", "en", "pt", "ht", "fr")
PACKET_LANGUAGES: Final = ("en", "es")

# --- Calendar names (Monday first, as ``date.weekday()``) -----------------------------

WEEKDAYS: Final[dict[str, tuple[str, ...]]] = {
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "pt": (
        "segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira",
        "sábado", "domingo",
    ),
    "ht": ("lendi", "madi", "mèkredi", "jedi", "vandredi", "samdi", "dimanch"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
}  # fmt: skip

MONTHS: Final[dict[str, tuple[str, ...]]] = {
    "es": (
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
        "septiembre", "octubre", "noviembre", "diciembre",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ),
    "pt": (
        "janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
        "setembro", "outubro", "novembro", "dezembro",
    ),
    "ht": (
        "janvye", "fevriye", "mas", "avril", "me", "jen", "jiyè", "out", "septanm",
        "oktòb", "novanm", "desanm",
    ),
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
        "septembre", "octobre", "novembre", "décembre",
    ),
}  # fmt: skip

# Placeholders: {weekday} {day} {month} {year}; fr writes the first day as "1er".
DATE_FORMAT: Final[dict[str, str]] = {
    "es": "{weekday} {day} de {month} de {year}",
    "en": "{weekday}, {month} {day}, {year}",
    "pt": "{weekday}, {day} de {month} de {year}",
    "ht": "{weekday} {day} {month} {year}",
    "fr": "{weekday} {day} {month} {year}",
}
# Placeholders: {hh} {mm} (24-hour, zero-padded) and {h12} {ampm} for English, where a
# reporting time such as 04:15 also reads "4:15 a.m." so that nobody comes 12 hours late.
TIME_FORMAT: Final[dict[str, str]] = {
    "es": "{hh}:{mm}",
    "en": "{hh}:{mm} ({h12}:{mm} {ampm})",
    "pt": "{hh}:{mm}",
    "ht": "{hh}:{mm}",
    "fr": "{hh} h {mm}",
}
# The zone a time is given in: the city whose clock it is, and the zone's abbreviation.
ZONE_FORMAT: Final[dict[str, str]] = {
    "es": "hora de {city}, {abbr}",
    "en": "{city} time, {abbr}",
    "pt": "horário de {city}, {abbr}",
    "ht": "lè {city}, {abbr}",
    "fr": "heure de {city}, {abbr}",
}

# --- The hearing notice ---------------------------------------------------------------

NOTICE: Final[dict[str, dict[str, str]]] = {
    "es": {
        "doc_title": "Notificación de audiencia",
        "title_scheduled": "NOTIFICACIÓN DE AUDIENCIA",
        "title_changed": "CAMBIO DE SU AUDIENCIA",
        "title_cancelled": "CANCELACIÓN DE SU AUDIENCIA",
        "intro_scheduled": (
            "Usted tiene una audiencia ante la corte de inmigración de los Estados Unidos. "
            "Lea esta notificación con atención y guárdela en un lugar seguro."
        ),
        "intro_changed": (
            "Su audiencia cambió. La nueva fecha y hora están abajo; la fecha anterior ya "
            "no es válida."
        ),
        "intro_cancelled": (
            "Su audiencia del {hearing} fue cancelada. No se presente en el puerto de "
            "entrada para esta audiencia. Si se fija una nueva audiencia, recibirá una "
            "nueva notificación."
        ),
        "name": "Nombre",
        "a_number": "Número A (A-number)",
        "report_heading": "DÓNDE Y CUÁNDO PRESENTARSE",
        "report_port": "Puerto de entrada",
        "report_place": "Lugar",
        "report_when": "Fecha y hora",
        "report_lead": (
            "Preséntese en el puerto de entrada a la hora indicada. Es la hora local de {city}."
        ),
        "report_day_before": (
            "ATENCIÓN: debe presentarse el {date}, es decir, EL DÍA ANTERIOR a la fecha de "
            "su audiencia."
        ),
        "report_on_time": "Llegue a tiempo: si llega tarde, puede perder su audiencia.",
        "cancel_box": "NO SE PRESENTE en el puerto de entrada para esta audiencia.",
        "hearing_heading": "SU AUDIENCIA",
        "hearing_heading_cancelled": "AUDIENCIA CANCELADA",
        "hearing_when": "Fecha y hora",
        "hearing_court": "Corte",
        "hearing_city": "Ciudad",
        "hearing_kind": "Tipo de audiencia",
        "kind_master": "audiencia preliminar (master calendar hearing)",
        "kind_individual": "audiencia individual sobre el fondo del caso (individual merits hearing)",
        "previous": "Fecha anterior (ya no es válida)",
        "reason": "Motivo",
        "bring_heading": "QUÉ DEBE TRAER",
        "bring_text": (
            "Esta notificación y sus documentos de identidad. Los familiares que forman "
            "parte de su caso también deben presentarse con usted."
        ),
        "absent_heading": "SI NO SE PRESENTA",
        "absent_text": (
            "Si usted no se presenta a su audiencia, el juez de inmigración puede ordenar "
            "su expulsión (deportación) de los Estados Unidos en su ausencia: una orden "
            "«in absentia» (Ley de Inmigración y Nacionalidad, INA, sección 240(b)(5)(A)). "
            "Esa orden solo puede reabrirse en casos limitados."
        ),
        "lawyer_heading": "SU DERECHO A UN ABOGADO",
        "lawyer_text": (
            "Usted tiene derecho a ser representado por un abogado o un representante "
            "acreditado de su elección, sin costo para el gobierno de los Estados Unidos: "
            "el gobierno no le asigna ni le paga un abogado. La corte de inmigración tiene "
            "una lista de servicios legales gratuitos; pídala en la corte o en su albergue."
        ),
        "address_heading": "SI CAMBIA SU DIRECCIÓN",
        "address_text": (
            "Debe informar su nueva dirección a la corte de inmigración dentro de 5 días "
            "hábiles, con el formulario EOIR-33. Si no lo hace, es posible que no reciba "
            "las notificaciones de sus audiencias."
        ),
        "private_heading": "NO COMPARTA ESTA NOTIFICACIÓN",
        "private_text": (
            "No comparta ni muestre esta notificación, y no publique fotos de ella. "
            "Cualquier persona que la tenga puede consultar su audiencia con su número A. "
            "Guárdela en un lugar seguro."
        ),
        "served": "Forma de entrega",
        "issued": "Fecha de la notificación",
        "method_in_person": "en persona",
        "method_mail": "por correo",
        "method_electronic": "por medio electrónico",
        "method_shelter": "a través del albergue",
        "page": "Página {page} de {pages}",
    },
    "en": {
        "doc_title": "Notice of hearing",
        "title_scheduled": "NOTICE OF HEARING",
        "title_changed": "YOUR HEARING HAS CHANGED",
        "title_cancelled": "YOUR HEARING IS CANCELLED",
        "intro_scheduled": (
            "You have a hearing before the United States immigration court. Read this "
            "notice carefully and keep it in a safe place."
        ),
        "intro_changed": (
            "Your hearing has changed. The new date and time are below; the previous date "
            "is no longer valid."
        ),
        "intro_cancelled": (
            "Your hearing of {hearing} has been cancelled. Do not go to the port of entry "
            "for this hearing. If a new hearing is set, you will receive a new notice."
        ),
        "name": "Name",
        "a_number": "A-number",
        "report_heading": "WHERE AND WHEN TO REPORT",
        "report_port": "Port of entry",
        "report_place": "Place",
        "report_when": "Date and time",
        "report_lead": "Report to the port of entry at the time shown. It is the local time in {city}.",
        "report_day_before": (
            "ATTENTION: you must report on {date}, the day BEFORE the date of your hearing."
        ),
        "report_on_time": "Be on time: if you arrive late, you may miss your hearing.",
        "cancel_box": "DO NOT GO to the port of entry for this hearing.",
        "hearing_heading": "YOUR HEARING",
        "hearing_heading_cancelled": "CANCELLED HEARING",
        "hearing_when": "Date and time",
        "hearing_court": "Court",
        "hearing_city": "City",
        "hearing_kind": "Type of hearing",
        "kind_master": "master calendar hearing",
        "kind_individual": "individual merits hearing",
        "previous": "Previous date (no longer valid)",
        "reason": "Reason",
        "bring_heading": "WHAT TO BRING",
        "bring_text": (
            "This notice and your identity documents. Family members who are on your case "
            "must also report with you."
        ),
        "absent_heading": "IF YOU DO NOT APPEAR",
        "absent_text": (
            "If you do not appear at your hearing, the immigration judge may order you "
            "removed (deported) from the United States in your absence: an “in absentia” "
            "order (Immigration and Nationality Act, INA, section 240(b)(5)(A)). Such an "
            "order can be reopened only in limited cases."
        ),
        "lawyer_heading": "YOUR RIGHT TO A LAWYER",
        "lawyer_text": (
            "You have the right to be represented by a lawyer or an accredited "
            "representative of your choice, at no cost to the United States government: "
            "the government does not appoint or pay a lawyer for you. The immigration court "
            "keeps a list of free legal service providers; ask for it at the court or at "
            "your shelter."
        ),
        "address_heading": "IF YOUR ADDRESS CHANGES",
        "address_text": (
            "You must give the immigration court your new address within 5 working days, "
            "on form EOIR-33. If you do not, you may not receive notice of your hearings."
        ),
        "private_heading": "KEEP THIS NOTICE PRIVATE",
        "private_text": (
            "Do not share or show this notice, and do not post photos of it. Anyone who "
            "has it can look up your hearing with your A-number. Keep it in a safe place."
        ),
        "served": "Served",
        "issued": "Date of this notice",
        "method_in_person": "in person",
        "method_mail": "by mail",
        "method_electronic": "electronically",
        "method_shelter": "through the shelter",
        "page": "Page {page} of {pages}",
    },
    "pt": {
        "doc_title": "Aviso de audiência",
        "title_scheduled": "AVISO DE AUDIÊNCIA",
        "title_changed": "ALTERAÇÃO DA SUA AUDIÊNCIA",
        "title_cancelled": "CANCELAMENTO DA SUA AUDIÊNCIA",
        "intro_scheduled": (
            "Você tem uma audiência no tribunal de imigração dos Estados Unidos. Leia este "
            "aviso com atenção e guarde-o em um lugar seguro."
        ),
        "intro_changed": (
            "Sua audiência foi alterada. A nova data e o novo horário estão abaixo; a data "
            "anterior não vale mais."
        ),
        "intro_cancelled": (
            "Sua audiência de {hearing} foi cancelada. Não compareça ao porto de entrada "
            "para esta audiência. Se uma nova audiência for marcada, você receberá um novo "
            "aviso."
        ),
        "name": "Nome",
        "a_number": "Número A (A-number)",
        "report_heading": "ONDE E QUANDO SE APRESENTAR",
        "report_port": "Porto de entrada",
        "report_place": "Local",
        "report_when": "Data e hora",
        "report_lead": (
            "Apresente-se no porto de entrada no horário indicado. É o horário local de {city}."
        ),
        "report_day_before": (
            "ATENÇÃO: você deve se apresentar em {date}, ou seja, NO DIA ANTERIOR à data da "
            "sua audiência."
        ),
        "report_on_time": (
            "Chegue no horário: se chegar atrasado(a), você pode perder a sua audiência."
        ),
        "cancel_box": "NÃO COMPAREÇA ao porto de entrada para esta audiência.",
        "hearing_heading": "SUA AUDIÊNCIA",
        "hearing_heading_cancelled": "AUDIÊNCIA CANCELADA",
        "hearing_when": "Data e hora",
        "hearing_court": "Tribunal",
        "hearing_city": "Cidade",
        "hearing_kind": "Tipo de audiência",
        "kind_master": "audiência preliminar (master calendar hearing)",
        "kind_individual": "audiência individual de mérito (individual merits hearing)",
        "previous": "Data anterior (não vale mais)",
        "reason": "Motivo",
        "bring_heading": "O QUE LEVAR",
        "bring_text": (
            "Este aviso e seus documentos de identidade. Os familiares que fazem parte do "
            "seu processo também devem se apresentar com você."
        ),
        "absent_heading": "SE VOCÊ NÃO COMPARECER",
        "absent_text": (
            "Se você não comparecer à audiência, o juiz de imigração pode ordenar a sua "
            "remoção (deportação) dos Estados Unidos na sua ausência: uma ordem "
            "“in absentia” (Lei de Imigração e Nacionalidade, INA, seção 240(b)(5)(A)). "
            "Essa ordem só pode ser reaberta em casos limitados."
        ),
        "lawyer_heading": "SEU DIREITO A UM ADVOGADO",
        "lawyer_text": (
            "Você tem o direito de ser representado(a) por um advogado ou representante "
            "credenciado de sua escolha, sem custo para o governo dos Estados Unidos: o "
            "governo não nomeia nem paga um advogado para você. O tribunal de imigração "
            "mantém uma lista de serviços jurídicos gratuitos; peça essa lista no tribunal "
            "ou no seu abrigo."
        ),
        "address_heading": "SE O SEU ENDEREÇO MUDAR",
        "address_text": (
            "Você deve informar o seu novo endereço ao tribunal de imigração em até 5 dias "
            "úteis, com o formulário EOIR-33. Se não fizer isso, poderá não receber os "
            "avisos das suas audiências."
        ),
        "private_heading": "NÃO COMPARTILHE ESTE AVISO",
        "private_text": (
            "Não compartilhe nem mostre este aviso e não publique fotos dele. Qualquer "
            "pessoa que o tenha pode consultar a sua audiência com o seu número A. Guarde-o "
            "em um lugar seguro."
        ),
        "served": "Forma de entrega",
        "issued": "Data do aviso",
        "method_in_person": "pessoalmente",
        "method_mail": "pelo correio",
        "method_electronic": "por meio eletrônico",
        "method_shelter": "por meio do abrigo",
        "page": "Página {page} de {pages}",
    },
    # Drafted, to be reviewed by a native speaker.
    "ht": {
        "doc_title": "Avi odyans",
        "title_scheduled": "AVI POU ODYANS OU",
        "title_changed": "YO CHANJE ODYANS OU",
        "title_cancelled": "YO ANILE ODYANS OU",
        "intro_scheduled": (
            "Ou gen yon odyans devan tribinal imigrasyon Etazini. Li avi sa a byen epi "
            "kenbe l nan yon kote ki an sekirite."
        ),
        "intro_changed": (
            "Yo chanje odyans ou. Nouvo dat ak nouvo lè a ekri pi ba a; ansyen dat la pa "
            "valab ankò."
        ),
        "intro_cancelled": (
            "Yo anile odyans ou te genyen {hearing}. Pa al nan pò antre a pou odyans sa a. "
            "Si yo fikse yon nouvo odyans, w ap resevwa yon nouvo avi."
        ),
        "name": "Non",
        "a_number": "Nimewo A (A-number)",
        "report_heading": "KI KOTE AK KI LÈ OU DWE PREZANTE",
        "report_port": "Pò antre",
        "report_place": "Kote",
        "report_when": "Dat ak lè",
        "report_lead": "Prezante nan pò antre a nan lè ki ekri a. Se lè lokal nan {city}.",
        "report_day_before": (
            "ATANSYON: ou dwe prezante {date}, sa vle di JOU ANVAN dat odyans ou a."
        ),
        "report_on_time": "Rive alè: si ou an reta, ou ka rate odyans ou.",
        "cancel_box": "PA AL nan pò antre a pou odyans sa a.",
        "hearing_heading": "ODYANS OU",
        "hearing_heading_cancelled": "ODYANS YO ANILE A",
        "hearing_when": "Dat ak lè",
        "hearing_court": "Tribinal",
        "hearing_city": "Vil",
        "hearing_kind": "Kalite odyans",
        "kind_master": "odyans preliminè (master calendar hearing)",
        "kind_individual": "odyans endividyèl sou fon dosye a (individual merits hearing)",
        "previous": "Ansyen dat (pa valab ankò)",
        "reason": "Rezon",
        "bring_heading": "SA OU DWE POTE",
        "bring_text": (
            "Avi sa a ak dokiman idantite ou. Manm fanmi ou ki nan menm dosye avè w dwe "
            "prezante avè w tou."
        ),
        "absent_heading": "SI OU PA PREZANTE",
        "absent_text": (
            "Si ou pa prezante nan odyans ou, jij imigrasyon an ka bay lòd pou yo depòte w "
            "soti Etazini menm si ou pa la: yon lòd “in absentia” (Lwa sou Imigrasyon ak "
            "Nasyonalite, INA, seksyon 240(b)(5)(A)). Se sèlman nan kèk ka limite yo ka "
            "relouvri yon lòd konsa."
        ),
        "lawyer_heading": "DWA OU POU OU GEN YON AVOKA",
        "lawyer_text": (
            "Ou gen dwa pou yon avoka oswa yon reprezantan akredite ou chwazi reprezante w, "
            "san frè pou gouvènman Etazini: gouvènman an pa bay ou avoka e li pa peye "
            "avoka pou ou. Tribinal imigrasyon an gen yon lis sèvis legal gratis; mande l "
            "nan tribinal la oswa nan abri kote ou ye a."
        ),
        "address_heading": "SI ADRÈS OU CHANJE",
        "address_text": (
            "Ou dwe bay tribinal imigrasyon an nouvo adrès ou nan 5 jou travay, sou fòm "
            "EOIR-33. Si ou pa fè sa, ou ka pa resevwa avi pou odyans ou yo."
        ),
        "private_heading": "PA PATAJE AVI SA A",
        "private_text": (
            "Pa pataje avi sa a, pa montre l pèsonn, epi pa pibliye foto li. Nenpòt moun "
            "ki genyen l ka chèche enfòmasyon sou odyans ou avèk nimewo A ou. Kenbe l nan "
            "yon kote ki an sekirite."
        ),
        "served": "Fason yo remèt avi a",
        "issued": "Dat avi a",
        "method_in_person": "an pèsòn",
        "method_mail": "pa lapòs",
        "method_electronic": "pa mwayen elektwonik",
        "method_shelter": "atravè abri a",
        "page": "Paj {page} sou {pages}",
    },
    # Drafted, to be reviewed by a native speaker.
    "fr": {
        "doc_title": "Avis d'audience",
        "title_scheduled": "AVIS D'AUDIENCE",
        "title_changed": "MODIFICATION DE VOTRE AUDIENCE",
        "title_cancelled": "ANNULATION DE VOTRE AUDIENCE",
        "intro_scheduled": (
            "Vous êtes convoqué(e) à une audience devant le tribunal de l'immigration des "
            "États-Unis. Lisez attentivement cet avis et conservez-le en lieu sûr."
        ),
        "intro_changed": (
            "Votre audience a été modifiée. La nouvelle date et la nouvelle heure figurent "
            "ci-dessous ; l'ancienne date n'est plus valable."
        ),
        "intro_cancelled": (
            "Votre audience du {hearing} a été annulée. Ne vous présentez pas au point "
            "d'entrée pour cette audience. Si une nouvelle audience est fixée, vous "
            "recevrez un nouvel avis."
        ),
        "name": "Nom",
        "a_number": "Numéro A (A-number)",
        "report_heading": "OÙ ET QUAND VOUS PRÉSENTER",
        "report_port": "Point d'entrée",
        "report_place": "Lieu",
        "report_when": "Date et heure",
        "report_lead": (
            "Présentez-vous au point d'entrée à l'heure indiquée. C'est l'heure locale de {city}."
        ),
        "report_day_before": (
            "ATTENTION : vous devez vous présenter le {date}, c'est-à-dire LA VEILLE de la "
            "date de votre audience."
        ),
        "report_on_time": (
            "Soyez à l'heure : en cas de retard, vous risquez de manquer votre audience."
        ),
        "cancel_box": "NE VOUS PRÉSENTEZ PAS au point d'entrée pour cette audience.",
        "hearing_heading": "VOTRE AUDIENCE",
        "hearing_heading_cancelled": "AUDIENCE ANNULÉE",
        "hearing_when": "Date et heure",
        "hearing_court": "Tribunal",
        "hearing_city": "Ville",
        "hearing_kind": "Type d'audience",
        "kind_master": "audience préliminaire (master calendar hearing)",
        "kind_individual": "audience individuelle sur le fond (individual merits hearing)",
        "previous": "Ancienne date (n'est plus valable)",
        "reason": "Motif",
        "bring_heading": "À APPORTER",
        "bring_text": (
            "Cet avis et vos pièces d'identité. Les membres de votre famille inscrits dans "
            "votre dossier doivent aussi se présenter avec vous."
        ),
        "absent_heading": "SI VOUS NE VOUS PRÉSENTEZ PAS",
        "absent_text": (
            "Si vous ne vous présentez pas à votre audience, le juge de l'immigration peut "
            "ordonner votre expulsion des États-Unis en votre absence : une décision "
            "« in absentia » (loi sur l'immigration et la nationalité, INA, article "
            "240(b)(5)(A)). Une telle décision ne peut être réexaminée que dans des cas "
            "limités."
        ),
        "lawyer_heading": "VOTRE DROIT À UN AVOCAT",
        "lawyer_text": (
            "Vous avez le droit d'être représenté(e) par un avocat ou un représentant "
            "accrédité de votre choix, sans frais pour le gouvernement des États-Unis : le "
            "gouvernement ne vous désigne pas d'avocat et n'en paie pas. Le tribunal de "
            "l'immigration tient une liste de services juridiques gratuits ; demandez-la "
            "au tribunal ou à votre refuge."
        ),
        "address_heading": "SI VOTRE ADRESSE CHANGE",
        "address_text": (
            "Vous devez communiquer votre nouvelle adresse au tribunal de l'immigration "
            "dans un délai de 5 jours ouvrables, au moyen du formulaire EOIR-33. Sinon, "
            "vous risquez de ne pas recevoir les avis de vos audiences."
        ),
        "private_heading": "NE PARTAGEZ PAS CET AVIS",
        "private_text": (
            "Ne partagez pas cet avis, ne le montrez pas et n'en publiez pas de photo. "
            "Toute personne qui le détient peut consulter votre audience avec votre "
            "numéro A. Conservez-le en lieu sûr."
        ),
        "served": "Mode de remise",
        "issued": "Date de l'avis",
        "method_in_person": "en main propre",
        "method_mail": "par courrier",
        "method_electronic": "par voie électronique",
        "method_shelter": "par l'intermédiaire du refuge",
        "page": "Page {page} sur {pages}",
    },
}

# --- The in absentia evidence packet (for attorneys) ----------------------------------

PACKET: Final[dict[str, dict[str, str]]] = {
    "en": {
        "doc_title": "In absentia evidence packet",
        "title": "Evidence of notice: in absentia follow-up",
        "intro": (
            "Every hearing, notice and message on record for this hearing, with the "
            "address used for each notice, for a motion to reopen a removal order entered "
            "in absentia (INA 240(b)(5)(C)). Times are shown in the court's local time with "
            "UTC in brackets."
        ),
        "confidential": "Confidential: contains personal data. Generated {at} by {by}.",
        "organization": "Organization",
        "case": "Case",
        "a_number": "A-number",
        "generated": "Generated",
        "generated_by": "Generated by",
        "unknown": "unknown",
        "hearing_heading": "The hearing",
        "scheduled": "Scheduled",
        "court": "Court",
        "courtroom": "Courtroom",
        "judge": "Judge",
        "kind": "Kind",
        "status": "Status",
        "outcome": "Outcome",
        "port": "Port of entry",
        "report": "Port reporting time",
        "report_place": "Reporting place",
        "continuance_reason": "Continuance reason",
        "deadlines_heading": "Follow-up and legal deadlines",
        "follow_up_status": "Follow-up status",
        "opened_at": "Opened",
        "order_date": "Order date",
        "notes": "Notes",
        "no_follow_up": "No follow-up item is recorded for this hearing.",
        "deadline_exceptional": (
            "Motion to reopen for exceptional circumstances: within 180 days of the order "
            "(INA 240(b)(5)(C)(i)). Deadline: {date}."
        ),
        "deadline_exceptional_unknown": (
            "Motion to reopen for exceptional circumstances: within 180 days of the order "
            "(INA 240(b)(5)(C)(i)). No order date is recorded."
        ),
        "days_left": "{days} days left on {today}.",
        "days_passed": "Passed {days} days before {today}.",
        "deadline_today": "The deadline is today ({today}).",
        "deadline_any_time": (
            "Motion to reopen because the person did not receive notice, or was in custody "
            "and failed to appear through no fault of their own: at any time "
            "(INA 240(b)(5)(C)(ii))."
        ),
        "nivelo": (
            "Personal service of the Notice to Appear together with a failure to report a "
            "change of address defeats a lack-of-notice claim (Matter of Nivelo Cardenas, "
            "BIA 2020). File form EOIR-33 with the motion."
        ),
        "address_heading": "Whether the address on file could reach the person",
        "could_reach_yes": "Yes: the address of the last notice could reach the person.",
        "could_reach_no": "No: the address of the last notice could not reach the person.",
        "address_check_note": (
            "A heuristic from the record (empty address, a social network, a placeholder or "
            "a shelter the person has no record of), not a finding."
        ),
        "chain_heading": "Hearing history (every reschedule and continuance)",
        "col_number": "#",
        "col_scheduled": "Scheduled (court time)",
        "col_kind": "Kind",
        "col_status": "Status / outcome",
        "col_reason": "Continuance reason",
        "col_created": "Recorded",
        "notices_heading": "Notices",
        "no_notices": "No notices recorded.",
        "col_hearing": "Hearing",
        "col_notice_kind": "Notice",
        "col_method": "Method",
        "col_address": "Address",
        "col_language": "Lang.",
        "col_served": "Served (when, by whom)",
        "col_recorded": "Recorded (when, by whom)",
        "col_could_reach": "Could reach",
        "not_served": "service not recorded",
        "messages_heading": "Messages sent for this hearing",
        "no_messages": "No messages recorded.",
        "col_channel": "Channel",
        "col_to": "To",
        "col_sent": "Sent",
        "col_delivery": "Delivery status",
        "col_error": "Error",
        "people_heading": "People on the case",
        "col_name": "Name",
        "col_role": "Role",
        "col_languages": "Languages",
        "col_interpreter": "Interpreter",
        "contacts_heading": "Contact points on file",
        "no_contacts": "No contact points on file.",
        "col_person": "Person",
        "col_contact_kind": "Kind",
        "col_value": "Value",
        "col_consent": "Consent",
        "col_opted_out": "Opted out",
        "col_reachable": "Reachable",
        "yes": "yes",
        "no": "no",
        "none": "—",
        "page": "Page {page} of {pages}",
    },
    "es": {
        "doc_title": "Expediente de notificación in absentia",
        "title": "Constancia de notificación: seguimiento de orden in absentia",
        "intro": (
            "Todas las audiencias, notificaciones y mensajes registrados para esta "
            "audiencia, con la dirección usada en cada notificación, para una moción de "
            "reapertura de una orden de expulsión dictada in absentia (INA 240(b)(5)(C)). "
            "Las horas se muestran en la hora local de la corte, con la hora UTC entre "
            "corchetes."
        ),
        "confidential": "Confidencial: contiene datos personales. Generado {at} por {by}.",
        "organization": "Organización",
        "case": "Caso",
        "a_number": "Número A",
        "generated": "Generado",
        "generated_by": "Generado por",
        "unknown": "desconocido",
        "hearing_heading": "La audiencia",
        "scheduled": "Programada",
        "court": "Corte",
        "courtroom": "Sala",
        "judge": "Juez",
        "kind": "Tipo",
        "status": "Estado",
        "outcome": "Resultado",
        "port": "Puerto de entrada",
        "report": "Hora de presentación en el puerto",
        "report_place": "Lugar de presentación",
        "continuance_reason": "Motivo de la continuación",
        "deadlines_heading": "Seguimiento y plazos legales",
        "follow_up_status": "Estado del seguimiento",
        "opened_at": "Abierto",
        "order_date": "Fecha de la orden",
        "notes": "Notas",
        "no_follow_up": "No hay un seguimiento registrado para esta audiencia.",
        "deadline_exceptional": (
            "Moción de reapertura por circunstancias excepcionales: dentro de los 180 días "
            "siguientes a la orden (INA 240(b)(5)(C)(i)). Plazo: {date}."
        ),
        "deadline_exceptional_unknown": (
            "Moción de reapertura por circunstancias excepcionales: dentro de los 180 días "
            "siguientes a la orden (INA 240(b)(5)(C)(i)). No hay fecha de orden registrada."
        ),
        "days_left": "Quedan {days} días al {today}.",
        "days_passed": "Venció {days} días antes del {today}.",
        "deadline_today": "El plazo vence hoy ({today}).",
        "deadline_any_time": (
            "Moción de reapertura porque la persona no recibió la notificación, o estaba "
            "detenida y no compareció sin culpa propia: en cualquier momento "
            "(INA 240(b)(5)(C)(ii))."
        ),
        "nivelo": (
            "La notificación personal del Aviso de Comparecencia (NTA), junto con no haber "
            "informado un cambio de dirección, impide alegar falta de notificación (Matter "
            "of Nivelo Cardenas, BIA 2020). Presente el formulario EOIR-33 con la moción."
        ),
        "address_heading": "Si la dirección registrada podía llegar a la persona",
        "could_reach_yes": "Sí: la dirección de la última notificación podía llegar a la persona.",
        "could_reach_no": (
            "No: la dirección de la última notificación no podía llegar a la persona."
        ),
        "address_check_note": (
            "Una estimación a partir del registro (dirección vacía, una red social, un "
            "marcador de posición o un albergue sin registro de la persona), no una "
            "constatación."
        ),
        "chain_heading": "Historial de audiencias (cada reprogramación y continuación)",
        "col_number": "#",
        "col_scheduled": "Programada (hora de la corte)",
        "col_kind": "Tipo",
        "col_status": "Estado / resultado",
        "col_reason": "Motivo de la continuación",
        "col_created": "Registrada",
        "notices_heading": "Notificaciones",
        "no_notices": "No hay notificaciones registradas.",
        "col_hearing": "Aud. n.º",
        "col_notice_kind": "Notificación",
        "col_method": "Forma",
        "col_address": "Dirección",
        "col_language": "Idioma",
        "col_served": "Entregada (cuándo, por quién)",
        "col_recorded": "Registrada (cuándo, por quién)",
        "col_could_reach": "Podía llegar",
        "not_served": "entrega no registrada",
        "messages_heading": "Mensajes enviados para esta audiencia",
        "no_messages": "No hay mensajes registrados.",
        "col_channel": "Canal",
        "col_to": "Destino",
        "col_sent": "Enviado",
        "col_delivery": "Estado de entrega",
        "col_error": "Error",
        "people_heading": "Personas en el caso",
        "col_name": "Nombre",
        "col_role": "Rol",
        "col_languages": "Idiomas",
        "col_interpreter": "Intérprete",
        "contacts_heading": "Medios de contacto registrados",
        "no_contacts": "No hay medios de contacto registrados.",
        "col_person": "Persona",
        "col_contact_kind": "Tipo",
        "col_value": "Valor",
        "col_consent": "Consentimiento",
        "col_opted_out": "Dado de baja",
        "col_reachable": "Contactable",
        "yes": "sí",
        "no": "no",
        "none": "—",
        "page": "Página {page} de {pages}",
    },
}

# Labels of stored codes in the packet's language; a code not listed here falls back to
# the ``*_label`` that came with the record.
PACKET_CODES: Final[dict[str, dict[str, str]]] = {
    "en": {
        "hearing_kind.master": "master calendar",
        "hearing_kind.individual": "individual merits",
        "status.scheduled": "scheduled",
        "status.rescheduled": "rescheduled",
        "status.cancelled": "cancelled",
        "status.held": "held",
        "outcome.appeared": "appeared",
        "outcome.failed_to_appear": "failed to appear",
        "outcome.continued": "continued",
        "outcome.relief_granted": "relief granted",
        "outcome.removal_ordered": "removal ordered",
        "outcome.removal_in_absentia": "removal ordered in absentia",
        "outcome.terminated": "terminated",
        "outcome.dismissed": "dismissed",
        "outcome.voluntary_departure": "voluntary departure",
        "notice_kind.scheduled": "hearing scheduled",
        "notice_kind.changed": "hearing changed",
        "notice_kind.cancelled": "hearing cancelled",
        "method.in_person": "in person",
        "method.mail": "mail",
        "method.electronic": "electronic",
        "method.shelter": "through the shelter",
        "follow_up.open": "open",
        "follow_up.motion_filed": "motion filed",
        "follow_up.closed": "closed",
        "role.lead": "lead respondent",
        "role.rider": "family member",
        "session.am": "morning",
        "session.pm": "afternoon",
        "contact.phone": "phone",
        "contact.whatsapp": "WhatsApp",
        "contact.email": "e-mail",
    },
    "es": {
        "hearing_kind.master": "calendario principal (preliminar)",
        "hearing_kind.individual": "individual sobre el fondo",
        "status.scheduled": "programada",
        "status.rescheduled": "reprogramada",
        "status.cancelled": "cancelada",
        "status.held": "celebrada",
        "outcome.appeared": "compareció",
        "outcome.failed_to_appear": "no compareció",
        "outcome.continued": "continuada",
        "outcome.relief_granted": "alivio concedido",
        "outcome.removal_ordered": "expulsión ordenada",
        "outcome.removal_in_absentia": "expulsión ordenada in absentia",
        "outcome.terminated": "terminado",
        "outcome.dismissed": "desestimado",
        "outcome.voluntary_departure": "salida voluntaria",
        "notice_kind.scheduled": "audiencia programada",
        "notice_kind.changed": "audiencia cambiada",
        "notice_kind.cancelled": "audiencia cancelada",
        "method.in_person": "en persona",
        "method.mail": "correo",
        "method.electronic": "electrónica",
        "method.shelter": "a través del albergue",
        "follow_up.open": "abierto",
        "follow_up.motion_filed": "moción presentada",
        "follow_up.closed": "cerrado",
        "role.lead": "solicitante principal",
        "role.rider": "familiar",
        "session.am": "mañana",
        "session.pm": "tarde",
        "contact.phone": "teléfono",
        "contact.whatsapp": "WhatsApp",
        "contact.email": "correo electrónico",
    },
}

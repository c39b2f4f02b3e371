"""Translatable labels of the rules, flags and household reasons, keyed by rule key.

A recorded reason carries its rule code (``2021.pregnant``) and an English sentence; the
UI shows the label of the rule key in the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

RULE_LABELS: dict[str, Promise] = {
    "unaccompanied_child": _(
        "Unaccompanied children are not amenable: under 18 with no adult of their household "
        "going with them."
    ),
    "age_unknown": _(
        "The date of birth is missing or incomplete: whether the person is a child "
        "travelling without an adult cannot be checked."
    ),
    "mexican_national": _("Mexican citizens or nationals are not amenable."),
    "not_western_hemisphere": _(
        "The program applies only to Western Hemisphere nationals other than Mexicans."
    ),
    "nationality_unknown": _("Nationality is unknown; the nationality rules cannot be checked."),
    "expedited_removal": _("People already processed for expedited removal are not amenable."),
    "lpr": _("Returning lawful permanent residents are not amenable."),
    "parole": _("People with advance parole or in parole status are not amenable."),
    "health": _("People with known physical or mental health issues are not amenable."),
    "disability": _("A disability may be a physical or mental health issue: a reviewer decides."),
    "pregnant": _("Pregnant women are not amenable."),
    "elderly": _("Older people are not amenable."),
    "indigenous": _(
        "Indigenous people are not amenable (recorded as indigenous or speaking an "
        "indigenous language)."
    ),
    "lgbtq": _("LGBTQ people are not amenable."),
    "criminal_history": _("Criminals or people with a history of violence are not amenable."),
    "government_interest": _("Cases of government interest (US or Mexico) are not amenable."),
    "port_director_discretion": _("Excluded at the port director's discretion."),
    "fear": _(
        "The non-refoulement interview found the person at risk of persecution or torture "
        "in Mexico."
    ),
    "fear_interview_pending": _(
        "Fear of return to Mexico was expressed; the non-refoulement interview is pending."
    ),
    "fear_question_not_asked": _(
        "The person has not yet been asked whether they fear return to Mexico."
    ),
    "language_unknown": _("No language is recorded: the language rules cannot be checked."),
    "non_spanish_speaker": _(
        "Does not speak Spanish; in practice non-Spanish speakers were generally excluded."
    ),
    "no_exemption": _("No exemption applies."),
    "household.review": _(
        "A member is exempt or needs review: the household is reviewed together and never split."
    ),
    "household.amenable": _("No exemption applies to any member of the household."),
}

FLAG_LABELS: dict[str, Promise] = {
    "lpr": _("Returning lawful permanent resident"),
    "advance_parole": _("Holds advance parole"),
    "parole": _("In parole status"),
    "expedited_removal": _("Already processed for expedited removal"),
    "criminal_history": _("Criminal history"),
    "history_of_violence": _("History of violence"),
    "government_interest": _("Case of government interest (US or Mexico)"),
    "port_director_discretion": _("Excluded at the port director's discretion"),
}


def rule_key(code: str) -> str:
    """``2021.pregnant`` -> ``pregnant``; household codes stay whole."""
    if code.startswith("household."):
        return code
    return code.split(".", 1)[-1]


def label(code: str, fallback: str = "") -> str:
    found = RULE_LABELS.get(rule_key(code))
    return str(found) if found is not None else fallback


def display_reasons(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Recorded reasons with their label in the active language."""
    return [
        {**r, "label": label(str(r.get("rule", "")), str(r.get("reason", "")))} for r in reasons
    ]

"""What the outcomes, levers and scenarios are called on the page and in the CLI's text."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

OUTCOMES: dict[str, Promise] = {
    "missed_hearing_share": _("People who missed a hearing"),
    "failure_to_appear_rate": _("Hearings missed"),
    "in_absentia_share_of_completed": _("Completed cases ended in absentia"),
    "relief_share_of_completed": _("Completed cases granted relief"),
    "termination_share_of_completed": _("Completed cases terminated"),
    "represented_share": _("People with counsel"),
    "completed_share": _("Cases completed"),
    "pending_share": _("Cases pending"),
    "still_in_mexico_share": _("Cases pending, people not admitted into the US"),
    "left_share": _("People who left the program"),
    "waiting_for_first_hearing_share": _("Waiting for a first hearing"),
    "wait_first_hearing_weeks": _("Weeks to the first hearing"),
    "people": _("People enrolled"),
    "in_absentia_orders": _("Removal orders in absentia"),
    "completed_cases": _("Completed cases"),
    "pending_cases": _("Pending cases"),
    "motions_to_reopen_granted": _("In absentia orders rescinded on a motion to reopen"),
}

SCENARIOS: dict[str, Promise] = {
    "baseline-2019": _("The 2019–2021 program as published"),
    "current": _("This installation, next 26 weeks"),
}

LEVERS: dict[str, Promise] = {
    "none": _("No change (the baseline only)"),
    "reminders": _("Hearing reminders"),
    "transport": _("Transport to the port on hearing days"),
    "counsel_rate": _("Share with counsel from enrolment"),
    "judges_factor": _("Docket capacity (× judges)"),
    "wait_weeks": _("Weeks to the first hearing"),
}


def outcome_label(name: str) -> str:
    return str(OUTCOMES.get(name, name))

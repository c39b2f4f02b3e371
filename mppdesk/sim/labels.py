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

#: The published figures the baseline is checked against (``calibration.TARGETS``).
CALIBRATION: dict[str, Promise] = {
    "missed_hearing_share": _("People who missed a hearing"),
    "in_absentia_share_of_completed": _("Completed cases ended in absentia"),
    "represented_share": _("Cases with counsel"),
    "represented_share_2020_01": _("Cases with counsel (January 2020)"),
    "represented_pending_share_2019_06": _("Pending cases with counsel (June 2019)"),
    "relief_share_of_completed": _("Completed cases granted relief"),
    "pending_share": _("Cases pending (January 2021)"),
    "still_in_mexico_share": _("Cases pending, people not admitted into the US (May 2021)"),
    "completed_share": _("Cases completed (December 2020)"),
    "waiting_for_first_hearing_share": _("Waiting for a first hearing (November 2019)"),
    "termination_share_of_completed": _("Completed cases terminated"),
}


def calibration_label(name: str, default: str) -> str:
    return str(CALIBRATION.get(name, default))


def outcome_label(name: str) -> str:
    return str(OUTCOMES.get(name, name))

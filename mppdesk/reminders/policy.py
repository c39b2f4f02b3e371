"""Reminder rules, quiet hours and when exactly a message goes out.

A policy (``ReminderPolicy``, one per program version) is a list of rules and a quiet
window. By default (``DEFAULT_RULES``):

- ``notice``: the hearing notice, as soon as the hearing is scheduled;
- ``7d`` and ``2d``: a reminder 7 and 2 days before, at 10:00;
- ``evening``: the reporting instructions (port reporting time and place) the evening
  before, at 19:00.

"Days before" count back from the day people report at the port, and every time of day
is wall-clock time in the recipient's zone: the port's Mexican side, where the person
waits (``catalog.local_zone``; the court's zone when the hearing has no port). So a
10:00 reminder is 10:00 in Nogales (America/Hermosillo, no daylight-saving time) and
10:00 in Tijuana, whatever the date, and a rule on a day of a DST change still falls at
10:00 local (``hearings.times.court_datetime``: a time in the spring-forward gap moves
forward by the gap, an ambiguous one is its first occurrence).

Quiet hours (default 21:00-08:00, local): a message whose time falls in them moves to
their end; if that would be at or after the reporting time (nothing said after people
had to be at the port helps), it moves instead to just before the quiet hours began
(the evening before). A reminder whose time has passed, or is at or after the
reporting time, is skipped. A message due *now* (the notice, a change, a cancellation)
that cannot wait for the end of the quiet hours goes out at once: it is the last chance
before people must report.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from mppdesk.hearings.times import court_datetime
from mppdesk.messaging.models import TemplateKind
from mppdesk.reminders.models import DEFAULT_QUIET_END, DEFAULT_QUIET_START, ReminderPolicy

DEFAULT_RULES: list[dict[str, Any]] = [
    {"code": "notice", "template": "hearing_notice", "days_before": None, "at": None},
    {"code": "7d", "template": "reminder", "days_before": 7, "at": "10:00"},
    {"code": "2d", "template": "reminder", "days_before": 2, "at": "10:00"},
    {"code": "evening", "template": "reporting_instructions", "days_before": 1, "at": "19:00"},
]
#: Templates a rule may send.
RULE_TEMPLATES = (
    TemplateKind.HEARING_NOTICE,
    TemplateKind.REMINDER,
    TemplateKind.REPORTING_INSTRUCTIONS,
)
MAX_RULES = 10
MAX_DAYS_BEFORE = 90
#: How long before the quiet hours a message moved out of them goes (see module doc).
BEFORE_QUIET = dt.timedelta(minutes=1)
_CODE = re.compile(r"^[a-z0-9_-]{1,16}$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Rule:
    code: str  # stored on each message (``Message.rule``)
    template: str  # a ``TemplateKind``
    days_before: int | None  # None: at notice (as soon as the hearing is scheduled)
    at: dt.time | None  # local time of day (None at notice)

    @property
    def at_notice(self) -> bool:
        return self.days_before is None

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "template": self.template,
            "days_before": self.days_before,
            "at": f"{self.at:%H:%M}" if self.at is not None else None,
        }


@dataclass(frozen=True)
class Policy:
    program_version: str
    rules: tuple[Rule, ...]
    quiet_start: dt.time
    quiet_end: dt.time


def parse_time(value: Any) -> dt.time | None:
    """``"19:00"`` or a ``time`` -> ``time``; None when it is neither."""
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    match = _TIME.match(str(value or "").strip())
    return dt.time(int(match.group(1)), int(match.group(2))) if match else None


def validate_rules(raw: Any) -> tuple[list[Rule], list[str]]:
    """Parse ``raw`` (a list of rule dicts) into rules; problems are sentences naming the
    rule by its position (``([], problems)`` when there is any)."""
    problems: list[str] = []
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes):
        return [], [_("Give the rules as a list.")]
    if len(raw) > MAX_RULES:
        problems.append(_("At most %(count)s rules.") % {"count": MAX_RULES})
    rules: list[Rule] = []
    codes: set[str] = set()
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping):
            problems.append(_("Rule %(n)s: not a rule.") % {"n": number})
            continue
        code = str(item.get("code") or "").strip()
        template = str(item.get("template") or "").strip()
        days = item.get("days_before")
        at = parse_time(item.get("at"))
        before = len(problems)
        if not _CODE.match(code):
            problems.append(
                _("Rule %(n)s: a code of 1 to 16 lower-case letters, digits, - or _.")
                % {"n": number}
            )
        elif code in codes:
            problems.append(
                _("Rule %(n)s: the code %(code)s is used twice.") % {"n": number, "code": code}
            )
        if template not in RULE_TEMPLATES:
            problems.append(
                _("Rule %(n)s: the template must be one of %(choices)s.")
                % {"n": number, "choices": ", ".join(str(t) for t in RULE_TEMPLATES)}
            )
        if days is not None:
            if (
                isinstance(days, bool)
                or not isinstance(days, int)
                or not 0 <= days <= MAX_DAYS_BEFORE
            ):
                problems.append(
                    _("Rule %(n)s: days before must be a whole number from 0 to %(max)s.")
                    % {"n": number, "max": MAX_DAYS_BEFORE}
                )
            if at is None:
                problems.append(_("Rule %(n)s: give the time of day as HH:MM.") % {"n": number})
        elif item.get("at") not in (None, ""):
            problems.append(
                _("Rule %(n)s: a rule sent at notice has no time of day.") % {"n": number}
            )
        if len(problems) == before:
            codes.add(code)
            rules.append(Rule(code, template, days, at if days is not None else None))
    if sum(1 for r in rules if r.at_notice) > 1:
        problems.append(_("Only one rule can be sent at notice."))
    return ([], problems) if problems else (rules, [])


def default_policy(program_version: str) -> Policy:
    rules, _problems = validate_rules(DEFAULT_RULES)
    return Policy(program_version, tuple(rules), DEFAULT_QUIET_START, DEFAULT_QUIET_END)


def policy_from(row: ReminderPolicy) -> Policy:
    rules, problems = validate_rules(row.rules)
    if problems:  # a row edited outside update_policy: fall back rather than plan nothing
        rules = list(default_policy(row.program_version).rules)
    return Policy(row.program_version, tuple(rules), row.quiet_start, row.quiet_end)


def get_policy_row(program_version: str) -> ReminderPolicy:
    """The stored policy of a program version (created with the defaults if missing)."""
    row, _created = ReminderPolicy.objects.get_or_create(
        program_version=program_version,
        defaults={
            "rules": DEFAULT_RULES,
            "quiet_start": DEFAULT_QUIET_START,
            "quiet_end": DEFAULT_QUIET_END,
        },
    )
    return row


def get_policy(program_version: str) -> Policy:
    return policy_from(get_policy_row(program_version))


# --- when a message goes out --------------------------------------------------------------


def in_quiet_hours(moment: dt.time, start: dt.time, end: dt.time) -> bool:
    """Is the local time ``moment`` within quiet hours ``[start, end)``?"""
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end  # across midnight


def _quiet_bounds(
    local: dt.datetime, zone: str, start: dt.time, end: dt.time
) -> tuple[dt.datetime, dt.datetime]:
    """The quiet period that holds ``local``: (its start, its end) in UTC."""
    day = local.date()
    clock = local.time().replace(tzinfo=None)
    if start < end:
        start_day = end_day = day
    elif clock >= start:
        start_day, end_day = day, day + dt.timedelta(days=1)
    else:
        start_day, end_day = day - dt.timedelta(days=1), day
    return court_datetime(zone, start_day, start), court_datetime(zone, end_day, end)


def place(
    candidate: dt.datetime,
    *,
    zone: str,
    quiet_start: dt.time,
    quiet_end: dt.time,
    now: dt.datetime,
    deadline: dt.datetime,
    immediate: bool = False,
) -> dt.datetime | None:
    """When a message meant for ``candidate`` goes out (UTC), or None to skip it.

    ``deadline`` is the reporting time; ``immediate`` marks a message due now (see the
    module docstring for the rules).
    """
    if candidate >= deadline or (not immediate and candidate < now):
        return None
    local = candidate.astimezone(ZoneInfo(zone))
    if in_quiet_hours(local.time().replace(tzinfo=None), quiet_start, quiet_end):
        began, ends = _quiet_bounds(local, zone, quiet_start, quiet_end)
        candidate = ends if ends < deadline else began - BEFORE_QUIET
    if candidate < now:
        return now if immediate else None
    return candidate if candidate < deadline else None


def rule_moment(rule: Rule, *, report_at: dt.datetime, zone: str) -> dt.datetime:
    """The moment a dated rule is meant for: ``days_before`` the local reporting day, at
    ``rule.at`` local time (UTC)."""
    assert rule.days_before is not None and rule.at is not None  # noqa: S101 - dated rule
    report_day = report_at.astimezone(ZoneInfo(zone)).date()
    return court_datetime(zone, report_day - dt.timedelta(days=rule.days_before), rule.at)

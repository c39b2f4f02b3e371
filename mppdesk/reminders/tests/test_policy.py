"""Reminder rules, quiet hours in local time, and the policy service."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.core.errors import FieldErrors
from mppdesk.reminders import services
from mppdesk.reminders.models import ReminderPolicy
from mppdesk.reminders.policy import (
    DEFAULT_RULES,
    Rule,
    get_policy,
    in_quiet_hours,
    place,
    rule_moment,
    validate_rules,
)

JUAREZ = "America/Ciudad_Juarez"
QUIET = {"quiet_start": dt.time(21), "quiet_end": dt.time(8)}


def at(zone: str, *args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)  # type: ignore[misc]


def test_the_three_program_versions_are_seeded_with_the_default_rules(db: Any) -> None:
    rows = {p.program_version: p for p in ReminderPolicy.objects.all()}
    assert set(rows) == {"2019", "2021", "current"}
    for row in rows.values():
        assert row.rules == DEFAULT_RULES
        assert (row.quiet_start, row.quiet_end) == (dt.time(21), dt.time(8))
    policy = get_policy("current")
    assert [r.code for r in policy.rules] == ["notice", "7d", "2d", "evening"]
    assert policy.rules[3] == Rule("evening", "reporting_instructions", 1, dt.time(19))


def test_a_missing_policy_is_recreated_with_the_defaults(db: Any) -> None:
    ReminderPolicy.objects.all().delete()
    assert [r.code for r in get_policy("2021").rules] == ["notice", "7d", "2d", "evening"]
    assert ReminderPolicy.objects.filter(program_version="2021").exists()


def test_quiet_hours_across_midnight_and_within_a_day() -> None:
    assert in_quiet_hours(dt.time(21), dt.time(21), dt.time(8))
    assert in_quiet_hours(dt.time(3), dt.time(21), dt.time(8))
    assert not in_quiet_hours(dt.time(8), dt.time(21), dt.time(8))
    assert not in_quiet_hours(dt.time(20, 59), dt.time(21), dt.time(8))
    assert in_quiet_hours(dt.time(13), dt.time(12), dt.time(14))
    assert not in_quiet_hours(dt.time(3), dt.time(8), dt.time(8))  # none


def test_a_reminder_in_quiet_hours_moves_to_their_end_in_local_time() -> None:
    now = at(JUAREZ, 2026, 6, 1, 12)
    deadline = at(JUAREZ, 2026, 6, 20, 4)
    moved = place(at(JUAREZ, 2026, 6, 10, 23, 30), zone=JUAREZ, now=now, deadline=deadline, **QUIET)
    assert moved == at(JUAREZ, 2026, 6, 11, 8)
    early = place(at(JUAREZ, 2026, 6, 10, 6), zone=JUAREZ, now=now, deadline=deadline, **QUIET)
    assert early == at(JUAREZ, 2026, 6, 10, 8)
    fine = place(at(JUAREZ, 2026, 6, 10, 10), zone=JUAREZ, now=now, deadline=deadline, **QUIET)
    assert fine == at(JUAREZ, 2026, 6, 10, 10)


def test_never_after_the_reporting_time_a_late_reminder_moves_before_quiet_hours() -> None:
    now = at(JUAREZ, 2026, 6, 1, 12)
    deadline = at(JUAREZ, 2026, 6, 20, 4)  # report at 04:00
    moved = place(at(JUAREZ, 2026, 6, 19, 23), zone=JUAREZ, now=now, deadline=deadline, **QUIET)
    assert moved == at(JUAREZ, 2026, 6, 19, 20, 59)
    # Past ones, and ones at or after the reporting time, are skipped.
    assert (
        place(at(JUAREZ, 2026, 5, 30, 10), zone=JUAREZ, now=now, deadline=deadline, **QUIET) is None
    )
    assert (
        place(at(JUAREZ, 2026, 6, 20, 10), zone=JUAREZ, now=now, deadline=deadline, **QUIET) is None
    )


def test_a_message_due_now_waits_out_the_night_unless_that_is_too_late() -> None:
    deadline = at(JUAREZ, 2026, 6, 20, 4)
    night = at(JUAREZ, 2026, 6, 10, 23)
    assert place(night, zone=JUAREZ, now=night, deadline=deadline, immediate=True, **QUIET) == at(
        JUAREZ, 2026, 6, 11, 8
    )
    last_night = at(JUAREZ, 2026, 6, 19, 23)
    assert (
        place(last_night, zone=JUAREZ, now=last_night, deadline=deadline, immediate=True, **QUIET)
        == last_night
    )
    late = at(JUAREZ, 2026, 6, 20, 5)
    assert place(late, zone=JUAREZ, now=late, deadline=deadline, immediate=True, **QUIET) is None


def test_rule_times_are_local_wall_clock_times_across_a_dst_change() -> None:
    rule = Rule("7d", "reminder", 7, dt.time(10))
    # US DST began on 2026-03-08: Juárez follows it, Hermosillo (Nogales) does not.
    report = at(JUAREZ, 2026, 3, 10, 4)
    assert rule_moment(rule, report_at=report, zone=JUAREZ) == dt.datetime(
        2026, 3, 3, 17, tzinfo=dt.UTC
    )
    two = Rule("2d", "reminder", 2, dt.time(10))
    assert rule_moment(two, report_at=report, zone=JUAREZ) == dt.datetime(
        2026, 3, 8, 16, tzinfo=dt.UTC
    )
    hermosillo = "America/Hermosillo"
    assert rule_moment(two, report_at=report, zone=hermosillo) == dt.datetime(
        2026, 3, 8, 17, tzinfo=dt.UTC
    )
    # A time in the spring-forward gap (02:30 did not exist) moves forward by the gap.
    gap = Rule("x", "reminder", 2, dt.time(2, 30))
    assert rule_moment(gap, report_at=report, zone=JUAREZ) == at(JUAREZ, 2026, 3, 8, 3, 30)


def test_validate_rules_names_each_problem_by_rule() -> None:
    rules, problems = validate_rules(DEFAULT_RULES)
    assert problems == [] and len(rules) == 4
    _rules, problems = validate_rules(
        [
            {"code": "Bad Code", "template": "reminder", "days_before": 3, "at": "10:00"},
            {"code": "a", "template": "hearing_cancelled", "days_before": 3, "at": "25:00"},
            {"code": "b", "template": "reminder", "days_before": -1, "at": "10:00"},
            {"code": "b", "template": "reminder", "days_before": None, "at": "10:00"},
        ]
    )
    text = " | ".join(problems)
    assert "Rule 1:" in text and "Rule 2:" in text and "Rule 3:" in text and "Rule 4:" in text
    assert validate_rules("nope")[1] != []
    two_notices = [DEFAULT_RULES[0], {**DEFAULT_RULES[0], "code": "again"}]
    assert validate_rules(two_notices)[1] == ["Only one rule can be sent at notice."]


def test_update_policy_replaces_rules_and_quiet_hours_and_is_audited(personas: Any) -> None:
    mark = audit_mark()
    row = services.update_policy(
        actor=personas.coordinator,
        program_version="2019",
        rules=[{"code": "3d", "template": "reminder", "days_before": 3, "at": "9:30"}],
        quiet_start="22:00",
        quiet_end=dt.time(7),
    )
    assert row.rules == [{"code": "3d", "template": "reminder", "days_before": 3, "at": "09:30"}]
    policy = get_policy("2019")
    assert (policy.quiet_start, policy.quiet_end) == (dt.time(22), dt.time(7))
    assert [r.code for r in get_policy("current").rules] == ["notice", "7d", "2d", "evening"]
    [entry] = entries_after(mark)
    assert (entry.action, entry.object_type, entry.object_id) == (
        "update",
        "reminder_policy",
        "2019",
    )


def test_update_policy_errors_name_the_field(personas: Any) -> None:
    with pytest.raises(FieldErrors) as caught:
        services.update_policy(
            actor=personas.coordinator,
            program_version="1999",
            rules=[{"code": "x", "template": "reminder", "days_before": 2}],
            quiet_start="late",
            quiet_end="",
        )
    assert set(caught.value.errors) == {"program_version", "rules", "quiet_start", "quiet_end"}
    assert get_policy("current").rules[1].code == "7d"


def test_only_template_managers_may_change_the_policy(personas: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.update_policy(
            actor=personas.caseworker,
            program_version="current",
            rules=DEFAULT_RULES,
            quiet_start="21:00",
            quiet_end="08:00",
        )

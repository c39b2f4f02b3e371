"""Receivers of hearing signals: plan, re-plan and cancel reminders."""

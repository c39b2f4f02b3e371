"""Why a member was left out of a transfer group, in the reader's language.

A member row stores its rule code and the reason as a sentence in the language of
whoever planned the group; for the planner's own rules that sentence may hold another
rule's code (``Kept with the household: another member is exempt (rule 2021.health)``).
The pages show neither: a screening rule's label, or for a member kept with their
household, the rule that held the household back, in words."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from mppdesk.screening import engine
from mppdesk.screening.labels import label as screening_label
from mppdesk.transfers.templatetags.transfers_ui import PLANNER_RULES, rule_label

RULE_HOUSEHOLD = "household_review"
#: A versioned screening rule code inside a stored sentence: ``2021.health``.
_RULE_CODE = re.compile(r"\b\d{4}\.[a-z_]+\b")


def reason_text(rule: str, stored: str) -> str:
    """The reason a member with ``rule`` was left out (``stored``: the recorded sentence)."""
    if rule == RULE_HOUSEHOLD:
        match = _RULE_CODE.search(stored)
        if match is None:
            return str(PLANNER_RULES[rule])
        code = match.group(0)
        definition = engine.RULES.get(code.split(".", 1)[-1])
        because = screening_label(code, "") or _("a screening rule applies")
        if definition is not None and definition.outcome == engine.EXEMPT:
            text = _("Kept with the household, never split: another member is exempt. %(why)s")
        else:
            text = _("Kept with the household, never split: another member is in review. %(why)s")
        return text % {"why": because}
    if rule in PLANNER_RULES:
        return str(PLANNER_RULES[rule])
    return rule_label(rule, stored)

"""Scheduler proposals: what the optimizing scheduler suggests, before a coordinator commits.

- ``ScheduleProposal``: one run of ``hearings.scheduling.propose`` for some venues and a
  period: who ran it and when, the figures (objective, weighted waiting against the
  first-come-first-served baseline, LP bound, gap, solve time) and its status
  (proposed → committed or discarded).
- ``ProposalItem``: one case of the proposal, either placed (``docket`` and
  ``report_at``) or left out (``reason``). After a commit ``hearing`` is the hearing made.

No personal data here: only ids (case, docket, port, hearing), counts and figures, so a
program-wide coordinator who may not read a case can still review the proposal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mppdesk.core.models import TimestampedModel


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    COMMITTED = "committed", _("Committed")
    DISCARDED = "discarded", _("Discarded")


class UnassignedReason(models.TextChoices):
    """Why a case was left out: ``mppdesk.lib.scheduling.Reason`` and one of our own."""

    UNKNOWN_PORT = "unknown_port", _("Unknown port of entry")
    NO_DOCKET_AT_VENUE = "no_docket_at_venue", _("No docket at the case's venue")
    NO_INTERPRETER = "no_interpreter", _("No docket with an interpreter for the language")
    NO_DOCKET_AFTER_EARLIEST_DATE = (
        "no_docket_after_earliest_date",
        _("No docket after the notice lead time"),
    )
    UNIT_TOO_LARGE = "unit_too_large", _("Household larger than any docket")
    DOCKETS_FULL = "dockets_full", _("Dockets full")
    PORT_REPORTING_FULL = "port_reporting_full", _("Port reporting windows full")
    # Not from the optimizer: the household's session (another case of it) is full.
    HOUSEHOLD_SESSION_FULL = "household_session_full", _("The household's session is full")


class ScheduleProposal(TimestampedModel):
    """One scheduler run over ``venue_codes`` and [``period_start``, ``period_end``].

    Figures are in weighted person-days (see ``mppdesk.lib.scheduling.solver``):
    ``weighted_waiting`` for this proposal, ``greedy_weighted_waiting`` for first come,
    first served on the same data; ``lp_bound`` bounds the optimum of ``objective`` from
    below and ``gap = (objective - lp_bound) / lp_bound``. ``unassigned_counts`` maps a
    reason to the number of cases left out for it. ``as_of`` is the "today" the lead
    time was counted from. ``organization_ids`` are the organizations whose pending cases
    were considered (who may see the proposal: ``hearings.scheduling.proposals_for``).
    """

    Status = ProposalStatus

    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    venue_codes = models.JSONField(_("venues"), default=list)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    as_of = models.DateField(_("as of"))
    lead_days = models.PositiveSmallIntegerField(_("notice lead (days)"), default=10)
    organization_ids = models.JSONField(_("organizations"), default=list)

    method = models.CharField(_("method"), max_length=200)
    objective = models.FloatField(_("objective"))
    weighted_waiting = models.FloatField(_("weighted waiting"))
    judge_spread = models.FloatField(_("judges' load spread"), default=0.0)
    unassigned_penalty = models.FloatField(_("unassigned penalty"), default=0.0)
    greedy_objective = models.FloatField(_("greedy objective"), null=True, blank=True)
    greedy_weighted_waiting = models.FloatField(_("greedy weighted waiting"), null=True, blank=True)
    greedy_cases_placed = models.PositiveIntegerField(_("greedy cases placed"), default=0)
    lp_bound = models.FloatField(_("LP bound"), null=True, blank=True)
    gap = models.FloatField(_("optimality gap"), null=True, blank=True)
    solve_seconds = models.FloatField(_("solve time (s)"), default=0.0)

    cases_considered = models.PositiveIntegerField(_("pending cases"), default=0)
    cases_placed = models.PositiveIntegerField(_("cases placed"), default=0)
    people_placed = models.PositiveIntegerField(_("people placed"), default=0)
    dockets_considered = models.PositiveIntegerField(_("dockets with room"), default=0)
    unassigned_counts = models.JSONField(_("cases left out, by reason"), default=dict)

    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("committed by"),
    )
    discarded_at = models.DateTimeField(_("discarded at"), null=True, blank=True)
    discarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("discarded by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="proposal_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="proposal_period"
            ),
        ]
        verbose_name = _("schedule proposal")
        verbose_name_plural = _("schedule proposals")

    def __str__(self) -> str:
        return f"Proposal {self.pk} ({self.status})"

    @property
    def cases_unassigned(self) -> int:
        return sum(int(n) for n in self.unassigned_counts.values())

    @property
    def improvement(self) -> float | None:
        """How much less weighted waiting than greedy, as a fraction (0.05 = 5 % less)."""
        greedy = self.greedy_weighted_waiting
        if greedy is None or greedy <= 0:
            return None
        return (greedy - self.weighted_waiting) / greedy

    @property
    def is_open(self) -> bool:
        return self.status == ProposalStatus.PROPOSED


class ProposalItem(models.Model):
    """One case in a proposal: placed on ``docket`` (reporting at ``report_at``, UTC) or
    left out for ``reason``. Cases of one household share ``unit`` (and the docket)."""

    proposal = models.ForeignKey(ScheduleProposal, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="+", verbose_name=_("case")
    )
    unit = models.CharField(_("scheduling unit"), max_length=80)
    seats = models.PositiveSmallIntegerField(_("people"), default=1)
    docket = models.ForeignKey(
        "hearings.Docket",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("docket"),
    )
    port = models.ForeignKey(
        "places.Port",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("port of entry"),
    )
    report_at = models.DateTimeField(_("report at"), null=True, blank=True)  # UTC
    reason = models.CharField(
        _("why left out"), max_length=40, choices=UnassignedReason.choices, blank=True
    )
    hearing = models.ForeignKey(
        "hearings.Hearing",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hearing"),
    )

    class Meta:
        ordering = ["proposal", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "case"], name="proposal_item_case_once"),
            # Placed (a docket, no reason) or left out (a reason, no docket).
            models.CheckConstraint(
                condition=(Q(docket__isnull=False) & Q(reason=""))
                | (Q(docket__isnull=True) & ~Q(reason="")),
                name="proposal_item_placed_or_reason",
            ),
        ]
        verbose_name = _("proposal item")
        verbose_name_plural = _("proposal items")

    def __str__(self) -> str:
        return f"Proposal item {self.pk}"

    @property
    def placed(self) -> bool:
        return self.docket_id is not None

"""Running a simulation for someone: checks the input, builds the scenario, runs it
against its baseline and writes the audit entry. Web, API and CLI all call ``run``.

The audit entry holds no figure: action ``run``, object type ``simulation``, the scenario
as ``object_id`` and the levers pulled as ``fields``.

**Cost.** A run of ``baseline-2019`` follows 71,000 people for 127 weeks. The command line
runs 200 of them on the whole population by default (about 10 s of one core on the
reference machine, twice that with a lever: the baseline runs too). A web page or an API request
must answer in seconds, so they run at most ``WEB_MAX_RUNS`` runs on a quarter of the
population (``WEB_SCALE``: every count divided by 4; shares keep their expected value,
counts are multiplied back; a population under ``SMALL_POPULATION`` people is simulated
whole, as scaling it down would only add noise) and keep the answer of ``baseline-2019``
for a day in the cache (it depends only on its inputs and the seed). ``current`` is never
cached: the installation changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.errors import FieldErrors
from mppdesk.sim import current, queries, report
from mppdesk.sim.engine import ParameterError
from mppdesk.sim.scenarios import SCENARIOS, LeverError, Levers, Scenario, baseline_2019

if TYPE_CHECKING:
    from mppdesk.accounts.models import User

__all__ = ["SCENARIOS", "Request", "clean", "run"]
OBJECT_TYPE = ObjectType.SIMULATION
CLI_MAX_RUNS = 2000
WEB_MAX_RUNS = 50
WEB_DEFAULT_RUNS = 50
WEB_SCALE = 0.25
#: On the web, a scenario with fewer people than this per run is simulated whole.
SMALL_POPULATION = 17_500
CACHE_SECONDS = 24 * 3600
#: Bumped when the model changes, so that no cached answer of an older model is shown.
MODEL_VERSION = "1"


@dataclass(frozen=True)
class Request:
    """What to simulate, as given (checked by ``clean``)."""

    scenario: str = "baseline-2019"
    levers: Levers = Levers()
    runs: int = WEB_DEFAULT_RUNS
    seed: int = 1
    scale: float = WEB_SCALE
    # Populations smaller than this are simulated whole whatever ``scale`` (the web's
    # default); the command line passes 0 to keep the scale it was given.
    whole_below: int = SMALL_POPULATION


def clean(request: Request, *, max_runs: int) -> Request:
    """The request, or ``FieldErrors`` naming each bad field."""
    errors: dict[str, list[str]] = {}
    if request.scenario not in SCENARIOS:
        errors["scenario"] = [_("Choose one of: %(names)s.") % {"names": ", ".join(SCENARIOS)}]
    if not 1 <= request.runs <= max_runs:
        errors["runs"] = [_("Between 1 and %(max)d runs.") % {"max": max_runs}]
    if not 0 <= request.seed <= 2**32 - 1:
        errors["seed"] = [_("A whole number between 0 and 4294967295.")]
    if not 0.01 <= request.scale <= 1.0:
        errors["scale"] = [_("A share of the population between 0.01 and 1.")]
    levers = request.levers
    if len(levers.changed()) > 1:
        errors["levers"] = [
            _("Change one lever at a time, so that the difference is that lever's effect.")
        ]
    checks = {
        "counsel_rate": (levers.counsel_rate, 0.0, 1.0, _("A share between 0 and 1.")),
        "judges_factor": (levers.judges_factor, 0.1, 10.0, _("Between 0.1 and 10.")),
        "wait_weeks": (levers.wait_weeks, 0, 104, _("Between 0 and 104 weeks.")),
    }
    for name, (value, low, high, message) in checks.items():
        if value is not None and not low <= value <= high:
            errors[name] = [message]
    if errors:
        raise FieldErrors(errors)
    return request


def scenario_for(name: str, scope: queries.Scope) -> Scenario:
    if name == "current":
        try:
            return current.build(queries.installation(scope))
        except current.NothingToProject as exc:
            raise FieldErrors(
                {
                    "scenario": [
                        _(
                            "Nothing to project: no one is waiting or on their way, and no docket is ahead."
                        )
                    ]
                }
            ) from exc
    return baseline_2019()


def _cache_key(request: Request) -> str:
    lev = request.levers
    return (
        f"sim:{MODEL_VERSION}:{request.scenario}:{request.runs}:{request.seed}:{request.scale}:"
        f"{lev.reminders}:{lev.transport}:{lev.counsel_rate}:{lev.judges_factor}:{lev.wait_weeks}"
    )


@transaction.atomic
def _record(actor: User | None, request: Request) -> None:
    audit.record(
        actor=actor,
        organization=None,
        action=AuditAction.RUN,
        object_type=OBJECT_TYPE,
        object_id=request.scenario,
        fields=sorted(request.levers.changed()),
    )


def run(
    *, actor: User | None, scope: queries.Scope, request: Request, max_runs: int, cached: bool
) -> dict[str, Any]:
    """Simulate ``request`` for ``actor`` (whose ``sim.run`` the caller checked and whose
    ``scope`` decides the counts of ``current``): the comparison as JSON-ready data."""
    request = clean(request, max_runs=max_runs)
    key = _cache_key(request)
    use_cache = cached and request.scenario != "current"
    answer: dict[str, Any] | None = cache.get(key) if use_cache else None
    if answer is None:
        base = scenario_for(request.scenario, scope)
        people = max(base.params.people, 1)
        factor = max(request.scale, min(1.0, request.whole_below / people))
        try:
            comparison = report.compare(
                base, request.levers, runs=request.runs, seed=request.seed, factor=factor
            )
        except (ParameterError, LeverError) as exc:
            raise FieldErrors({exc.field: [exc.message]}) from exc
        answer = comparison.as_dict()
        if use_cache:
            cache.set(key, answer, CACHE_SECONDS)
    _record(actor, request)
    return answer

"""The REST API under /api/v1. Routers live in ``api/routers``; no domain logic here."""

from __future__ import annotations

from ninja import NinjaAPI

from mppdesk.api.auth import BearerTokenAuth
from mppdesk.api.errors import install_error_handlers
from mppdesk.api.routers import (
    cases,
    hearings,
    households,
    imports,
    messaging,
    people,
    privacy,
    referrals,
    schedule,
    screening,
    simulations,
    stats,
    transfers,
)

api = NinjaAPI(
    title="MPP Desk API",
    version="1",
    description="People, households and cases of the MPP Desk registry. "
    "Authenticate with `Authorization: Bearer <token>` (create one with `mppdesk token create`).",
    auth=BearerTokenAuth(),
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/people", people.router, tags=["people"])
api.add_router("/households", households.router, tags=["households"])
api.add_router("/cases", cases.router, tags=["cases"])
api.add_router("/imports", imports.router, tags=["imports"])
api.add_router("", privacy.router, tags=["privacy"])
api.add_router("/referrals", referrals.router, tags=["referrals"])
api.add_router("/stats", stats.router, tags=["stats"])
api.add_router("/simulations", simulations.router, tags=["simulations"])
api.add_router("/dockets", hearings.dockets_router, tags=["dockets"])
api.add_router("/hearings", hearings.router, tags=["hearings"])
api.add_router("/places", hearings.places_router, tags=["places"])
api.add_router("/schedule", schedule.router, tags=["schedule"])
api.add_router("/screening", screening.router, tags=["screening"])
api.add_router("/transfers", transfers.router, tags=["transfers"])
api.add_router("/messages", messaging.router, tags=["messages"])

from mppdesk.assistance.api import router as assistance_router  # noqa: E402  (issue 14)

api.add_router("/assistance", assistance_router, tags=["assistance"])

from mppdesk.incidents.api import router as incidents_router  # noqa: E402  (issue 14)

api.add_router("/incidents", incidents_router, tags=["incidents"])

from mppdesk.casework.api import router as casework_router  # noqa: E402  (issue 13)

api.add_router("/casework", casework_router, tags=["casework"])

"""The REST API under /api/v1. Routers live in ``api/routers``; no domain logic here."""

from __future__ import annotations

from ninja import NinjaAPI

from mppdesk.api.auth import BearerTokenAuth
from mppdesk.api.errors import install_error_handlers
from mppdesk.api.routers import cases, households, imports, people, privacy, referrals, stats

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

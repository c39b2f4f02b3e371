from django.contrib import admin
from django.urls import include, path, re_path

from mppdesk.api import views as api_views
from mppdesk.api.main import api
from mppdesk.ops import metrics as ops_metrics
from mppdesk.web import views as web_views

urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    path("readyz", web_views.readyz, name="readyz"),
    path("metrics", ops_metrics.metrics_view, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("mppdesk.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_views.not_found),
    path("people/", include("mppdesk.people.urls")),
    path("cases/", include("mppdesk.cases.urls")),
    path("audit/", include("mppdesk.audit.urls")),
    path("privacy/", include("mppdesk.privacy.urls")),
    path("stats/", include("mppdesk.stats.urls")),
    path("simulator/", include("mppdesk.sim.urls")),
    path("sharing/", include("mppdesk.sharing.urls")),
    path("assistance/", include("mppdesk.assistance.urls")),
    path("incidents/", include("mppdesk.incidents.urls")),
    path("casework/", include("mppdesk.casework.urls")),
    path("hearings/", include("mppdesk.hearings.urls")),
    path("screening/", include("mppdesk.screening.urls")),
    path("transfers/", include("mppdesk.transfers.urls")),
    path("hooks/twilio/", include("mppdesk.messaging.urls")),
    path("messages/", include("mppdesk.messaging.web_urls")),
    path("", include("mppdesk.selfservice.urls")),
    path("", web_views.home, name="home"),
]

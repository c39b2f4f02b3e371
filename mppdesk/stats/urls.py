"""Statistics pages. Query strings hold only filters (organization, port, months or weeks)."""

from django.urls import path

from mppdesk.stats import dashboard_views, views

app_name = "stats"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.csv", views.export_csv, name="export"),
    path("dashboards/", dashboard_views.index, name="dashboards"),
    path("dashboards/export", dashboard_views.export, name="research_export"),
]

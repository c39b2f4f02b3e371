"""Statistics pages. Query strings hold only filters (organization, port, months)."""

from django.urls import path

from mppdesk.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.csv", views.export_csv, name="export"),
]

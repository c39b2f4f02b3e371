"""Incident pages. URLs carry only random UUIDs."""

from django.urls import path

from mppdesk.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.index, name="index"),
    path("new", views.new, name="new"),
    path("tallies/", views.tally_page, name="tallies"),
    path("tallies.csv", views.tally_csv, name="tallies_csv"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/consent", views.consent, name="consent"),
]

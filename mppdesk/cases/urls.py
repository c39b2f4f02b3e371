"""Case pages; URLs carry the case's random UUID, never its A-number."""

from django.urls import path

from mppdesk.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("export.csv", views.case_export, name="export"),
    path("open/<uuid:person_pk>/", views.case_open, name="open"),
    path("<uuid:pk>/", views.case_detail, name="detail"),
    path("<uuid:pk>/edit/", views.case_edit, name="edit"),
    path("<uuid:pk>/notes/", views.case_add_note, name="add_note"),
]

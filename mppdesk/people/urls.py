"""People pages. URLs carry only random UUIDs; the list's search is the one query
parameter allowed to hold personal data (see docs/architecture.md)."""

from django.urls import path

from mppdesk.people import import_views, views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("export.csv", views.person_export, name="export"),
    path("import/", import_views.import_people_view, name="import"),
    path(
        "import/template.csv",
        import_views.import_template_view,
        {"fmt": "csv"},
        name="import_template_csv",
    ),
    path(
        "import/template.xlsx",
        import_views.import_template_view,
        {"fmt": "xlsx"},
        name="import_template_xlsx",
    ),
    path("households/<uuid:pk>/", views.household_detail, name="household"),
    path("<uuid:pk>/", views.person_detail, name="detail"),
    path("<uuid:pk>/edit/", views.person_edit, name="edit"),
    path("<uuid:pk>/family/new/", views.family_member_create, name="add_family_member"),
    path("<uuid:pk>/contacts/new/", views.contact_create, name="add_contact"),
    path(
        "<uuid:pk>/contacts/<int:contact_id>/preferences/",
        views.contact_preferences,
        name="contact_preferences",
    ),
]

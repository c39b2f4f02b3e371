"""Transfer pages. URLs carry random UUIDs and place codes only."""

from django.urls import path

from mppdesk.transfers import views

app_name = "transfers"
urlpatterns = [
    path("", views.group_list, name="groups"),
    path("plan/", views.plan, name="plan"),
    path("roster/", views.roster, name="roster"),
    path("capacity/", views.capacity, name="capacity"),
    path("places/", views.places, name="places"),
    path("shelters/<slug:code>/", views.shelter_edit, name="shelter_edit"),
    path("person/<uuid:pk>/timeline/", views.person_timeline, name="timeline"),
    path("<uuid:pk>/", views.group_detail, name="group"),
    path("<uuid:pk>/approve/", views.group_step, {"step": "approve"}, name="approve"),
    path("<uuid:pk>/depart/", views.group_step, {"step": "depart"}, name="depart"),
    path("<uuid:pk>/arrive/", views.group_step, {"step": "arrive"}, name="arrive"),
    path("<uuid:pk>/cancel/", views.group_step, {"step": "cancel"}, name="cancel"),
    path("<uuid:pk>/manifest.csv", views.manifest, {"fmt": "csv"}, name="manifest_csv"),
    path("<uuid:pk>/manifest.pdf", views.manifest, {"fmt": "pdf"}, name="manifest_pdf"),
]

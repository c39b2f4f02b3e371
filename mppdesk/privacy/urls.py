"""Privacy pages: subject-access downloads and erasure. URLs carry only random UUIDs."""

from django.urls import path

from mppdesk.privacy import views

app_name = "privacy"
urlpatterns = [
    path("people/<uuid:pk>/export.<str:fmt>", views.subject_export, name="export"),
    path("people/<uuid:pk>/erase/", views.erase_person, name="erase"),
]

"""Assistance pages. URLs carry only random UUIDs (of people)."""

from django.urls import path

from mppdesk.assistance import views

app_name = "assistance"
urlpatterns = [
    path("work", views.worklist, name="worklist"),
    path("providers", views.providers, name="providers"),
    path("transport", views.transport, name="transport"),
    path("people/<uuid:pk>", views.person, name="person"),
    path("people/<uuid:pk>/documents", views.add_document, name="add_document"),
    path("people/<uuid:pk>/documents/status", views.document_status, name="document_status"),
    path("people/<uuid:pk>/needs", views.add_need, name="add_need"),
    path("people/<uuid:pk>/needs/status", views.need_status, name="need_status"),
    path("people/<uuid:pk>/refer", views.refer, name="refer"),
    path("people/<uuid:pk>/referrals/outcome", views.referral_outcome, name="referral_outcome"),
    path("people/<uuid:pk>/letter", views.letter, name="letter"),
]

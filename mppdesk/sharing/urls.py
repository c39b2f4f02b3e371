"""Referral pages. URLs carry only random UUIDs (of people and of referrals)."""

from django.urls import path

from mppdesk.sharing import views

app_name = "sharing"
urlpatterns = [
    path("incoming", views.incoming, name="incoming"),
    path("outgoing", views.outgoing, name="outgoing"),
    path("people/<uuid:pk>/access", views.person_access, name="person_access"),
    path("people/<uuid:pk>/refer", views.refer, name="refer"),
    path("referrals/<uuid:pk>/accept", views.accept, name="accept"),
    path("referrals/<uuid:pk>/reject", views.reject, name="reject"),
    path("referrals/<uuid:pk>/revoke", views.revoke, name="revoke"),
]

"""Self-service URLs, at the site root (no namespace: short names for the lead's URL
walk): the public hook and pages, and the case worker's unlock. No personal data in
any of them."""

from django.urls import path

from mppdesk.selfservice import views

urlpatterns = [
    path("hooks/twilio/inbound", views.twilio_inbound, name="twilio_inbound"),
    path("consulta", views.lookup_es, name="selfservice_es"),
    path("lookup", views.lookup_en, name="selfservice_en"),
    path("pt/consulta", views.lookup_pt, name="selfservice_pt"),
    path("ht/odyans", views.lookup_ht, name="selfservice_ht"),
    path("fr/audience", views.lookup_fr, name="selfservice_fr"),
    path("selfservice/cases/<uuid:pk>/unlock", views.unlock_case, name="selfservice_unlock"),
]

"""Public self-service URLs, at the site root (no namespace: short names for the lead's
URL walk). No personal data in any of them."""

from django.urls import path

from mppdesk.selfservice import views

urlpatterns = [
    path("hooks/twilio/inbound", views.twilio_inbound, name="twilio_inbound"),
    path("consulta", views.lookup_es, name="selfservice_es"),
    path("lookup", views.lookup_en, name="selfservice_en"),
]

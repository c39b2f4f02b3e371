"""Included at ``hooks/twilio/`` without a namespace (the URL name is ``twilio_status``)."""

from django.urls import path

from mppdesk.messaging import views

urlpatterns = [
    path("status", views.twilio_status, name="twilio_status"),
]

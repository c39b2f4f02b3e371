"""Case-worker messaging pages under ``/messages/``. URLs carry UUIDs, template keys
(kind, channel, language) and program versions only."""

from django.urls import path

from mppdesk.messaging import web_views as views

app_name = "messaging"
urlpatterns = [
    path("at-risk/", views.at_risk, name="at_risk"),
    path("at-risk/export.csv", views.at_risk_export, name="at_risk_export"),
    path("person/<uuid:pk>/", views.person_messages, name="person"),
    path("person/<uuid:pk>/export.csv", views.person_messages_export, name="person_export"),
    path("person/<uuid:pk>/send/", views.send, name="send"),
    path("person/<uuid:pk>/send/preview/", views.send_preview, name="send_preview"),
    path("templates/", views.template_list, name="templates"),
    path(
        "templates/<str:kind>/<str:channel>/<str:language>/",
        views.template_edit,
        name="template_edit",
    ),
    path(
        "templates/<str:kind>/<str:channel>/<str:language>/preview/",
        views.template_preview,
        name="template_preview",
    ),
    path(
        "templates/<str:kind>/<str:channel>/<str:language>/reset/",
        views.template_reset,
        name="template_reset",
    ),
    path("policies/", views.policy_list, name="policies"),
    path("policies/<str:program_version>/", views.policy_edit, name="policy_edit"),
    path("<uuid:pk>/timeline/", views.message_timeline, name="timeline"),
]

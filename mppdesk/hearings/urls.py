"""Hearing pages. URLs carry docket numbers, proposal numbers and random UUIDs only."""

from django.urls import path

from mppdesk.hearings import views

app_name = "hearings"
urlpatterns = [
    path("dockets/", views.calendar, name="calendar"),
    path("dockets/generate/", views.generate, name="generate"),
    path("dockets/<int:pk>/", views.docket_detail, name="docket"),
    path("dockets/<int:pk>/roll-call/", views.roll_call, name="roll_call"),
    path("upcoming/", views.upcoming, name="upcoming"),
    path("upcoming/export.csv", views.upcoming_export, name="upcoming_export"),
    path("no-contact/", views.no_contact, name="no_contact"),
    path("no-contact/export.csv", views.no_contact_export, name="no_contact_export"),
    path("follow-ups/", views.follow_up_list, name="follow_ups"),
    path("follow-ups/<uuid:pk>/", views.follow_up_detail, name="follow_up"),
    path("follow-ups/<uuid:pk>/update/", views.follow_up_update, name="follow_up_update"),
    path("follow-ups/<uuid:pk>/evidence.pdf", views.evidence_pdf, name="evidence_pdf"),
    path("follow-ups/<uuid:pk>/evidence.zip", views.evidence_zip, name="evidence_zip"),
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/<int:pk>/", views.proposal_detail, name="proposal"),
    path("schedule/<int:pk>/commit/", views.proposal_commit, name="proposal_commit"),
    path("schedule/<int:pk>/discard/", views.proposal_discard, name="proposal_discard"),
    path("people/<uuid:pk>/", views.person_panel, name="person_panel"),
    path("cases/<uuid:pk>/", views.case_panel, name="case_panel"),
    path("<uuid:pk>/", views.hearing_detail, name="detail"),
    path("<uuid:pk>/notices/", views.record_notice, name="record_notice"),
    path("<uuid:pk>/notices/<uuid:notice_pk>/served/", views.mark_served, name="notice_served"),
    path("<uuid:pk>/notices/<uuid:notice_pk>/pdf/", views.notice_download, name="notice_pdf"),
    path("<uuid:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("<uuid:pk>/continue/", views.continue_hearing, name="continue"),
    path("<uuid:pk>/cancel/", views.cancel, name="cancel"),
    path("<uuid:pk>/outcome/", views.record_outcome, name="outcome"),
]

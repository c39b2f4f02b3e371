"""Screening pages. URLs carry random UUIDs only."""

from django.urls import path

from mppdesk.screening import views

app_name = "screening"
urlpatterns = [
    path("queue/", views.review_queue, name="queue"),
    path("rules/", views.current_rules, name="rules"),
    path("people/<uuid:pk>/", views.person_screening, name="person"),
    path("people/<uuid:pk>/facts/", views.person_facts, name="person_facts"),
    path("people/<uuid:pk>/screen/", views.person_screen, name="person_screen"),
    path("people/<uuid:pk>/interviews/", views.person_interview, name="person_interview"),
    path("decisions/<uuid:pk>/review/", views.decision_review, name="decision_review"),
    path("households/<uuid:pk>/", views.household_screening, name="household"),
    path("households/<uuid:pk>/screen/", views.household_screen, name="household_screen"),
    path("households/<uuid:pk>/review/", views.household_review, name="household_review"),
]

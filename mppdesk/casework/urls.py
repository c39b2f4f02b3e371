"""Casework pages; URLs carry random UUIDs only."""

from django.urls import path

from mppdesk.casework import views

app_name = "casework"
urlpatterns = [
    path("tasks/", views.my_tasks, name="tasks"),
    path("tasks/<uuid:pk>/status/", views.task_status, name="task_status"),
    path("team/", views.team, name="team"),
    path("cases/<uuid:pk>/assign/", views.assign, name="assign"),
    path("cases/<uuid:pk>/assign-me/", views.assign_me, name="assign_me"),
    path("assignments/<uuid:pk>/remove/", views.unassign, name="unassign"),
    path("cases/<uuid:pk>/tasks/", views.add_task, name="add_task"),
    path("cases/<uuid:pk>/notes/", views.add_note, name="add_note"),
    path("cases/<uuid:pk>/documents/", views.upload, name="upload"),
    path("documents/<uuid:pk>/", views.download, name="download"),
]

"""The simulator page. The query string holds only the scenario and the lever."""

from django.urls import path

from mppdesk.sim import views

app_name = "sim"
urlpatterns = [
    path("", views.index, name="index"),
]

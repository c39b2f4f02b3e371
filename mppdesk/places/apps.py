from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "mppdesk.places"
    label = "places"

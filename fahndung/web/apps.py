from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "fahndung.web"
    label = "web"

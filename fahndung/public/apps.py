from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "fahndung.public"
    label = "public"

from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "fahndung.publishing"
    label = "publishing"

from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "fahndung.lifecycle"
    label = "lifecycle"

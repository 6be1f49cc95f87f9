from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "fahndung.tips"
    label = "tips"

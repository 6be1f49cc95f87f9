from django.apps import AppConfig


class PostersConfig(AppConfig):
    name = "fahndung.posters"
    label = "posters"

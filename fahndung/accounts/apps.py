from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_role_groups(sender, using="default", **kwargs):
    """Role groups are data, created by migration 0002; a database flush (as transactional
    tests do) removes them, so they are restored on every post_migrate, idempotently."""
    from django.contrib.auth.models import Group

    from fahndung.accounts.roles import ALL_ROLES

    for name in ALL_ROLES:
        Group.objects.using(using).get_or_create(name=name)


class AccountsConfig(AppConfig):
    name = "fahndung.accounts"
    label = "accounts"

    def ready(self) -> None:
        post_migrate.connect(ensure_role_groups, sender=self)

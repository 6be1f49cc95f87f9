"""``manage.py create_api_token USERNAME [--revoke]`` – print (or revoke) a user's API token."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from fahndung.accounts.selectors import user_by_username
from fahndung.accounts.services import api_token_create, api_token_revoke
from fahndung.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Erzeugt ein API-Token für USERNAME (ersetzt ein vorhandenes) oder widerruft es mit --revoke."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--revoke", action="store_true", help="Token widerrufen statt erzeugen.")

    def handle(self, *args, username: str, revoke: bool, **options):
        try:
            user = user_by_username(username=username)
            if revoke:
                existed = api_token_revoke(user=user)
                self.stderr.write("Token widerrufen." if existed else "Kein Token vorhanden.")
                return
            self.stdout.write(api_token_create(user=user))
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

"""``manage.py totp_code USERNAME`` – print the current TOTP code of a demo account.

Demo only: refused unless FAHNDUNG_DEBUG is true, because printing a second factor on the
server defeats its purpose in production.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from fahndung.accounts.selectors import user_by_username
from fahndung.accounts.services import totp_current_code
from fahndung.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Zeigt den aktuellen TOTP-Code eines Demo-Kontos (nur mit FAHNDUNG_DEBUG=true)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        try:
            self.stdout.write(totp_current_code(user=user_by_username(username=username)))
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

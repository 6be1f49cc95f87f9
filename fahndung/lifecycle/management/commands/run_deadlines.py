"""Run the deadline sweep once (same as the beat task sweep_deadlines)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Ablauf, erloschene Eilanordnungen, Überprüfungen, Warnungen, Eskalationen und Rücknahme-Mails."

    def handle(self, *args, **options):
        from fahndung.lifecycle.services import deadlines_run

        self.stdout.write(json.dumps(deadlines_run()))

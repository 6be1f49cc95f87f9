"""Delete closed appeals past FAHNDUNG_RETENTION_DAYS (R19); logged as "retention.purge"."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Löscht erledigte Fahndungen nach Ablauf der Aufbewahrungsfrist (mit Protokoll)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="nur anzeigen, nichts löschen")

    def handle(self, *args, **options):
        from fahndung.lifecycle.services import records_purge_expired

        self.stdout.write(json.dumps(records_purge_expired(dry_run=options["dry_run"]), default=str))

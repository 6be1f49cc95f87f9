"""Print open takedowns, manual tasks and the oldest divergence (also --json)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Zeigt offene Löschungen und die älteste Abweichung (Soll ≠ Ist)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        from fahndung.lifecycle.selectors import takedown_status

        status = takedown_status()
        if options["json"]:
            self.stdout.write(json.dumps(status, default=str))
            return
        oldest = status["oldest_divergence_seconds"]
        self.stdout.write(f"oldest divergence: {oldest:.1f} s" if oldest is not None else "oldest divergence: none")
        self.stdout.write(
            f"open takedowns: {len(status['open_takedowns'])}, manual tasks open: {status['manual_tasks_open']} "
            f"(overdue {status['manual_tasks_overdue']})"
        )
        for row in status["open_takedowns"]:
            self.stdout.write(
                f"  #{row['id']} {row['file_number']} {row['platform']} {row['state']} age {row['age_seconds']:.0f} s "
                f"attempts {row['attempts']} {row['last_error'][:80]}"
            )

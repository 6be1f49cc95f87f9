"""Run the takedown reconciliation sweep once (same as the beat task sweep_reconcile).

--inline runs the due withdraws in this process instead of enqueueing them (useful
while no worker runs)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Gleicht Soll- und Ist-Zustand der Veröffentlichungen ab und stößt Löschungen an."

    def add_arguments(self, parser):
        parser.add_argument("--inline", action="store_true", help="Löschungen direkt hier ausführen")

    def handle(self, *args, **options):
        from fahndung.lifecycle.services import takedown_attempt, takedowns_reconcile

        if not options["inline"]:
            self.stdout.write(json.dumps(takedowns_reconcile()))
            return
        from fahndung.lifecycle.models import Takedown

        result = takedowns_reconcile(dispatch=False)
        due = list(Takedown.objects.filter(dispatched_until__isnull=False, state__in=["pending", "deleting", "manual_required"]).values_list("pk", flat=True))
        outcomes = [takedown_attempt(takedown_id=pk, owner=f"cli-{pk}") for pk in due]
        result["inline"] = {state: outcomes.count(state) for state in set(outcomes)}
        self.stdout.write(json.dumps(result))

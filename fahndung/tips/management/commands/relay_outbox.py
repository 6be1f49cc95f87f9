"""relay_outbox: move pending tip outbox rows to Celery (once, or --loop).

Runs independently of beat, so a stuck beat or broker never blocks follow-up work for
long; several relays may run at once (rows are claimed with SKIP LOCKED).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from fahndung.tips import services
from fahndung.tips.tasks import publish


class Command(BaseCommand):
    help = "Hand pending outbox messages of the tips app to Celery."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep relaying")
        parser.add_argument("--interval", type=float, default=2.0)
        parser.add_argument("--requeue-failed", action="store_true", help="reset FAILED rows to pending first")

    def handle(self, *args, loop: bool = False, interval: float = 2.0, requeue_failed: bool = False, **options):
        if requeue_failed:
            self.stdout.write(f"requeued {services.outbox_requeue_failed()} failed message(s)")
        while True:
            result = services.outbox_sweep(publish=publish)
            self.stdout.write(
                f"sent {result['sent']}, failed {result['failed']}, pending {result['pending']}, digests {result['digests']}"
            )
            if not loop:
                return
            time.sleep(interval)

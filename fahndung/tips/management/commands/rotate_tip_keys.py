"""rotate_tip_keys: re-encrypt tips under the first key of FAHNDUNG_TIPS_KEYS.

Procedure: prepend the new key (FAHNDUNG_TIPS_KEYS=new,old), restart, run this command,
then remove the old key.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from fahndung.tips import services


class Command(BaseCommand):
    help = "Re-encrypt tip fields and re-wrap attachment keys with the current key."

    def handle(self, *args, **options):
        counts = services.tip_keys_rotate()
        for name, n in counts.items():
            self.stdout.write(f"{name}: {n}")

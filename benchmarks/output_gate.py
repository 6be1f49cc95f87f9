"""Benchmark: what the output gate costs when a public rendering is built (cache miss).

    uv run python benchmarks/output_gate.py [--appeals 20] [--rounds 30] [--cold]

Runs in-process against a fresh SQLite database in a temporary directory: seeds N published
appeals (persons with all description fields, withheld facts, a name), then renders the
list page, every appeal page, the RSS feed and the JSON list with an empty cache – once with
the gate and once with the gate's check replaced by "no problems" – alternating per round.
Prints per channel the median render time with and without the gate and ends with

    output_gate: list <r>, page <r>, rss <r>, json <r>   (ratio with gate ÷ without)

--cold also clears the normaliser's memo (textnorm.normalise/tokens are lru-cached: the same
texts recur in every rendering) before each rendering: the worst case.

Cached pages (the hot path of a viral page) never run the gate: it runs once per rendering.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--appeals", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--cold", action="store_true", help="clear the normaliser's memo before each rendering")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-gate-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/db.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fahndung.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    from datetime import timedelta

    from fahndung.appeals import textnorm
    from fahndung.appeals.choices import Status
    from fahndung.appeals.models import Person
    from fahndung.core import clock
    from fahndung.public import services as public_services
    from tests.factories import AppealFactory, LegalOrderFactory, UnitFactory, UserFactory

    unit = UnitFactory(code="bench")
    owner = UserFactory(username="bench-owner")
    slugs = []
    for i in range(args.appeals):
        appeal = AppealFactory(owner=owner, unit=unit, status=Status.PUBLISHED, is_dangerous=i % 3 == 0,
                               published_at=clock.now() - timedelta(hours=1), district=f"Bezirk {i}",
                               withheld_facts="Zurückgelassen wurde eine goldene Taschenuhr mit Gravur MK 77.\n"
                                              "Der Täter sprach von einem Treffpunkt am Hafen.")
        LegalOrderFactory(appeal=appeal)
        Person.objects.filter(appeal=appeal).update(
            name="Bernd Verdachtmann", alias="Kobaltfalke", eyes="braun", appearance="gepflegt",
            distinguishing_marks="Narbe an der linken Hand", languages="schwäbischer Dialekt",
            items_carried="schwarzer Rucksack", last_seen_place="Hauptbahnhof",
            published_fields=Person.default_published_fields())
        slugs.append(appeal.slug)

    client = Client()
    urls = {"list": ["/fahndung/"], "page": [f"/fahndung/{s}/" for s in slugs],
            "rss": ["/fahndung/feed.rss"], "json": ["/api/v1/public/appeals/?limit=100"]}
    real = public_services.output_problems
    timings: dict[tuple[str, bool], list[float]] = {}
    for round_no in range(args.rounds):
        for gate_on in ((True, False) if round_no % 2 == 0 else (False, True)):
            public_services.output_problems = real if gate_on else (lambda **_kw: {})
            for name, paths in urls.items():
                start = time.perf_counter()
                for path in paths:
                    cache.clear()
                    if args.cold:  # the normaliser's memo too: nothing seen before
                        textnorm.normalise.cache_clear()
                        textnorm.tokens.cache_clear()
                    response = client.get(path)
                    assert response.status_code == 200, (path, response.status_code)
                timings.setdefault((name, gate_on), []).append((time.perf_counter() - start) / len(paths))
    public_services.output_problems = real
    ratios = []
    for name in urls:
        with_gate = statistics.median(timings[(name, True)]) * 1000
        without = statistics.median(timings[(name, False)]) * 1000
        ratios.append(f"{name} {with_gate / without:.2f}")
        print(f"{name}: {with_gate:.1f} ms with gate, {without:.1f} ms without (median per rendering)")
    print(("output_gate (cold): " if args.cold else "output_gate: ") + ", ".join(ratios))


if __name__ == "__main__":
    main()

"""`manage.py demo`: migrate, seed demo accounts and appeals, then run the whole system
in the foreground — web server, Celery worker, beat scheduler and the local fake
platform server — until Ctrl-C stops all of them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import BaseCommand, call_command

from fahndung.core.net import wait_for_port


class Command(BaseCommand):
    help = "Start the demo: web server, Celery worker and beat, fake platforms (Ctrl-C stops all)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--fake-port", type=int, default=8765, help="port of the local fake platform server")
        parser.add_argument("--no-serve", action="store_true", help="only migrate and seed, then exit")

    def handle(self, *args, port: int, fake_port: int, no_serve: bool, **options):
        # SIGTERM (e.g. from a process manager) stops the children just like Ctrl-C.
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        fake_url = f"http://127.0.0.1:{fake_port}"
        env = self._child_env(port, fake_url)
        os.environ.update(env)  # seeding publishes through the same adapter configuration
        settings.PUBLIC_BASE_URL = env["FAHNDUNG_PUBLIC_BASE_URL"].rstrip("/")  # links in seeded posts

        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS("Datenbank migriert."))
        procs: list[subprocess.Popen] = []
        try:
            if not no_serve:
                procs.append(self._spawn([sys.executable, "-m", "fakeplatform", "--port", str(fake_port)], env))
                self._wait_for_port(fake_port)
            from fahndung.core.demo import (
                DEMO_PASSWORD,
                demo_accounts_ensure,
                demo_appeals_seed,
                demo_sample_photo_write,
            )

            accounts = demo_accounts_ensure()
            seeded = demo_appeals_seed()
            self._print_accounts(accounts, DEMO_PASSWORD, port, fake_url, seeded)
            sample = demo_sample_photo_write()
            if sample:
                self.stdout.write(f"Beispielfoto (Menschenmenge) zum Hochladen in einer Fahndung: {sample}\n")
            if no_serve:
                return
            python = sys.executable
            procs.append(self._spawn([python, "-m", "celery", "-A", "fahndung", "worker", "--loglevel", "INFO",
                                      "--concurrency", "2", "--without-gossip", "--without-mingle"], env))
            procs.append(self._spawn([python, "-m", "celery", "-A", "fahndung", "beat", "--loglevel", "INFO",
                                      "--schedule", str(settings.VAR_DIR / "celerybeat-schedule")], env))
            procs.append(self._spawn([python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], env))
            self.stdout.write(self.style.SUCCESS(f"Läuft: http://127.0.0.1:{port}/  (Strg-C beendet alles)"))
            while all(p.poll() is None for p in procs):
                time.sleep(0.5)
            failed = [p for p in procs if p.poll() is not None]
            self.stderr.write(f"Ein Teilprozess wurde beendet ({failed[0].args[2:4]}); alles wird gestoppt.")
        except KeyboardInterrupt:
            self.stdout.write("\nBeende …")
        finally:
            self._stop(procs)

    def _child_env(self, port: int, fake_url: str) -> dict[str, str]:
        env = {**os.environ, "FAHNDUNG_PUBLIC_BASE_URL": os.environ.get("FAHNDUNG_PUBLIC_BASE_URL", f"http://127.0.0.1:{port}"),
               "PYTHONUNBUFFERED": "1",
               # The demo's pages are public: German error pages, never Django's debug pages.
               "FAHNDUNG_DEBUG_PAGES": "false"}
        try:
            from fakeplatform import demo_env

            env.update({k: v for k, v in demo_env(fake_url).items() if k not in os.environ})
        except ImportError:  # the fake platform server is part of the publishing area
            pass
        return env

    def _spawn(self, cmd: list[str], env: dict[str, str]) -> subprocess.Popen:
        # New process group: Ctrl-C reaches us once and we stop the children in order.
        return subprocess.Popen(cmd, cwd=settings.BASE_DIR, env=env, start_new_session=True)

    def _wait_for_port(self, port: int, timeout: float = 15.0) -> None:
        if not wait_for_port(port, timeout):
            self.stderr.write(f"Fake-Plattform auf Port {port} antwortet nicht.")

    def _stop(self, procs: list[subprocess.Popen]) -> None:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for p in procs:
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)

    def _print_accounts(self, accounts, password: str, port: int, fake_url: str, seeded: list[int]) -> None:
        w = self.stdout.write
        w("")
        w(self.style.MIGRATE_HEADING(f"Demo-Konten (Passwort für alle: {password})"))
        for acc, _uri in accounts:
            w(f"  {acc.username:<14} {acc.label}")
        w("Zweiter Faktor (TOTP) ist vorab eingerichtet. Aktuellen Code anzeigen:")
        w("  uv run python manage.py totp_code investigator")
        w(f"  (oder den Schlüssel in eine Authenticator-App übernehmen: {accounts[0][1]})")
        w("API-Token für Skripte: uv run python manage.py create_api_token investigator")
        w("")
        w(f"Mitarbeiter-Oberfläche: http://127.0.0.1:{port}/staff/")
        w(f"Öffentliche Fahndungen: http://127.0.0.1:{port}/fahndung/   RSS: /fahndung/feed.rss   JSON: /api/v1/public/appeals/")
        w(f"API-Dokumentation:      http://127.0.0.1:{port}/api/v1/docs/")
        w(f"Fake-Plattformen:       {fake_url}/_control/posts")
        if seeded:
            w(f"Beispiel-Fahndungen angelegt: {', '.join(map(str, seeded))}")
        w("")

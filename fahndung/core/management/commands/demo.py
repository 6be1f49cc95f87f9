"""`manage.py demo`: migrate, seed demo accounts and appeals, then run the whole system
in the foreground — web server, Celery worker, beat scheduler and the local fake
platform server — until Ctrl-C stops all of them.

Ports: `--port` (web, default 8000 when free, else any free port) and `--fake-port` (fake
platform server, default any free port); an explicitly given port that is taken is an
error. A child that cannot start ends the demo with a non-zero exit code; a child that
dies later is restarted (at most MAX_RESTARTS times per RESTART_WINDOW seconds, then the
demo stops with a non-zero exit code) while the others keep running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command

from fahndung.core.net import free_port, port_free, wait_for_port

MAX_RESTARTS = 5
RESTART_WINDOW = 120.0
START_TIMEOUT = 30.0


@dataclass
class Child:
    name: str
    cmd: list[str]
    port: int | None = None  # the child must listen here to count as started
    proc: subprocess.Popen | None = None
    restarts: list[float] = field(default_factory=list)


class Command(BaseCommand):
    help = "Start the demo: web server, Celery worker and beat, fake platforms (Ctrl-C stops all)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=None,
                            help="port of the web server (default 8000 if free, else a free port)")
        parser.add_argument("--fake-port", type=int, default=None,
                            help="port of the local fake platform server (default: a free port)")
        parser.add_argument("--no-serve", action="store_true", help="only migrate and seed, then exit")

    def handle(self, *args, port: int | None, fake_port: int | None, no_serve: bool, **options):
        # SIGTERM (e.g. from a process manager) stops the children just like Ctrl-C.
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        port = self._choose_port(port, preferred=8000, what="--port")
        fake_port = self._choose_port(fake_port, preferred=None, what="--fake-port")
        fake_url = f"http://127.0.0.1:{fake_port}"
        env = self._child_env(port, fake_url)
        os.environ.update(env)  # seeding publishes through the same adapter configuration
        settings.PUBLIC_BASE_URL = env["FAHNDUNG_PUBLIC_BASE_URL"].rstrip("/")  # links in seeded posts

        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS("Datenbank migriert."))
        python = sys.executable
        children: list[Child] = []
        try:
            if not no_serve:
                fake = Child("fake-platform", [python, "-m", "fakeplatform", "--port", str(fake_port)], port=fake_port)
                children.append(fake)
                self._start(fake, env)
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
            for child in (
                Child("worker", [python, "-m", "celery", "-A", "fahndung", "worker", "--loglevel", "INFO",
                                 "--concurrency", "2", "--without-gossip", "--without-mingle"]),
                Child("beat", [python, "-m", "celery", "-A", "fahndung", "beat", "--loglevel", "INFO",
                               "--schedule", str(settings.VAR_DIR / "celerybeat-schedule")]),
                Child("web", [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], port=port),
            ):
                children.append(child)
                self._start(child, env)
            self.stdout.write(self.style.SUCCESS(f"Läuft: http://127.0.0.1:{port}/  (Strg-C beendet alles)"))
            self._supervise(children, env)
        except KeyboardInterrupt:
            self.stdout.write("\nBeende …")
        finally:
            self._stop([c.proc for c in children if c.proc is not None])

    def _choose_port(self, requested: int | None, *, preferred: int | None, what: str) -> int:
        if requested is not None:
            if not port_free(requested):
                raise CommandError(f"{what} {requested}: der Port ist belegt. Anderen Port wählen oder die Option weglassen.")
            return requested
        if preferred is not None and port_free(preferred):
            return preferred
        return free_port()

    def _start(self, child: Child, env: dict[str, str]) -> None:
        # New process group: Ctrl-C reaches us once and we stop the children in order.
        child.proc = subprocess.Popen(child.cmd, cwd=settings.BASE_DIR, env=env, start_new_session=True)
        if child.port is not None:
            deadline = time.monotonic() + START_TIMEOUT
            while not wait_for_port(child.port, 0.5):
                if child.proc.poll() is not None or time.monotonic() > deadline:
                    raise CommandError(f"{child.name} konnte nicht starten (Port {child.port}, "
                                       f"Exit-Code {child.proc.poll()}).")
        elif child.proc.poll() is not None:
            raise CommandError(f"{child.name} konnte nicht starten (Exit-Code {child.proc.returncode}).")
        self.stdout.write(f"gestartet: {child.name} (PID {child.proc.pid})")

    def _supervise(self, children: list[Child], env: dict[str, str]) -> None:
        """Restart a child that died; give up (non-zero) when one keeps dying."""
        while True:
            time.sleep(0.5)
            for child in children:
                code = child.proc.poll() if child.proc else None
                if code is None:
                    continue
                now = time.monotonic()
                child.restarts = [t for t in child.restarts if now - t < RESTART_WINDOW] + [now]
                if len(child.restarts) > MAX_RESTARTS:
                    raise CommandError(f"{child.name} endet immer wieder (zuletzt Exit-Code {code}); die Demo wird beendet.")
                self.stderr.write(f"{child.name} wurde beendet (Exit-Code {code}) und wird neu gestartet.")
                self._start(child, env)

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

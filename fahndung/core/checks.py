"""Deploy checks of the shared infrastructure (`manage.py check --deploy`).

A production node must share its broker and cache with every other node: the embedded
defaults (a broker in local files or in memory, a per-process memory cache) work for the
one-process demo only. With them rate limits, login lockouts and page caches count per
process, and tasks written by one node never reach another node's workers.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

from fahndung.core.middleware import parse_networks

# Brokers that live inside one host or one process.
_LOCAL_BROKERS = ("filesystem://", "memory://", "sqla+sqlite:", "sqlalchemy+sqlite:")
_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
)


@register(Tags.security, Tags.caches, deploy=True)
def check_shared_infrastructure(app_configs=None, **kwargs) -> list[Error]:
    errors = []
    broker = str(getattr(settings, "CELERY_BROKER_URL", "") or "")
    if not broker or broker.lower().startswith(_LOCAL_BROKERS):
        errors.append(Error(
            f"CELERY_BROKER_URL={broker or '(leer)'} ist ein lokaler Broker (nur für die Demo).",
            hint="In Produktion einen gemeinsamen Broker setzen, z. B. CELERY_BROKER_URL=redis://redis:6379/0.",
            id="fahndung.E001",
        ))
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in _LOCAL_CACHES:
        errors.append(Error(
            f"Der Cache ({backend.rsplit('.', 1)[-1]}) gilt nur für einen Prozess: Ratenbegrenzung, "
            "Anmeldesperren und Seiten-Cache wären je Prozess getrennt.",
            hint="FAHNDUNG_CACHE_URL=redis://redis:6379/1 setzen.",
            id="fahndung.E002",
        ))
    return errors


@register(Tags.security)
def check_trusted_proxies(app_configs=None, **kwargs) -> list[Error]:
    entries = tuple(getattr(settings, "FAHNDUNG_TRUSTED_PROXIES", ()) or ())
    try:
        parse_networks(entries)
    except ValueError as exc:
        return [Error(f"FAHNDUNG_TRUSTED_PROXIES: „{exc}“ ist keine IP-Adresse und kein Netz.",
                      hint="Kommagetrennt, z. B. 10.0.0.5,10.1.0.0/16,::1.", id="fahndung.E005")]
    return []

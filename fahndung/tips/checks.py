"""Deploy check of the tips app: without FAHNDUNG_TIPS_KEYS every public tip would answer
500 once DEBUG is off (tips are encrypted at rest; there is no production fallback key)."""

from __future__ import annotations

from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from fahndung.tips import conf, crypto


@register(Tags.security, deploy=True)
def check_tips_keys(app_configs=None, **kwargs) -> list[Error]:
    keys = conf.tips_keys()
    if not keys:
        return [Error(
            "FAHNDUNG_TIPS_KEYS ist nicht gesetzt: Hinweise können nicht verschlüsselt gespeichert werden.",
            hint="Einen Fernet-Schlüssel erzeugen (python -c 'from cryptography.fernet import Fernet; "
                 "print(Fernet.generate_key().decode())') und als FAHNDUNG_TIPS_KEYS oder _FILE setzen.",
            id="fahndung.E003",
        )]
    try:
        crypto.fernet()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), hint="Jeder Schlüssel muss ein Fernet-Schlüssel sein (44 Zeichen, Base64).",
                      id="fahndung.E004")]
    return []

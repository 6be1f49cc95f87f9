"""Adapter registry: platform -> module (imported lazily, so an unused client library is
never loaded), accounts from the environment (publishing.conf).

Public surface: adapter_for(account_key) -> Adapter, capabilities_for(platform),
configured_accounts() -> list[AccountConfig].
"""

from __future__ import annotations

import importlib

from fahndung.publishing import conf
from fahndung.publishing.adapters.base import Adapter, AdapterError, Capabilities

MODULES = {
    "website": "fahndung.publishing.adapters.website",
    "x": "fahndung.publishing.adapters.x",
    "facebook": "fahndung.publishing.adapters.meta",
    "instagram": "fahndung.publishing.adapters.meta",
    "mastodon": "fahndung.publishing.adapters.mastodon",
    "bluesky": "fahndung.publishing.adapters.bluesky",
    "linkedin": "fahndung.publishing.adapters.linkedin",
    "whatsapp": "fahndung.publishing.adapters.manual",
    "press": "fahndung.publishing.adapters.manual",
    "poster": "fahndung.publishing.adapters.manual",
}


def configured_accounts() -> list[conf.AccountConfig]:
    return conf.accounts_from_env()


def _module(platform: str):
    try:
        return importlib.import_module(MODULES[platform])
    except KeyError:
        raise AdapterError(f"Unbekannte Plattform „{platform}“.", permanent=True) from None


def adapter_for(account_key: str) -> Adapter:
    platform = account_key.split(":", 1)[0]
    if account_key == conf.WEBSITE_ACCOUNT:
        account = conf.AccountConfig("website", "main", {"LABEL": conf.PLATFORM_LABELS["website"]})
    else:
        account = conf.account_get(account_key)
        if account is None:
            raise AdapterError(
                f"Das Konto „{account_key}“ ist nicht (mehr) konfiguriert.", permanent=True
            )
    return _module(platform).build(account)


def capabilities_for(platform: str, account: conf.AccountConfig | None = None) -> Capabilities:
    module = _module(platform)
    caps = getattr(module, "capabilities", None)
    return caps(platform, account) if callable(caps) else module.CAPABILITIES

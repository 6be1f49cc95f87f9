"""Own website: "publishing" means the public appeal page is live (R7: the canonical place).

The page itself is rendered by fahndung.public from the appeal's status; this adapter only
records the URL and checks liveness, so the website shows up in the same publication list
as the platforms and takedown can verify it like any other channel.
"""

from __future__ import annotations

from fahndung.publishing.adapters.base import AdapterError, Capabilities, Payload, RemoteRef
from fahndung.publishing.conf import AccountConfig

CAPABILITIES = Capabilities(can_delete=True)


class WebsiteAdapter:
    platform = "website"
    capabilities = CAPABILITIES

    def __init__(self, account: AccountConfig) -> None:
        self.account = account.key
        self.label = account.label
        self.recorder = None

    @staticmethod
    def _slug(link: str) -> str:
        return link.rstrip("/").rsplit("/", 1)[-1]

    def publish(self, payload: Payload) -> RemoteRef:
        slug = self._slug(payload.link)
        if not self.verify(RemoteRef(slug, payload.link)):
            raise AdapterError("Die Fahndungsseite ist noch nicht öffentlich.", permanent=False)
        return RemoteRef(slug, payload.link)

    def withdraw(self, ref: RemoteRef) -> None:
        # The public page follows the appeal status (closed -> neutral notice); nothing to call.
        return None

    def verify(self, ref: RemoteRef) -> bool:
        from fahndung.appeals.choices import Status
        from fahndung.appeals.models import Appeal

        return Appeal.objects.filter(slug=ref.external_id, status=Status.PUBLISHED).exists()

    def find_existing(self, payload: Payload) -> RemoteRef | None:
        return None


def build(account: AccountConfig) -> WebsiteAdapter:
    return WebsiteAdapter(account)

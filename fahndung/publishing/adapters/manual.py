"""Manual channels without a usable API (WhatsApp channel, media partners by e-mail,
posters): a person publishes and removes. Publishing is tracked as a ManualPublishTask with
copy-ready text and instructions; removal as lifecycle's ManualTakedownTask, which shows the
_WITHDRAW steps via publishing.selectors.withdraw_instructions (platforms.md §2: WhatsApp
cannot be revoked by API).
"""

from __future__ import annotations

from fahndung.publishing.adapters.base import AdapterError, Capabilities, Payload, RemoteRef
from fahndung.publishing.conf import AccountConfig

CAPABILITIES = Capabilities(can_delete=False, manual=True)

_PUBLISH = {
    "whatsapp": "Text unten im WhatsApp-Kanal „{target}“ veröffentlichen (ohne Foto), danach hier bestätigen.",
    "press": "Pressemitteilung unten per E-Mail an die Medienpartner senden: {target}. Danach hier bestätigen.",
    "poster": "Plakat (PDF auf der Fahndungsseite im Staff-Bereich) an diesen Orten aushängen: {target}. Danach bestätigen.",
}
_WITHDRAW = {
    "whatsapp": "Beitrag im WhatsApp-Kanal „{target}“ löschen. WhatsApp kann Kanal-Nachrichten nicht zuverlässig "
                "zurückrufen – Löschung prüfen und hier mit Notiz bestätigen.",
    "press": "Rücknahme-Hinweis an die Medienpartner senden ({target}): Fotos/Namen nicht mehr verwenden und "
             "aus Online-Beiträgen entfernen. Danach hier bestätigen.",
    "poster": "Plakate an diesen Orten abnehmen: {target}. Danach hier bestätigen.",
}
_TARGET_FIELD = {"whatsapp": "CHANNEL", "press": "RECIPIENTS", "poster": "LOCATIONS"}


class ManualAdapter:
    capabilities = CAPABILITIES

    def __init__(self, account: AccountConfig) -> None:
        self.platform = account.platform
        self.account = account.key
        self.label = account.label
        self.target = account.get(_TARGET_FIELD.get(account.platform, "LABEL"))
        self.recorder = None

    def instructions(self, kind: str) -> str:
        table = _WITHDRAW if kind == "withdraw" else _PUBLISH
        return table.get(self.platform, "Bitte manuell erledigen und bestätigen.").format(target=self.target)

    def publish(self, payload: Payload) -> RemoteRef:
        raise AdapterError("Manueller Kanal: eine Person veröffentlicht.", permanent=True)

    def withdraw(self, ref: RemoteRef) -> None:
        raise AdapterError("Manueller Kanal: eine Person muss den Beitrag entfernen.", permanent=True)

    def verify(self, ref: RemoteRef) -> bool:
        raise AdapterError("Manueller Kanal: nicht automatisch prüfbar.", permanent=True)

    def find_existing(self, payload: Payload) -> RemoteRef | None:
        return None


def build(account: AccountConfig) -> ManualAdapter:
    return ManualAdapter(account)

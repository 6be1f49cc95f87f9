"""German template set per appeal kind (R5, R7, R16, R20): no names, no person details –
platform posts carry a short text and the link; the page on our server holds the rest.

Placeholders: {offence} {place_phrase} {date_phrase} {headline}. Kinds without a value
drop the phrase. Witness templates never use "Täter"/"tatverdächtig" (R5), missing-person
templates never mention suicide (R20).
"""

from __future__ import annotations

from fahndung.appeals.choices import Kind

# summary: the one-sentence core of every post; short: the same in fewer words (short
# platforms, when the summary does not fit) – both complete sentences.
# body: an extra paragraph for long formats (Facebook, LinkedIn, Instagram, WhatsApp, press).
TEMPLATES: dict[str, dict[str, str]] = {
    Kind.SUSPECT_KNOWN: {
        "summary": "{headline} – {offence}{place_phrase}{date_phrase}: Die Polizei sucht eine namentlich bekannte Person und bittet um Hinweise.",
        "short": "{headline} – {offence}{place_phrase}{date_phrase}: Hinweise erbeten.",
        "body": "Ein Gericht hat die Öffentlichkeitsfahndung angeordnet. Beschreibung und Fotos finden Sie ausschließlich auf unserer Fahndungsseite.",
    },
    Kind.SUSPECT_UNKNOWN: {
        "summary": "{headline} – {offence}{place_phrase}{date_phrase}: Wer erkennt die unbekannte Person?",
        "short": "{headline} – {offence}{place_phrase}{date_phrase}: Wer erkennt die Person?",
        "body": "Bilder und Beschreibung der gesuchten Person finden Sie ausschließlich auf unserer Fahndungsseite.",
    },
    Kind.CONVICT: {
        "summary": "{headline} – Strafvollstreckung: Die Polizei sucht eine verurteilte Person ({offence}).",
        "short": "{headline} – Strafvollstreckung ({offence}).",
        "body": "Die Fahndung erfolgt im Auftrag der Vollstreckungsbehörde. Beschreibung und Fotos finden Sie ausschließlich auf unserer Fahndungsseite.",
    },
    Kind.WITNESS: {
        "summary": "{headline} – {offence}{place_phrase}{date_phrase}: Die Polizei sucht eine Person als Zeugin oder Zeugen.",
        "short": "{headline} – {offence}{place_phrase}{date_phrase}.",
        "body": "Die Person könnte wichtige Beobachtungen gemacht haben. Beschreibung und Bilder finden Sie auf unserer Fahndungsseite.",
    },
    Kind.MISSING: {
        "summary": "{headline}: Die Polizei bittet um Mithilfe bei der Suche nach einer vermissten Person{place_phrase_from}.",
        "short": "{headline}: Wer hat die vermisste Person{place_phrase_from} gesehen?",
        "body": "Beschreibung und Foto der vermissten Person finden Sie auf unserer Fahndungsseite. Bitte teilen Sie keine Vermutungen über die Person.",
    },
    Kind.UNKNOWN_DEAD: {
        "summary": "{headline}: Die Polizei bittet um Hinweise zur Identität einer verstorbenen Person{place_phrase_found}{date_phrase}.",
        "short": "{headline}: Wer kennt die verstorbene Person{place_phrase_found}{date_phrase}?",
        "body": "Weitere Angaben finden Sie auf unserer Fahndungsseite. Wir bitten um Rücksicht auf mögliche Angehörige.",
    },
}

FOOTER = "Hinweise bitte nicht in die Kommentare, sondern an {hotline} oder über {url}"
FOOTER_SHORT = "Hinweise bitte nicht in die Kommentare, sondern über {url}"
SEEN_NOW = "Wenn Sie die Person jetzt sehen: sofort 110 wählen."
REWARD = "Für Hinweise, die zur Aufklärung führen, ist eine Belohnung von bis zu {amount} Euro ausgesetzt ({authority})."
PRESS_HEADER = "{org} – Öffentlichkeitsfahndung ({headline})"
PRESS_MEDIA_NOTE = (
    "Hinweis für Redaktionen: Bitte verlinken Sie auf die Fahndungsseite und übernehmen Sie keine Fotos "
    "oder Personenangaben aus anderen Quellen. Nach Erledigung der Fahndung informieren wir Sie; Fotos sind "
    "dann nicht mehr zu verwenden."
)
KIND_HASHTAG = {Kind.MISSING: "#Vermisst"}
DEFAULT_HASHTAG = "#Fahndung"

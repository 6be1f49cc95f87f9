"""RSS 2.0 feed of active appeals for media partners: /fahndung/feed.rss.

Items carry the title-safe summary and the published facts, never a name; the approved
website renditions as enclosures only where the rules allow images off the page; links are canonical (settings.PUBLIC_BASE_URL), so copies point back to our server (R7).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Enclosure, Rss201rev2Feed
from django.utils.translation import gettext as _

from fahndung.appeals.links import appeal_public_url
from fahndung.appeals.models import Appeal
from fahndung.public import presenters, selectors
from fahndung.public.services import output_withheld

FEED_ITEMS = 100


class ActiveAppealsFeed(Feed):
    feed_type = Rss201rev2Feed

    def title(self) -> str:
        return _("Aktuelle Öffentlichkeitsfahndungen – %(org)s") % {"org": settings.FAHNDUNG_ORG_NAME}

    def link(self) -> str:
        return f"{settings.PUBLIC_BASE_URL}/fahndung/"

    def feed_url(self) -> str:
        return f"{settings.PUBLIC_BASE_URL}/fahndung/feed.rss"

    def description(self) -> str:
        return _("Die Polizei bittet um Mithilfe. Hinweise bitte an die Polizei, nicht in Kommentare.")

    def items(self) -> list[Appeal]:
        # An item whose final title/description fails the output gate is left out (audited).
        return [a for a in selectors.public_appeal_list()[:FEED_ITEMS]
                if not output_withheld(appeal=a, texts={**presenters.public_texts(a),
                                                        "rss": [self.item_title(a), self.item_description(a)]})]

    def item_title(self, item: Appeal) -> str:
        return presenters.appeal_title(item)

    def item_description(self, item: Appeal) -> str:
        parts = []
        if item.is_dangerous:
            parts.append(presenters.danger_notice())
        if item.kind == "witness":
            parts.append(presenters.witness_notice())
        if item.public_facts:
            parts.append(item.public_facts)
        return "\n\n".join(parts)

    def item_enclosures(self, item: Appeal) -> list[Enclosure]:
        return [Enclosure(img.url, str(img.bytes), img.mime_type)
                for img in selectors.public_shared_images(appeal=item)]

    def item_link(self, item: Appeal) -> str:
        return appeal_public_url(item)

    def item_guid(self, item: Appeal) -> str:
        return self.item_link(item)

    item_guid_is_permalink = True

    def item_pubdate(self, item: Appeal) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Appeal) -> datetime | None:
        return item.updated_at

    def item_categories(self, item: Appeal) -> list[str]:
        return [presenters.headline(item.kind)]

"""Public pages under /fahndung/ (no login): list, appeal page / "erledigt" notice, RSS.

The appeal page is built for a viral surge: one indexed query for the page's version
(status, updated_at), then the rendered HTML comes from the cache; conditional requests
are answered with 304 without rendering. The tip form is rendered per request and spliced
in, because it may carry a CSRF token that must never be shared through the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.http import condition, require_safe

from fahndung.appeals.choices import Kind
from fahndung.appeals.links import appeal_hotline, appeal_public_url
from fahndung.core.errors import NotFound
from fahndung.public import conf, presenters, selectors
from fahndung.public.services import (
    BLOCKED_MARKER,
    list_cache_key,
    list_cache_set,
    output_withheld,
    page_cache_get,
    page_cache_key,
    page_cache_set,
)

TIP_FORM_MARKER = "<!--fahndung:tip-form-->"


def _language(request: HttpRequest) -> str:
    wanted = request.GET.get("lang", "")
    codes = {code for code, _label in settings.LANGUAGES}
    if wanted in codes:
        return wanted
    current = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    return current if current in codes else settings.LANGUAGE_CODE


def _cache_headers(response: HttpResponse, *, lang: str, private: bool = False) -> HttpResponse:
    scope = "private" if private else "public"
    response["Cache-Control"] = (
        f"{scope}, max-age={conf.PUBLIC_MAX_AGE}, stale-while-revalidate={conf.PUBLIC_SWR}"
    )
    response["Content-Language"] = lang
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def _etag(key: str) -> str:
    return 'W/"' + hashlib.sha256(key.encode()).hexdigest()[:24] + '"'


@dataclass(frozen=True)
class _Version:
    """What the ETag function found, kept on the request so the view does not ask again."""

    lang: str
    key: str
    state: object | None = None


def _conditional(version: Callable[..., _Version | None]) -> Callable:
    """Django's condition() answers If-None-Match (304) and sets the ETag; the 304 also
    carries the cache headers, so shared caches keep treating it like the page."""

    def etag_func(request: HttpRequest, *args, **kwargs) -> str | None:
        found = version(request, *args, **kwargs)
        request.public_version = found
        return _etag(found.key) if found else None

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        conditional_view = condition(etag_func=etag_func)(view)

        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = conditional_view(request, *args, **kwargs)
            if response.status_code == 304:
                _cache_headers(response, lang=request.public_version.lang)
            return response

        return wrapper

    return decorator


def _base_context(lang: str, path: str) -> dict:
    other = "en" if lang == "de" else "de"
    return {
        "lang": lang,
        "ORG_NAME": settings.FAHNDUNG_ORG_NAME,
        "other_lang": other,
        "other_lang_url": f"{path}?lang={other}",
        "lang_query": "" if lang == settings.LANGUAGE_CODE else f"?lang={lang}",
        "og_image": settings.PUBLIC_BASE_URL + _static("public/og-neutral.png"),
    }


def _static(path: str) -> str:
    from django.templatetags.static import static

    return static(path)


def _page_version(request: HttpRequest, slug: str) -> _Version | None:
    # The one indexed query for the page's version (status, updated_at).
    state = selectors.public_page_state(slug=slug)
    if state is None or not state.visible:
        return None
    lang = _language(request)
    key = page_cache_key(
        slug=slug, lang=lang, status=state.status, updated_at=state.updated_at,
        close_reason=state.close_reason, content_revision=state.content_revision,
    )
    return _Version(lang=lang, key=key, state=state)


@require_safe
@_conditional(_page_version)
def appeal_detail(request: HttpRequest, slug: str) -> HttpResponse:
    version = request.public_version
    if version is None:
        raise Http404("Fahndung nicht gefunden")
    lang, key, state = version.lang, version.key, version.state

    html = page_cache_get(key)
    appeal = None
    private = False
    if html is None:
        try:
            found = selectors.public_appeal_get(slug=slug)
        except NotFound:
            raise Http404("Fahndung nicht gefunden") from None
        appeal = found.appeal
        with translation.override(lang):
            html = _render_detail(request, found, lang)
        page_cache_set(slug=slug, key=key, html=html)
    if html == BLOCKED_MARKER:
        # A text of this page failed the output gate: nothing of it goes out (staff see why).
        raise Http404("Fahndung nicht verfügbar")

    if TIP_FORM_MARKER in html:
        fragment = ""
        template = selectors.tip_form_template()
        if template:
            if appeal is None:
                appeal = selectors.public_appeal_get(slug=slug).appeal
            with translation.override(lang):
                fragment = render_to_string(template, {"appeal": appeal}, request=request)
            # A CSRF token in the form makes the response personal: no shared caches,
            # and the cache keeps only the page without the form.
            private = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
        html = html.replace(TIP_FORM_MARKER, fragment, 1)
        if not private:
            # The form is the same for everyone: cache the complete page.
            page_cache_set(slug=slug, key=key, html=html)

    response = HttpResponse(html)
    response["Last-Modified"] = http_date(state.updated_at.timestamp())
    return _cache_headers(response, lang=lang, private=private)


def _render_detail(request: HttpRequest, found: selectors.PublicAppeal, lang: str) -> str:
    appeal = found.appeal
    context = _base_context(lang, request.path)
    canonical = appeal_public_url(appeal)
    context.update({"appeal": appeal, "canonical_url": canonical})
    if found.closed:
        notice = presenters.closed_notice(appeal)
        context.update({"notice": notice, "og_title": notice.headline, "og_description": notice.text})
        return render_to_string("public/closed.html", context)
    persons = [
        {"role": p.get_role_display(), "fields": presenters.person_public_fields(p, appeal)}
        for p in appeal.persons.all()
    ]
    images = selectors.public_images(appeal=appeal)
    context.update({
        "headline": presenters.headline(appeal.kind),
        "summary": presenters.appeal_summary(appeal),
        "heading": presenters.appeal_heading(appeal),
        "call_to_action": presenters.call_to_action(appeal.kind),
        "danger_notice": presenters.danger_notice() if appeal.is_dangerous else "",
        "witness_notice": presenters.witness_notice() if appeal.kind == Kind.WITNESS else "",
        "persons": persons,
        "images": images,
        "click_to_reveal": appeal.kind == Kind.UNKNOWN_DEAD,
        "time_text": presenters.appeal_time_text(appeal),
        "place_text": presenters.place_text(appeal),
        "reward_text": presenters.reward_text(appeal),
        "hotline": appeal_hotline(appeal),
        "show_offence": appeal.kind not in (Kind.MISSING, Kind.UNKNOWN_DEAD),
        "tip_form_marker": TIP_FORM_MARKER,
        "page_title": presenters.appeal_title(appeal),
        "og_title": presenters.appeal_title(appeal),
        "og_description": presenters.appeal_preview_description(appeal),
    })
    # The output gate sees the final texts of the page, its <title> and link preview.
    if output_withheld(appeal=appeal, texts=presenters.public_texts(appeal, images)):
        return BLOCKED_MARKER
    return render_to_string("public/detail.html", context)


@dataclass(frozen=True)
class _ListQuery:
    kind: str = ""
    region: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    page: str = "1"

    def params(self) -> dict[str, str]:
        """The filters as GET parameters (for the pagination links), without the page."""
        raw = {"q": self.q, "kind": self.kind, "region": self.region,
               "from": self.date_from.isoformat() if self.date_from else "",
               "to": self.date_to.isoformat() if self.date_to else ""}
        return {k: v for k, v in raw.items() if v}


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _list_query(request: HttpRequest) -> _ListQuery:
    # Normalised so arbitrary query strings cannot fill the cache with variants.
    kind = request.GET.get("kind", "")
    region = request.GET.get("region", "")
    try:
        page_number = str(min(max(int(request.GET.get("page", "1")), 1), 10_000))
    except ValueError:
        page_number = "1"
    return _ListQuery(
        kind=kind if kind in Kind.values else "",
        region=region if region in selectors.public_regions() else "",
        date_from=_day(request.GET.get("from", "")), date_to=_day(request.GET.get("to", "")),
        q=" ".join(request.GET.get("q", "").split())[:100], page=page_number,
    )


def _list_version(request: HttpRequest) -> _Version:
    lang = _language(request)
    query = _list_query(request)
    request.public_list_query = query
    state = selectors.public_list_state()
    key = list_cache_key(name="list", lang=lang, state=state, extra=f"{sorted(query.params().items())}|{query.page}")
    return _Version(lang=lang, key=key)


@require_safe
@_conditional(_list_version)
def appeal_list(request: HttpRequest) -> HttpResponse:
    lang, key = request.public_version.lang, request.public_version.key
    query = getattr(request, "public_list_query", None) or _list_query(request)
    # Free-text searches are not cached: every visitor's words would be a new entry.
    html = None if query.q else page_cache_get(key)
    if html is None:
        with translation.override(lang):
            html = _render_list(request, lang, query)
        if not query.q:
            list_cache_set(key=key, html=html)
    return _cache_headers(HttpResponse(html), lang=lang)


def _card(appeal) -> dict:
    shared = selectors.public_shared_images(appeal=appeal)
    return {
        "appeal": appeal,
        "headline": presenters.headline(appeal.kind),
        "heading": presenters.appeal_heading(appeal),
        "witness_line": presenters.witness_notice_short() if appeal.kind == Kind.WITNESS else "",
        "is_dangerous": appeal.is_dangerous,
        "warning": presenters.danger_notice_short(),
        "thumb": shared[0] if shared else None,
    }


def _render_list(request: HttpRequest, lang: str, query: _ListQuery) -> str:
    appeals = selectors.public_appeal_list(kind=query.kind or None, region=query.region or None,
                                           date_from=query.date_from, date_to=query.date_to)
    if query.q:
        appeals = selectors.public_search(appeals, query.q)
    paginator = Paginator(appeals, conf.PUBLIC_PAGE_SIZE)
    page = paginator.get_page(query.page)
    cards = [_card(a) for a in page.object_list
             if not output_withheld(appeal=a, texts=presenters.public_texts(a))]
    params = query.params()
    if lang != settings.LANGUAGE_CODE:
        params["lang"] = lang
    context = _base_context(lang, request.path)
    context.update({
        "cards": cards, "page": page, "query": query, "kind": query.kind, "kinds": presenters.kind_labels(),
        "regions": selectors.public_regions(), "filter_query": urlencode(params),
        "canonical_url": f"{settings.PUBLIC_BASE_URL}/fahndung/",
        "og_title": settings.FAHNDUNG_ORG_NAME,
        "og_description": translation.gettext("Aktuelle Öffentlichkeitsfahndungen der Polizei"),
    })
    return render_to_string("public/list.html", context)


def error_page(request: HttpRequest, *, status: int, title: str, message: str) -> HttpResponse:
    """The public design's error page (called by fahndung.core.error_pages)."""
    lang = _language(request)
    context = _base_context(lang, request.path)
    context.update({"status": status, "title": title, "message": message, "og_title": title,
                    "og_description": message, "canonical_url": settings.PUBLIC_BASE_URL + "/fahndung/"})
    with translation.override(lang):
        html = render_to_string("public/error.html", context, request=request)
    response = HttpResponse(html, status=status)
    response["Cache-Control"] = f"public, max-age={conf.PUBLIC_MAX_AGE}" if status == 404 else "no-store"
    response["Content-Language"] = lang
    return response

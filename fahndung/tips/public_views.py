"""Public HTML tip form and tipster follow-up (works without JavaScript).

Routes (public_urls.py, mounted by the project at /hinweise/):
- GET/POST <slug>/            form page / submit → reference + secret shown once
- GET/POST nachfrage/         reference + secret → replies of the police
- POST     nachfrage/ergaenzen/  add information

The submit view is csrf_exempt on purpose: the form is spliced into cacheable public
appeal pages, a tip carries no ambient authority (no session, no login) and anybody may
submit tips anyway. The follow-up views are CSRF-protected (they render private data),
after the body is parsed with the upload quota (parsing.upload_view).
A database outage yields a German/English 503 page, never a success page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from fahndung.core.errors import ApplicationError, NotFound
from fahndung.tips import conf, selectors, services
from fahndung.tips.parsing import parse_bool, parse_datetime_field, parse_upload_body, upload_view


def _lang(request: HttpRequest) -> str:
    wanted = request.POST.get("lang") if request.method == "POST" and "lang" in request.POST else request.GET.get("lang", "")
    codes = {code for code, _ in settings.LANGUAGES}
    if wanted in codes:
        return wanted
    current = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    return current if current in codes else settings.LANGUAGE_CODE


def _render(request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200, lang: str) -> HttpResponse:
    with translation.override(lang):
        response = render(request, template, {"lang": lang, "max_mb": conf.max_total_bytes() // (1024 * 1024),
                                              "max_files": conf.max_files(), **context}, status=status)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = lang
    error = context.get("error")
    if status == 429 and error is not None:
        response["Retry-After"] = str(max(1, int(getattr(error, "extra", {}).get("retry_after") or 60)))
    return response


def _unavailable(request: HttpRequest, lang: str) -> HttpResponse:
    response = _render(request, "tips/public_unavailable.html", {}, status=503, lang=lang)
    response["Retry-After"] = "30"
    return response


def _safe_post(request: HttpRequest) -> tuple[Any, Any]:
    parse_upload_body(request)
    return request.POST, request.FILES


def _followup_refused(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    """A follow-up body that could not be parsed: the message, nothing stored."""
    lang = _lang(request)
    return _render(request, "tips/public_followup.html", {"error": exc}, status=exc.status, lang=lang)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def tip_form(request: HttpRequest, slug: str) -> HttpResponse:
    lang = "de"
    try:
        if request.method == "GET":
            lang = _lang(request)
            appeal = selectors.public_appeal(slug=slug)
            return _render(request, "tips/public_form_page.html", {"appeal": appeal}, lang=lang)
        values: dict[str, Any] = {}
        try:
            post, files = _safe_post(request)
            lang = _lang(request)
            values = {k: post.get(k, "") for k in ("content", "observed_at", "observed_place", "anonymous",
                                                   "contact_name", "contact_phone", "contact_email")}
            receipt = services.tip_submit_public(
                appeal_slug=slug, content=post.get("content"), client_key=getattr(request, "client_key", "none"),
                observed_at=parse_datetime_field(post.get("observed_at"), field="observed_at"),
                observed_place=post.get("observed_place", ""),
                is_anonymous=parse_bool(post.get("anonymous")) if post.get("anonymous") else None,
                contact_name=post.get("contact_name", ""), contact_phone=post.get("contact_phone", ""),
                contact_email=post.get("contact_email", ""), attachments=list(files.getlist("attachments")),
                # No Idempotency-Key here: the form may come from a shared cache, and a key
                # shared by two tipsters would hand one tipster the other's secret.
                idempotency_key=None, language=lang,
            )
        except NotFound:
            return _render(request, "tips/public_not_found.html", {}, status=404, lang=lang)
        except ApplicationError as exc:
            appeal = selectors.public_appeal(slug=slug)
            return _render(request, "tips/public_form_page.html",
                           {"appeal": appeal, "error": exc, "values": values}, status=exc.status, lang=lang)
        count, size = selectors.tip_attachments_received(tip_id=receipt.tip_id)
        return _render(request, "tips/public_thanks.html",
                       {"receipt": receipt, "attachment_count": count, "attachment_bytes": size},
                       status=201, lang=lang)
    except NotFound:
        return _render(request, "tips/public_not_found.html", {}, status=404, lang=lang)
    except DatabaseError:
        return _unavailable(request, lang)


@require_http_methods(["GET", "POST"])
@upload_view(_followup_refused)
def followup(request: HttpRequest) -> HttpResponse:
    lang = _lang(request)
    if request.method == "GET":
        return _render(request, "tips/public_followup.html", {}, lang=lang)
    try:
        try:
            post = request.POST
            tip = services.tipster_authenticate(
                reference=post.get("reference", ""), secret=post.get("secret", ""),
                client_key=getattr(request, "client_key", "none"),
            )
        except ApplicationError as exc:
            return _render(request, "tips/public_followup.html",
                           {"error": exc, "reference": request.POST.get("reference", "")}, status=exc.status, lang=lang)
        return _render(request, "tips/public_thread.html", {
            "tip": tip, "messages_list": list(selectors.tipster_thread(tip=tip)),
            "reference": tip.reference, "secret": post.get("secret", ""),
        }, lang=lang)
    except DatabaseError:
        return _unavailable(request, lang)


@require_http_methods(["POST"])
@upload_view(_followup_refused)
def followup_add(request: HttpRequest) -> HttpResponse:
    lang = _lang(request)
    try:
        post, files = request.POST, request.FILES
        try:
            services.tipster_add_information(
                reference=post.get("reference", ""), secret=post.get("secret", ""),
                client_key=getattr(request, "client_key", "none"), body=post.get("body", ""),
                attachments=list(files.getlist("attachments")),
            )
        except ApplicationError as exc:
            return _render(request, "tips/public_followup.html",
                           {"error": exc, "reference": post.get("reference", "")}, status=exc.status, lang=lang)
        tip = services.tipster_authenticate(
            reference=post.get("reference", ""), secret=post.get("secret", ""),
            client_key=getattr(request, "client_key", "none"),
        )
        return _render(request, "tips/public_thread.html", {
            "tip": tip, "messages_list": list(selectors.tipster_thread(tip=tip)), "added": True,
            "reference": tip.reference, "secret": post.get("secret", ""),
        }, status=201, lang=lang)
    except DatabaseError:
        return _unavailable(request, lang)

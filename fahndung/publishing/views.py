"""Staff UI of the publishing area (mounted at /staff/publishing/, namespace "publishing").

Views only parse input, call ONE service/selector and render. Pages:
  appeal/<pk>/                 platform texts (editor, exact counter, platform preview),
                               R7 media override, publication states with links/attempts
  appeal/<pk>/variant/<platform>/   POST save | reset of one text (approved with the appeal)
  appeal/<pk>/media/           POST media override
  publication/<id>/retry/      POST
  publication/<id>/withdrawn/  POST manual withdrawal confirmation (note)
  tasks/                       open manual publish tasks (removals: lifecycle dashboard);
                               tasks/<id>/done/  POST
  count/                       JSON {count, limit, ok, problems} – the server count is the truth
  accounts/                    account health (ok, throttled until, reconnect needed, version
                               outdated) with the last error; accounts/reset/ POST (press/admin)
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fahndung.accounts.decorators import staff_required
from fahndung.accounts.roles import ADMIN, PRESS_OFFICE, has_role_or_superuser
from fahndung.appeals.links import appeal_public_url
from fahndung.appeals.selectors import appeal_get
from fahndung.core.errors import ApplicationError
from fahndung.publishing import conf, selectors, services, services_health
from fahndung.publishing.posts import build, counting
from fahndung.web.views.common import service_errors


def _back_url(kwargs: dict[str, Any]) -> str:
    if "pk" in kwargs:
        return reverse("publishing:appeal", args=[kwargs["pk"]])
    return reverse("publishing:tasks")


# Domain errors as pages/messages; a failed action returns to the publishing page.
_errors = service_errors(fallback=_back_url)


def _mastodon_limit() -> int | None:
    limits = [conf.mastodon_limit(a) for a in conf.accounts_from_env() if a.platform == "mastodon"]
    return min(limits) if limits else None


@require_GET
@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """Overview: every appeal with posts the user may see and where its posts stand."""
    is_press = has_role_or_superuser(request.user, PRESS_OFFICE, ADMIN)
    return render(request, "publishing/index.html", {
        "rows": selectors.publication_overview(user=request.user), "is_press": is_press,
        "open_tasks": selectors.manual_tasks_open(user=request.user).count(),
    })


@require_GET
@staff_required
@_errors
def appeal_page(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = appeal_get(user=request.user, pk=pk)
    is_press = has_role_or_superuser(request.user, PRESS_OFFICE)
    variants = list(selectors.post_variants_for_appeal(appeal=appeal))
    if not variants and appeal.status not in ("closed", "archived"):
        variants = services.post_variants_ensure(appeal=appeal)
    rows = []
    for variant in variants:
        limit = _mastodon_limit() if variant.platform == "mastodon" else None
        check = counting.check(variant.platform, variant.text, mastodon_limit=limit)
        rows.append({
            "variant": variant, "label": conf.PLATFORM_LABELS.get(variant.platform, variant.platform),
            "count": check.count, "limit": check.limit,
            "problems": build.variant_problems(appeal, variant.platform, variant.text, limit=limit),
        })
    publications = [
        {"obj": p, "attempts": list(selectors.publication_attempts(publication=p)[:10])}
        for p in selectors.publications_for_appeal(appeal=appeal)
    ]
    return render(request, "publishing/appeal.html", {
        "appeal": appeal, "rows": rows, "publications": publications, "is_press": is_press,
        "editable": appeal.status in ("draft", "submitted", "changes_requested", "approved"),
        "media_block_reason": build.media_block_reason(appeal), "appeal_url": appeal_public_url(appeal),
        "accounts": conf.accounts_from_env(),
    })


@require_POST
@staff_required
@_errors
def variant_action(request: HttpRequest, pk: int, platform: str) -> HttpResponse:
    action = request.POST.get("action", "save")
    if action == "reset":
        services.post_variant_reset(actor=request.user, appeal_id=pk, platform=platform)
        messages.success(request, _("Text neu erzeugt."))
    else:
        services.post_variant_update(actor=request.user, appeal_id=pk, platform=platform,
                                     text=request.POST.get("text", ""))
        messages.success(request, _("Text gespeichert."))
    return HttpResponseRedirect(reverse("publishing:appeal", args=[pk]) + f"#variant-{platform}")


@require_POST
@staff_required
@_errors
def media_override(request: HttpRequest, pk: int) -> HttpResponse:
    services.platform_media_override_set(actor=request.user, appeal_id=pk, allow=request.POST.get("allow") == "1",
                                         reason=request.POST.get("reason", ""))
    messages.success(request, _("Einstellung zu Bildern auf Plattformen gespeichert."))
    return HttpResponseRedirect(reverse("publishing:appeal", args=[pk]))


@require_POST
@staff_required
@_errors
def publication_retry(request: HttpRequest, publication_id: int) -> HttpResponse:
    publication = selectors.publication_get(user=request.user, pk=publication_id)
    try:
        services.publication_retry(actor=request.user, publication_id=publication.pk)
        messages.success(request, _("Neuer Versuch angestoßen."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("publishing:appeal", args=[publication.appeal_id]))


@require_POST
@staff_required
@_errors
def publication_withdrawn(request: HttpRequest, publication_id: int) -> HttpResponse:
    publication = selectors.publication_get(user=request.user, pk=publication_id)
    try:
        services.publication_mark_withdrawn_manually(publication_id=publication.pk, actor=request.user,
                                                     note=request.POST.get("note", ""))
        messages.success(request, _("Löschung bestätigt."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("publishing:appeal", args=[publication.appeal_id]))


@require_GET
@staff_required
def manual_tasks(request: HttpRequest) -> HttpResponse:
    tasks = selectors.manual_tasks_open(user=request.user)
    return render(request, "publishing/tasks.html", {"tasks": tasks})


@require_POST
@staff_required
@_errors
def manual_task_done(request: HttpRequest, task_id: int) -> HttpResponse:
    services.manual_task_complete(actor=request.user, task_id=task_id, note=request.POST.get("note", ""),
                                  external_url=request.POST.get("external_url", ""))
    messages.success(request, _("Aufgabe erledigt."))
    return HttpResponseRedirect(reverse("publishing:tasks"))


@require_http_methods(["GET", "POST"])
@staff_required
def count_json(request: HttpRequest) -> JsonResponse:
    data = request.POST if request.method == "POST" else request.GET
    platform = data.get("platform", "")
    text = data.get("text", "")
    if platform not in counting.LIMITS:
        return JsonResponse({"error": {"code": "validation_failed", "message": _("Unbekannte Plattform."),
                                       "fields": {"platform": [_("Unbekannt.")]}}}, status=400)
    result = counting.check(platform, text[:70000], mastodon_limit=_mastodon_limit() if platform == "mastodon" else None)
    return JsonResponse({"platform": platform, "count": result.count, "limit": result.limit, "ok": result.ok,
                         "problems": result.problems})


@require_GET
@staff_required
def accounts_health(request: HttpRequest) -> HttpResponse:
    rows = selectors.account_health_overview()
    may_reset = has_role_or_superuser(request.user, PRESS_OFFICE, ADMIN)
    return render(request, "publishing/accounts.html", {
        "rows": rows, "may_reset": may_reset,
        "explanations": {r.account: services_health.explanation(r.status) for r in rows},
    })


def _accounts_url(kwargs: dict[str, Any]) -> str:
    return reverse("publishing:accounts")


@require_POST
@staff_required
@service_errors(fallback=_accounts_url)
def account_health_reset(request: HttpRequest) -> HttpResponse:
    services_health.account_health_reset(actor=request.user, account=request.POST.get("account", ""))
    messages.success(request, _("Konto zurückgesetzt; die nächsten Aufrufe prüfen die Verbindung."))
    return HttpResponseRedirect(reverse("publishing:accounts"))

"""/healthz (the process answers), /readyz (its dependencies answer), /metrics (Prometheus).

/metrics needs `Authorization: Bearer <FAHNDUNG_METRICS_TOKEN>`; without a configured token it
does not exist (404). Client addresses cannot be used for this: StripClientAddressMiddleware
removes them before any view runs.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from fahndung.ops import checks, metrics


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "alive"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    result = checks.readiness()
    return JsonResponse(result, status=200 if result["status"] == "ready" else 503)


@never_cache
@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    token = settings.FAHNDUNG_METRICS_TOKEN
    if not token:
        raise Http404
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(metrics.render(), content_type=CONTENT_TYPE_LATEST)

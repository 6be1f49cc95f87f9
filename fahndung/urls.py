from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.static import serve
from django_otp.admin import OTPAdminSite

# The Django admin requires the second factor like every other staff surface.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", RedirectView.as_view(url="/fahndung/", permanent=False)),
    path("", include("fahndung.ops.urls")),
    path("fahndung/", include("fahndung.public.urls")),
    path("hinweise/", include("fahndung.tips.public_urls")),
    path("staff/photos/", include("fahndung.imaging.urls")),
    path("staff/publishing/", include("fahndung.publishing.urls")),
    path("staff/takedowns/", include("fahndung.lifecycle.urls")),
    path("staff/tips/", include("fahndung.tips.urls")),
    path("staff/posters/", include("fahndung.posters.urls")),
    path("staff/", include("fahndung.web.urls")),
    path("accounts/", include("fahndung.accounts.urls")),
    path("api/v1/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]

# German error pages in the public or staff design; JSON error shape under /api/.
handler400 = "fahndung.core.error_pages.bad_request"
handler403 = "fahndung.core.error_pages.permission_denied"
handler404 = "fahndung.core.error_pages.page_not_found"
handler500 = "fahndung.core.error_pages.server_error"

if settings.DEV_MODE:
    # Development only: public renditions. Originals live in PRIVATE_MEDIA_ROOT and have no URL.
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

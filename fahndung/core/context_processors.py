from django.conf import settings


def site(request):
    return {"ORG_NAME": settings.FAHNDUNG_ORG_NAME, "PUBLIC_BASE_URL": settings.PUBLIC_BASE_URL}

"""Single settings module, driven by the environment (see .env.example).

Defaults are safe for a local demo: SQLite file, a broker that needs no server
(kombu's SQLAlchemy transport on a SQLite file), console e-mail. Production sets DATABASE_URL,
CELERY_BROKER_URL, FAHNDUNG_SECRET_KEY and FAHNDUNG_DEBUG=false.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from fahndung.core.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("FAHNDUNG_VAR_DIR", str(BASE_DIR / "var")))

# Development/demo mode (FAHNDUNG_DEBUG): a per-checkout secret key, no TLS enforcement,
# static files and public media served from the checkout. Production sets it false.
DEV_MODE = env_bool("FAHNDUNG_DEBUG", True)
# Django's technical error pages (tracebacks, settings, URL lists) only when a developer asks
# for them explicitly – never by default and never in the demo, whose pages are public.
DEBUG = DEV_MODE and env_bool("FAHNDUNG_DEBUG_PAGES", False)

# A random per-checkout key for the demo; production must provide one.
_dev_key_file = VAR_DIR / "dev-secret-key"
SECRET_KEY = env_secret("FAHNDUNG_SECRET_KEY")
if not SECRET_KEY:
    if not DEV_MODE:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("FAHNDUNG_SECRET_KEY (or _FILE) is required when FAHNDUNG_DEBUG is off")
    import secrets

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    if not _dev_key_file.exists():
        _dev_key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    SECRET_KEY = _dev_key_file.read_text(encoding="utf-8").strip()

ALLOWED_HOSTS = env_list("FAHNDUNG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("FAHNDUNG_CSRF_TRUSTED_ORIGINS", [])
# Canonical public URL of this server (appeal links in posts, posters, feeds).
PUBLIC_BASE_URL = env_str("FAHNDUNG_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI from a pinned package, served as our static files
    "django_otp",
    "django_otp.plugins.otp_totp",
    "fahndung.core",
    "fahndung.accounts",
    "fahndung.appeals",
    "fahndung.imaging",
    "fahndung.publishing",
    "fahndung.posters",
    "fahndung.lifecycle",
    "fahndung.tips",
    "fahndung.web",
    "fahndung.public",
]

MIDDLEWARE = [
    "fahndung.ops.metrics.LatencyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fahndung.core.middleware.StripClientAddressMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "fahndung.urls"
WSGI_APPLICATION = "fahndung.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "fahndung" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "fahndung.core.context_processors.site",
                "fahndung.web.navigation.staff_nav",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'fahndung.sqlite3'}"),
        conn_max_age=env_int("FAHNDUNG_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast when the database is unreachable: intake must answer 503 quickly.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "FAHNDUNG_DB_CONNECT_TIMEOUT", 3
    )
else:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("FAHNDUNG_CACHE_URL")}
        if env_str("FAHNDUNG_CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fahndung"}
    )
}

# --- Auth -----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
# Staff must present a TOTP code after the password (ASVS V6.3.3).
FAHNDUNG_REQUIRE_OTP = env_bool("FAHNDUNG_REQUIRE_OTP", True)
FAHNDUNG_LOGIN_MAX_FAILURES = env_int("FAHNDUNG_LOGIN_MAX_FAILURES", 5)
FAHNDUNG_LOGIN_LOCKOUT_SECONDS = env_int("FAHNDUNG_LOGIN_LOCKOUT_SECONDS", 900)
OTP_TOTP_ISSUER = "Fahndung"
SESSION_COOKIE_AGE = env_int("FAHNDUNG_SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- I18N -----------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "fahndung" / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("FAHNDUNG_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "fahndung" / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# In development whitenoise serves straight from the app static folders.
WHITENOISE_USE_FINDERS = DEV_MODE
WHITENOISE_AUTOREFRESH = DEV_MODE
# Public media: processed renditions only. Private media: originals, tip uploads.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("FAHNDUNG_MEDIA_ROOT", str(BASE_DIR / "media")))
PRIVATE_MEDIA_ROOT = Path(env_str("FAHNDUNG_PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEV_MODE
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
FAHNDUNG_PHOTO_MAX_BYTES = env_int("FAHNDUNG_PHOTO_MAX_BYTES", 40 * 1024 * 1024)
FAHNDUNG_PHOTO_MAX_PIXELS = env_int("FAHNDUNG_PHOTO_MAX_PIXELS", 60_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("FAHNDUNG_UPLOAD_MAX_MEMORY", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# --- Appeals --------------------------------------------------------------------
# Maximum lifetime per kind in days (R8: reviewed at least half-yearly).
FAHNDUNG_MAX_EXPIRY_DAYS = {
    "suspect_known": env_int("FAHNDUNG_MAX_EXPIRY_DAYS_SUSPECT_KNOWN", 180),
    "suspect_unknown": env_int("FAHNDUNG_MAX_EXPIRY_DAYS_SUSPECT_UNKNOWN", 180),
    "convict": env_int("FAHNDUNG_MAX_EXPIRY_DAYS_CONVICT", 180),
    "witness": env_int("FAHNDUNG_MAX_EXPIRY_DAYS_WITNESS", 90),
    "missing": env_int("FAHNDUNG_MAX_EXPIRY_DAYS_MISSING", 90),
    "unknown_dead": env_int("FAHNDUNG_MAX_EXPIRY_DAYS_UNKNOWN_DEAD", 180),
}
# Publish (own page first, then platforms) as soon as the last approval is in.
FAHNDUNG_AUTO_PUBLISH = env_bool("FAHNDUNG_AUTO_PUBLISH", True)
FAHNDUNG_DEFAULT_HOTLINE = env_str("FAHNDUNG_DEFAULT_HOTLINE", "0711 8990-5778")
FAHNDUNG_HASHTAGS = env_list("FAHNDUNG_HASHTAGS", ["#Stuttgart"])
FAHNDUNG_ORG_NAME = env_str("FAHNDUNG_ORG_NAME", "Polizeipräsidium Stuttgart")

CSRF_FAILURE_VIEW = "fahndung.core.error_pages.csrf_failure"

# --- REST API -------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "api.authentication.OtpSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
from api.schema_enums import ENUM_NAME_OVERRIDES  # noqa: E402  (plain strings, no imports)

SPECTACULAR_SETTINGS = {
    "TITLE": "Fahndung API",
    "DESCRIPTION": "Öffentlichkeitsfahndung: appeals, approval workflow, publishing, tips.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets shared by several components get stable names instead of hashed ones.
    "ENUM_NAME_OVERRIDES": ENUM_NAME_OVERRIDES,
    # /api/v1/docs/ works offline and pinned (no CDN at @latest).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Celery ---------------------------------------------------------------------
# Embedded default: kombu's SQLAlchemy transport on a SQLite file – no server, and unlike the
# filesystem transport (kombu issue 1551: a half-written message file kills the worker) each
# message is one row written in a transaction. One host only; production sets Redis.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", f"sqla+sqlite:///{VAR_DIR / 'broker.sqlite3'}")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith(("sqla+sqlite:", "sqlalchemy+sqlite:")):
    # create_engine() options: wait for the file lock instead of failing a publish.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"connect_args": {"timeout": 30}}
elif CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # Longer than the longest task, so redelivery only follows a real loss.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("FAHNDUNG_VISIBILITY_TIMEOUT", 3600)}
CELERY_TASK_ALWAYS_EAGER = env_bool("FAHNDUNG_CELERY_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker child whose resident memory grew past this (KiB) is replaced after its task, so no
# task's memory outlives it; photo jobs additionally run in a child process each (imaging.sandbox).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("FAHNDUNG_WORKER_MAX_MEMORY_MB", 512) * 1024
CELERY_TIMEZONE = TIME_ZONE
# Never let .delay() hang while the broker is down; callers fall back to the sweep/outbox.
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("FAHNDUNG_BROKER_CONNECT_TIMEOUT", 3)
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- E-mail ---------------------------------------------------------------------
EMAIL_BACKEND = env_str("FAHNDUNG_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_HOST = env_str("FAHNDUNG_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("FAHNDUNG_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("FAHNDUNG_FROM_EMAIL", "fahndung@polizei.example")

# --- Security -------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("FAHNDUNG_SSL_REDIRECT", not DEV_MODE)
SESSION_COOKIE_SECURE = env_bool("FAHNDUNG_SECURE_COOKIES", not DEV_MODE)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("FAHNDUNG_HSTS_SECONDS", 0 if DEV_MODE else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEV_MODE
SECURE_HSTS_PRELOAD = False
# Submitting the domain to the browsers' HSTS preload list is an operator decision
# (it cannot be undone quickly), so that one deploy warning is silenced on purpose.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks); rate limits
# then key on the real client (fahndung.core.middleware). Empty: the direct peer counts.
FAHNDUNG_TRUSTED_PROXIES = env_list("FAHNDUNG_TRUSTED_PROXIES", [])
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("FAHNDUNG_BEHIND_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
# Load balancers and Prometheus probe nodes over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# /metrics answers only with "Authorization: Bearer <token>"; unset = /metrics is off (404).
FAHNDUNG_METRICS_TOKEN = env_secret("FAHNDUNG_METRICS_TOKEN")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
from django.utils.csp import CSP  # noqa: E402

# Enforced: report-only without a report address does nothing. No page needs an inline script
# (scripts are static files; Swagger UI's initialiser comes from drf-spectacular's split view);
# inline styles stay allowed for Swagger UI and the admin. tests/core/test_csp.py tours the
# pages in a real browser and fails on any violation.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# No client address in logs or error reports (tipster privacy, R18).
# "json": one JSON object per line for log shippers; "plain" for people reading a terminal.
FAHNDUNG_LOG_FORMAT = env_str("FAHNDUNG_LOG_FORMAT", "plain")
if FAHNDUNG_LOG_FORMAT not in ("plain", "json"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("FAHNDUNG_LOG_FORMAT must be 'plain' or 'json'")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "fahndung.core.logging.ScrubClientDataFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "fahndung.core.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["scrub"], "formatter": FAHNDUNG_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("FAHNDUNG_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
ADMINS: list[tuple[str, str]] = []

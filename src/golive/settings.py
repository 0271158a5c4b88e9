"""GoLive settings: one module, configured only by environment variables (see CONTRACT.md).

The embedded default needs nothing: SQLite in ``GOLIVE_DATA_DIR`` and background work in the
server process. Production values (``DATABASE_URL``, ``GOLIVE_BROKER_URL``, ``GOLIVE_EMAIL_URL``)
are validated here so that a mistake stops the process at start-up, not at the first request.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean variable; anything but the usual spellings is a configuration error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 0 or 1, not {raw!r}")


DATA_DIR = Path(os.environ.get("GOLIVE_DATA_DIR") or "./var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key from the environment, or one generated once and kept in the data directory."""
    configured = os.environ.get("GOLIVE_SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process won the race; read its key below
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
    key = key_file.read_text().strip()
    if not key:
        raise ImproperlyConfigured(f"{key_file} is empty; delete it or set GOLIVE_SECRET_KEY")
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("GOLIVE_DEBUG")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("GOLIVE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("GOLIVE_ALLOWED_HOSTS is empty; list the host names the server answers to")


def _database(url: str) -> dict:
    import dj_database_url

    scheme = urlparse(url).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql", "mysql"}:
        raise ImproperlyConfigured(f"DATABASE_URL scheme {scheme!r} is not supported (use sqlite:// or postgres://)")
    config = dj_database_url.parse(url, conn_max_age=60 if scheme != "sqlite" else 0, conn_health_checks=True)
    if scheme == "sqlite":
        # WAL lets readers work while one request writes; IMMEDIATE takes the write lock at BEGIN so
        # concurrent writers queue on the busy timeout instead of failing with "database is locked".
        config["OPTIONS"] = {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    else:
        try:
            import psycopg  # noqa: F401
        except ImportError as exc:
            raise ImproperlyConfigured(
                "DATABASE_URL points at PostgreSQL but the driver is missing: pip install 'golive[production]'"
            ) from exc
        # Parameters bound by the server, which lets golive.rows.prepared() prepare the hot paths' fixed
        # statements; nothing else is prepared (Django's default), so every other query is planned with its
        # own values.
        config["OPTIONS"] = {"server_side_binding": True}
    return config


# Prepare the hot paths' fixed statements on PostgreSQL (golive.rows.prepared); 0 behind a PgBouncer in
# transaction mode older than 1.21.
GOLIVE_DB_PREPARED = env_bool("GOLIVE_DB_PREPARED", True)
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'golive.sqlite3'}"
DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

BROKER_URL = os.environ.get("GOLIVE_BROKER_URL") or None
if BROKER_URL:
    if urlparse(BROKER_URL).scheme not in {"redis", "rediss", "amqp", "amqps"}:
        raise ImproperlyConfigured(f"GOLIVE_BROKER_URL {BROKER_URL!r} is not a redis:// or amqp:// URL")
    try:
        import celery  # noqa: F401
    except ImportError as exc:
        raise ImproperlyConfigured(
            "GOLIVE_BROKER_URL is set but Celery is missing: pip install 'golive[production]'"
        ) from exc


def _email(url: str | None) -> dict:
    """Translate ``GOLIVE_EMAIL_URL`` (``smtp://user:pass@host:port?tls=1``) into Django settings."""
    if not url or url == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parsed = urlparse(url)
    if parsed.scheme not in {"smtp", "smtps", "submission"} or not parsed.hostname:
        raise ImproperlyConfigured(f"GOLIVE_EMAIL_URL {url!r} must look like smtp://user:password@host:port")
    query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname,
        "EMAIL_PORT": parsed.port
        or (465 if parsed.scheme == "smtps" else 587 if parsed.scheme == "submission" else 25),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
        "EMAIL_USE_TLS": parsed.scheme == "submission" or query.get("tls") in {"1", "true"},
    }


globals().update(_email(os.environ.get("GOLIVE_EMAIL_URL")))
DEFAULT_FROM_EMAIL = os.environ.get("GOLIVE_FROM_EMAIL", "golive@localhost")


def env_int(name: str, default: int, low: int, high: int) -> int:
    """Read an integer variable within [low, high]; anything else is a configuration error."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise ImproperlyConfigured(f"{name} must be between {low} and {high}, not {value}")
    return value


# Notifications (golive.notify): links in e-mails and webhook payloads, the local hour of the hypercare digest,
# webhook retries, and whether webhooks may target private or loopback addresses (an administrator's choice).
GOLIVE_BASE_URL = os.environ.get("GOLIVE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
if urlparse(GOLIVE_BASE_URL).scheme not in {"http", "https"}:
    raise ImproperlyConfigured(f"GOLIVE_BASE_URL {GOLIVE_BASE_URL!r} must be an http(s):// URL")
GOLIVE_DIGEST_HOUR = env_int("GOLIVE_DIGEST_HOUR", 8, 0, 23)
GOLIVE_WEBHOOK_ALLOW_PRIVATE = env_bool("GOLIVE_WEBHOOK_ALLOW_PRIVATE")
GOLIVE_WEBHOOK_MAX_ATTEMPTS = env_int("GOLIVE_WEBHOOK_MAX_ATTEMPTS", 8, 1, 50)
GOLIVE_WEBHOOK_RETRY_SECONDS = env_int("GOLIVE_WEBHOOK_RETRY_SECONDS", 30, 1, 3600)
GOLIVE_WEBHOOK_TIMEOUT_SECONDS = env_int("GOLIVE_WEBHOOK_TIMEOUT_SECONDS", 10, 1, 120)
GOLIVE_WORKER_THREADS = env_int("GOLIVE_WORKER_THREADS", 4, 1, 64)
GOLIVE_ESCALATION_LEAD_MINUTES = env_int("GOLIVE_ESCALATION_LEAD_MINUTES", 60, 1, 7 * 24 * 60)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "golive.accounts",
    "golive.audit",
    "golive.lifecycle",
    "golive.engagement",
    "golive.tracker",
    "golive.uat",
    "golive.hypercare",
    "golive.cutover",
    "golive.training",
    "golive.debrief",
    "golive.calendars",
    "golive.notify",
    "golive.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, which answers static files itself: they get the same headers and size limit.
    "golive.web.middleware.SecurityHeadersMiddleware",
    "golive.web.middleware.RequestSizeLimitMiddleware",
    "golive.web.middleware.NulCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "golive.web.middleware.UserTimezoneMiddleware",
    "golive.web.middleware.HtmxLoginRedirectMiddleware",
]

ROOT_URLCONF = "golive.urls"
WSGI_APPLICATION = "golive.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
# Every password set through the API or `golive createuser` passes these (golive.accounts.services.user_create).
GOLIVE_PASSWORD_MIN_LENGTH = env_int("GOLIVE_PASSWORD_MIN_LENGTH", 10, 8, 128)
AUTH_PASSWORD_VALIDATORS = [
    # 0.75 rather than Django's 0.7: the published demo password `golive-demo` shares "golive" with the demo
    # users' e-mail domain, and the difference refuses no password that is a near copy of a name or address.
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"max_similarity": 0.75},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": GOLIVE_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:portfolio"
LOGOUT_REDIRECT_URL = "web:login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("GOLIVE_STATIC_DIR") or DATA_DIR / "static").resolve()
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Production serves the files `golive manage collectstatic` wrote, compressed and with hashed names that browsers
# may cache for ever; the embedded mode serves them straight from the apps, with no collect step.
GOLIVE_STATIC_MANIFEST = env_bool("GOLIVE_STATIC_MANIFEST")
WHITENOISE_USE_FINDERS = not GOLIVE_STATIC_MANIFEST
MEDIA_ROOT = Path(os.environ.get("GOLIVE_MEDIA_DIR") or DATA_DIR / "uploads").resolve()
MEDIA_URL = "/media/"


def _file_storage(url: str | None) -> dict:
    """Where uploads live: the local (possibly shared) ``MEDIA_ROOT``, or an S3-compatible bucket given as
    ``s3://BUCKET[/PREFIX]?endpoint_url=https://...&region=...`` (credentials from the usual AWS_* variables)."""
    if not url:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    parsed = urlparse(url)
    if parsed.scheme != "s3" or not parsed.hostname:
        raise ImproperlyConfigured(f"GOLIVE_STORAGE_URL {url!r} must look like s3://bucket/prefix")
    try:
        import storages  # noqa: F401
    except ImportError as exc:
        raise ImproperlyConfigured(
            "GOLIVE_STORAGE_URL points at S3 but django-storages is missing: pip install 'golive[s3]'"
        ) from exc
    query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
    unknown = set(query) - {"endpoint_url", "region", "addressing_style"}
    if unknown:
        raise ImproperlyConfigured(f"GOLIVE_STORAGE_URL has unknown options: {', '.join(sorted(unknown))}")
    options = {
        "bucket_name": parsed.hostname,
        "location": parsed.path.strip("/"),
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }
    if "endpoint_url" in query:
        options["endpoint_url"] = query["endpoint_url"]
    if "region" in query:
        options["region_name"] = query["region"]
    if "addressing_style" in query:
        options["addressing_style"] = query["addressing_style"]
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


GOLIVE_STORAGE_URL = os.environ.get("GOLIVE_STORAGE_URL") or None
STORAGES = {
    "default": _file_storage(GOLIVE_STORAGE_URL),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if GOLIVE_STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if not GOLIVE_STORAGE_URL:
    MEDIA_ROOT.mkdir(parents=True, exist_ok=True)

# Security (docs/configuration.md, "Security"). GOLIVE_HTTPS=1 says users reach GoLive over HTTPS only: secure
# cookies, a redirect of plain HTTP (except /healthz, which load balancers probe over HTTP) and HSTS.
# GOLIVE_BEHIND_PROXY=1 trusts the proxy's X-Forwarded-Proto (and X-Forwarded-For for the login throttle); set it
# only when a proxy that overwrites those headers is the sole way in.
GOLIVE_HTTPS = env_bool("GOLIVE_HTTPS")
GOLIVE_BEHIND_PROXY = env_bool("GOLIVE_BEHIND_PROXY")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = GOLIVE_HTTPS or env_bool("GOLIVE_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("GOLIVE_SESSION_HOURS", 12, 1, 24 * 90) * 3600
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("GOLIVE_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SECURE_SSL_REDIRECT = GOLIVE_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if GOLIVE_BEHIND_PROXY else None
SECURE_HSTS_SECONDS = env_int("GOLIVE_HSTS_SECONDS", 365 * 24 * 3600 if GOLIVE_HTTPS else 0, 0, 2 * 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("GOLIVE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("GOLIVE_HSTS_PRELOAD")
# Asking browsers to preload HSTS is the domain owner's decision (it binds every subdomain for months), so it stays
# off unless asked for, and Django's reminder about it is silenced rather than answered with a risky default.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Log-in throttle (golive.accounts.services.login_authenticate): failures per username and per client address
# within the window, kept in the database so that every server process sees them; reaching a limit locks for
# GOLIVE_LOGIN_LOCKOUT_MINUTES.
GOLIVE_LOGIN_MAX_FAILURES = env_int("GOLIVE_LOGIN_MAX_FAILURES", 5, 1, 1000)
GOLIVE_LOGIN_MAX_FAILURES_PER_IP = env_int("GOLIVE_LOGIN_MAX_FAILURES_PER_IP", 20, 1, 100_000)
GOLIVE_LOGIN_LOCKOUT_MINUTES = env_int("GOLIVE_LOGIN_LOCKOUT_MINUTES", 15, 1, 24 * 60)
# Request size: form fields and JSON bodies up to DATA_UPLOAD_MAX_MEMORY_SIZE, multipart uploads up to
# GOLIVE_MAX_REQUEST_MB in all (golive.web.middleware.RequestSizeLimitMiddleware answers 413 beyond); files over
# FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
GOLIVE_MAX_REQUEST_MB = env_int("GOLIVE_MAX_REQUEST_MB", 32, 1, 1024)

REST_FRAMEWORK = {
    # Token first: DRF takes the WWW-Authenticate challenge from the first class, and only a class with a
    # challenge turns "not signed in" into the contract's 401 (session auth alone answers 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "golive.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "golive.api.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "golive.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "PAGE_SIZE": 50,
    # ``?format=`` belongs to the routes themselves (status report md, report pdf, issues export csv), not to
    # DRF's renderer negotiation.
    "URL_FORMAT_OVERRIDE": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "GoLive API",
    "DESCRIPTION": "Public interface v1 of GoLive (see CONTRACT.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "golive.accounts.models.Organization.Kind",
        "IssueKindEnum": "golive.tracker.models.IssueKind",
        "IssueStatusEnum": "golive.tracker.models.IssueStatus",
        "ProjectStatusEnum": "golive.lifecycle.models.Project.Status",
        "PhaseStatusEnum": "golive.lifecycle.models.PhaseStatus",
        "HypercareStatusEnum": ["not_started", "active", "extended", "exited"],
        "FeedbackStatusEnum": "golive.engagement.models.FeedbackStatus",
        "MeetingKindEnum": "golive.engagement.models.MeetingKind",
        "TrainingSessionKindEnum": "golive.training.models.SessionKind",
        "MaterialKindEnum": "golive.training.models.MaterialKind",
        "AttendanceStatusEnum": "golive.training.models.AttendanceStatus",
        "ScenarioPriorityEnum": "golive.uat.models.ScenarioPriority",
        # Kept as released: the requirements' priority was the first "priority" enum of the schema.
        "PriorityEnum": "golive.engagement.models.Priority",
        "DecisionEnum": "golive.lifecycle.models.SignOff.Decision",
        "GoNoGoEnum": "golive.cutover.models.Vote",
        "TestReportKindEnum": "golive.cutover.models.TestReport.Kind",
        "RunStatusEnum": "golive.uat.models.RunStatus",
        "ScenarioStateEnum": "golive.uat.models.ScenarioState",
        "WebhookFormatEnum": "golive.notify.models.WebhookFormat",
        "DeliveryStatusEnum": "golive.notify.models.DeliveryStatus",
        "NotificationKindEnum": "golive.notify.models.NotificationKind",
        "NotificationStatusEnum": "golive.notify.models.NotificationStatus",
    },
}

GOLIVE_LOG_FORMAT = os.environ.get("GOLIVE_LOG_FORMAT", "plain").strip().lower() or "plain"
if GOLIVE_LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"GOLIVE_LOG_FORMAT must be plain or json, not {GOLIVE_LOG_FORMAT!r}")
GOLIVE_LOG_LEVEL = os.environ.get("GOLIVE_LOG_LEVEL", "INFO").strip().upper() or "INFO"
if GOLIVE_LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"GOLIVE_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {GOLIVE_LOG_LEVEL!r}")
# Structured logs (GOLIVE_LOG_FORMAT=json): one JSON object per line on stderr, for a log shipper to index; the
# web server's access lines (gunicorn, see golive.gunicorn_conf) go through the same formatter.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "golive.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": GOLIVE_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": GOLIVE_LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# A bare view for benchmarks, enabled only by the benchmark harness.
BENCH_VIEWS = env_bool("GOLIVE_BENCH_VIEWS")

"""MPP Desk settings: one file, every knob read from the environment.

``MPPDESK_MODE=production`` turns on the deployment hardening and makes ``SECRET_KEY``
mandatory; the default ``local`` mode keeps a generated key in ``./var`` so that
``make run`` works on a laptop with nothing configured.
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from mppdesk.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
MODE = env_str("MPPDESK_MODE", "local") or "local"
if MODE not in {"local", "production"}:
    raise ImproperlyConfigured(f"MPPDESK_MODE must be 'local' or 'production', got {MODE!r}")
PRODUCTION = MODE == "production"

VAR_DIR = Path(env_str("MPPDESK_VAR_DIR", str(Path.cwd() / "var")) or "var").resolve()
# ./var holds the SQLite file and, in local mode, the keys: readable by its owner only
# (0700 when created here; the files in it are created 0600).
if not VAR_DIR.exists():
    VAR_DIR.mkdir(parents=True, mode=0o700, exist_ok=True)
    VAR_DIR.chmod(0o700)


def _create_private(path: Path, content: str = "") -> None:
    """Create ``path`` with mode 0600 from the start (no window with a wider mode)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)


def _local_secret_key() -> str:
    """Generate once and keep in ./var so sessions survive restarts of ``make run``."""
    key_file = VAR_DIR / "secret_key"
    _create_private(key_file, secrets.token_urlsafe(50))
    return key_file.read_text(encoding="utf-8").strip()


_secret = env_str("SECRET_KEY", required=PRODUCTION)
SECRET_KEY: str = _secret if _secret else _local_secret_key()
if PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production mode")

DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "mppdesk.accounts.admin_apps.MppDeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "mppdesk.ops.tasks_app.TasksDatabaseConfig",  # django_tasks_db, translated name
    "ninja",  # serves the Swagger UI assets locally instead of from a CDN
    "mppdesk.core",
    "mppdesk.accounts",
    "mppdesk.audit",
    "mppdesk.places",
    "mppdesk.people",
    "mppdesk.cases",
    "mppdesk.privacy",
    "mppdesk.stats",
    "mppdesk.sim",
    "mppdesk.sharing",
    "mppdesk.hearings",
    "mppdesk.messaging",
    "mppdesk.reminders",
    "mppdesk.selfservice",
    "mppdesk.screening",
    "mppdesk.transfers",
    "mppdesk.assistance",
    "mppdesk.incidents",
    "mppdesk.casework",
    "mppdesk.ops",
    "mppdesk.web",
    "mppdesk.api",
]

MIDDLEWARE = [
    # First: drops X-Forwarded-Proto unless the peer is a trusted proxy (see below).
    "mppdesk.ops.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one, so that every response (redirects and errors too) gets the CSP.
    "mppdesk.core.middleware_security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mppdesk.core.middleware.RequestIdMiddleware",
    "mppdesk.ops.middleware.RequestObservationMiddleware",  # metrics and the request log
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mppdesk.accounts.middleware.SessionTouchMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "mppdesk.core.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "mppdesk.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "mppdesk.urls"
WSGI_APPLICATION = "mppdesk.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Two-factor login (TOTP). Roles that see personal data must enrol a device and verify it
# in every session before any page but enrolment, verification, logout and health checks.
# Empty (``MPPDESK_2FA_REQUIRED_ROLES=``) turns enforcement off. The API (bearer tokens)
# is not affected.
MPPDESK_2FA_REQUIRED_ROLES = env_list(
    "MPPDESK_2FA_REQUIRED_ROLES", ["caseworker", "supervisor", "attorney", "coordinator", "admin"]
)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "MPP Desk") or "MPP Desk"
# Lockout: this many failed logins for one user name (or from one IP address) within the
# window refuse every login for it, correct password or not, until the window has passed.
# Counted in the database so that every web process sees the same numbers.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_IP_LIMIT = env_int("LOGIN_FAILURE_IP_LIMIT", 20)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% url %} from each view's cached shape (mppdesk/lib/urls.py).
            "builtins": ["mppdesk.lib.urls"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mppdesk.web.context_processors.membership",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'mppdesk.sqlite3'}") or ""
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the worker share one SQLite file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    _sqlite_file = Path(str(DATABASES["default"]["NAME"]))
    if str(_sqlite_file) != ":memory:" and _sqlite_file.parent.is_dir():
        # SQLite creates a missing file with the umask's mode (0644); an empty file is a
        # valid new database, and its -wal and -shm files take the database file's mode.
        _create_private(_sqlite_file)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parallel query workers per statement (PostgreSQL's default is 2). Each parallel
    # plan starts worker processes; under many concurrent web requests on a small
    # machine that costs more than it saves: at 50 users on 2 cores, 68 -> 54 ms of CPU
    # per request and a person page's p99 810 -> 520 ms with 0 (docs/benchmarks.md).
    # ``server``: leave the server's setting (e.g. behind a pooler refusing ``options``).
    if env_str("MPPDESK_PG_PARALLEL_WORKERS", "0") != "server":
        _parallel = env_int("MPPDESK_PG_PARALLEL_WORKERS", 0)
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            f"-c max_parallel_workers_per_gather={_parallel}"
        )
    # Prepared statements (off by default, as in Django): parameters bound by the server,
    # and a statement run MPPDESK_PG_PREPARE_THRESHOLD times on a connection prepared
    # there, so PostgreSQL stops planning it. They cut PostgreSQL's CPU per request by
    # 9-27 % under load, but on one 2-core machine the web processes' CPU did not go
    # down with it (docs/benchmarks.md): worth it where the database is the shared limit.
    if (env_str("MPPDESK_PG_PREPARE_THRESHOLD") or "off").strip().lower() != "off":
        _threshold = env_int("MPPDESK_PG_PREPARE_THRESHOLD", 5)
        if _threshold < 0:
            raise ImproperlyConfigured(
                f"MPPDESK_PG_PREPARE_THRESHOLD must be 0 or more, or off; got {_threshold}"
            )
        DATABASES["default"]["ENGINE"] = "mppdesk.core.postgresql"  # no statement too big
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=_threshold
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "es") or "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "mppdesk" / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Case documents (casework): the largest file accepted, in bytes.
CASEWORK_MAX_UPLOAD_BYTES = env_int("CASEWORK_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
# Idle expiry: a signed-in session's expiry moves forward with use, saved at most once per
# SESSION_TOUCH_SECONDS (accounts.middleware.SessionTouchMiddleware), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = max(0, min(env_int("SESSION_TOUCH_SECONDS", 60), SESSION_COOKIE_AGE // 2))
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy and Permissions-Policy: mppdesk.core.middleware_security.
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# The TLS proxies in front (addresses or networks, comma-separated). X-Forwarded-Proto
# (and X-Forwarded-For) are believed only from them: mppdesk.ops.proxy removes the
# header from any other peer. Empty: no request is ever taken for HTTPS on a header.
MPPDESK_TRUSTED_PROXIES = env_list("MPPDESK_TRUSTED_PROXIES", [])
for _proxy in MPPDESK_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"MPPDESK_TRUSTED_PROXIES: {_proxy!r} is not an address or network"
        ) from None
if MPPDESK_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# /metrics (Prometheus) answers only with "Authorization: Bearer <this>"; unset: 404.
MPPDESK_METRICS_TOKEN = env_str("MPPDESK_METRICS_TOKEN", "") or ""

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
# "json" (one object per line; the production default) or "plain".
LOG_FORMAT = env_str("MPPDESK_LOG_FORMAT", "json" if PRODUCTION else "plain") or "plain"
# One log line per request (route name, status, time; no path). Production default on:
# gunicorn's access log, which prints paths with ids and query strings, is off there.
MPPDESK_REQUEST_LOG = env_bool("MPPDESK_REQUEST_LOG", PRODUCTION)


def _refused_in_one_line(record: object) -> bool:
    """A refused request (4xx: 403, 404, a bad request) is an answer, not a fault: Django
    logs it with the exception's traceback, which only buries the real errors. Drop the
    traceback below 500; server errors keep theirs (redacted by the ``redact`` filter)."""
    if int(getattr(record, "status_code", 500) or 500) < 500:
        vars(record).update(exc_info=None, exc_text=None)
    return True


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "mppdesk.lib.redact.RedactingFilter"},
        "refused_in_one_line": {
            "()": "django.utils.log.CallbackFilter",
            "callback": _refused_in_one_line,
        },
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "mppdesk.ops.jsonlog.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["redact"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {
            "handlers": ["console"],
            "level": "WARNING",
            "propagate": False,
            "filters": ["refused_in_one_line"],
        },
        # A logger's filters see only records made on that logger: Django logs security
        # events on children (``django.security.csrf``...), which a filter here never sees.
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # fpdf2 and fontTools log every glyph subset at INFO: one PDF, hundreds of lines.
        "fontTools": {"level": "WARNING"},
        "fpdf": {"level": "WARNING"},
        # psycopg warns when it closes a COPY on a connection the server has already cut
        # ("error ignored terminating <psycopg.Copy ...>"): the command reports the lost
        # database itself, in one line (cli.DatabaseFailed; benchmarks/faults.py).
        "psycopg": {"level": "ERROR"},
    },
}

# Demo and import knobs
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000)
API_TOKEN_DEFAULT_DAYS = env_int("API_TOKEN_DEFAULT_DAYS", 90)
REFERENCE_DIR = Path(
    env_str("MPPDESK_REFERENCE_DIR", str(BASE_DIR / "mppdesk" / "places" / "reference")) or ""
)


def _bounded(name: str, default: int, low: int, high: int | None = None) -> int:
    """An integer knob from the environment, refused at start-up when out of range."""
    value = env_int(name, default)
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ImproperlyConfigured(f"{name} must be {bounds}, got {value}")
    return value


# Hearings (docs/hearings.md). How long before a morning hearing people report at the
# port: El Paso reporting times were about 03:45-04:30 for morning hearings
# (places/reference/program_rules.md), four hours before an 08:00 session. The afternoon
# lead defaults to the morning one. A port's own report_lead_minutes wins over both.
MPPDESK_REPORT_LEAD_MINUTES = _bounded("MPPDESK_REPORT_LEAD_MINUTES", 240, 0, 24 * 60)
MPPDESK_REPORT_LEAD_PM_MINUTES = _bounded(
    "MPPDESK_REPORT_LEAD_PM_MINUTES", MPPDESK_REPORT_LEAD_MINUTES, 0, 24 * 60
)
# The window of the "no confirmed contact" list.
MPPDESK_NO_CONTACT_DAYS = _bounded("MPPDESK_NO_CONTACT_DAYS", 14, 1)

# Retention (docs/retention.md): days a person's data is kept after the last of their
# cases closed (five years); 0 turns the purge off.
MPPDESK_RETENTION_DAYS = _bounded("MPPDESK_RETENTION_DAYS", 1825, 0)

# Self-service (docs/selfservice.md). Every inbound text and lookup form takes at least
# MIN_RESPONSE_MS so the answer's timing does not tell a match from a miss; LOOKUPS_PER_HOUR
# per phone number or client address; MAX_FAILURES failed lookups of one A-number within
# FAILURE_WINDOW_SECONDS lock it for LOCK_SECONDS (MAX_PHONE_FAILURES for lookups from
# phones on file); PORT is the port whose Mexican city's clock refusals give times on.
MPPDESK_SELFSERVICE_MIN_RESPONSE_MS = _bounded("MPPDESK_SELFSERVICE_MIN_RESPONSE_MS", 250, 0)
MPPDESK_SELFSERVICE_LOOKUPS_PER_HOUR = _bounded("MPPDESK_SELFSERVICE_LOOKUPS_PER_HOUR", 10, 1)
MPPDESK_SELFSERVICE_MAX_FAILURES = _bounded("MPPDESK_SELFSERVICE_MAX_FAILURES", 5, 1)
MPPDESK_SELFSERVICE_FAILURE_WINDOW_SECONDS = _bounded(
    "MPPDESK_SELFSERVICE_FAILURE_WINDOW_SECONDS", 86400, 1
)
MPPDESK_SELFSERVICE_LOCK_SECONDS = _bounded("MPPDESK_SELFSERVICE_LOCK_SECONDS", 86400, 1)
MPPDESK_SELFSERVICE_MAX_PHONE_FAILURES = _bounded("MPPDESK_SELFSERVICE_MAX_PHONE_FAILURES", 10, 1)
MPPDESK_SELFSERVICE_PORT = (env_str("MPPDESK_SELFSERVICE_PORT", "el-paso") or "el-paso").strip()

# Encryption at rest and blind indexes (mppdesk/lib/crypto.py, docs/security.md).
# Production needs both keys from the environment (or *_FILE); local mode generates them
# once into var/keys.json. FIELD_ENCRYPTION=False stores plaintext and exists only so the
# benchmark can measure the cost of encryption; production refuses it.
FIELD_ENCRYPTION = env_bool("MPPDESK_FIELD_ENCRYPTION", True)
if PRODUCTION and not FIELD_ENCRYPTION:
    raise ImproperlyConfigured("MPPDESK_FIELD_ENCRYPTION cannot be turned off in production mode")
_field_keys = env_str("MPPDESK_FIELD_KEYS", required=PRODUCTION)
_index_key = env_str("MPPDESK_INDEX_KEY", required=PRODUCTION)
if not (_field_keys and _index_key):
    from mppdesk.lib.crypto import local_keys

    _local_field_keys, _local_index_key = local_keys(VAR_DIR)
    _field_keys = _field_keys or _local_field_keys
    _index_key = _index_key or _local_index_key
FIELD_KEYS: str = _field_keys
INDEX_KEY: str = _index_key

# Messaging (mppdesk/messaging, docs/messaging.md). Providers per channel by dotted path;
# the console provider (the default) shows messages in the UI and the log and sends nothing.
MESSAGING_PROVIDERS = {
    channel: env_str(
        f"MESSAGING_{channel.upper()}_PROVIDER",
        "mppdesk.messaging.providers.console.ConsoleProvider",
    )
    for channel in ("sms", "whatsapp", "voice", "email")
}
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN", "")  # also TWILIO_AUTH_TOKEN_FILE
if not TWILIO_AUTH_TOKEN and not PRODUCTION:  # signed hooks locally (mppdesk twilio text)
    from mppdesk.lib.devtokens import local_twilio_auth_token

    TWILIO_AUTH_TOKEN = local_twilio_auth_token(VAR_DIR)
# Where the Twilio REST API is (tests and the benchmark point it at a fake on 127.0.0.1).
TWILIO_API_BASE = env_str("TWILIO_API_BASE", "")
TWILIO_SMS_FROM = env_str("TWILIO_SMS_FROM", "")
TWILIO_WHATSAPP_FROM = env_str("TWILIO_WHATSAPP_FROM", "")
TWILIO_VOICE_FROM = env_str("TWILIO_VOICE_FROM", "")
# The address Twilio calls back (status and inbound hooks); signatures are computed on it.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# Outbox dispatch (docs/messaging.md): retries back off exponentially with full jitter
# from BASE up to CAP seconds; after MAX_ATTEMPTS a message fails. A claimed message is
# leased for LEASE seconds (must exceed two provider timeouts: a system check says so).
MESSAGING_RETRY_BASE_SECONDS = env_int("MESSAGING_RETRY_BASE_SECONDS", 30)
MESSAGING_RETRY_CAP_SECONDS = env_int("MESSAGING_RETRY_CAP_SECONDS", 3600)
MESSAGING_MAX_ATTEMPTS = env_int("MESSAGING_MAX_ATTEMPTS", 8)
MESSAGING_LEASE_SECONDS = env_int("MESSAGING_LEASE_SECONDS", 120)
MESSAGING_DISPATCH_BATCH = env_int("MESSAGING_DISPATCH_BATCH", 100)
MESSAGING_DISPATCH_THREADS = env_int("MESSAGING_DISPATCH_THREADS", 8)
# Messages per second per provider, shared by every worker (0 = unlimited).
MESSAGING_RATE_LIMITS = {
    "console": env_int("MESSAGING_RATE_CONSOLE", 0),
    "twilio_sms": env_int("MESSAGING_RATE_TWILIO_SMS", 100),
    "twilio_whatsapp": env_int("MESSAGING_RATE_TWILIO_WHATSAPP", 50),
    "twilio_voice": env_int("MESSAGING_RATE_TWILIO_VOICE", 5),
    "smtp_email": env_int("MESSAGING_RATE_SMTP_EMAIL", 10),
}
TWILIO_TIMEOUT_SECONDS = env_int("TWILIO_TIMEOUT_SECONDS", 15)
# Approved WhatsApp content templates for messages outside the 24-hour customer-care
# window: JSON {"<template kind>:<language>": "HX...", "<template kind>": "HX..."}.
TWILIO_WHATSAPP_CONTENT_TEMPLATES: dict[str, str] = json.loads(
    env_str("TWILIO_WHATSAPP_CONTENT_TEMPLATES", "{}") or "{}"
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")  # also EMAIL_HOST_PASSWORD_FILE
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 15)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "")

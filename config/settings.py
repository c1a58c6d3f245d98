"""All settings in one place, driven by environment variables (see docs/deploy.md)."""

import os
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "si", "sì"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# pytest sets PYTEST_VERSION for the whole session.
TESTING = "PYTEST_VERSION" in os.environ or "pytest" in Path(sys.argv[0]).name
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see docs/deploy.md).")
    SECRET_KEY = "insecure-development-key-never-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_ID = 1

INSTALLED_APPS = [
    "insieme.core",
    "insieme.accounts",
    "insieme.people",
    "insieme.network",
    "insieme.calls",
    "insieme.evaluations",
    "insieme.projects",
    "insieme.grants",
    "insieme.employment",
    "insieme.placements",
    "insieme.workbook",
    "insieme.impact",
    "insieme.api",
    "insieme.notices",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "auditlog",
    "django_htmx",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "insieme.accounts.middleware.IdleTimeoutMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "insieme.core.nul.RejectNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "insieme.core.clients.AuditlogMiddleware",
    "insieme.accounts.middleware.RequireStaffMFAMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "insieme.accounts.context_processors.navigation",
                "insieme.notices.context_processors.unread_notices",
            ],
            # {{ amount|eur }} on every page, PDF and e-mail (insieme.core.money)
            "builtins": ["insieme.core.templatetags.money"],
        },
    },
]
FORM_RENDERER = "insieme.core.forms.BootstrapItaliaRenderer"

# Database: SQLite under var/ for development, PostgreSQL in production.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'insieme.sqlite3'}"),
        conn_max_age=int(env("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    if TESTING:
        # A file, not the in-memory default: the browser tests' live server answers several
        # requests at once, and an in-memory database would share one connection among them.
        (BASE_DIR / "var").mkdir(exist_ok=True)
        # Named after the development database, so that two checkouts' suites can run at once.
        _stem = Path(DATABASES["default"]["NAME"]).stem
        DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{_stem}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared state lives in the database so that app servers keep none of their own.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "insieme_cache",
        # The lists' counts (one entry per list, filter and version) share the cache with the
        # figures: Django's default of 300 entries would soon evict the figures (0.8 s to compute).
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(env("SESSION_IDLE_MINUTES", "30")) * 60
# The age above is an idle timeout: IdleTimeoutMiddleware moves it forward while the session is
# used, writing the session at most once every SESSION_TOUCH_SECONDS (not on every request).
SESSION_TOUCH_SECONDS = int(env("SESSION_TOUCH_SECONDS", "60"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "insieme.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Insieme] "
# Failed sign-ins (insieme.accounts.adapter, docs/deploy.md): per client address, per account from
# one client address ("key"), and per account from everywhere; the last one never applies to a
# browser the account has signed in from before, so nobody can lock its owner out.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("LOGIN_RATE_LIMIT", "10/m/ip,5/5m/key"),
    "login_failed_account": env("LOGIN_ACCOUNT_RATE_LIMIT", "30/h/key"),
    "reset_password": "20/m/ip,5/m/key",
    "signup": "20/m/ip",
}
MFA_ADAPTER = "insieme.accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Insieme per il lavoro"
MFA_TOTP_TOLERANCE = 1

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# In development and tests WhiteNoise looks files up as they are asked for (no collectstatic).
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# No URL pattern serves MEDIA_URL: uploads are only sent by views that check permissions first.
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# In development every message the worker sends is written as a file under var/mail/ (one
# `.log` file per connection, the messages in full); set EMAIL_BACKEND to change it.
EMAIL_BACKEND_PATH = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS: dict[str, dict] = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": {}}}
if EMAIL_BACKEND_PATH.endswith("filebased.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "file_path": env("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
    }
elif EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": int(env("EMAIL_PORT", "25")),
        "username": env("EMAIL_HOST_USER"),
        "password": env("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": 20,
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Insieme per il lavoro <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Production defaults are strict; a deployer behind a TLS proxy keeps them.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies in front of the application append to X-Forwarded-For: the client's
# address is the entry the farthest of them wrote (insieme.core.clients). 0: no proxy, the header
# is ignored. Rate limits and the audit log depend on it: set it to the real number.
TRUSTED_PROXIES = int(env("TRUSTED_PROXIES", "0"))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0" if DEBUG or TESTING else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not (DEBUG or TESTING))
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Programme settings.
FIRST_CONTACT_TARGET_DAYS = int(env("FIRST_CONTACT_TARGET_DAYS", "35"))
# How people reach the employment services' office: shown to whoever signs up again, and the
# address that hears of it (without one, the operators do).
OFFICE_EMAIL = env("OFFICE_EMAIL", "")
OFFICE_PHONE = env("OFFICE_PHONE", "")
# Text messages (appointment reminders): a class with send_messages(messages), see
# insieme/notices/sms.py. The console back-end only logs that a message left.
SMS_BACKEND = env(
    "SMS_BACKEND",
    "insieme.notices.sms.LocmemBackend" if TESTING else "insieme.notices.sms.ConsoleBackend",
)
API_RATE_LIMIT = env("API_RATE_LIMIT", "600/m")
STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", True)
# Personal data are pseudonymised this many days after a person's last activity (GDPR).
PEOPLE_RETENTION_DAYS = int(env("PEOPLE_RETENTION_DAYS", str(5 * 365)))

# Every handler masks codici fiscali (insieme.core.logging). The test suite also writes what the
# code logs, unmasked, to var/log/test-<run>-<worker>.log and fails if a code is found there at
# the end (conftest.py): the masking is a second line of defence, not a licence to log codes.
# Django's own defaults (django.utils.log.DEFAULT_LOGGING) are replaced, not added to: its
# "django" logger wrote to an unmasked console of its own when DEBUG is on, and runserver's request
# lines ("django.server", which do not propagate) to another. The gunicorn access log is masked by
# config/gunicorn.py.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_fiscal_codes": {"()": "insieme.core.logging.MaskFiscalCodes"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_fiscal_codes"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_fiscal_codes"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Through the root's handlers only (no ADMINS: Django's mail_admins sent nothing).
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint reports every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
if TESTING:
    (BASE_DIR / "var" / "log").mkdir(parents=True, exist_ok=True)
    # One file per process of this run: suites running side by side keep their own.
    _run = os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid()))[:12]
    _worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    SUITE_LOG_FILE = BASE_DIR / "var" / "log" / f"test-{_run}-{_worker}.log"
    LOGGING["handlers"]["suite_file"] = {
        "class": "logging.FileHandler",
        "filename": str(SUITE_LOG_FILE),
        "mode": "w",
        "encoding": "utf-8",
        "delay": True,
        "formatter": "suite",
    }
    LOGGING["formatters"]["suite"] = {"format": "%(levelname)s %(name)s %(message)s"}
    LOGGING["root"]["handlers"].append("suite_file")

"""Settings for 尚法云, read from the environment (see README.md, "配置")."""

from __future__ import annotations

from pathlib import Path

from core.assets import echarts_static_dir
from core.env import (
    database_config,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "bootstrap",
    # Domain apps, lowest first (dependencies run downward only).
    "core",
    "accounts",
    "regions",
    "firms",
    "pairing",
    "points",
    "news",
    "visits",
    "consultations",
    "mediation",
    "assessment",
    "bench",  # seed_scale and make bench (no models)
    "api",
]

MIDDLEWARE = [
    # Outermost: with DEBUG on, the framework's debug pages become the site's error pages.
    "core.views_errors.FriendlyErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.RequestContextMiddleware",
]

# Django's renderer, with selects written in Python (same HTML, a fraction of the time).
FORM_RENDERER = "core.renderers.FormRenderer"

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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
            # {% url %} remembers its answers (core/templatetags/urls.py).
            "builtins": ["core.templatetags.urls"],
        },
    },
]

DATABASES = {"default": database_config(VAR_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions are read from Redis and written through to the database (which keeps
    # them across a Redis restart): one query less on every signed-in request. Every
    # change goes through the session store (sign-out flushes both).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace"
LOGOUT_REDIRECT_URL = "portal"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
STATICFILES_DIRS: list = [BASE_DIR / "static", ("echarts", echarts_static_dir())]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {
        "BACKEND": env_choice(
            "MEDIA_STORAGE",
            {"local": "django.core.files.storage.FileSystemStorage"},
            "local",
        )
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# SMS: "console" prints messages, "file" appends them to var/sms.log; a real provider
# is a dotted path to a subclass of accounts.sms.BaseSmsBackend.
SMS_BACKEND = env_choice(
    "SMS_BACKEND",
    {"console": "accounts.sms.ConsoleSmsBackend", "file": "accounts.sms.FileSmsBackend"},
    "console",
)
SMS_FILE_PATH = Path(env_str("SMS_FILE_PATH", str(VAR_DIR / "sms.log")))
SMS_CODE_TTL_SECONDS = env_int("SMS_CODE_TTL_SECONDS", 300, minimum=60)
SMS_CODE_RESEND_SECONDS = env_int("SMS_CODE_RESEND_SECONDS", 60, minimum=0)
SMS_CODE_MAX_PER_HOUR = env_int("SMS_CODE_MAX_PER_HOUR", 5, minimum=1)
SMS_CODE_MAX_ATTEMPTS = env_int("SMS_CODE_MAX_ATTEMPTS", 5, minimum=1)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@shangfa.local")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"sms": "5/hour"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "尚法云 API",
    "DESCRIPTION": "律所进社区平台的 REST 接口（移动端与微信公众号使用）",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Many models have fields called "kind" or "status": name each enum after its choices.
    "ENUM_NAME_OVERRIDES": {
        "ResidentKindEnum": "regions.models.ResidentProfile.Kind",
        "HonoraryPostKindEnum": "pairing.models.HonoraryPost.Kind",
        "LedgerEntryKindEnum": "points.choices.EntryKind",
        "QuestionNoticeKindEnum": "consultations.choices.NoticeKind",
        "QuestionStatusEnum": "consultations.choices.QuestionStatus",
        "AssignmentStatusEnum": "consultations.choices.AssignmentStatus",
        "ShiftStatusEnum": "consultations.choices.ShiftStatus",
        "SwapStatusEnum": "consultations.choices.SwapStatus",
        "ServiceStatusEnum": "consultations.choices.ServiceStatus",
        "OrgKindEnum": "mediation.choices.OrgKind",
        "DisputeCategoryEnum": "mediation.choices.DisputeCategory",
        "CaseStatusEnum": "mediation.choices.CaseStatus",
        "SessionKindEnum": "mediation.choices.SessionKind",
        "SessionStatusEnum": "mediation.choices.SessionStatus",
        "CaseEventKindEnum": "mediation.choices.EventKind",
        "VisitKindEnum": "visits.choices.VisitKind",
        "VisitStatusEnum": "visits.choices.VisitStatus",
        "ServiceDayStatusEnum": "visits.choices.ServiceDayStatus",
        "ReportStatusEnum": "visits.choices.ReportStatus",
        "VisitNoticeKindEnum": "visits.choices.NoticeKind",
        "OfferStatusEnum": "points.choices.OfferStatus",
        "CouponStatusEnum": "points.choices.CouponStatus",
        "ArticleKindEnum": "news.choices.ArticleKind",
        "ArticleStatusEnum": "news.choices.ArticleStatus",
    },
}

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

SITE_NAME = "尚法云"
# Error pages: the site's own, in Chinese (core.views_errors); with DEBUG on, set
# FRIENDLY_ERRORS=false to see the framework's debug pages instead.
CSRF_FAILURE_VIEW = "core.views_errors.csrf_failure"
FRIENDLY_ERRORS = env_bool("FRIENDLY_ERRORS", default=True)
DEMO_MODE = env_bool("DEMO_MODE", default=DEBUG)

# Celery (production): broker and results in Redis. Without REDIS_URL, tasks run
# eagerly in-process (the embedded mode uses `manage.py run_scheduler` instead).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_IGNORE_RESULT = True

# --- Security: identity and audit (GB/T 22239-2019 三级 8.1.4.1–8.1.4.3) -------------------
# accounts.validators, accounts.lockout, accounts.middleware, accounts.jobs, core.audit.
# Staff, lawyers, mediators, admins: 8+ characters from 3 of 4 classes.
AUTH_PASSWORD_VALIDATORS += [{"NAME": "accounts.validators.PrivilegedPasswordValidator"}]
# A privileged user's password expires after this many days (to move to DistrictSettings).
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90, minimum=1)
# Privileged accounts not used for this many days are disabled (job accounts.disable_idle_staff).
ACCOUNT_IDLE_DAYS = env_int("ACCOUNT_IDLE_DAYS", 90, minimum=1)
# Failed sign-ins (within the window) that lock a phone / a client address, and for how long.
LOGIN_LOCKOUT_FAILURES = env_int("LOGIN_LOCKOUT_FAILURES", 5, minimum=1)
# An office signs in many people from one address: ten times the account's threshold.
LOGIN_LOCKOUT_IP_FAILURES = env_int("LOGIN_LOCKOUT_IP_FAILURES", 50, minimum=1)
LOGIN_LOCKOUT_WINDOW_SECONDS = env_int("LOGIN_LOCKOUT_WINDOW_SECONDS", 30 * 60, minimum=60)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 30 * 60, minimum=60)
# Sessions end after this long without a request, and this long after signing in.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
# How long a user's role bindings stay in the cache (core.scope): a role granted or
# taken away is seen at once; renaming or moving a community, street or firm is seen
# in the labels and the district of the bindings within this time.
SCOPE_CACHE_SECONDS = env_int("SCOPE_CACHE_SECONDS", 300, minimum=0)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 3600, minimum=300)
# Staff, mediator and admin accounts pass a second factor (SMS code, or an authenticator
# app's TOTP code) after the password; the time allowed for that second step.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", default=True)
TWO_FACTOR_PENDING_SECONDS = env_int("TWO_FACTOR_PENDING_SECONDS", 5 * 60, minimum=60)
# Log entries are kept at least this long (网络安全法 §21: six months); purge_audit refuses less.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180, minimum=180)
MIDDLEWARE += [
    "accounts.middleware.SessionSecurityMiddleware",  # idle/absolute limits, password age
    "core.audit.DenialLogMiddleware",  # every 403 goes to the operation log
]
if env_bool("BENCH_QUERY_COUNT"):  # `make bench` only: X-Query-Count on every response
    MIDDLEWARE.insert(0, "bench.middleware.QueryCountMiddleware")

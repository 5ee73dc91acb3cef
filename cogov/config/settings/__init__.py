"""CoGov settings: one module, driven by the environment, strict about bad values.

Every variable is parsed by cogov.lib.env; a malformed value stops the program at start-up with
"CoGov configuration error: <VARIABLE>…" instead of falling back to a default. The variables
(all optional in development; docs/deployment.md has the production set):

- COGOV_ENV: development (default), production or test.
- COGOV_DATA_DIR: where the SQLite database, uploaded files, collected static files and the
  generated development secret live (default: ./var under the working directory).
- DATABASE_URL: sqlite:///path or postgres://user:pw@host:port/db (default: SQLite in
  COGOV_DATA_DIR, in WAL mode).
- COGOV_DB_POOL (default on in production), COGOV_DB_POOL_MIN, COGOV_DB_POOL_MAX: psycopg's
  connection pool on PostgreSQL; without it, COGOV_DB_CONN_MAX_AGE keeps connections open.
- COGOV_TEST_DB_NAME: the database the test suite creates on PostgreSQL (default test_cogov).
- DEBUG: a boolean (default true in development only).
- SECRET_KEY: required in production (50+ characters); generated into COGOV_DATA_DIR otherwise.
- ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS: comma-separated (ALLOWED_HOSTS required in production).
- REDIS_URL: redis:// or rediss:// URL of a cache shared by several app servers (sessions too).
- EMAIL_HOST, EMAIL_PORT, DEFAULT_FROM_EMAIL, COGOV_SMTP: e-mail.
- COGOV_SMS_BACKEND, COGOV_WECHAT_BACKEND: dotted paths of notification adapters (console by
  default).
- SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS: production only; LOG_LEVEL.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

from cogov.lib.env import Env, ImproperlyConfiguredEnv, parse_database_url

env = Env.from_os()

try:
    COGOV_ENV = env.choice("COGOV_ENV", ("development", "production", "test"), "development")
    if "pytest" in sys.modules and "COGOV_ENV" not in env.environ:
        COGOV_ENV = "test"
    PRODUCTION = COGOV_ENV == "production"

    BASE_DIR = Path(__file__).resolve().parent.parent.parent
    DATA_DIR = Path(env.str("COGOV_DATA_DIR", str(Path.cwd() / "var"))).resolve()

    DEBUG = env.bool("DEBUG", default=COGOV_ENV == "development")
    if PRODUCTION and DEBUG:
        raise ImproperlyConfiguredEnv("DEBUG must be false with COGOV_ENV=production")

    if PRODUCTION:
        SECRET_KEY = env.str("SECRET_KEY")
        if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
            raise ImproperlyConfiguredEnv(
                "SECRET_KEY must be at least 50 characters (and not repetitive) in production; "
                "generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(64))'"
            )
        if SECRET_KEY.startswith("django-insecure-"):
            raise ImproperlyConfiguredEnv("SECRET_KEY is Django's insecure placeholder")
    elif "SECRET_KEY" in env.environ:
        SECRET_KEY = env.str("SECRET_KEY")
    else:
        # A development secret is generated once per data directory and never committed.
        _secret_file = DATA_DIR / "secret_key"
        if _secret_file.exists():
            SECRET_KEY = _secret_file.read_text().strip()
        else:
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            SECRET_KEY = secrets.token_urlsafe(64)
            _secret_file.write_text(SECRET_KEY)
            _secret_file.chmod(0o600)

    ALLOWED_HOSTS = env.list(
        "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver", "[::1]"]
    )
    if PRODUCTION and not ALLOWED_HOSTS:
        raise ImproperlyConfiguredEnv("ALLOWED_HOSTS is required in production")
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS")
    for _origin in CSRF_TRUSTED_ORIGINS:
        if not _origin.startswith(("http://", "https://")):
            raise ImproperlyConfiguredEnv(
                f"CSRF_TRUSTED_ORIGINS: {_origin!r} must start with https:// (or http://)"
            )

    _default_db = f"sqlite:///{DATA_DIR / 'cogov.sqlite3'}"
    _database = parse_database_url(env.str("DATABASE_URL", _default_db))
    if _database["ENGINE"] == "django.db.backends.sqlite3":
        Path(str(_database["NAME"])).parent.mkdir(parents=True, exist_ok=True)
        _database["OPTIONS"] = {
            # WAL lets readers and one writer work side by side; IMMEDIATE avoids lock upgrades
            # that would otherwise fail under concurrent writes; a writer waits up to `timeout`
            # seconds for the lock (Django already turns foreign keys on).
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    elif env.bool("COGOV_DB_POOL", default=PRODUCTION):
        # One pool per process; Django requires CONN_MAX_AGE = 0 with a pool.
        _pool_min = env.int("COGOV_DB_POOL_MIN", 2, minimum=0)
        _pool_max = env.int("COGOV_DB_POOL_MAX", 20, minimum=max(_pool_min, 1))
        _pg_options = _database["OPTIONS"]
        assert isinstance(_pg_options, dict)
        _pg_options["pool"] = {"min_size": _pool_min, "max_size": _pool_max, "timeout": 10}
    else:
        _database["CONN_MAX_AGE"] = env.int("COGOV_DB_CONN_MAX_AGE", 0, minimum=0)
        _database["CONN_HEALTH_CHECKS"] = True
    _database["ATOMIC_REQUESTS"] = False
    if _database["ENGINE"] != "django.db.backends.sqlite3":
        # On SQLite the test database stays in memory: a TEST NAME would make it a shared file.
        _database["TEST"] = {"NAME": env.str("COGOV_TEST_DB_NAME", "test_cogov")}
    DATABASES = {"default": _database}

    REDIS_URL = env.str("REDIS_URL", "")
    if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfiguredEnv(
            "REDIS_URL must start with redis://, rediss:// or unix:// (e.g. redis://127.0.0.1:6379/0)"
        )

    _use_smtp = env.bool("COGOV_SMTP", default=PRODUCTION)
    EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", 25, minimum=1)
    DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "cogov@localhost")
    COGOV_SMS_BACKEND = env.str("COGOV_SMS_BACKEND", "cogov.core.notifications.ConsoleSMSAdapter")
    COGOV_WECHAT_BACKEND = env.str(
        "COGOV_WECHAT_BACKEND", "cogov.core.notifications.ConsoleWeChatAdapter"
    )
    _ssl_redirect = env.bool("SECURE_SSL_REDIRECT", default=True)
    _hsts_seconds = env.int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    _log_level = env.choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"), "INFO")
except ImproperlyConfiguredEnv as exc:  # pragma: no cover - exercised by tests through a subprocess
    raise SystemExit(f"CoGov configuration error: {exc}") from exc

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "cogov.core",
    "cogov.territory",
    "cogov.accounts",
    "cogov.organizations",
    "cogov.people",
    "cogov.points",
    "cogov.voting",
    "cogov.deliberation",
    "cogov.cases",
    "cogov.cooperation",
    "cogov.funds",
    "cogov.budgeting",
    "cogov.disclosure",
    "cogov.campaigns",
    "cogov.open311",
    "cogov.web",
    "cogov.demo",
    "cogov.assessment",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cogov.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "cogov.config.urls"
WSGI_APPLICATION = "cogov.config.wsgi.application"
ASGI_APPLICATION = "cogov.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # cogov/web/templates first, so that its account/ and allauth/ templates override allauth's.
        "DIRS": [BASE_DIR / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "cogov.web.context_processors.navigation",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if COGOV_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_GET = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
if not PRODUCTION:
    # WhiteNoise warns on every start when STATIC_ROOT is missing; in development it serves from
    # the apps' static directories, so an empty one is enough. Production runs collectstatic.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "cogov.config.storage.StaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

if REDIS_URL:
    # Shared by every app server: sessions (cached_db keeps them in the database too), rate
    # limits and cached fragments survive a restart of any one server.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cogov",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if COGOV_ENV == "test"
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if _use_smtp
    else "django.core.mail.backends.console.EmailBackend"
)

# Security: strict in production; `manage.py check --deploy` is clean under COGOV_ENV=production.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = _ssl_redirect
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = _hsts_seconds
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": _log_level},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

NINJA_PAGINATION_PER_PAGE = 50

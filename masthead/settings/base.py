"""Settings shared by every environment. Nothing here reads a secret."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from masthead import __version__

from .env import (
    cache_config,
    database_config,
    env_bool,
    env_int,
    env_list,
    env_rate,
    env_str,
    var_dir,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = var_dir()

DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "masthead.core",
    "masthead.accounts",
    "masthead.channels",
    "masthead.stories",
    "masthead.moderation",
    "masthead.discussion",
    "masthead.pages",
    "masthead.ingest",
    "masthead.notifications",
    "masthead.search",
    "masthead.feeds",
    "masthead.discovery",
    "masthead.api",
    "masthead.demo",
    "ninja",  # its static files: Swagger UI for /api/v1/docs, vendored in the pinned wheel
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "masthead.core.middleware.SecurityHeadersMiddleware",
    "masthead.core.middleware.NulBytesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "masthead.core.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "masthead.urls"
WSGI_APPLICATION = "masthead.wsgi.application"

TEMPLATES = [
    {
        # Masthead's own pages: Jinja2 renders a story page with 200 comments about ten times
        # faster than Django's engine (docs/decisions/0002-jinja2-for-site-pages.md).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "masthead.core.jinja.environment",
            "context_processors": [
                "masthead.channels.context_processors.navigation",
                "masthead.ingest.context_processors.review_queue",
                "masthead.discussion.context_processors.moderation_queue",
                "masthead.notifications.context_processors.inbox",
            ],
        },
    },
    {
        # The admin and allauth ship Django templates; allauth's layout is ours (see
        # core/templates/allauth/layouts/base.html).
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.DjangoTemplates"

DATABASES = {"default": database_config(VAR_DIR / "masthead.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": cache_config(VAR_DIR / "cache")}
# Cached values are pickled objects of this release: an upgrade starts a namespace of its own.
CACHES["default"]["KEY_PREFIX"] = f"masthead-{__version__}"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["masthead.accounts.backends.MemberBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# django-allauth: e-mail is the login; the handle and display name are asked at sign-up.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "masthead.accounts.forms.SignupProfileForm"
ACCOUNT_ADAPTER = "masthead.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "masthead.accounts.allauth_forms.LoginForm",
    "reset_password_from_key": "masthead.accounts.allauth_forms.ResetPasswordKeyForm",
    "change_password": "masthead.accounts.allauth_forms.ChangePasswordForm",
}
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_DISPLAY = "masthead.accounts.adapter.user_display"  # @handle, as the site says
ACCOUNT_SESSION_REMEMBER = None
# Log-in limits, "N/S": N in S seconds (docs/operations.md). Failed log-ins are counted per
# account, from every address together: that is what stops a password being guessed. All
# log-ins are counted per address, generously: an office or a campus is one address to us.
# The address is the client's as MASTHEAD_TRUSTED_PROXY_COUNT finds it (accounts/adapter.py).
MASTHEAD_LOGIN_LIMIT_ACCOUNT = env_rate("MASTHEAD_LOGIN_LIMIT_ACCOUNT", "10/900")
MASTHEAD_LOGIN_LIMIT_ADDRESS = env_rate("MASTHEAD_LOGIN_LIMIT_ADDRESS", "300/60")
MASTHEAD_LOGIN_FAILED_LIMIT_ADDRESS = env_rate("MASTHEAD_LOGIN_FAILED_LIMIT_ADDRESS", "60/60")
ACCOUNT_RATE_LIMITS = {
    "login": "{}/{}s/ip".format(*MASTHEAD_LOGIN_LIMIT_ADDRESS),
    "login_failed": "{}/{}s/ip,{}/{}s/key".format(
        *MASTHEAD_LOGIN_FAILED_LIMIT_ADDRESS, *MASTHEAD_LOGIN_LIMIT_ACCOUNT
    ),
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "masthead.core.views.csrf_failure"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 3600
# An upload bigger than this is refused before Pillow sees it (stories/forms.py).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
MASTHEAD_MAX_IMAGE_BYTES = env_int("MASTHEAD_MAX_IMAGE_BYTES", 8 * 1024 * 1024)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Masthead <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

MASTHEAD_SITE_NAME = env_str("MASTHEAD_SITE_NAME", "Masthead")
# The site's address, for links in e-mails sent by background tasks (no request to ask).
MASTHEAD_SITE_URL = env_str("MASTHEAD_SITE_URL", "http://127.0.0.1:8000")
MASTHEAD_SITE_TAGLINE = _("Independent channels, one front page")
MASTHEAD_PAGE_CACHE = env_bool("MASTHEAD_PAGE_CACHE", True)
# Anonymous pages are cached whole; members get personal pages (core/pagecache.py).
# The longest a page lives in the cache; what no write invalidates (a channel added to the
# navigation, a member's new display name) shows within this time.
MASTHEAD_PAGE_CACHE_SECONDS = env_int("MASTHEAD_PAGE_CACHE_SECONDS", 600)
# How long a CDN or proxy in front may serve a page without asking (0: always ask).
MASTHEAD_SHARED_CACHE_SECONDS = env_int("MASTHEAD_SHARED_CACHE_SECONDS", 0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {
        # Run after every publication or edit: their runs are DEBUG, their failures errors.
        "frequent_tasks": {
            "()": "masthead.core.logs.TaskRunsAtDebug",
            "tasks": [
                "masthead.search.tasks.related_update_task",
                "masthead.search.tasks.index_pending_task",
                "masthead.stories.tasks.channel_rank_task",
            ],
        },
        "private_feeds": {"()": "masthead.core.logs.PrivateFeedAddresses"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django_tasks": {"filters": ["frequent_tasks"]},
        "django.request": {"level": "WARNING", "filters": ["private_feeds"]},
        "django.server": {"level": "WARNING", "filters": ["private_feeds"]},
        "httpx": {"level": "WARNING"},  # a line per outbound request is noise in a worker
    },
}

# Writes per member and per client address: "N/S" is N attempts in S seconds.
MASTHEAD_RATE_LIMITS = {
    "comment:member": "8/60",  # a member writing faster than this is pasting, not discussing
    "comment:ip": "60/60",  # a shared address (office, campus) holds many members
    "report:member": "30/3600",
    "report:ip": "120/3600",
    "story:member": "60/3600",
    "story:ip": "120/3600",
    "profile:member": "20/3600",
    "reaction:member": "120/3600",
    "follow:member": "60/3600",
    "follow:ip": "300/3600",
    "moderation:member": "600/3600",  # generous: a moderator clears a queue one by one
    "moderation:ip": "1200/3600",
    "reaction:ip": "600/3600",
    "profile:ip": "60/3600",
    "unsubscribe:member": "30/3600",  # per member only: mail providers post from few addresses
}
MASTHEAD_RATE_LIMITS.update(
    dict(item.split("=", 1) for item in env_list("MASTHEAD_RATE_LIMITS"))  # "comment:ip=9/60,..."
)
MASTHEAD_RATE_LIMITS_ENABLED = env_bool("MASTHEAD_RATE_LIMITS_ENABLED", True)
MASTHEAD_TRUSTED_PROXY_COUNT = env_int("MASTHEAD_TRUSTED_PROXY_COUNT", 0)

# Outbound fetches (core/http.py). Networks that may be reached although not public: none,
# but for tests (127.0.0.0/8); a site's own intranet would be listed here deliberately.
MASTHEAD_FETCH_ALLOW_NETWORKS = env_list("MASTHEAD_FETCH_ALLOW_NETWORKS")
# Single "address:port" endpoints that may be reached although not public: only the demo's
# made-up publishers, while `masthead demo` serves them (settings/local.py). Not read from the
# environment here: production has none.
MASTHEAD_FETCH_ALLOW_ENDPOINTS: list[str] = []
MASTHEAD_FETCH_PER_HOST = env_int("MASTHEAD_FETCH_PER_HOST", 2)  # requests at once per host
MASTHEAD_FETCH_HOST_DELAY = float(env_str("MASTHEAD_FETCH_HOST_DELAY", "1.0"))  # seconds
# A fetch inside a database transaction is a bug (core/http.py): logged here, an error in tests.
MASTHEAD_FETCH_REFUSE_IN_TRANSACTION = False

# Loops `masthead worker` runs beside the task queue; each has forever(stop) and once().
# Scores new comments for spam and abuse (moderation/scoring.py); no network calls.
MASTHEAD_COMMENT_SCORER = env_str(
    "MASTHEAD_COMMENT_SCORER", "masthead.moderation.scoring.HeuristicScorer"
)
MASTHEAD_WORKER_LOOPS = [
    "masthead.ingest.polling.FeedLoop",
    "masthead.notifications.mail.DigestLoop",
    "masthead.stories.ranking.RankLoop",
    "masthead.search.index.PendingLoop",
]
MASTHEAD_FEED_THREADS = env_int("MASTHEAD_FEED_THREADS", 8)  # feeds polled at once per worker
# A worker that has not renewed its lease for this long is taken for dead, and its running
# tasks go back to the queue (core/worker/leases.py). Longer than a database restart a worker
# rides out: a live worker's task is then not run a second time elsewhere.
MASTHEAD_WORKER_LEASE_SECONDS = env_int("MASTHEAD_WORKER_LEASE_SECONDS", 60)

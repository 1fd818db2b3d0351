from django.urls import path, re_path

from . import views

app_name = "feeds"

SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
# Each listing page's feeds are its URL plus one of these names.
FILES = {"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json"}
SITE_FEED_PATHS = tuple(f"/{name}" for name in FILES.values())
TOKEN_PATTERN = r"[A-Za-z0-9_-]{16,64}"  # noqa: S105 - a pattern, not a secret


def _escaped(name: str) -> str:
    return name.replace(".", r"\.")


urlpatterns = [
    path("accounts/feeds/", views.feed_settings, name="settings"),
    path("accounts/feeds/create", views.feed_token_create, name="create"),
    path("accounts/feeds/reset", views.feed_token_reset, name="reset"),
]
for kind, name in FILES.items():
    urlpatterns += [
        path(name, views.SITE[kind], name=f"site_{kind}"),
        re_path(
            rf"^feeds/(?P<token>{TOKEN_PATTERN})/{_escaped(name)}$",
            views.FOLLOWED[kind],
            name=f"followed_{kind}",
        ),
        re_path(
            rf"^(?P<channel>{SLUG})/{_escaped(name)}$", views.CHANNEL[kind], name=f"channel_{kind}"
        ),
        re_path(
            rf"^(?P<channel>{SLUG})/(?P<section>{SLUG})/{_escaped(name)}$",
            views.SECTION[kind],
            name=f"section_{kind}",
        ),
    ]

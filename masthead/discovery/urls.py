from django.urls import path, re_path

from . import views

app_name = "discovery"

SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
SITE_SITEMAP_PATHS = ("/sitemap.xml", "/sitemap-site.xml", "/sitemap-news.xml")

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap_index, name="index"),
    path("sitemap-site.xml", views.site_sitemap, name="site"),
    path("sitemap-news.xml", views.news_sitemap, name="news"),
    re_path(rf"^(?P<channel>{SLUG})/sitemap\.xml$", views.channel_sitemap, name="channel"),
]

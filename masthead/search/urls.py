from django.urls import path

from . import views
from .filters import SEARCH_PATH

app_name = "search"

urlpatterns = [path(SEARCH_PATH.lstrip("/"), views.search, name="search")]

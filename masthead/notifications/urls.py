from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read", views.inbox_read, name="read"),
    path("inbox/settings/", views.preferences, name="settings"),
    path("inbox/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

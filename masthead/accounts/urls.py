from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile_edit, name="profile_edit"),
    # Before allauth's own at the same address (masthead/urls.py includes this file first).
    path("login/", views.LoginView.as_view(), name="login"),
]

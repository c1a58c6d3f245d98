from django.urls import path

from insieme.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("invita/", views.invite, name="invite"),
    path("<int:pk>/attiva/", views.toggle_active, name="toggle_active"),
]

from django.urls import path

from insieme.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("lette/", views.mark_all_read, name="mark_all_read"),
    path("<int:pk>/letto/", views.mark_read, name="mark_read"),
    path("preferenze/", views.preferences, name="preferences"),
]

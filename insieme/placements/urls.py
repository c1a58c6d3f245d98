from django.urls import path

from insieme.placements import views

app_name = "placements"
urlpatterns = [
    path("lavoro/persone/<int:pk>/inserimento/", views.placement_new, name="placement_new"),
    path("lavoro/verifiche/<int:pk>/", views.follow_up, name="follow_up"),
]

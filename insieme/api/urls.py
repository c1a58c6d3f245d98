from django.urls import path

from config.api import api
from insieme.api import views

app_name = "api"
urlpatterns = [
    path("v1/", api.urls),
    path("documentazione/", views.documentation, name="docs"),
    path("chiavi/", views.tokens, name="tokens"),
    path("chiavi/<int:pk>/revoca/", views.revoke, name="revoke"),
]

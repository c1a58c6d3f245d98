from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from insieme.core import views as core_views
from insieme.evaluations import urls as evaluations_urls
from insieme.projects import urls as projects_urls

admin.site.site_header = _("Insieme per il lavoro — administration")
admin.site.site_title = _("Insieme administration")

urlpatterns = [
    path("", core_views.home, name="home"),
    path("cerca/", core_views.search, name="search"),
    path("healthz", core_views.healthz, name="healthz"),
    path("privacy/", core_views.privacy, name="privacy"),
    path("accessibilita/", core_views.accessibility, name="accessibility"),
    path("accounts/", include("allauth.urls")),
    path("utenti/", include("insieme.accounts.urls")),
    path("cruscotto/", include("insieme.impact.urls")),
    path("persone/", include("insieme.people.urls")),
    path("progetti/", include("insieme.projects.urls")),
    path("fondi/", include("insieme.grants.urls")),
    path("avvisi/", include("insieme.notices.urls")),
    path("organizzazioni/", include("insieme.network.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("insieme.calls.urls")),
    # The committee's decision opens projects: its view lives in projects (above evaluations).
    path(
        "valutazioni/",
        include(
            (
                evaluations_urls.urlpatterns + projects_urls.committee_urlpatterns,
                evaluations_urls.app_name,
            )
        ),
    ),
    path("admin/", admin.site.urls),
    path("api/", include("insieme.api.urls")),
    path("", include("insieme.employment.urls")),
    path("", include((projects_urls.calendar_urlpatterns, "calendar"))),
    path("", include("insieme.placements.urls")),
]

handler500 = "insieme.core.views.server_error"

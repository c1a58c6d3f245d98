"""config.urls, tolerant of apps whose urls are not written yet (the tree is shared mid-work)."""

import importlib

from django.contrib import admin
from django.urls import include, path

from insieme.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("privacy/", core_views.privacy, name="privacy"),
    path("accessibilita/", core_views.accessibility, name="accessibility"),
    path("accounts/", include("allauth.urls")),
    path("utenti/", include("insieme.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("insieme.calls.urls")),
    path("valutazioni/", include("insieme.evaluations.urls")),
    path("admin/", admin.site.urls),
]
for prefix, module in [
    ("persone/", "insieme.people.urls"),
    ("progetti/", "insieme.projects.urls"),
    ("fondi/", "insieme.grants.urls"),
    ("organizzazioni/", "insieme.network.urls"),
    ("", "insieme.employment.urls"),
]:
    try:
        importlib.import_module(module)
    except Exception:
        continue
    urlpatterns.append(path(prefix, include(module)))

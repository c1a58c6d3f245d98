import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from insieme.core import worklist


@require_GET
def home(request):
    if not request.user.is_authenticated:
        return render(request, "core/landing.html")
    today = timezone.localdate()
    roles = request.user.ordered_roles
    sections = [(role, worklist.worklist(request.user, role, today)) for role in roles]
    return render(request, "core/home.html", {"roles": roles, "sections": sections})


def server_error(request):
    """The error page; when the database does not answer (a restart, a failover) it is a 503
    that tells to retry shortly, rendered without touching the database."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "10"
        return response
    return defaults.server_error(request)


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def privacy(request):
    return render(request, "core/privacy.html")


@require_GET
def accessibility(request):
    return render(request, "core/accessibility.html")

import sys

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from insieme.core import listing, worklist


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


@login_required
@require_http_methods(["GET", "POST"])
def search(request):
    """The header's search across the apps' sources (`insieme.core.worklist`). The form is
    POSTed and redirected, so that a codice fiscale or a phone number typed in it is kept in the
    session behind a token (``ricerca``) and never reaches an address or a log
    (`insieme.core.listing.search_redirect`)."""
    if request.method == "POST":
        return listing.search_redirect(request, reverse("search"), request.POST)
    moved = listing.code_in_query_redirect(request)
    if moved is not None:
        return moved
    token = request.GET.get(listing.TOKEN_PARAM, "")
    stashed = listing.stashed_query(request, token) if token else None
    query = (stashed or request.GET.get(listing.SEARCH_PARAM) or "").strip()
    query = query[: listing.MAX_QUERY_LENGTH]
    found = worklist.search_everywhere(request.user, query)
    return render(
        request,
        "core/search.html",
        {
            "query": query,
            "found": found,
            "total": sum(len(group.rows) for group in found),
            "expired": bool(token) and stashed is None,
            # The lists behind each group are searched with the same parameters.
            "list_query": request.GET.urlencode(),
        },
    )

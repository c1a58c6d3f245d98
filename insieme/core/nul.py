"""A NUL character in a form or query value is refused before any view reads it.

PostgreSQL cannot store or even compare a text holding NUL (0x00): a filter on one raises an
error, a 500. Django's form fields refuse it, but lookups, searches and hand-read values do not,
so the request is answered here, once for every page: 400, nothing written.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _has_nul(request: HttpRequest) -> bool:
    sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    for data in sources:
        for name, values in data.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return True
    return False


class RejectNulMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The API refuses NUL itself, in its documented error format (docs/api.md).
        if request.path.startswith("/api/") or not _has_nul(request):
            return self.get_response(request)
        # The field's name is the form's internal one: the message says what to look for instead.
        message = _(
            "A text of the form contains an invisible character that is not allowed (NUL), "
            "often pasted from another program: type that text again and send it."
        )
        return render(request, "400.html", {"message": message}, status=400)

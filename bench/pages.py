"""The pages measured, the bench's staff account, and the query count of each list page."""

from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core import paginator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

EMAIL = "bench-operatore@bench.example"
PROXY = {"HTTP_X_FORWARDED_PROTO": "https"}  # as the TLS proxy in front of gunicorn sets it


def staff_user() -> Any:
    """An operator and administrator with TOTP activated (as the MFA middleware requires)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group

    from insieme.accounts.models import Role, User

    user = User.objects.filter(email=EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            email=EMAIL, password=None, first_name="Bench", last_name="Operatore"
        )
        user.groups.add(*Group.objects.filter(name__in=[Role.OPERATOR, Role.ADMIN]))
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return user


def session_cookie(user: Any) -> str:
    """A logged-in session in the session store (what a login with TOTP leaves behind)."""
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def urls() -> dict[str, str]:
    """Name -> path of the pages under load (list pages first)."""
    from django.db.models import Count
    from django.urls import reverse

    from insieme.calls.models import Call
    from insieme.grants.models import Fund
    from insieme.people.models import Person

    call = Call.objects.annotate(n=Count("applications")).order_by("-n").first()
    fund = Fund.objects.annotate(n=Count("grants")).order_by("-n").first()
    person = (
        Person.objects.annotate(n=Count("interviews") + Count("placements"))
        .filter(n__gt=0)
        .order_by("-n", "pk")
        .first()
    )
    assert call
    assert fund
    assert person
    return {
        "people": reverse("people:list"),
        "organisations": reverse("network:list"),
        "applications (of a call)": reverse("calls:manage", args=[call.pk]),
        "vacancies": reverse("employment:vacancy_list"),
        "placements": reverse("impact:records", args=["employment.placements"]),
        "projects": reverse("projects:list"),
        "waiting list": reverse("employment:queue"),
        "people in care (everyone)": reverse("employment:caseload") + "?tutti=1",
        "interview agenda (everyone)": reverse("employment:agenda") + "?tutti=1",
        "grants (of a fund)": reverse("grants:fund_detail", args=[fund.pk]),
        "funds": reverse("grants:fund_list"),
        "person": reverse("people:detail", args=[person.pk]),
        "dashboard": reverse("impact:dashboard"),
    }


LISTS = (
    "people",
    "organisations",
    "applications (of a call)",
    "vacancies",
    "placements",
    "projects",
    "waiting list",
    "people in care (everyone)",
    "interview agenda (everyone)",
    "grants (of a fund)",
    "funds",
)


@contextmanager
def rows_per_page(n: int):
    """Every Paginator shows `n` rows per page."""
    original = paginator.Paginator.__init__

    def init(self, object_list, per_page, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(self, object_list, n, *args, **kwargs)

    paginator.Paginator.__init__ = init  # type: ignore[method-assign]
    try:
        yield
    finally:
        paginator.Paginator.__init__ = original  # type: ignore[method-assign]


def query_counts() -> dict[str, dict[str, Any]]:
    client = Client(**PROXY)
    client.force_login(staff_user())
    result = {}
    for name, url in urls().items():
        if name not in LISTS:
            continue
        counts = {}
        for n in (10, 100):
            client.get(url)  # the lists' counts are cached (insieme.core.counts): measured warm
            with rows_per_page(n), CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (name, response.status_code)
            rows = response.content.count(b"<tr") - 1
            counts[n] = {"queries": len(queries), "rows": rows}
        result[name] = {"url": url, **{str(n): c for n, c in counts.items()}}
    return result

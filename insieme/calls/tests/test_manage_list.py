"""The applications of a call, one page at a time: filters, search, sorting and status counts."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from insieme.calls.models import Application, ApplicationStatus, Call, Line
from insieme.calls.tests.helpers import make_call
from insieme.network.models import Organisation
from insieme.people.models import Person

PER_PAGE = 25


def add_applications(call, count, *, start=0, status=ApplicationStatus.SUBMITTED):
    """`count` submitted applications, by organisations, with protocol numbers in order."""
    now = timezone.now()
    created = []
    for n in range(start, start + count):
        organisation = Organisation.objects.create(
            fiscal_code=f"{90000000000 + n:011d}", name=f"Cooperativa {n:03d}"
        )
        created.append(
            Application.objects.create(
                code=f"{call.code}-{n:04d}",
                call=call,
                title=f"Progetto {n:03d}",
                applicant_organisation=organisation,
                status=status,
                submitted_at=now - timedelta(minutes=n),
            )
        )
    return created


def codes_on(page_html: str, call) -> list[str]:
    return re.findall(rf">({re.escape(call.code)}-\d{{4}})</a>", page_html)


@pytest.fixture
def call(db):
    return make_call("IS-2026")


@pytest.fixture
def office(client_as, operator):
    return client_as(operator)


def test_query_count_is_the_same_with_3_and_30_applications(office, call):
    url = reverse("calls:manage", args=[call.pk])
    add_applications(call, 3)
    cache.clear()  # list counts are cached (`insieme.core.counts`): measure both uncached
    with CaptureQueriesContext(connection) as few:
        assert office.get(url).status_code == 200
    add_applications(call, 27, start=3, status=ApplicationStatus.IN_EVALUATION)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        response = office.get(url)
    assert len(many) == len(few)
    assert len(codes_on(response.text, call)) == PER_PAGE


def test_the_second_page_shows_the_rest_and_the_counts_are_over_the_whole_call(office, call):
    everything = add_applications(call, 28) + add_applications(
        call, 2, start=28, status=ApplicationStatus.INELIGIBLE
    )
    url = reverse("calls:manage", args=[call.pk])
    Application.objects.create(code="BOZZA-X", call=call, title="Bozza")  # drafts never show
    first = office.get(url).text
    second = office.get(url, {"pagina": 2}).text
    assert "Pagina 1 di 2" in first
    assert "Pagina 2 di 2" in second
    shown = codes_on(first, call) + codes_on(second, call)
    assert shown == sorted(a.code for a in everything)
    for page in (first, second):
        counts = re.search(r'<p id="status-counts">(.*?)</p>', page, re.S).group(1)
        assert "30 candidature presentate" in counts
        assert "Presentata: 28" in counts
        assert "Non ammissibile: 2" in counts
        assert "Candidature trovate: 30" in page


@pytest.mark.parametrize("number", ["abc", "0", "-1", "999", "1.5", ""])
def test_a_bad_page_number_shows_a_page_not_an_error(office, call, number):
    add_applications(call, 30)
    response = office.get(reverse("calls:manage", args=[call.pk]), {"pagina": number})
    assert response.status_code == 200
    assert len(codes_on(response.text, call)) in (PER_PAGE, 5)


def test_filter_by_status_is_bookmarkable_and_keeps_the_status_on_the_next_page(office, call):
    add_applications(call, 3)
    in_evaluation = add_applications(call, 27, start=3, status=ApplicationStatus.IN_EVALUATION)
    url = reverse("calls:manage", args=[call.pk])
    first = office.get(url, {"stato": ApplicationStatus.IN_EVALUATION})
    assert "Candidature trovate: 27" in first.text
    assert "stato=in_valutazione&amp;pagina=2" in first.text
    second = office.get(url, {"stato": ApplicationStatus.IN_EVALUATION, "pagina": 2})
    shown = codes_on(first.text, call) + codes_on(second.text, call)
    assert shown == [a.code for a in in_evaluation]


def test_an_unknown_status_is_explained_in_italian(office, call):
    add_applications(call, 2)
    response = office.get(reverse("calls:manage", args=[call.pk]), {"stato": "inventato"})
    assert response.status_code == 200
    assert "Scegli un&#x27;opzione valida" in response.text
    assert "Candidature trovate: 2" in response.text


def test_sorting_by_a_column_header(office, call):
    applications = add_applications(call, 3)
    url = reverse("calls:manage", args=[call.pk])
    # Submitted at: the first one is the most recent, so ascending order is the reverse.
    page = office.get(url, {"ordina": "presentata"}).text
    assert codes_on(page, call) == [a.code for a in reversed(applications)]
    assert 'aria-sort="ascending"><a href="?ordina=-presentata"' in page
    page = office.get(url, {"ordina": "-protocollo"}).text
    assert codes_on(page, call) == [a.code for a in reversed(applications)]
    # Not a sort key: the default order.
    page = office.get(url, {"ordina": "owner__password"}).text
    assert codes_on(page, call) == [a.code for a in applications]


def test_search_by_applicant_name_is_posted_and_lands_on_a_bookmarkable_list(office, call):
    add_applications(call, 3)
    person = Person.objects.create(
        fiscal_code="BNCGNN85T10A944S", last_name="Bianchi", first_name="Giovanni"
    )
    Application.objects.create(
        code="IS-2026-0099",
        call=call,
        title="Orto sul tetto",
        applicant_person=person,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    response = office.post(reverse("calls:manage_search", args=[call.pk]), {"q": "bianchì"})
    assert response.status_code == 303
    assert response["Location"] == reverse("calls:manage", args=[call.pk]) + "?q=bianch%C3%AC"
    page = office.get(response["Location"]).text
    assert codes_on(page, call) == ["IS-2026-0099"]
    assert "Candidature trovate: 1" in page


def test_a_protocol_number_never_reaches_the_address(office, call):
    wanted = add_applications(call, 3)[1]
    response = office.post(reverse("calls:manage_search", args=[call.pk]), {"q": wanted.code})
    assert response.status_code == 303
    assert wanted.code not in response["Location"]
    assert "ricerca=" in response["Location"]
    page = office.get(response["Location"]).text
    assert codes_on(page, call) == [wanted.code]
    # Typed into the address, it is moved out of it.
    typed = office.get(reverse("calls:manage", args=[call.pk]), {"q": wanted.code})
    assert typed.status_code == 303
    assert wanted.code not in typed["Location"]


def test_htmx_search_gets_the_fragment_and_the_address_to_push(office, call):
    add_applications(call, 3)
    response = office.post(
        reverse("calls:manage_search", args=[call.pk]),
        {"q": "Progetto 001"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="applications">')
    assert "<h1>" not in response.text
    assert response["HX-Push-Url"].startswith(reverse("calls:manage", args=[call.pk]))
    assert codes_on(response.text, call) == ["IS-2026-0001"]


@pytest.mark.parametrize("who", ["applicant", "evaluator", "coach", "funder", "outsider"])
def test_the_search_is_for_the_office(client_as, cast, call, who):
    response = client_as(cast[who]).post(reverse("calls:manage_search", args=[call.pk]), {"q": "x"})
    assert response.status_code == 403


def test_the_search_of_an_unknown_call_is_not_found(office, call):
    assert office.post(reverse("calls:manage_search", args=[call.pk + 1000])).status_code == 404


# The list of calls -------------------------------------------------------------------------------


def test_list_of_calls_pages_with_a_constant_query_count(office):
    def add_calls(numbers):
        now = timezone.now()
        for n in numbers:
            call = Call.objects.create(
                code=f"BANDO-{n:02d}",
                title=f"Bando {n:02d}",
                line=Line.SOCIAL_INNOVATION,
                edition=2026,
                opens_at=now,
                closes_at=now + timedelta(days=30),
            )
            add_applications(call, 1, start=n)

    url = reverse("calls:manage_list")
    add_calls(range(3))
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        office.get(url)
    add_calls(range(3, 30))
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        first = office.get(url).text
    assert len(many) == len(few)
    second = office.get(url, {"pagina": 2}).text
    shown = re.findall(r">(BANDO-\d\d)</a>", first) + re.findall(r">(BANDO-\d\d)</a>", second)
    assert shown == [f"BANDO-{n:02d}" for n in range(30)]
    assert office.get(url, {"pagina": "ultima"}).status_code == 200

"""The grants app's lists, one page at a time, with totals over every row in the database."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from insieme.core.money import eur
from insieme.grants import services
from insieme.grants.models import DeMinimisDeclaration, Instrument
from insieme.grants.tests.test_views import make_grant
from insieme.network.models import OrganisationMember
from insieme.projects.tests import factories as f

D = Decimal
PER_PAGE = 25
BAD_PAGES = ["abc", "0", "-1", "999", "1.5", ""]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def office(client_as, operator):
    return client_as(operator)


def cells(html: str, pattern: str) -> list[str]:
    return re.findall(pattern, html)


def tfoot(html: str) -> str:
    return re.search(r"<tfoot>(.*?)</tfoot>", html, re.S).group(1)


def query_count(client, url, params=None) -> int:
    """Queries of one request, list counts not yet cached (`insieme.core.counts`)."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


# The list of funds -------------------------------------------------------------------------------


def add_funds(count, *, start=0, **extra):
    return [
        f.fund(f"{1000 + n}.00", name=f"Fondo {n:02d}", **extra)
        for n in range(start, start + count)
    ]


def fund_names(html: str) -> list[str]:
    return cells(html, r">(Fondo \d\d)</")


def test_fund_list_query_count_is_the_same_with_3_and_30_funds(office):
    url = reverse("grants:fund_list")
    add_funds(3)
    few = query_count(office, url)
    add_funds(27, start=3)
    assert query_count(office, url) == few
    assert len(fund_names(office.get(url).text)) == PER_PAGE


def test_fund_list_second_page_and_totals_over_every_fund(office, operator):
    funds = add_funds(30)
    # A grant from a fund shown on the second page still counts in the totals of the first.
    make_grant(operator, fund=funds[-1], amount="500.00")
    url = reverse("grants:fund_list")
    first = office.get(url).text
    second = office.get(url, {"pagina": 2}).text
    assert fund_names(first) + fund_names(second) == [fund.name for fund in funds]
    budget = sum(1000 + n for n in range(30))  # 30.435
    for page in (first, second):
        totals = tfoot(page)
        assert f"{budget // 1000}.{budget % 1000:03d},00" in totals
        assert "500,00" in totals
        assert f"{(budget - 500) // 1000}.{(budget - 500) % 1000:03d},00" in totals
        assert "Fondi trovati: 30" in page


@pytest.mark.parametrize("number", BAD_PAGES)
def test_fund_list_bad_page_number(office, number):
    add_funds(30)
    response = office.get(reverse("grants:fund_list"), {"pagina": number})
    assert response.status_code == 200
    assert len(fund_names(response.text)) in (PER_PAGE, 5)


def test_fund_list_filters_by_funder_and_instrument_with_totals_of_what_is_kept(office):
    san_petronio = f.organisation("Fondazione San Petronio", is_funder=True)
    add_funds(3, funder=san_petronio)
    f.fund("7000.00", name="Fondo 50", instrument=Instrument.MICROCREDIT, funder=san_petronio)
    add_funds(26, start=4)
    url = reverse("grants:fund_list")
    page = office.get(url, {"finanziatore": san_petronio.pk}).text
    assert fund_names(page) == ["Fondo 00", "Fondo 01", "Fondo 02", "Fondo 50"]
    assert "10.003,00" in tfoot(page)  # 1000 + 1001 + 1002 + 7000
    page = office.get(url, {"finanziatore": san_petronio.pk, "strumento": "microcredit"}).text
    assert fund_names(page) == ["Fondo 50"]
    assert "7.000,00" in tfoot(page)


def test_fund_list_explains_a_bad_filter_in_italian(office):
    add_funds(2)
    response = office.get(reverse("grants:fund_list"), {"finanziatore": "nessuno"})
    assert response.status_code == 200
    assert "Scegli un&#x27;opzione valida" in response.text
    assert fund_names(response.text) == ["Fondo 00", "Fondo 01"]


def test_fund_list_sorts_by_the_available_money(office, operator):
    funds = add_funds(3)
    make_grant(operator, fund=funds[2], amount="1002.00")  # nothing left
    page = office.get(reverse("grants:fund_list"), {"ordina": "disponibile"}).text
    assert fund_names(page) == ["Fondo 02", "Fondo 00", "Fondo 01"]
    assert 'aria-sort="ascending"><a href="?ordina=-disponibile"' in page


# The funder's own ledger -------------------------------------------------------------------------


def test_funder_ledger_pages_and_totals(client_as, funder):
    own = f.organisation("Fondazione del Monte", is_funder=True)
    OrganisationMember.objects.create(organisation=own, user=funder)
    add_funds(3, funder=own)
    client = client_as(funder)
    url = reverse("grants:funder_ledger")
    few = query_count(client, url)
    funds = add_funds(27, start=3, funder=own)
    add_funds(2, start=40)  # another funder's
    assert query_count(client, url) == few
    first = client.get(url).text
    second = client.get(url, {"pagina": 2}).text
    assert fund_names(first) + fund_names(second) == [f"Fondo {n:02d}" for n in range(30)]
    assert "30.435,00" in tfoot(second)
    assert reverse("grants:fund_detail", args=[funds[0].pk]) not in first
    assert client.get(url, {"pagina": "zzz"}).status_code == 200


# The grants and microcredits of a fund -----------------------------------------------------------


def grant_codes(html: str) -> list[str]:
    return cells(html, r'href="/fondi/contributi/\d+/">([^<]+)</a>')


def test_fund_detail_query_count_is_the_same_with_3_and_30_grants(office, operator):
    fund = f.fund("1000000.00")
    url = reverse("grants:fund_detail", args=[fund.pk])
    for _ in range(3):
        make_grant(operator, fund=fund, amount="1000.00")
    few = query_count(office, url)
    for _ in range(27):
        make_grant(operator, fund=fund, amount="1000.00")
    assert query_count(office, url) == few


def test_fund_detail_second_page_and_ledger_over_every_grant(office, operator):
    fund = f.fund("1000000.00")
    grants = [make_grant(operator, fund=fund, amount=f"{1000 + n}.00") for n in range(30)]
    services.record_disbursement(
        grant=grants[0],
        tranche=grants[0].tranches.first(),
        paid_on=date(2025, 3, 2),
        amount=D("400.00"),
        by=operator,
    )
    url = reverse("grants:fund_detail", args=[fund.pk])
    first = office.get(url, {"ordina": "concesso"}).text
    second = office.get(url, {"ordina": "concesso", "pagina": 2}).text
    assert grant_codes(first) + grant_codes(second) == [g.code for g in grants]
    assert "30 contributi da questo fondo" in second
    ledger = re.search(r'<dl class="row" id="fund-ledger">(.*?)</dl>', second, re.S).group(1)
    assert eur(Decimal("30435.00")) in ledger  # committed: every grant, not this page's five
    assert eur(Decimal("400.00")) in ledger
    assert eur(Decimal("969565.00")) in ledger


@pytest.mark.parametrize("number", BAD_PAGES)
def test_fund_detail_bad_page_number(office, operator, number):
    fund = f.fund("1000000.00")
    for _ in range(3):
        make_grant(operator, fund=fund)
    response = office.get(reverse("grants:fund_detail", args=[fund.pk]), {"pagina": number})
    assert response.status_code == 200
    assert len(grant_codes(response.text)) == 3


def test_fund_microcredits_have_their_own_pages(office, operator):
    fund = f.fund("900000.00", instrument=Instrument.MICROCREDIT)
    lender = f.organisation("MAG Bologna")
    for n in range(30):
        services.request_microcredit(
            application=f.application(f"Prestito {n:02d}"),
            lender=lender,
            amount=D("1000.00"),
            term_months=36,
            requested_on=date(2025, 1, 1 + n),
            fund=fund,
            by=operator,
        )
    url = reverse("grants:fund_detail", args=[fund.pk])
    few = query_count(office, url)
    first = office.get(url).text
    assert "pagina_microcrediti=2" in first
    assert 'aria-label="Pagine dei microcrediti"' in first
    second = office.get(url, {"pagina_microcrediti": 2, "pagina": "x"}).text
    titles = cells(first, r"<li>(Prestito \d\d) —") + cells(second, r"<li>(Prestito \d\d) —")
    assert titles == [f"Prestito {n:02d}" for n in reversed(range(30))]
    assert query_count(office, url, {"pagina_microcrediti": 2}) == few


# The de minimis register -------------------------------------------------------------------------


def test_de_minimis_register_pages_with_a_constant_query_count(office, operator):
    def declare(n):
        DeMinimisDeclaration.objects.create(
            organisation=f.organisation(f"Impresa {n:02d}"),
            grantor="Camera di commercio",
            granted_on=timezone.localdate(),
            amount=D("1000.00"),
            declared_on=timezone.localdate(),
            recorded_by=operator,
        )

    for n in range(3):
        declare(n)
    url = reverse("grants:de_minimis")
    few = query_count(office, url)
    for n in range(3, 30):
        declare(n)
    assert query_count(office, url) == few
    first = office.get(url).text
    second = office.get(url, {"pagina": 2}).text
    names = cells(first, r">(Impresa \d\d)</a>") + cells(second, r">(Impresa \d\d)</a>")
    assert names == [f"Impresa {n:02d}" for n in range(30)]
    assert "Imprese: 30" in second
    assert office.get(url, {"pagina": "-3"}).status_code == 200


# Grants and expense reports ----------------------------------------------------------------------


def test_grants_and_expense_reports_page_with_a_constant_query_count(office, operator):
    url = reverse("grants:my_grants")
    grants = [make_grant(operator) for _ in range(3)]
    few = query_count(office, url)
    grants += [make_grant(operator) for _ in range(27)]
    assert query_count(office, url) == few
    first = office.get(url).text
    second = office.get(url, {"pagina": 2}).text
    assert sorted(grant_codes(first) + grant_codes(second)) == sorted(g.code for g in grants)
    assert len(grant_codes(second)) == 5
    assert office.get(url, {"pagina": "0"}).status_code == 200

import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from insieme.calls.models import Call
from insieme.core.money import eur
from insieme.impact.dashboard import Audience, Dashboard
from insieme.impact.demo import load_demo_programme
from insieme.impact.figures import Filters, compute

pytestmark = pytest.mark.django_db

URL = "/cruscotto/"
LINK_RE = re.compile(r'<a href="(/cruscotto/dati/[^"]+)"[^>]*>([^<]+)</a>')


@pytest.fixture
def demo(db):
    load_demo_programme()


def card(html: str, label: str) -> str:
    """The value shown on the dashboard card called `label`."""
    match = re.search(rf'data-figure="{re.escape(label)}">([^<]+)<', html)
    assert match, label
    return unescape(match.group(1))


def record_count(html: str) -> int:
    match = re.search(r"<span data-count>(\d+)</span>", html)
    assert match, html[:2000]
    return int(match.group(1).replace(".", ""))


def test_the_operator_sees_the_programmes_figures(client_as, operator, demo):
    response = client_as(operator).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cruscotto" in html
    assert card(html, "Candidature") == "91"
    assert card(html, "Progetti accompagnati") == "47"
    assert card(html, "Progetti finanziati") == "27"
    assert card(html, "Fondo perduto erogato") == eur(Decimal("140000.00"))
    assert html.count('data-figure="Inserimenti lavorativi">70<') == 1
    assert 'data-figure="Persone occupate">36<' in html
    assert 'id="chart-data"' in html
    assert "Innovazione sociale e autoimpiego" in html


def test_the_dashboard_agrees_with_the_engine(demo):
    report = compute()
    with translation.override("en"):
        board = Dashboard(Filters())
        projects = {str(label): cell for label, cell in board.sections[0].cards}
        employment = {str(label): cell for label, cell in board.sections[1].cards}
    assert projects["Applications"].value == report["projects"]["applications"]
    assert projects["Accompanied projects"].value == report["projects"]["accompanied"]
    assert projects["Funded projects"].value == report["projects"]["funded"]
    assert projects["Grants paid out"].value == Decimal(report["projects"]["grants_disbursed_eur"])
    assert projects["Job placements"].value == report["projects"]["placements"]
    assert projects["People employed"].value == report["projects"]["people_employed"]
    assert employment["Sign-ups"].value == report["employment"]["registrations"]
    assert (
        employment["Average days from first interview to placement"].value
        == report["employment"]["avg_days_to_first_placement"]
    )
    sectors = board.chart("sectors")
    assert [c.value for c in sectors.series[0].cells] == [
        row["accompanied"] for row in report["projects"]["sectors"]
    ]


def test_every_figure_leads_to_exactly_its_records(client_as, operator, demo):
    client = client_as(operator)
    html = client.get(URL).content.decode()
    before_comuni = html.split('id="comuni-title"')[0]
    links = {unescape(href): unescape(text) for href, text in LINK_RE.findall(before_comuni)}
    assert len(links) > 40
    for href, shown in links.items():
        if "€" in shown or "," in shown:
            continue  # an amount or a mean: its records are what it sums up
        response = client.get(href)
        assert response.status_code == 200, href
        assert record_count(response.content.decode()) == int(shown.replace(".", "")), href


def test_the_records_behind_money_add_up(client_as, operator, demo):
    response = client_as(operator).get(
        reverse("impact:records", args=["projects.grants_disbursed_eur"])
    )
    html = response.content.decode()
    assert record_count(html) == 50  # 25 grants paid in two tranches
    assert "Fondazione San Petronio" in html


def test_filters_narrow_the_figures_and_the_links_keep_them(client_as, operator, demo):
    call = Call.objects.get(code="DEMO-AI-2019")
    client = client_as(operator)
    html = client.get(URL, {"bando": call.pk}).content.decode()
    assert card(html, "Candidature") == "5"
    assert card(html, "Progetti accompagnati") == "3"
    href = unescape(re.search(r'href="([^"]+)" data-figure="Progetti accompagnati"', html).group(1))
    assert f"bando={call.pk}" in href
    assert record_count(client.get(href).content.decode()) == 3


def test_a_period_counts_each_event_by_its_own_date(client_as, operator, demo):
    html = client_as(operator).get(URL, {"da": "2024-01-01", "a": "2024-12-31"}).content.decode()
    report = compute(Filters(date_from=__import__("datetime").date(2024, 1, 1),
                             date_to=__import__("datetime").date(2024, 12, 31)))  # fmt: skip
    assert card(html, "Candidature") == str(report["projects"]["applications"])


def test_an_inverted_period_gets_an_italian_message(client_as, operator, demo):
    response = client_as(operator).get(URL, {"da": "2024-06-30", "a": "2024-01-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "scambia le due date" in html
    assert card(html, "Candidature") == "91"  # the figures of everything meanwhile


def test_a_wrong_date_gets_an_italian_message(client_as, operator, demo):
    html = client_as(operator).get(URL, {"da": "31/02/2024"}).content.decode()
    assert "Inserisci una data valida" in html


def test_htmx_gets_the_panel_only(client_as, operator, demo):
    response = client_as(operator).get(URL, {"linea": "autoimpiego"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="panel">')
    assert "<html" not in html
    assert card(html, "Candidature") == "36"


def test_login_is_required(client, demo):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ["coach", "evaluator", "partner", "applicant", "outsider"])
def test_other_roles_are_refused(client_as, cast, role):
    assert client_as(cast[role]).get(URL).status_code == 403
    assert client_as(cast[role]).get(URL + "dati/projects.accompanied/").status_code == 403


def test_admin_sees_the_dashboard_with_links(client_as, admin_user, demo):
    html = client_as(admin_user).get(URL).content.decode()
    assert 'href="/cruscotto/dati/projects.accompanied/"' in html


def test_a_funder_without_an_organisation_sees_the_public_aggregates(client_as, funder, demo):
    client = client_as(funder)
    html = client.get(URL).content.decode()
    assert card(html, "Candidature") == "91"
    assert "/cruscotto/dati/" not in html  # no drill-down at all
    assert "&lt;5" in html
    assert client.get(URL + "dati/projects.accompanied/").status_code == 403
    assert client.get(URL + "dati/employment.placements/").status_code == 403


def test_small_counts_are_suppressed_for_funders_not_for_operators(
    client_as, operator, funder, demo
):
    call = Call.objects.get(code="DEMO-AI-2019")  # 3 accompanied projects
    funder_html = client_as(funder).get(URL, {"bando": call.pk}).content.decode()
    assert card(funder_html, "Progetti accompagnati") == "<5"
    assert card(funder_html, "Candidature") == "5"
    operator_html = client_as(operator).get(URL, {"bando": call.pk}).content.decode()
    assert card(operator_html, "Progetti accompagnati") == "3"


def test_suppression_reaches_the_chart_data(demo):
    call = Call.objects.get(code="DEMO-AI-2019")
    board = Dashboard(Filters(call=call.pk), Audience.PUBLIC)
    funnel = board.chart("funnel").as_json()
    assert funnel["datasets"][0]["data"] == [5, None, None]
    assert funnel["datasets"][0]["links"] == [None, None, None]


def test_the_public_page_needs_no_login_and_shows_aggregates(client, demo):
    response = client.get(reverse("impact:public"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Il programma in cifre" in html
    assert card(html, "Persone occupate") == "36"
    assert "/cruscotto/dati/" not in html
    assert "rapporto.pdf" not in html


def test_unknown_figures_are_not_found(client_as, operator, demo):
    assert client_as(operator).get(URL + "dati/projects.nothing/").status_code == 404


def test_query_count_does_not_grow_with_the_data(client_as, operator, demo):
    client = client_as(operator)
    client.get(URL)  # warm up sessions, content types
    # Computed, not read from the figures cache (test_cache.py tests that).
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, {"da": "2018-01-01", "a": "2018-12-31"}).status_code == 200
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(many) == len(few)


def test_query_count_of_a_record_list_does_not_grow_with_rows(client_as, operator, demo):
    client = client_as(operator)
    counts = []
    for key in (
        "projects.placements",
        "projects.grants_awarded_eur",
        "employment.first_interviews",
    ):
        for filters in ({"da": "2019-01-01", "a": "2019-12-31"}, {}):
            url = reverse("impact:records", args=[key])
            client.get(url, filters)
            with CaptureQueriesContext(connection) as queries:
                client.get(url, filters)
            counts.append(len(queries))
        assert counts[-1] == counts[-2], key


def make_member(user, name):
    from insieme.network.models import Organisation, OrganisationMember

    organisation = Organisation.objects.get(name=name)
    OrganisationMember.objects.create(user=user, organisation=organisation)
    return organisation


def test_a_funder_sees_only_what_its_funds_paid_for(client_as, funder, demo):
    organisation = make_member(funder, "Fondazione San Petronio")
    scoped = compute(Filters(funder=organisation.pk))["projects"]
    client = client_as(funder)
    html = client.get(URL).content.decode()
    assert "I dati dei progetti finanziati da Fondazione San Petronio" in html
    assert card(html, "Progetti finanziati") == str(scoped["funded"]) == "25"
    assert card(html, "Candidature") == str(scoped["applications"])
    assert card(html, "Fondo perduto erogato") == eur(Decimal("140000.00"))
    assert "Servizi per il lavoro" not in html  # not what its funds paid for
    assert 'name="finanziatore"' not in html
    # It may open the projects behind a figure, never the people.
    href = unescape(re.search(r'href="([^"]+)" data-figure="Progetti finanziati"', html).group(1))
    records_html = client.get(href).content.decode()
    assert record_count(records_html) == 25
    assert "Una persona (autoimpiego)" in records_html
    assert client.get(URL + "dati/projects.placements/").status_code == 403
    assert client.get(URL + "dati/projects.people_employed/").status_code == 403
    assert client.get(URL + "dati/employment.registrations/").status_code == 403


def test_a_funder_cannot_widen_its_scope_with_the_filters(client_as, funder, demo):
    from insieme.network.models import Organisation

    make_member(funder, "Fondazione Comunità Felsinea")
    other = Organisation.objects.get(name="Fondazione San Petronio")
    html = client_as(funder).get(URL, {"finanziatore": other.pk}).content.decode()
    assert card(html, "Progetti finanziati") == "<5"  # its own two grants, suppressed
    assert card(html, "Fondo perduto erogato") == eur(Decimal("0.00"))
    assert "/cruscotto/dati/projects.funded/" not in html
    response = client_as(funder).get(URL + "dati/projects.funded/", {"finanziatore": other.pk})
    assert response.status_code == 403  # two records: the list would tell the suppressed count


@pytest.mark.parametrize("role", ["operator", "funder", "admin"])
def test_the_home_page_leads_to_the_dashboard(client_as, cast, role):
    html = client_as(cast[role]).get("/").content.decode()
    assert 'href="/cruscotto/"' in html
    assert ("/cruscotto/importa/" in html) is (role != "funder")


def test_a_funder_chooses_only_among_the_calls_its_funds_paid_for(client_as, funder, demo):
    from insieme.grants.models import Grant

    organisation = make_member(funder, "Fondazione Comunità Felsinea")
    own = set(
        Grant.objects.filter(funder=organisation).values_list("application__call__code", flat=True)
    )
    assert own
    html = client_as(funder).get(URL).content.decode()
    select = html.split('name="bando"')[1].split("</select>")[0]
    offered = {c.code for c in Call.objects.all() if f">{c.code} — " in select}
    assert offered == own
    other = Call.objects.exclude(code__in=own).first()
    response = client_as(funder).get(URL, {"bando": other.pk})
    assert "Scegli un&#x27;opzione valida" in response.content.decode() or (
        "Scegli un'opzione valida" in response.content.decode()
    )

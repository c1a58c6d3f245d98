import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from insieme.calls.models import Call
from insieme.core.money import eur
from insieme.impact.demo import load_demo_programme
from insieme.impact.figures import Filters, compute

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    load_demo_programme()


def test_the_pdf_report_has_the_engines_figures(client_as, operator, demo):
    response = client_as(operator).get(reverse("impact:report_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="cruscotto.pdf"' in response["Content-Disposition"]
    board = response.context["board"]
    report = compute()
    cards = dict(board.sections[0].cards).values()
    assert [c.value for c in cards][:3] == [
        report["projects"]["applications"],
        report["projects"]["accompanied"],
        report["projects"]["funded"],
    ]
    assert "impact/report_pdf.html" in [t.name for t in response.templates]


def test_the_pdf_states_the_counting_rules_in_italian(client_as, operator, demo):
    from django.template.loader import render_to_string
    from django.utils import timezone

    from insieme.impact.dashboard import Dashboard

    html = render_to_string(
        "impact/report_pdf.html",
        {"board": Dashboard(Filters()), "funder": None, "generated": timezone.localtime()},
    )
    assert "Come si contano i dati" in html
    assert "le bozze mai presentate non contano" in html
    assert eur(Decimal("140000.00")) in html
    assert "<svg" in html


def test_a_period_pdf_is_named_after_the_period(client_as, operator, demo):
    response = client_as(operator).get(
        reverse("impact:report_pdf"), {"da": "2024-01-01", "a": "2024-06-30"}
    )
    assert 'filename="cruscotto-2024-01-01-2024-06-30.pdf"' in response["Content-Disposition"]


def test_the_spreadsheet_has_the_same_figures(client_as, operator, demo):
    response = client_as(operator).get(reverse("impact:report_table", args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {(r[0], r[1]): r[2] for r in sheet.iter_rows(min_row=2, values_only=True)}
    section = "Innovazione sociale e autoimpiego"
    assert rows[(section, "Candidature")] == 91
    assert rows[(section, "Progetti accompagnati")] == 47
    assert rows[(section, "Fondo perduto erogato")] == pytest.approx(140000)
    assert rows[(section, "Persone occupate")] == 36


def test_the_csv_has_the_same_figures(client_as, operator, demo):
    call = Call.objects.get(code="DEMO-IS-2020")
    response = client_as(operator).get(
        reverse("impact:report_table", args=["csv"]), {"bando": call.pk}
    )
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Sezione", "Voce", "Valore"]
    values = {(r[0], r[1]): r[2] for r in rows[1:]}
    expected = compute(Filters(call=call.pk))["projects"]["applications"]
    assert values[("Innovazione sociale e autoimpiego", "Candidature")] == str(expected)


def test_an_unknown_format_is_not_found(client_as, operator, demo):
    assert client_as(operator).get("/cruscotto/rapporto.doc").status_code == 404


def test_funder_reports_are_suppressed(client_as, funder, demo):
    call = Call.objects.get(code="DEMO-AI-2019")
    response = client_as(funder).get(
        reverse("impact:report_table", args=["csv"]), {"bando": call.pk}
    )
    text = response.content.decode("utf-8-sig")
    assert "Progetti accompagnati;<5" in text
    pdf = client_as(funder).get(reverse("impact:report_pdf"), {"bando": call.pk})
    assert pdf.status_code == 200
    assert pdf.context["board"].suppress


@pytest.mark.parametrize("role", ["coach", "partner", "applicant", "outsider"])
def test_reports_are_refused_to_other_roles(client_as, cast, role):
    assert client_as(cast[role]).get(reverse("impact:report_pdf")).status_code == 403
    assert client_as(cast[role]).get("/cruscotto/rapporto.csv").status_code == 403


def test_reports_need_login(client):
    assert client.get(reverse("impact:report_pdf")).status_code == 302


def test_the_dashboard_the_pdf_and_impact_report_print_the_same_figures(client_as, operator, demo):
    """Compare what each prints (not the objects behind them): the command's JSON, the
    dashboard's cards and the HTML that the PDF is drawn from."""
    import json
    import re
    from html import unescape

    from django.core.management import call_command
    from django.template.loader import render_to_string

    out = io.StringIO()
    call_command("impact_report", "--format", "json", stdout=out)
    projects = json.loads(out.getvalue())["projects"]
    assert (projects["applications"], projects["grants_disbursed_eur"]) == (91, "140000.00")
    expected = {
        "Candidature": str(projects["applications"]),
        "Progetti accompagnati": str(projects["accompanied"]),
        "Progetti finanziati": str(projects["funded"]),
        "Fondo perduto erogato": eur(Decimal("140000.00")),
        "Inserimenti lavorativi": str(projects["placements"]),
        "Persone occupate": str(projects["people_employed"]),
    }
    client = client_as(operator)
    dashboard = client.get(reverse("impact:dashboard")).content.decode()
    response = client.get(reverse("impact:report_pdf"))
    assert response.content.startswith(b"%PDF")
    printed = render_to_string(
        "impact/report_pdf.html",
        {k: response.context[k] for k in ("board", "funder", "generated")},
    )
    first_section = printed.split('<table class="cards">')[1].split("</table>")[0]
    pdf_cards = {
        unescape(label).strip(): unescape(value)
        for value, label in re.findall(
            r'<span class="value">([^<]+)</span>([^<]+)</td>', first_section
        )
    }
    for label, value in expected.items():
        shown = re.search(rf'data-figure="{re.escape(label)}">([^<]+)<', dashboard)
        assert shown, label
        assert unescape(shown.group(1)) == value, label
        assert pdf_cards[label] == value, label

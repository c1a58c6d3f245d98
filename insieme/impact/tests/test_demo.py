import json
from decimal import Decimal
from io import StringIO

import pytest
from codicefiscale import codicefiscale
from django.core.management import call_command
from django.db.models import Count, Sum

from insieme.accounts.models import User
from insieme.calls.models import Application, ApplicationStatus, Call
from insieme.core.fiscal_code import is_valid_numeric
from insieme.core.models import ContractType
from insieme.employment.models import Interview, Registration, Vacancy
from insieme.grants.models import Disbursement, Fund, Grant
from insieme.impact.demo import load_demo_programme
from insieme.impact.figures import compute
from insieme.network.models import Organisation, OrganisationMember
from insieme.people.models import Person
from insieme.placements.models import Placement
from insieme.projects.models import Project

pytestmark = pytest.mark.django_db

# Children first, so that deleting them all respects the protected foreign keys.
DEMO_MODELS = [
    Vacancy, Placement, Interview, Registration, Disbursement, Grant, Fund, Project, Application,
    Call, Organisation, Person,
]  # fmt: skip


@pytest.fixture
def demo(db):
    assert load_demo_programme() is True


def test_the_demo_reproduces_the_programmes_figures_counted_from_the_records(demo):
    submitted = Application.objects.exclude(status=ApplicationStatus.DRAFT)
    assert submitted.count() == 91
    assert Application.objects.filter(status=ApplicationStatus.DRAFT).exists()
    accompanied = submitted.filter(status=ApplicationStatus.ACCOMPANIED)
    assert accompanied.count() == 47
    funded = (
        accompanied.annotate(
            net=Sum("grants__amount_awarded") - Sum("grants__amount_revoked"),
        )
        .filter(net__gt=0)
        .count()
    )
    assert funded == 27
    assert Grant.objects.filter(amount_revoked__gt=0).exists()
    assert Disbursement.objects.aggregate(total=Sum("amount"))["total"] == Decimal("140000.00")

    jobs = Placement.objects.filter(application__isnull=False).exclude(
        contract_type__code=ContractType.TRAINEESHIP
    )
    assert jobs.count() == 70
    assert jobs.values("person").distinct().count() == 36
    assert jobs.filter(is_extension=True).exists()
    assert Placement.objects.filter(contract_type__code=ContractType.TRAINEESHIP).exists()


def test_sector_shares_over_accompanied_projects_are_close_to_the_programmes(demo):
    shares = dict(
        Application.objects.filter(status=ApplicationStatus.ACCOMPANIED)
        .values_list("sector__code")
        .annotate(n=Count("pk"))
    )
    expected = {
        "welfare_comunita": 30,
        "food_etico": 16,
        "moda_etica": 16,
        "agricoltura_sociale": 14,
        "sport_cultura_rigenerazione": 12,
    }
    for code, percent in expected.items():
        assert abs(shares[code] * 100 / 47 - percent) <= 2, code


def test_territory_spans_the_seven_districts_and_both_lines_every_year(demo):
    districts = set(
        Person.objects.values_list("residence_comune__district__name", flat=True).distinct()
    )
    assert len(districts - {None}) == 7
    calls = Application.objects.values_list("call__line", "call__edition").distinct()
    assert {edition for _, edition in calls} == set(range(2018, 2025))
    assert {line for line, _ in calls} == {"innovazione_sociale", "autoimpiego"}
    assert Person.objects.filter(residence_comune__decentralised=True).exists()
    assert Person.objects.filter(residence_comune__decentralised=False).exists()


def test_codes_are_valid(demo):
    for code in Person.objects.values_list("fiscal_code", flat=True):
        assert codicefiscale.is_valid(code), code
    for code in Organisation.objects.values_list("fiscal_code", flat=True):
        assert is_valid_numeric(code) or codicefiscale.is_valid(code), code
    san_petronio = Organisation.objects.get(name="Fondazione San Petronio")
    assert san_petronio.is_funder


def test_loading_twice_changes_nothing(demo):
    counts = (Person.objects.count(), Placement.objects.count(), Application.objects.count())
    assert load_demo_programme() is False
    assert counts == (
        Person.objects.count(),
        Placement.objects.count(),
        Application.objects.count(),
    )


def test_the_demo_is_deterministic(demo):
    def fingerprint():
        return (
            list(
                Person.objects.order_by("fiscal_code").values_list(
                    "fiscal_code", "residence_comune"
                )
            ),
            list(
                Placement.objects.order_by("code").values_list(
                    "code", "person__fiscal_code", "start_date"
                )
            ),
        )

    first = fingerprint()
    for model in DEMO_MODELS:
        model.objects.all().delete()
    assert load_demo_programme() is True
    assert fingerprint() == first


def test_the_figures_engine_gives_the_programmes_figures_on_the_demo(demo):
    projects = compute()["projects"]
    assert (
        projects["applications"],
        projects["accompanied"],
        projects["funded"],
        projects["grants_disbursed_eur"],
        projects["placements"],
        projects["people_employed"],
    ) == (91, 47, 27, "140000.00", 70, 36)
    shares = {row["sector"]: row["accompanied"] for row in projects["sectors"]}
    assert shares["welfare_comunita"] == 14
    assert sum(shares.values()) == 47


def test_impact_report_prints_the_programmes_figures_on_the_demo(demo):
    out = StringIO()
    call_command("impact_report", "--format", "json", stdout=out)
    projects = json.loads(out.getvalue())["projects"]
    assert (
        projects["applications"],
        projects["accompanied"],
        projects["funded"],
        projects["grants_disbursed_eur"],
        projects["placements"],
        projects["people_employed"],
    ) == (91, 47, 27, "140000.00", 70, 36)


def test_the_demo_funder_acts_for_fondazione_san_petronio(db):
    from insieme.accounts.demo import ensure_demo_users
    from insieme.network.models import OrganisationMember

    ensure_demo_users()
    load_demo_programme()
    member = OrganisationMember.objects.get(user__email="finanziatore@insieme.example")
    assert member.organisation.name == "Fondazione San Petronio"


def test_the_demo_partner_acts_for_a_company_with_open_vacancies(demo):
    from insieme.accounts.demo import ensure_demo_users

    ensure_demo_users()
    Vacancy.objects.all().delete()
    OrganisationMember.objects.all().delete()
    for model in DEMO_MODELS[1:]:
        model.objects.all().delete()
    assert load_demo_programme() is True
    partner = User.objects.get(email="partner@insieme.example")
    organisation = Organisation.objects.of_member(partner).get()
    assert Vacancy.objects.visible_to(partner).filter(organisation=organisation).count() == 2


def test_seed_demo_loads_the_accounts_and_the_programme_and_prints_the_logins(db, settings):
    """`make run` calls it: the command lives with the demo programme (impact), above accounts."""
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    assert "finanziatore@insieme.example" in out.getvalue()
    assert User.objects.filter(email="operatore@insieme.example").exists()
    assert Project.objects.exists()

"""Each counting rule of DOMAIN.md, on records built for the purpose."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from insieme.calls.models import Application, ApplicationStatus, Call, Line
from insieme.core.models import Comune, ContractType, Sector
from insieme.employment.models import Interview, InterviewKind, Registration
from insieme.grants.models import Disbursement, Grant
from insieme.impact.figures import Filters, compute, records
from insieme.network.models import Organisation
from insieme.people.models import Person
from insieme.placements.models import Placement

pytestmark = pytest.mark.django_db

D = datetime.date
BOLOGNA = "037006"
IMOLA = "037032"
SUBMITTED, OUTCOME, AWARDED = D(2023, 4, 1), D(2023, 5, 30), D(2023, 7, 1)


class Programme:
    """A tiny builder of programme records; codes are generated, not validated here."""

    def __init__(self) -> None:
        self.n = 0
        self.employer = Organisation.objects.create(fiscal_code="00000000001", name="Datore")
        self.funder = Organisation.objects.create(fiscal_code="00000000002", name="Fondazione")
        self.calls = {
            line: Call.objects.create(code=f"B-{line}", title="Bando", line=line) for line in Line
        }

    def code(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n:05d}"

    def person(self, comune: str = BOLOGNA, signed_up: datetime.date | None = None) -> Person:
        person = Person.objects.create(
            fiscal_code=self.code("CF"),
            last_name="Rossi",
            first_name="Anna",
            residence_comune_id=comune,
        )
        if signed_up:
            Registration.objects.create(person=person, registered_on=signed_up)
        return person

    def application(
        self,
        status: str = ApplicationStatus.ACCOMPANIED,
        submitted: datetime.date = SUBMITTED,
        outcome: datetime.date | None = OUTCOME,
        sector: str = "welfare_comunita",
        comune: str = BOLOGNA,
        line: str = Line.SOCIAL_INNOVATION,
    ) -> Application:
        return Application.objects.create(
            code=self.code("C"),
            call=self.calls[line],
            title="Progetto",
            status=status,
            submitted_at=datetime.datetime.combine(
                submitted, datetime.time(12), tzinfo=timezone.get_default_timezone()
            ),
            outcome_date=outcome,
            sector=Sector.objects.get(code=sector),
            comune_id=comune,
        )

    def grant(
        self,
        application: Application,
        awarded: str,
        revoked: str = "0",
        on: datetime.date = AWARDED,
    ) -> Grant:
        return Grant.objects.create(
            code=self.code("G"),
            application=application,
            funder=self.funder,
            amount_awarded=Decimal(awarded),
            amount_revoked=Decimal(revoked),
            awarded_on=on,
        )

    def pay(self, grant: Grant, amount: str, on: datetime.date) -> Disbursement:
        return Disbursement.objects.create(
            code=self.code("E"), grant=grant, amount=Decimal(amount), paid_on=on
        )

    def place(
        self,
        person: Person,
        start: datetime.date,
        contract: str = "determinato",
        extension: bool = False,
        application: Application | None = None,
    ) -> Placement:
        return Placement.objects.create(
            code=self.code("P"),
            person=person,
            employer=self.employer,
            contract_type=ContractType.objects.get(code=contract),
            start_date=start,
            is_extension=extension,
            application=application,
        )

    def interview(
        self, person: Person, on: datetime.date, kind: str = InterviewKind.FIRST
    ) -> Interview:
        return Interview.objects.create(code=self.code("K"), person=person, date=on, kind=kind)


@pytest.fixture
def programme():
    return Programme()


def H1_2024() -> Filters:
    return Filters(date_from=D(2024, 1, 1), date_to=D(2024, 6, 30))


def test_empty_database_gives_the_contract_shape():
    report = compute(Filters())
    assert list(report) == ["period", "projects", "employment", "territory"]
    assert list(report["projects"]) == [
        "applications",
        "accompanied",
        "funded",
        "grants_awarded_eur",
        "grants_revoked_eur",
        "grants_disbursed_eur",
        "placements",
        "people_employed",
        "traineeships",
        "sectors",
    ]
    assert list(report["employment"]) == [
        "registrations",
        "first_interviews",
        "placements",
        "people_employed",
        "first_time_placed",
        "new_contracts",
        "extensions",
        "traineeships",
        "contracts",
        "avg_days_to_first_placement",
    ]
    assert report["projects"]["grants_awarded_eur"] == "0.00"
    assert [s["sector"] for s in report["projects"]["sectors"]] == [
        "welfare_comunita",
        "food_etico",
        "moda_etica",
        "agricoltura_sociale",
        "sport_cultura_rigenerazione",
        "altro",
    ]
    assert report["employment"]["avg_days_to_first_placement"] is None
    assert report["territory"] == []


def test_drafts_do_not_count_every_submitted_outcome_does(programme):
    for status in ApplicationStatus:
        programme.application(status=status)
    projects = compute()["projects"]
    assert projects["applications"] == len(ApplicationStatus) - 1
    assert projects["accompanied"] == 1
    assert records(Filters(), "projects.applications").count() == projects["applications"]


def test_funded_means_accompanied_with_a_positive_net_grant(programme):
    fully_revoked = programme.application()
    programme.grant(fully_revoked, "5000", revoked="5000")
    funded = programme.application()
    programme.grant(funded, "5000", revoked="1000")
    programme.grant(funded, "1000")  # two grants: the project counts once
    not_admitted = programme.application(status=ApplicationStatus.NOT_SELECTED)
    programme.grant(not_admitted, "100")
    projects = compute()["projects"]
    assert projects["accompanied"] == 2
    assert projects["funded"] == 1
    assert projects["grants_awarded_eur"] == "11100.00"
    assert projects["grants_revoked_eur"] == "6000.00"
    assert list(records(Filters(), "projects.funded")) == [funded]


def test_money_paid_out_is_the_sum_of_disbursements_by_payment_date(programme):
    grant = programme.grant(programme.application(), "5000")
    programme.pay(grant, "2500", D(2023, 9, 1))
    programme.pay(grant, "2500.50", D(2024, 2, 1))
    assert compute()["projects"]["grants_disbursed_eur"] == "5000.50"
    assert compute(H1_2024())["projects"]["grants_disbursed_eur"] == "2500.50"
    # the award was in 2023: nothing awarded, nothing funded in the first half of 2024
    assert compute(H1_2024())["projects"]["grants_awarded_eur"] == "0.00"
    assert compute(H1_2024())["projects"]["funded"] == 0


def test_extensions_are_placements_shown_apart_and_traineeships_are_apart(programme):
    person = programme.person()
    programme.place(person, D(2023, 1, 1))
    programme.place(person, D(2023, 7, 1), extension=True)
    programme.place(person, D(2022, 1, 1), contract="tirocinio")
    employment = compute()["employment"]
    assert employment["placements"] == 2
    assert employment["new_contracts"] == 1
    assert employment["extensions"] == 1
    assert employment["traineeships"] == 1
    assert employment["contracts"] == {"determinato": 2}
    assert employment["people_employed"] == 1


def test_people_employed_are_distinct_people(programme):
    anna, bruno = programme.person(), programme.person()
    for start in (D(2023, 1, 1), D(2023, 3, 1), D(2023, 5, 1)):
        programme.place(anna, start)
    programme.place(bruno, D(2023, 2, 1), contract="indeterminato")
    programme.place(programme.person(), D(2023, 2, 1), contract="tirocinio")
    employment = compute()["employment"]
    assert employment["placements"] == 4
    assert employment["people_employed"] == 2
    assert employment["contracts"] == {"determinato": 3, "indeterminato": 1}
    assert set(records(Filters(), "employment.people_employed")) == {anna, bruno}


def test_first_time_placed_counts_a_person_whose_first_placement_is_in_the_period(programme):
    veteran, newcomer, trainee = programme.person(), programme.person(), programme.person()
    programme.place(veteran, D(2022, 5, 1))
    programme.place(veteran, D(2024, 2, 1))
    programme.place(trainee, D(2023, 5, 1), contract="tirocinio")  # a traineeship is not a job
    programme.place(trainee, D(2024, 3, 1))
    programme.place(newcomer, D(2024, 6, 30))
    employment = compute(H1_2024())["employment"]
    assert employment["placements"] == 3
    assert employment["first_time_placed"] == 2
    assert set(records(H1_2024(), "employment.first_time_placed")) == {newcomer, trainee}


def test_days_to_first_placement_from_the_earliest_interview(programme):
    anna, bruno, carla, dario = (programme.person() for _ in range(4))
    programme.interview(anna, D(2023, 2, 1), kind=InterviewKind.ORIENTATION)
    programme.interview(anna, D(2023, 3, 1))
    programme.place(anna, D(2023, 1, 1))  # before the interview: ignored
    programme.place(anna, D(2023, 10, 1), contract="tirocinio")  # traineeship: ignored
    programme.place(anna, D(2023, 12, 1))  # 303 days after 1 Feb
    programme.interview(bruno, D(2023, 3, 1))
    programme.place(bruno, D(2024, 1, 8))  # 313 days
    programme.interview(carla, D(2023, 3, 1))  # never placed
    programme.place(dario, D(2023, 3, 1))  # never interviewed
    assert compute()["employment"]["avg_days_to_first_placement"] == 308.0
    assert compute(H1_2024())["employment"]["avg_days_to_first_placement"] == 313.0
    assert (
        compute(Filters(date_to=D(2022, 12, 31)))["employment"]["avg_days_to_first_placement"]
        is None
    )
    people = records(Filters(), "employment.avg_days_to_first_placement")
    assert sorted(p.days_gap.days for p in people) == [303, 313]


def test_days_to_first_placement_rounds_to_one_decimal(programme):
    for gap in (10, 10, 11):
        person = programme.person()
        programme.interview(person, D(2023, 1, 1))
        programme.place(person, D(2023, 1, 1) + datetime.timedelta(days=gap))
    assert compute()["employment"]["avg_days_to_first_placement"] == 10.3


def test_period_counts_each_event_by_its_own_date(programme):
    early = programme.application(submitted=D(2023, 12, 20), outcome=D(2024, 2, 1))
    programme.application(submitted=D(2024, 1, 10), outcome=D(2024, 7, 1))
    person = programme.person(signed_up=D(2023, 12, 1))
    programme.interview(person, D(2024, 1, 15))
    programme.interview(person, D(2024, 1, 20), kind=InterviewKind.MONITORING)
    Registration.objects.create(person=programme.person(), registered_on=D(2024, 6, 30))
    report = compute(H1_2024())
    assert report["projects"]["applications"] == 1
    assert report["projects"]["accompanied"] == 1
    assert list(records(H1_2024(), "projects.accompanied")) == [early]
    assert report["employment"]["registrations"] == 1
    assert report["employment"]["first_interviews"] == 1
    assert report["period"] == {"from": "2024-01-01", "to": "2024-06-30"}


def test_submission_date_is_the_day_in_rome(programme):
    application = programme.application(submitted=D(2024, 1, 1))
    application.submitted_at = datetime.datetime(2023, 12, 31, 23, 30, tzinfo=datetime.UTC)
    application.save()  # 00:30 on 1 January in Rome
    assert compute(H1_2024())["projects"]["applications"] == 1


def test_projects_line_counts_placements_linked_to_a_project(programme):
    project = programme.application()
    person = programme.person()
    programme.place(person, D(2023, 9, 1), application=project)
    programme.place(person, D(2023, 10, 1), application=project, contract="tirocinio")
    programme.place(programme.person(), D(2023, 9, 1))  # employment services only
    report = compute()
    assert report["projects"]["placements"] == 1
    assert report["projects"]["people_employed"] == 1
    assert report["projects"]["traineeships"] == 1
    assert report["employment"]["placements"] == 2


def test_line_filter_restricts_the_projects(programme):
    programme.application(line=Line.SOCIAL_INNOVATION)
    programme.application(line=Line.SELF_EMPLOYMENT)
    programme.application(line=Line.SELF_EMPLOYMENT)
    assert compute(Filters(line=Line.SELF_EMPLOYMENT))["projects"]["accompanied"] == 2


def test_funder_and_district_filters(programme):
    funded = programme.application(comune=IMOLA)
    programme.grant(funded, "1000")
    programme.application(comune=BOLOGNA)
    funder = Filters(funder=programme.funder.pk)
    assert compute(funder)["projects"]["accompanied"] == 1
    imola = Comune.objects.get(pk=IMOLA)
    assert compute(Filters(district=imola.district_id))["projects"]["accompanied"] == 1
    assert compute(Filters(decentralised=False))["projects"]["accompanied"] == 1
    assert list(records(Filters(decentralised=True), "projects.accompanied")) == [funded]


def test_sector_shares_by_count_and_by_money(programme):
    welfare = programme.application(sector="welfare_comunita")
    food = programme.application(sector="food_etico")
    programme.application(sector="food_etico")
    programme.pay(programme.grant(welfare, "5000"), "5000", D(2023, 9, 1))
    programme.pay(programme.grant(food, "3000"), "1200", D(2023, 9, 1))
    sectors = {s["sector"]: s for s in compute()["projects"]["sectors"]}
    assert sectors["welfare_comunita"] == {
        "sector": "welfare_comunita",
        "accompanied": 1,
        "funded": 1,
        "disbursed_eur": "5000.00",
    }
    assert sectors["food_etico"]["accompanied"] == 2
    assert sectors["food_etico"]["funded"] == 1
    assert sectors["food_etico"]["disbursed_eur"] == "1200.00"
    assert sectors["altro"]["accompanied"] == 0
    assert records(Filters(), "projects.sectors.food_etico.disbursed_eur").count() == 1


def test_territory_rows_by_residence_and_project_comune(programme):
    anna = programme.person(comune=IMOLA, signed_up=D(2024, 3, 1))
    programme.person(comune=BOLOGNA)
    programme.place(anna, D(2024, 4, 1))
    programme.place(anna, D(2024, 5, 1), contract="tirocinio")
    programme.application(comune="037001", outcome=D(2023, 5, 30))
    rows = compute()["territory"]
    assert [r["codice_istat"] for r in rows] == ["037001", BOLOGNA, IMOLA]
    assert rows[2] == {
        "codice_istat": IMOLA,
        "comune": "Imola",
        "district": "Imola",
        "decentralised": True,
        "people": 1,
        "accompanied": 0,
        "placements": 1,
    }
    assert rows[1]["decentralised"] is False
    # with a period, people are those who signed up in it
    assert [r["codice_istat"] for r in compute(H1_2024())["territory"]] == [IMOLA]
    assert list(records(H1_2024(), f"territory.{IMOLA}.people")) == [anna]


def test_records_rejects_an_unknown_figure():
    with pytest.raises(KeyError):
        records(Filters(), "projects.nothing")


def _count_queries(filters: Filters) -> int:
    with CaptureQueriesContext(connection) as queries:
        compute(filters)
    return len(queries)


@pytest.mark.parametrize(
    "filters", [Filters(), H1_2024(), Filters(funder=1, line=Line.SELF_EMPLOYMENT, district=1)]
)
def test_query_count_does_not_grow_with_the_data(programme, filters):
    def grow() -> None:
        for sector in ("welfare_comunita", "food_etico", "moda_etica"):
            application = programme.application(sector=sector, submitted=D(2024, 2, 1))
            grant = programme.grant(application, "1000", on=D(2024, 2, 1))
            programme.pay(grant, "500", D(2024, 3, 1))
            person = programme.person(signed_up=D(2024, 1, 1))
            programme.interview(person, D(2024, 1, 2))
            programme.place(person, D(2024, 3, 1), application=application)
            programme.place(person, D(2024, 4, 1), contract="indeterminato", extension=True)

    grow()
    few = _count_queries(filters)
    for _ in range(5):
        grow()
    assert _count_queries(filters) == few
    assert compute()["employment"]["placements"] == 36

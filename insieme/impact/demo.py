"""A deterministic demo programme (2018-2024) whose figures reproduce the programme's own.

Counted by the rules of DOMAIN.md, the demo gives, for the calls-and-projects line: 91
applications, 47 accompanied, 27 funded, 140,000.00 EUR paid out, 70 placements for 36 people;
sector shares over accompanied projects close to welfare 30%, food 16%, fashion 16%, social
agriculture 14%, sport-culture-regeneration 12%. It adds an employment-services history (sign-ups,
interviews, placements, traineeships, extensions) spread over the seven districts.

Names are invented; codici fiscali and partite IVA are valid. Everything derives from a fixed
seed, so two loads give the same records; `load_demo_programme()` does nothing the second time.
"""

import datetime
import random
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from codicefiscale import codicefiscale
from django.db import transaction

from insieme.accounts.demo import DEMO_USERS
from insieme.accounts.models import Role, User
from insieme.calls.models import Application, ApplicationStatus, Call, Line
from insieme.core.fiscal_code import check_digit
from insieme.core.models import Comune, ContractType, Sector
from insieme.employment.models import Interview, InterviewKind, Registration, Vacancy
from insieme.grants.models import Disbursement, Fund, Grant, Instrument
from insieme.network.models import LegalForm, Organisation, OrganisationMember
from insieme.people.models import EmploymentCondition, Person
from insieme.placements.models import Placement
from insieme.projects.models import Project, ProjectStatus

SEED = 2017
ROME = zoneinfo.ZoneInfo("Europe/Rome")
MARKER_CALL = "DEMO-IS-2018"
YEARS = list(range(2018, 2025))

# Per edition (2018…2024): applications and admissions to accompaniment per line.
SOCIAL_APPLICATIONS = [8, 9, 8, 8, 9, 7, 6]  # 55
SOCIAL_ACCOMPANIED = [4, 5, 4, 4, 5, 4, 3]  # 29
SELF_APPLICATIONS = [5, 5, 5, 5, 6, 5, 5]  # 36
SELF_ACCOMPANIED = [2, 3, 3, 3, 3, 2, 2]  # 18
DRAFTS = 3  # never submitted: they must not count

# Sectors of the 47 accompanied projects: 14/8/7/7/6/5 ≈ 30/17/15/15/13/11 %.
ACCOMPANIED_SECTORS = (
    ["welfare_comunita"] * 14
    + ["food_etico"] * 8
    + ["moda_etica"] * 7
    + ["agricoltura_sociale"] * 7
    + ["sport_cultura_rigenerazione"] * 6
    + ["altro"] * 5
)
# Paid out by Fondazione San Petronio on 25 grants: 15 x 5,000 + 5 x 7,000 + 5 x 6,000 = 140,000.
PAID_PER_GRANT = [5000] * 15 + [7000] * 5 + [6000] * 5
OTHER_FUNDER_GRANTS = 2  # awarded in 2024/25, not yet paid: funded, but nothing disbursed
# The project line's jobs: 12 people with one placement, 14 with two, 10 with three = 70 for 36.
PLACEMENTS_PER_WORKER = [1] * 12 + [2] * 14 + [3] * 10
PROJECT_TRAINEESHIPS = 6
FOUNDERS_MAX = 8
EMPLOYMENT_PEOPLE_PER_YEAR = 20

FEMALE_NAMES = [
    "Giulia", "Francesca", "Chiara", "Sara", "Martina", "Elena", "Valentina", "Silvia", "Laura",
    "Federica", "Alessia", "Giorgia", "Ilaria", "Marta", "Beatrice", "Camilla", "Noemi", "Irene",
    "Aurora", "Fatima", "Amina", "Olena", "Ioana", "Mariam", "Lucia", "Serena", "Paola", "Rita",
]  # fmt: skip
MALE_NAMES = [
    "Marco", "Luca", "Andrea", "Matteo", "Davide", "Simone", "Federico", "Lorenzo", "Riccardo",
    "Stefano", "Nicola", "Paolo", "Giacomo", "Tommaso", "Emanuele", "Filippo", "Youssef", "Omar",
    "Bogdan", "Karim", "Samuel", "Pietro", "Michele", "Alberto", "Enrico", "Diego", "Ivan",
]  # fmt: skip
SURNAMES = [
    "Rinaldi", "Benassi", "Gardini", "Zanotti", "Malaguti", "Stanzani", "Tugnoli", "Marchesini",
    "Cavazza", "Monari", "Lambertini", "Brini", "Fabbri", "Venturi", "Guidotti", "Bertocchi",
    "Serra", "Pancaldi", "Nanni", "Poggi", "Grandi", "Mazzanti", "Cocchi", "Bonora", "Giovannini",
    "Roversi", "Tarozzi", "Vecchi", "Baraldi", "Sgarbi", "Castaldini", "Montanari", "Ferrarini",
    "El Idrissi", "Popescu", "Kovalenko", "Diallo", "Haddad", "Bianconi", "Landi", "Orsi",
]  # fmt: skip
SOCIAL_ORG_WORDS = [
    "Il Mosaico", "La Lanterna", "Tra le Mura", "Il Ponte", "Cortile Aperto", "La Bottega dei Sogni",
    "Terra Viva", "Filo Rosso", "Le Querce", "Portici Solidali", "Il Seme", "Piazza Grande Verde",
    "Orti Felsinei", "La Trama", "Ago e Filo", "Passo Comune", "Il Giardino dei Colli",
    "Reno Aperto", "La Fornace", "Casa del Vicinato", "Il Girasole", "Sentieri d'Appennino",
    "Lo Scrigno", "La Rete", "Mani in Pasta", "Il Quartiere", "Officina Sociale", "La Pergola",
    "Canapa e Lino", "Il Campo", "Tessere Insieme", "Sapori di Comunità", "Il Faro", "La Corte",
    "Palestra di Strada", "Teatro del Borgo", "La Collina", "Il Mulino", "Bici e Persone",
    "Il Cantiere",
]  # fmt: skip
SOCIAL_ORG_FORMS = [
    ("Cooperativa sociale", LegalForm.SOCIAL_COOPERATIVE),
    ("Associazione", LegalForm.ASSOCIATION),
    ("APS", LegalForm.ASSOCIATION),
    ("Impresa sociale", LegalForm.COMPANY),
]
COMPANY_NAMES = [
    "Officine Zanotti Srl", "Meccanica Benassi Spa", "Logistica Emiliana Srl", "Forno Tugnoli Snc",
    "Ristorazione Portici Srl", "Pulizie Bononia Srl", "Tipografia Cavazza Srl",
    "Gelateria Due Torri Srl", "Verde Urbano Monari Srl", "Assistenza Domus Srl",
    "Hotel Felsina Srl", "Ortofrutta Malaguti Snc", "Sartoria Lambertini Srl",
    "Edilizia Brini Srl", "Autofficina Venturi Snc", "Supermercati Appennino Spa",
    "Magazzini Pianura Srl", "Laboratori Guidotti Srl", "Caffè Santo Stefano Srl",
    "Informatica Savena Srl",
]  # fmt: skip
TRAINING_BODIES = ["Scuola dei Mestieri Bolognese", "Formazione Reno Lavoro", "Accademia Imola"]
PROJECT_TITLES = {
    "welfare_comunita": ["Portierato di comunità", "Badanti di condominio", "Spazio famiglie"],
    "food_etico": ["Forno solidale", "Cucina di quartiere", "Bottega a km zero"],
    "moda_etica": ["Sartoria del riuso", "Laboratorio tessile", "Moda circolare"],
    "agricoltura_sociale": ["Orto inclusivo", "Fattoria didattica", "Apicoltura sociale"],
    "sport_cultura_rigenerazione": ["Palestra popolare", "Teatro nel cortile", "Ciclofficina"],
    "altro": ["Servizi digitali di prossimità", "Trasporto sociale", "Riparazioni a domicilio"],
}
EDUCATION = ["licenza media", "qualifica professionale", "diploma", "laurea triennale", "laurea"]


def partita_iva(serial: int, office: str = "037") -> str:
    """An 11-digit code with a valid check digit: 7-digit serial, provincial office, check."""
    first_ten = f"{serial:07d}{office}"
    return f"{first_ten}{check_digit(first_ten)}"


def _at_noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=ROME)


def _day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


@dataclass
class _Builder:
    rng: random.Random
    comuni: list[Comune]
    bologna: Comune
    by_district: dict[str, list[Comune]]
    people: list[Person] = field(default_factory=list)
    codes: set[str] = field(default_factory=set)
    serial: int = 1_000_000

    def comune(self) -> Comune:
        """Residence/seat: 40 % Bologna, the rest spread over the other six districts."""
        if self.rng.random() < 0.4:
            return self.bologna
        district = self.rng.choice(sorted(self.by_district))
        return self.rng.choice(self.by_district[district])

    def person(self, *, born_from: int = 1960, born_to: int = 2002) -> Person:
        rng = self.rng
        while True:
            sex: Literal["F", "M"] = rng.choice(("F", "M"))
            first = rng.choice(FEMALE_NAMES if sex == "F" else MALE_NAMES)
            last = rng.choice(SURNAMES)
            birth = _day(rng, datetime.date(born_from, 1, 1), datetime.date(born_to, 12, 31))
            place = rng.choice(self.comuni)
            code = codicefiscale.encode(
                lastname=last,
                firstname=first,
                gender=sex,
                birthdate=birth.isoformat(),
                birthplace=place.cadastral_code,
            )
            if code not in self.codes:
                break
        self.codes.add(code)
        residence = self.comune()
        person = Person(
            fiscal_code=code,
            last_name=last,
            first_name=first,
            birth_date=birth,
            sex=sex,
            residence_comune=residence,
            email=f"{first}.{last}.{len(self.people)}@esempio.invalid".lower().replace(" ", ""),
            employment_condition=rng.choice(
                [EmploymentCondition.UNEMPLOYED] * 3
                + [EmploymentCondition.NEVER_EMPLOYED, EmploymentCondition.UNDEREMPLOYED]
            ),
            education_level=rng.choice(EDUCATION),
        )
        self.people.append(person)
        return person

    def organisation_code(self, prefix: int) -> str:
        self.serial += 7
        return partita_iva(prefix * 1_000_000 + self.serial % 1_000_000)


def is_loaded() -> bool:
    return Call.objects.filter(code=MARKER_CALL).exists()


@transaction.atomic
def load_demo_programme() -> bool:
    """Write the demo programme into the registries; return False if it was already there."""
    if is_loaded():
        return False
    rng = random.Random(SEED)
    metropolitan = list(
        Comune.objects.metropolitan().select_related("district").order_by("istat_code")
    )
    bologna = next(c for c in metropolitan if not c.decentralised)
    by_district: dict[str, list[Comune]] = {}
    for comune in metropolitan:
        if comune.decentralised and comune.district is not None:
            by_district.setdefault(comune.district.name, []).append(comune)
    b = _Builder(rng=rng, comuni=metropolitan, bologna=bologna, by_district=by_district)
    sectors = {s.code: s for s in Sector.objects.all()}
    contracts = {c.code: c for c in ContractType.objects.all()}

    # --- Organisations -------------------------------------------------------------------
    san_petronio = Organisation(
        fiscal_code=partita_iva(9_100_001),
        name="Fondazione San Petronio",
        legal_form=LegalForm.FOUNDATION,
        third_sector=True,
        comune=bologna,
        is_funder=True,
        is_partner=True,
        joined_on=datetime.date(2017, 6, 1),
    )
    other_funder = Organisation(
        fiscal_code=partita_iva(9_100_002),
        name="Fondazione Comunità Felsinea",
        legal_form=LegalForm.FOUNDATION,
        third_sector=True,
        comune=bologna,
        is_funder=True,
        joined_on=datetime.date(2023, 9, 1),
    )
    social_orgs = []
    for index, words in enumerate(SOCIAL_ORG_WORDS):
        label, form = SOCIAL_ORG_FORMS[index % len(SOCIAL_ORG_FORMS)]
        social_orgs.append(
            Organisation(
                fiscal_code=b.organisation_code(9),
                name=f"{label} {words}",
                legal_form=form,
                third_sector=form != LegalForm.COMPANY or index % 2 == 0,
                comune=b.comune(),
                is_partner=True,
                joined_on=datetime.date(2017 + index % 7, 1 + index % 12, 1),
            )
        )
    companies = [
        Organisation(
            fiscal_code=b.organisation_code(0),
            name=name,
            legal_form=LegalForm.COMPANY,
            comune=b.comune(),
            is_partner=True,
            is_employer=True,
            joined_on=datetime.date(2017 + index % 6, 3, 1),
        )
        for index, name in enumerate(COMPANY_NAMES)
    ]
    trainers = [
        Organisation(
            fiscal_code=b.organisation_code(8),
            name=name,
            legal_form=LegalForm.TRAINING_BODY,
            comune=b.comune(),
            is_partner=True,
            is_training=True,
            joined_on=datetime.date(2017, 9, 1),
        )
        for name in TRAINING_BODIES
    ]

    # --- Calls and applications ------------------------------------------------------------
    calls = []
    for year in YEARS:
        for line, prefix, label in (
            (Line.SOCIAL_INNOVATION, "IS", "Innovazione sociale"),
            (Line.SELF_EMPLOYMENT, "AI", "Autoimpiego"),
        ):
            calls.append(
                Call(
                    code=f"DEMO-{prefix}-{year}",
                    title=f"{label} {year}",
                    line=line,
                    edition=year,
                    opens_at=_at_noon(datetime.date(year, 2, 1)),
                    closes_at=_at_noon(datetime.date(year, 4, 30)),
                    budget=Decimal("60000.00") if line == Line.SOCIAL_INNOVATION else None,
                    description=f"Bando {label.lower()} — edizione {year} (dati dimostrativi).",
                )
            )
    accompanied_sectors = ACCOMPANIED_SECTORS[:]
    rng.shuffle(accompanied_sectors)
    rejected_statuses = (
        [ApplicationStatus.NOT_SELECTED] * 26
        + [ApplicationStatus.INELIGIBLE] * 12
        + [ApplicationStatus.WITHDRAWN] * 6
    )
    rng.shuffle(rejected_statuses)
    applications: list[Application] = []
    applicants_self: list[Person] = []
    org_cycle = 0
    for index, year in enumerate(YEARS):
        social_call, self_call = calls[2 * index], calls[2 * index + 1]
        for call, total, admitted in (
            (social_call, SOCIAL_APPLICATIONS[index], SOCIAL_ACCOMPANIED[index]),
            (self_call, SELF_APPLICATIONS[index], SELF_ACCOMPANIED[index]),
        ):
            for number in range(total):
                if number < admitted:
                    status = ApplicationStatus.ACCOMPANIED
                    sector = accompanied_sectors.pop()
                else:
                    status = rejected_statuses.pop()
                    sector = rng.choice(list(PROJECT_TITLES))
                submitted = _day(rng, datetime.date(year, 2, 5), datetime.date(year, 4, 29))
                outcome = _day(rng, datetime.date(year, 6, 1), datetime.date(year, 7, 15))
                if call.line == Line.SOCIAL_INNOVATION:
                    org = social_orgs[org_cycle % len(social_orgs)]
                    org_cycle += 1
                    person, seat = None, org.comune
                else:
                    org = None
                    person = b.person(born_from=1970, born_to=2000)
                    applicants_self.append(person)
                    seat = person.residence_comune
                title = rng.choice(PROJECT_TITLES[sector])
                applications.append(
                    Application(
                        code=f"{call.code}-{number + 1:02d}",
                        call=call,
                        title=f"{title} {seat.name if seat else ''}".strip(),
                        applicant_person=person,
                        applicant_organisation=org,
                        sector=sectors[sector],
                        comune=seat,
                        status=status,
                        submitted_at=_at_noon(submitted),
                        outcome_date=None if status == ApplicationStatus.WITHDRAWN else outcome,
                        score=None
                        if status == ApplicationStatus.INELIGIBLE
                        else Decimal(rng.randint(450, 950)) / 10,
                    )
                )
    last_call = calls[-2]
    for number in range(DRAFTS):
        applications.append(
            Application(
                code=f"{last_call.code}-B{number + 1}",
                call=last_call,
                title="Bozza non presentata",
                applicant_organisation=social_orgs[-1 - number],
                sector=sectors["altro"],
                comune=social_orgs[-1 - number].comune,
                status=ApplicationStatus.DRAFT,
            )
        )
    accompanied = [a for a in applications if a.status == ApplicationStatus.ACCOMPANIED]
    assert len(accompanied) == 47
    assert not accompanied_sectors
    assert not rejected_statuses

    projects = []
    for number, application in enumerate(accompanied):
        assert application.outcome_date is not None
        start = application.outcome_date + datetime.timedelta(days=15)
        year = application.outcome_date.year
        project_status = ProjectStatus.ACTIVE if year >= 2023 else ProjectStatus.COMPLETED
        if number in (5, 30):
            project_status = ProjectStatus.DROPPED
        projects.append(
            Project(
                application=application,
                status=project_status,
                started_on=start,
                ended_on=None
                if project_status == ProjectStatus.ACTIVE
                else start.replace(year=year + 1),
                dropped_reason="Il gruppo promotore si è sciolto."
                if project_status == ProjectStatus.DROPPED
                else "",
            )
        )

    # --- Funds, grants, disbursements ----------------------------------------------------------
    main_fund = Fund(
        funder=san_petronio,
        name="Fondo perduto Insieme per il lavoro",
        instrument=Instrument.GRANT,
        budget=Decimal("200000.00"),
        starts_on=datetime.date(2018, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
    )
    other_fund = Fund(
        funder=other_funder,
        name="Fondo comunità 2024",
        instrument=Instrument.GRANT,
        budget=Decimal("50000.00"),
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    candidates = [p for p in projects if p.status != ProjectStatus.DROPPED]
    latest = [p for p in candidates if p.application.call.edition == 2024]
    earlier = [p for p in candidates if p.application.call.edition != 2024]
    other_funded = latest[:OTHER_FUNDER_GRANTS]
    pool = earlier + latest[OTHER_FUNDER_GRANTS:]
    chosen = rng.sample(pool, len(PAID_PER_GRANT) + 1)
    paid = PAID_PER_GRANT[:]
    rng.shuffle(paid)
    grants: list[Grant] = []
    disbursements: list[Disbursement] = []
    for number, project in enumerate(chosen):
        application = project.application
        assert project.started_on is not None
        awarded_on = project.started_on + datetime.timedelta(days=30)
        code = f"DEMO-C-{number + 1:03d}"
        if number == len(PAID_PER_GRANT):
            # Awarded, then revoked in full: accompanied but not funded.
            grants.append(
                Grant(
                    code=code,
                    application=application,
                    funder=san_petronio,
                    fund=main_fund,
                    amount_awarded=Decimal("5000.00"),
                    amount_revoked=Decimal("5000.00"),
                    awarded_on=awarded_on,
                    conditions="Revocato: attività non avviata.",
                )
            )
            continue
        amount = Decimal(paid[number])
        revoked = Decimal("1000.00") if number % 8 == 3 else Decimal("0.00")
        grant = Grant(
            code=code,
            application=application,
            funder=san_petronio,
            fund=main_fund,
            amount_awarded=amount + revoked,
            amount_revoked=revoked,
            awarded_on=awarded_on,
        )
        grants.append(grant)
        first = (amount * Decimal("0.6")).quantize(Decimal("1"))
        disbursements.append(
            Disbursement(
                code=f"{code}-E1",
                grant=grant,
                paid_on=awarded_on + datetime.timedelta(days=20),
                amount=first,
            )
        )
        disbursements.append(
            Disbursement(
                code=f"{code}-E2",
                grant=grant,
                paid_on=awarded_on + datetime.timedelta(days=200),
                amount=amount - first,
            )
        )
    for number, project in enumerate(other_funded):
        assert project.started_on is not None
        grants.append(
            Grant(
                code=f"DEMO-CF-{number + 1:03d}",
                application=project.application,
                funder=other_funder,
                fund=other_fund,
                amount_awarded=Decimal("10000.00"),
                awarded_on=project.started_on + datetime.timedelta(days=45),
            )
        )
    assert sum(d.amount for d in disbursements) == Decimal("140000.00")

    # --- Jobs created by the projects ------------------------------------------------------
    funded_projects = [p for p in projects if p in chosen[:-1] or p in other_funded]
    job_projects = (
        funded_projects
        + [p for p in projects if p not in chosen and p.status == ProjectStatus.COMPLETED][:3]
    )
    sole_traders: list[Organisation] = []
    placements: list[Placement] = []
    registrations: list[Registration] = []
    interviews: list[Interview] = []
    workers: list[tuple[Person, Project, Organisation]] = []
    # Founders of funded self-employment projects work in their own business (a sole trader).
    for project in job_projects:
        application = project.application
        if application.applicant_person is not None and len(workers) < FOUNDERS_MAX:
            founder = application.applicant_person
            business = Organisation(
                fiscal_code=founder.fiscal_code,
                name=f"{application.title} di {founder.first_name} {founder.last_name}",
                legal_form=LegalForm.COMPANY,
                comune=application.comune,
                is_employer=True,
                joined_on=project.started_on,
            )
            sole_traders.append(business)
            workers.append((founder, project, business))
    # Founders run their business alone (one placement each); the others are hired by projects.
    counts = PLACEMENTS_PER_WORKER[len(workers) :]
    rng.shuffle(counts)
    counts = [1] * len(workers) + counts
    social_job_projects = [p for p in job_projects if p.application.applicant_organisation]
    while len(workers) < len(counts):
        project = social_job_projects[len(workers) % len(social_job_projects)]
        employer = project.application.applicant_organisation
        assert employer is not None
        employer.is_employer = True
        workers.append((b.person(born_from=1965, born_to=2003), project, employer))

    def placement_code() -> str:
        return f"DEMO-I-{len(placements) + 1:04d}"

    def interview_code() -> str:
        return f"DEMO-K-{len(interviews) + 1:04d}"

    for number, ((person, project, employer), count) in enumerate(
        zip(workers, counts, strict=True)
    ):
        assert project.started_on is not None
        start = project.started_on + datetime.timedelta(days=rng.randint(20, 120))
        if number % 2 == 0:
            # Half of them came through the employment services first.
            signed_up = start - datetime.timedelta(days=rng.randint(60, 240))
            registrations.append(Registration(person=person, registered_on=signed_up))
            interviews.append(
                Interview(
                    code=interview_code(),
                    person=person,
                    date=signed_up + datetime.timedelta(days=rng.randint(10, 35)),
                    kind=InterviewKind.FIRST,
                )
            )
        is_founder = employer.fiscal_code == person.fiscal_code
        for step in range(count):
            if is_founder and step == 0:
                contract, extension = contracts["autoimpiego"], False
            elif step == 0:
                contract = contracts[rng.choice(["determinato", "determinato", "socio_lavoratore"])]
                extension = False
            elif step == 1 and count == 3:
                contract, extension = contracts["determinato"], True
            else:
                contract = contracts[rng.choice(["indeterminato", "socio_lavoratore"])]
                extension = False
            months = 12 if contract.code in ("determinato",) else 0
            end = start + datetime.timedelta(days=30 * months - 1) if months else None
            if step < count - 1 and end is None:
                end = start + datetime.timedelta(days=364)
            placements.append(
                Placement(
                    code=placement_code(),
                    person=person,
                    employer=employer,
                    contract_type=contract,
                    start_date=start,
                    end_date=end,
                    weekly_hours=Decimal(rng.choice([20, 24, 30, 36, 38])),
                    is_extension=extension,
                    application=project.application,
                )
            )
            start = (end or start) + datetime.timedelta(days=1)
    # Traineeships hosted by the projects (counted apart from placements).
    for number in range(PROJECT_TRAINEESHIPS):
        project = social_job_projects[number]
        assert project.started_on is not None
        trainee = b.person(born_from=1995, born_to=2005)
        start = project.started_on + datetime.timedelta(days=60)
        placements.append(
            Placement(
                code=placement_code(),
                person=trainee,
                employer=project.application.applicant_organisation,
                contract_type=contracts[ContractType.TRAINEESHIP],
                start_date=start,
                end_date=start + datetime.timedelta(days=179),
                weekly_hours=Decimal(30),
                application=project.application,
            )
        )

    # --- Employment services ---------------------------------------------------------------
    for year in YEARS:
        for _ in range(EMPLOYMENT_PEOPLE_PER_YEAR):
            person = b.person()
            signed_up = _day(rng, datetime.date(year, 1, 10), datetime.date(year, 11, 30))
            registrations.append(Registration(person=person, registered_on=signed_up))
            if rng.random() < 0.08:
                continue  # not reached yet
            first_interview = signed_up + datetime.timedelta(days=rng.randint(7, 40))
            interviews.append(
                Interview(
                    code=interview_code(),
                    person=person,
                    date=first_interview,
                    kind=InterviewKind.FIRST,
                )
            )
            day = first_interview
            for _ in range(rng.randint(0, 3)):
                day += datetime.timedelta(days=rng.randint(14, 60))
                interviews.append(
                    Interview(
                        code=interview_code(),
                        person=person,
                        date=day,
                        kind=rng.choice([InterviewKind.ORIENTATION, InterviewKind.MONITORING]),
                    )
                )
            chance = rng.random()
            start = day + datetime.timedelta(days=rng.randint(20, 200))
            if chance < 0.15:
                placements.append(
                    Placement(
                        code=placement_code(),
                        person=person,
                        employer=rng.choice(companies),
                        contract_type=contracts[ContractType.TRAINEESHIP],
                        start_date=start,
                        end_date=start + datetime.timedelta(days=179),
                        weekly_hours=Decimal(30),
                    )
                )
                start += datetime.timedelta(days=180)
                if rng.random() < 0.5:
                    continue
            elif chance > 0.6:
                continue  # still looking
            employer = rng.choice(companies)
            contract = contracts[
                rng.choice(
                    ["determinato"] * 4
                    + ["indeterminato"] * 2
                    + ["apprendistato", "somministrazione", "collaborazione", "altro"]
                )
            ]
            end = None
            if contract.code in ("determinato", "somministrazione", "collaborazione"):
                end = start + datetime.timedelta(days=rng.choice([89, 180, 364]))
            placements.append(
                Placement(
                    code=placement_code(),
                    person=person,
                    employer=employer,
                    contract_type=contract,
                    start_date=start,
                    end_date=end,
                    weekly_hours=Decimal(rng.choice([20, 25, 30, 40])),
                )
            )
            if end is not None and rng.random() < 0.4:
                placements.append(
                    Placement(
                        code=placement_code(),
                        person=person,
                        employer=employer,
                        contract_type=contract,
                        start_date=end + datetime.timedelta(days=1),
                        end_date=end + datetime.timedelta(days=180),
                        weekly_hours=Decimal(30),
                        is_extension=True,
                    )
                )

    # --- Write ---------------------------------------------------------------------------------
    Person.objects.bulk_create(b.people)
    Organisation.objects.bulk_create(
        [san_petronio, other_funder, *social_orgs, *companies, *trainers, *sole_traders]
    )
    Call.objects.bulk_create(calls)
    # bulk_create fills in the foreign keys of objects whose parents were saved just before.
    Application.objects.bulk_create(applications)
    Project.objects.bulk_create(projects)
    Fund.objects.bulk_create([main_fund, other_fund])
    Grant.objects.bulk_create(grants)
    Disbursement.objects.bulk_create(disbursements)
    Registration.objects.bulk_create(registrations)
    Interview.objects.bulk_create(interviews)
    Placement.objects.bulk_create(placements)
    # The demo funder account acts for Fondazione San Petronio (see insieme/accounts/demo.py).
    funder_emails = [email for role, email, *_names in DEMO_USERS if role == Role.FUNDER]
    OrganisationMember.objects.bulk_create(
        OrganisationMember(user=user, organisation=san_petronio)
        for user in User.objects.filter(email__in=funder_emails)
    )
    # The demo partner account acts for the first partner company, which has open vacancies.
    partner_company = companies[0]
    partner_emails = [email for role, email, *_names in DEMO_USERS if role == Role.PARTNER]
    OrganisationMember.objects.bulk_create(
        OrganisationMember(user=user, organisation=partner_company)
        for user in User.objects.filter(email__in=partner_emails)
    )
    contracts = {
        c.code: c for c in ContractType.objects.filter(code__in=["determinato", "apprendistato"])
    }
    Vacancy.objects.bulk_create(
        [
            Vacancy(
                organisation=partner_company,
                title="Addetto/a al magazzino",
                comune=partner_company.comune,
                contract_type=contracts["determinato"],
                weekly_hours=Decimal("38"),
                shifts="Turni diurni, dal lunedì al venerdì",
                requirements="Patente B; disponibilità a sollevare carichi leggeri.",
                openings=2,
            ),
            Vacancy(
                organisation=partner_company,
                title="Aiuto cuoco/a",
                comune=partner_company.comune,
                contract_type=contracts["apprendistato"],
                weekly_hours=Decimal("30"),
                shifts="Pranzo e cena",
                requirements="Attestato HACCP o disponibilità a conseguirlo.",
                openings=1,
            ),
        ]
    )
    return True

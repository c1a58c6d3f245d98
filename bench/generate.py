"""A deterministic programme at regional scale, written with COPY into an empty, migrated database.

`generate(people=200_000, seed=2026)` fills the registry, the network, calls and applications,
projects, funds, grants and payments, sign-ups, interviews, vacancies, referrals and placements.
Every other quantity is proportional to `people` (at 200,000: 10,000 organisations, 5,000
applications, 300,000 interviews, 100,000 placements, 2,000 grants). The same seed gives the same
rows. The rows pass the database's own constraints (they are checked by PostgreSQL as COPY writes
them) and every codice fiscale carries the right check character (a sample is decoded by the
app's own validator at the end).
"""

import datetime
import json
import random
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from codicefiscale import codicefiscale
from django.db import connection, models
from django.utils import timezone

BASE_PEOPLE = 200_000

SURNAMES = [
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "De",
    "Luca",
    "Mancini",
    "Costa",
    "Giordano",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "Barbieri",
    "Fontana",
    "Santoro",
    "Mariani",
    "Rinaldi",
    "Caruso",
    "Ferrara",
    "Galli",
    "Martini",
    "Leone",
    "Longo",
    "Gentile",
    "Martinelli",
    "Vitale",
    "Lombardo",
    "Serra",
    "Coppola",
    "De",
    "Santis",
    "D'Angelo",
    "Marchetti",
    "Parisi",
    "Villa",
    "Conte",
    "Ferraro",
    "Ferri",
    "Fabbri",
    "Bianco",
    "Marini",
    "Grasso",
    "Valentini",
    "Messina",
    "Sala",
    "De",
    "Angelis",
    "Gatti",
    "Pellegrini",
    "Palumbo",
    "Sanna",
    "Farina",
    "Rizzi",
    "Monti",
    "Cattaneo",
    "Morelli",
    "Amato",
    "Silvestri",
    "Mazza",
    "Testa",
    "Grassi",
    "Pellegrino",
    "Carbone",
    "Giuliani",
    "Benedetti",
    "Barone",
    "Rossetti",
    "Caputo",
    "Montanari",
    "Guerra",
    "Palmieri",
    "Bernardi",
    "Martino",
    "Fiore",
    "De",
    "Rosa",
    "Ferretti",
    "Bellini",
    "Basile",
    "Riva",
    "Donati",
    "Piras",
    "Vitali",
    "Battaglia",
    "Sartori",
    "Neri",
    "Costantini",
    "Milani",
    "Pagano",
    "Ruggiero",
    "Sorrentino",
    "D'Amico",
    "Orlando",
    "Damico",
    "Negri",
    "Zanetti",
    "Zanardi",
    "Cavazza",
    "Tassinari",
    "Venturi",
]
FIRST_F = [
    "Giulia",
    "Sofia",
    "Aurora",
    "Alice",
    "Ginevra",
    "Emma",
    "Giorgia",
    "Greta",
    "Beatrice",
    "Anna",
    "Chiara",
    "Sara",
    "Martina",
    "Francesca",
    "Elena",
    "Laura",
    "Paola",
    "Valentina",
    "Federica",
    "Silvia",
    "Fatima",
    "Amina",
    "Ioana",
    "Elena",
    "Maria",
    "Olga",
    "Lucia",
    "Rosa",
    "Marta",
    "Nadia",
    "Irene",
    "Camilla",
    "Noemi",
    "Elisa",
    "Caterina",
    "Arianna",
    "Claudia",
    "Daniela",
    "Monica",
]
FIRST_M = [
    "Leonardo",
    "Francesco",
    "Alessandro",
    "Lorenzo",
    "Mattia",
    "Andrea",
    "Gabriele",
    "Riccardo",
    "Tommaso",
    "Edoardo",
    "Marco",
    "Luca",
    "Giuseppe",
    "Antonio",
    "Giovanni",
    "Paolo",
    "Stefano",
    "Davide",
    "Matteo",
    "Simone",
    "Mohamed",
    "Ahmed",
    "Youssef",
    "Ion",
    "Andrei",
    "Omar",
    "Karim",
    "Samuel",
    "Daniele",
    "Federico",
    "Nicola",
    "Roberto",
    "Massimo",
    "Fabio",
    "Pietro",
]
# Places of birth that existed throughout the birth years below (comuni and foreign states).
BIRTH_PLACES = [
    "A944",
    "A944",
    "A944",
    "A944",
    "F257",
    "H223",
    "G337",
    "D548",
    "H199",
    "F839",
    "H501",
    "F205",
    "L219",
    "G273",
    "A662",
    "C351",
    "Z330",
    "Z129",
    "Z100",
    "Z210",
    "Z222",
    "Z138",
    "Z336",
    "Z343",
]
ORG_WORDS = [
    "Cooperativa Sociale",
    "Società Agricola",
    "Officine",
    "Servizi",
    "Logistica",
    "Ristorazione",
    "Pulizie",
    "Assistenza",
    "Costruzioni",
    "Meccanica",
    "Tessile",
    "Informatica",
    "Alimentari",
    "Trasporti",
    "Commercio",
    "Turismo",
    "Cultura",
    "Verde",
    "Energia",
    "Sartoria",
]
PLACES = [
    "Bologna",
    "Emilia",
    "Reno",
    "Appennino",
    "Pianura",
    "Savena",
    "Navile",
    "Porta",
    "Santo",
    "Stefano",
    "Borgo",
    "Felsina",
    "Petroniana",
    "Bolognese",
    "Colli",
    "Valle",
    "Idice",
    "Samoggia",
    "Lame",
    "Saragozza",
    "Murri",
    "Corticella",
]
FORMS = ("srl", "spa", "snc", "cooperativa", "associazione", "fondazione")
EDUCATION = ("licenza_media", "diploma", "qualifica", "laurea", "nessuno")
CONDITIONS = ("disoccupato", "disoccupato", "inoccupato", "sottoccupato", "occupato", "studente")
APP_STATUS = (
    ("accompagnata", 45),
    ("non_selezionata", 25),
    ("non_ammissibile", 10),
    ("ritirata", 5),
    ("presentata", 8),
    ("in_valutazione", 7),
)
START = datetime.date(2019, 1, 1)
END = datetime.date(2026, 10, 31)
SPAN = (END - START).days


# --- writing ---------------------------------------------------------------------------------


class Table:
    """Rows for one model, written with COPY. Missing fields get their default (or NULL,
    empty text, now for timestamps), so callers give only what matters."""

    def __init__(self, model: type[models.Model], given: Sequence[str]) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.given = list(given)
        now = timezone.now()
        self.fill: dict[str, Any] = {}
        for f in self.fields:
            if f.attname in self.given:
                continue
            if f.primary_key:
                raise ValueError(f"{model.__name__}: give the primary key")
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value: Any = now
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            elif f.blank and isinstance(f, models.CharField | models.TextField):
                value = ""
            else:
                raise ValueError(f"{model.__name__}.{f.attname} is required")
            if isinstance(value, dict | list):
                value = json.dumps(value)
            self.fill[f.attname] = value
        self.columns = self.given + list(self.fill)

    def copy(self, rows: Iterable[Sequence[Any]]) -> int:
        constant = list(self.fill.values())
        names = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        table = connection.ops.quote_name(self.model._meta.db_table)
        n = 0
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([*row, *constant])
                    n += 1
        return n


def reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models_)):
            cursor.execute(sql)


# --- codes -----------------------------------------------------------------------------------

_MONTHS = "ABCDEHLMPRST"


def person_code(rng: random.Random, last: str, first: str, born: datetime.date, sex: str) -> str:
    day = born.day + (40 if sex == "F" else 0)
    stem = (
        f"{_surname_code(last)}{_name_code(first)}"
        f"{born.year % 100:02d}{_MONTHS[born.month - 1]}{day:02d}{rng.choice(BIRTH_PLACES)}"
    )
    return stem + codicefiscale.encode_cin(stem)


_surname_cache: dict[str, str] = {}
_name_cache: dict[str, str] = {}


def _surname_code(name: str) -> str:
    if name not in _surname_cache:
        _surname_cache[name] = codicefiscale.encode_lastname(name)
    return _surname_cache[name]


def _name_code(name: str) -> str:
    if name not in _name_cache:
        _name_cache[name] = codicefiscale.encode_firstname(name)
    return _name_cache[name]


def vat_number(serial: int) -> str:
    """An 11-digit partita IVA with its check digit."""
    from insieme.core.fiscal_code import check_digit

    first_ten = f"{serial:07d}037"  # Bologna's provincial office code at the end
    return first_ten + str(check_digit(first_ten))


# --- the programme ---------------------------------------------------------------------------


def day(
    rng: random.Random, start: datetime.date = START, end: datetime.date = END
) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange(max(1, (end - start).days)))


def generate(people: int = BASE_PEOPLE, seed: int = 2026, log: Any = print) -> dict[str, int]:
    """Fill the (empty, migrated) database; return the number of rows per table."""
    from allauth.mfa.models import Authenticator  # noqa: F401 (models are loaded)
    from django.contrib.auth.models import Group

    from insieme.accounts.models import Role, User
    from insieme.calls.models import Application, Call
    from insieme.core.models import Comune, ContractType, Sector
    from insieme.employment.models import Interview, Referral, Registration, Vacancy
    from insieme.grants.models import Disbursement, Fund, Grant
    from insieme.network.models import Organisation
    from insieme.people.models import Consent, Person
    from insieme.placements.models import Placement
    from insieme.projects.models import Project

    rng = random.Random(seed)
    k = people / BASE_PEOPLE
    n_orgs = max(50, round(10_000 * k))
    n_apps = max(100, round(5_000 * k))
    n_interviews = round(300_000 * k)
    n_placements = round(100_000 * k)
    n_grants = max(40, round(2_000 * k))
    n_vacancies = max(50, round(5_000 * k))
    n_referrals = round(60_000 * k)
    counts: dict[str, int] = {}
    now = timezone.now()
    tz = timezone.get_default_timezone()

    # Staff: operators and coaches (passwords unusable: nobody logs in as them).
    operators = []
    group = Group.objects.get(name=Role.OPERATOR)
    for i in range(20):
        user = User.objects.create_user(
            email=f"operatore{i}@bench.example",
            password=None,
            first_name="Operatore",
            last_name=f"{i}",
        )
        user.groups.add(group)
        operators.append(user.pk)

    metro = list(
        Comune.objects.filter(province="BO").values_list("istat_code", flat=True).order_by("pk")
    )
    elsewhere = list(
        Comune.objects.filter(province__in=["MO", "FE", "RA"])
        .values_list("istat_code", flat=True)
        .order_by("pk")[:30]
    )
    bologna = "037006"

    def residence() -> str:
        r = rng.random()
        if r < 0.45:
            return bologna
        if r < 0.95:
            return rng.choice(metro)
        return rng.choice(elsewhere)

    sectors = list(Sector.objects.filter(active=True).values_list("pk", flat=True).order_by("pk"))
    contracts = dict(ContractType.objects.values_list("code", "pk"))
    contract_weights = [
        (contracts[c], w)
        for c, w in (
            ("determinato", 45),
            ("indeterminato", 15),
            ("tirocinio", 15),
            ("somministrazione", 10),
            ("apprendistato", 5),
            ("altro", 5),
            ("socio_lavoratore", 5),
        )
        if c in contracts
    ]
    ct_ids = [c for c, _w in contract_weights]
    ct_w = [w for _c, w in contract_weights]

    # --- people ------------------------------------------------------------------------------
    log(f"people: {people}")
    codes: set[str] = set()
    person_rows = []
    residence_of: list[str] = []
    while len(person_rows) < people:
        sex = "F" if rng.random() < 0.5 else "M"
        last = rng.choice(SURNAMES)
        first = rng.choice(FIRST_F if sex == "F" else FIRST_M)
        born = day(rng, datetime.date(1960, 1, 1), datetime.date(2006, 12, 31))
        code = person_code(rng, last, first, born, sex)
        if code in codes:
            continue
        codes.add(code)
        pk = len(person_rows) + 1
        comune = residence()
        residence_of.append(comune)
        person_rows.append(
            (
                pk,
                code,
                last,
                first,
                born,
                sex,
                comune,
                f"{first.lower()}.{last.lower().replace(' ', '').replace(chr(39), '')}{pk}@example.org",
                rng.choice(CONDITIONS),
                rng.choice(EDUCATION),
                day(rng),
            )
        )
    counts["people"] = Table(
        Person,
        [
            "id",
            "fiscal_code",
            "last_name",
            "first_name",
            "birth_date",
            "sex",
            "residence_comune_id",
            "email",
            "employment_condition",
            "education_level",
            "last_activity",
        ],
    ).copy(person_rows)
    person_rows.clear()

    # Sign-ups: everyone once; a date in the programme's years.
    signed_up = [day(rng) for _ in range(people)]
    reg_status = (
        "in_attesa",
        "contattata",
        "colloquio_fissato",
        "in_carico",
        "in_carico",
        "chiusa",
    )
    counts["registrations"] = Table(
        Registration, ["id", "person_id", "registered_on", "status", "closed_on", "closing_note"]
    ).copy(
        (
            i + 1,
            i + 1,
            signed_up[i],
            (s := reg_status[i % len(reg_status)]),
            signed_up[i] + datetime.timedelta(days=200) if s == "chiusa" else None,
            "Percorso concluso" if s == "chiusa" else "",
        )
        for i in range(people)
    )
    counts["consents"] = Table(
        Consent, ["id", "person_id", "purpose", "notice_version", "given_on", "channel"]
    ).copy(
        (
            (n + 1, i + 1, purpose, "2024-1", signed_up[i], "cartaceo")
            for n, (i, purpose) in enumerate(
                (i, p)
                for i in range(people)
                for p in ("servizio", "cv_partner")
                if i % 3 or p == "servizio"
            )
        )
    )

    # --- organisations -----------------------------------------------------------------------
    log(f"organisations: {n_orgs}")
    n_funders = 20
    org_rows = []
    for i in range(n_orgs):
        funder = i < n_funders
        name = (
            f"Fondazione {rng.choice(PLACES)} {i}"
            if funder
            else f"{rng.choice(ORG_WORDS)} {rng.choice(PLACES)} {i}"
        )
        org_rows.append(
            (
                i + 1,
                vat_number(i + 1),
                name,
                "fondazione" if funder else rng.choice(FORMS),
                rng.choice(metro),
                i % 4 == 0,
                not funder,
                i % 10 == 3,
                funder,
                day(rng),
            )
        )
    counts["organisations"] = Table(
        Organisation,
        [
            "id",
            "fiscal_code",
            "name",
            "legal_form",
            "comune_id",
            "is_partner",
            "is_employer",
            "is_training",
            "is_funder",
            "joined_on",
        ],
    ).copy(org_rows)
    funders = list(range(1, n_funders + 1))
    employers = list(range(n_funders + 1, n_orgs + 1))

    # --- calls, applications, projects -------------------------------------------------------
    call_rows = []
    for year in range(2019, 2027):
        for line, prefix in (("innovazione_sociale", "IS"), ("autoimpiego", "AI")):
            for round_ in (1, 2):
                pk = len(call_rows) + 1
                opens = datetime.datetime(year, 3 if round_ == 1 else 9, 1, tzinfo=tz)
                call_rows.append(
                    (
                        pk,
                        f"{prefix}-{year}-{round_}",
                        f"{'Innovazione sociale' if prefix == 'IS' else 'Autoimpiego'} {year} ({round_})",
                        line,
                        year,
                        opens,
                        opens + datetime.timedelta(days=45),
                        Decimal("500000.00"),
                        opens - datetime.timedelta(days=10),
                    )
                )
    counts["calls"] = Table(
        Call,
        [
            "id",
            "code",
            "title",
            "line",
            "edition",
            "opens_at",
            "closes_at",
            "budget",
            "published_at",
        ],
    ).copy(call_rows)
    call_opening = {row[0]: row[5] for row in call_rows}
    call_ids = [row[0] for row in call_rows if row[4] <= 2026 and row[5] < now]

    statuses = [s for s, w in APP_STATUS for _ in range(w)]
    app_rows = []
    accompanied: list[tuple[int, datetime.date, str]] = []
    for i in range(n_apps):
        pk = i + 1
        call = rng.choice(call_ids)
        submitted = call_opening[call] + datetime.timedelta(
            days=rng.randrange(45), hours=rng.randrange(8, 18)
        )
        status = statuses[i % len(statuses)] if i >= 4 else "accompagnata"
        decided = status in ("accompagnata", "non_selezionata", "non_ammissibile")
        outcome = (submitted + datetime.timedelta(days=60)).date() if decided else None
        by_person = i % 3 == 0
        comune = residence()
        app_rows.append(
            (
                pk,
                f"CAND-{pk:06d}",
                call,
                f"Progetto {rng.choice(ORG_WORDS).lower()} {rng.choice(PLACES)} {pk}",
                rng.randrange(1, people + 1) if by_person else None,
                None if by_person else rng.choice(employers),
                rng.choice(sectors),
                comune,
                status,
                submitted,
                outcome,
                Decimal(rng.randrange(40, 95)) if decided else None,
            )
        )
        if status == "accompagnata":
            accompanied.append((pk, outcome, comune))  # type: ignore[arg-type]
    counts["applications"] = Table(
        Application,
        [
            "id",
            "code",
            "call_id",
            "title",
            "applicant_person_id",
            "applicant_organisation_id",
            "sector_id",
            "comune_id",
            "status",
            "submitted_at",
            "outcome_date",
            "score",
        ],
    ).copy(app_rows)
    counts["projects"] = Table(Project, ["id", "application_id", "status", "started_on"]).copy(
        (n + 1, pk, "attivo", outcome + datetime.timedelta(days=15))
        for n, (pk, outcome, _c) in enumerate(accompanied)
    )

    # --- funds, grants, disbursements --------------------------------------------------------
    fund_rows = []
    for funder in funders:
        for f in range(2):
            fund_rows.append(
                (len(fund_rows) + 1, funder, f"Fondo {funder}-{f + 1}", Decimal("5000000.00"))
            )
    counts["funds"] = Table(Fund, ["id", "funder_id", "name", "budget"]).copy(fund_rows)
    grant_rows = []
    disb_rows = []
    for i in range(n_grants):
        app, outcome, _c = accompanied[i % len(accompanied)]
        fund = fund_rows[i % len(fund_rows)]
        awarded = Decimal(rng.randrange(3, 40) * 500)
        revoked = (
            awarded
            if i % 25 == 0
            else (Decimal(rng.randrange(1, 4) * 250) if i % 9 == 0 else Decimal("0.00"))
        )
        awarded_on = outcome + datetime.timedelta(days=30)
        grant_rows.append(
            (i + 1, f"CONTR-{i + 1:06d}", app, fund[1], fund[0], awarded, awarded_on, revoked)
        )
        paid = Decimal("0.00")
        net = awarded - revoked
        for t in range(rng.randrange(0, 4)):
            amount = (net / 3).quantize(Decimal("0.01"))
            if amount <= 0 or paid + amount > net:
                break
            paid += amount
            paid_on = awarded_on + datetime.timedelta(days=90 * (t + 1))
            if paid_on > END:
                break
            disb_rows.append(
                (len(disb_rows) + 1, f"EROG-{len(disb_rows) + 1:07d}", i + 1, paid_on, amount)
            )
    counts["grants"] = Table(
        Grant,
        [
            "id",
            "code",
            "application_id",
            "funder_id",
            "fund_id",
            "amount_awarded",
            "awarded_on",
            "amount_revoked",
        ],
    ).copy(grant_rows)
    counts["disbursements"] = Table(
        Disbursement, ["id", "code", "grant_id", "paid_on", "amount"]
    ).copy(disb_rows)

    # --- interviews --------------------------------------------------------------------------
    log(f"interviews: {n_interviews}")
    first_interview: dict[int, datetime.date] = {}
    first_people = rng.sample(range(1, people + 1), min(people, n_interviews // 2))

    def interviews() -> Iterable[tuple[Any, ...]]:
        n = 0
        for person in first_people:
            n += 1
            date = signed_up[person - 1] + datetime.timedelta(days=rng.randrange(5, 60))
            first_interview[person] = date
            yield (
                n,
                f"COL-{n:07d}",
                person,
                date,
                "primo_colloquio",
                rng.choice(operators),
                person,
            )
        kinds = ("orientamento", "monitoraggio", "altro")
        while n < n_interviews:
            n += 1
            person = rng.choice(first_people)
            date = first_interview[person] + datetime.timedelta(days=rng.randrange(10, 400))
            yield (
                n,
                f"COL-{n:07d}",
                person,
                date,
                rng.choice(kinds),
                rng.choice(operators),
                person,
            )

    counts["interviews"] = Table(
        Interview, ["id", "code", "person_id", "date", "kind", "operator_id", "registration_id"]
    ).copy(interviews())

    # --- vacancies, referrals ----------------------------------------------------------------
    vac_rows = []
    for i in range(n_vacancies):
        created = day(rng)
        vac_rows.append(
            (
                i + 1,
                rng.choice(employers),
                f"{rng.choice(('Addetto', 'Operaio', 'Magazziniere', 'Cuoco', 'Impiegato', 'Autista'))} {i + 1}",
                rng.choice(metro),
                rng.choices(ct_ids, ct_w)[0],
                rng.randrange(1, 4),
                "aperta" if created > END - datetime.timedelta(days=120) else "chiusa",
                created + datetime.timedelta(days=60),
                datetime.datetime.combine(created, datetime.time(9), tzinfo=tz),
            )
        )
    counts["vacancies"] = Table(
        Vacancy,
        [
            "id",
            "organisation_id",
            "title",
            "comune_id",
            "contract_type_id",
            "openings",
            "status",
            "deadline",
            "created_at",
        ],
    ).copy(vac_rows)
    referred: set[tuple[int, int]] = set()
    ref_rows = []
    hired: list[tuple[int, int, int, datetime.date]] = []  # referral, person, vacancy, date
    outcomes = ("proposta", "assunta", "non_scelta", "non_scelta", "rifiutata", "non_presentata")
    while len(ref_rows) < n_referrals:
        vacancy = rng.randrange(1, n_vacancies + 1)
        person = rng.choice(first_people)
        if (vacancy, person) in referred:
            continue
        referred.add((vacancy, person))
        pk = len(ref_rows) + 1
        outcome = outcomes[pk % len(outcomes)]
        proposed = vac_rows[vacancy - 1][8].date() + datetime.timedelta(days=rng.randrange(1, 30))
        ref_rows.append(
            (
                pk,
                vacancy,
                person,
                proposed,
                outcome,
                "distanza" if outcome == "rifiutata" else "",
                None if outcome == "proposta" else proposed + datetime.timedelta(days=10),
                rng.choice(operators),
            )
        )
        if outcome == "assunta":
            hired.append((pk, person, vacancy, proposed + datetime.timedelta(days=20)))
    counts["referrals"] = Table(
        Referral,
        [
            "id",
            "vacancy_id",
            "person_id",
            "proposed_on",
            "outcome",
            "refusal_reason",
            "outcome_on",
            "proposed_by_id",
        ],
    ).copy(ref_rows)

    # --- placements --------------------------------------------------------------------------
    log(f"placements: {n_placements}")
    project_apps = [pk for pk, _o, _c in accompanied]

    def placements() -> Iterable[tuple[Any, ...]]:
        n = 0
        for referral, person, vacancy, start in hired:
            if n >= n_placements:
                return
            n += 1
            vac = vac_rows[vacancy - 1]
            yield (
                n,
                f"INS-{n:07d}",
                person,
                vac[1],
                vac[4],
                start,
                start + datetime.timedelta(days=180),
                Decimal("30.00"),
                False,
                None,
                referral,
            )
        previous: dict[int, int] = {}
        while n < n_placements:
            n += 1
            person = rng.choice(first_people)
            start = first_interview[person] + datetime.timedelta(days=rng.randrange(-30, 500))
            contract = rng.choices(ct_ids, ct_w)[0]
            application = rng.choice(project_apps) if n % 20 == 0 else None
            extension = person in previous and rng.random() < 0.3
            previous[person] = n
            yield (
                n,
                f"INS-{n:07d}",
                person,
                rng.choice(employers),
                contract,
                start,
                start + datetime.timedelta(days=rng.choice((90, 180, 365))),
                Decimal(rng.choice((20, 25, 30, 36, 40))),
                extension,
                application,
                None,
            )

    counts["placements"] = Table(
        Placement,
        [
            "id",
            "code",
            "person_id",
            "employer_id",
            "contract_type_id",
            "start_date",
            "end_date",
            "weekly_hours",
            "is_extension",
            "application_id",
            "referral_id",
        ],
    ).copy(placements())

    reset_sequences(
        [Person, Registration, Consent, Organisation, Call, Application, Project, Fund, Grant,
         Disbursement, Interview, Vacancy, Referral, Placement]
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _check_sample(rng)
    return counts


def _check_sample(rng: random.Random) -> None:
    """Decode a sample of the codes with the app's own validator (raises if one is wrong)."""
    from insieme.core.fiscal_code import decode
    from insieme.people.models import Person

    codes = list(Person.objects.order_by("?").values_list("fiscal_code", flat=True)[:500])
    for code in codes:
        decode(code)

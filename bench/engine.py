"""The figures engine timed figure by figure, and against plain SQL over the same tables."""

import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import connection

from insieme.impact import figures as fig
from insieme.impact.dashboard import Audience, Dashboard, board_data
from insieme.impact.figures import Filters

REPEAT = 5


def best(fn: Callable[[], Any], repeat: int = REPEAT) -> tuple[float, Any]:
    """Median wall time in ms of `repeat` runs after one warm-up, and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


# Every figure of impact_report, computed the way `compute` computes it.
def _figures(f: Filters) -> dict[str, Callable[[], Any]]:
    return {
        "projects.applications": lambda: fig.applications(f).count(),
        "projects.accompanied": lambda: fig.accompanied(f).count(),
        "projects.funded": lambda: fig.funded(f).count(),
        "projects.grants (awarded, revoked)": lambda: fig.grants(f).aggregate(
            a=fig.Sum("amount_awarded"), r=fig.Sum("amount_revoked")
        ),
        "projects.grants_disbursed_eur": lambda: fig._sum(fig.disbursements(f), "amount"),
        "projects.placements, people_employed": lambda: fig._placement_totals(
            fig.project_placements(f)
        ),
        "projects.traineeships": lambda: fig.project_placements(f, traineeships=True).count(),
        "projects.sectors": lambda: fig._projects(f)["sectors"],
        "employment.registrations": lambda: fig.registered_people(f).count(),
        "employment.first_interviews": lambda: fig.first_interviews(f).count(),
        "employment.placements, people, extensions": lambda: fig._placement_totals(
            fig.employment_placements(f)
        ),
        "employment.first_time_placed": lambda: fig.first_time_placed(f).count(),
        "employment.traineeships": lambda: fig.employment_placements(f, traineeships=True).count(),
        "employment.contracts": lambda: list(
            fig.employment_placements(f)
            .values("contract_type__code")
            .annotate(n=fig.Count("pk"))
            .order_by()
        ),
        "employment.avg_days_to_first_placement": lambda: fig._avg_days(f),
        "territory": lambda: fig._territory_rows(f),
    }


def time_figures() -> dict[str, float]:
    f = Filters()
    times = {name: best(fn, 3)[0] for name, fn in _figures(f).items()}
    times["compute"] = best(lambda: fig.compute(f), 3)[0]
    return times


# --- plain SQL ---------------------------------------------------------------------------------

NOT_TRAINEESHIP = "ct.code <> 'tirocinio'"
PLACEMENTS = "employment_placement p JOIN core_contracttype ct ON ct.id = p.contract_type_id"
REPORT_SQL = {
    "applications": "SELECT count(*) FROM calls_application WHERE status <> 'bozza'",
    "accompanied": "SELECT count(*) FROM calls_application WHERE status = 'accompagnata'",
    "funded": """SELECT count(*) FROM calls_application a WHERE a.status = 'accompagnata'
        AND EXISTS (SELECT 1 FROM grants_grant g WHERE g.application_id = a.id
                    AND g.amount_awarded > g.amount_revoked)""",
    "money": "SELECT sum(amount_awarded), sum(amount_revoked) FROM grants_grant",
    "disbursed": "SELECT sum(amount) FROM grants_disbursement WHERE cancelled_at IS NULL",
    "project_placements": f"""SELECT count(*), count(DISTINCT p.person_id) FROM {PLACEMENTS}
        WHERE p.application_id IS NOT NULL AND {NOT_TRAINEESHIP}""",
    "project_traineeships": f"""SELECT count(*) FROM {PLACEMENTS}
        WHERE p.application_id IS NOT NULL AND ct.code = 'tirocinio'""",
    "sectors_accompanied": """SELECT s.code, count(*) FROM calls_application a
        LEFT JOIN core_sector s ON s.id = a.sector_id WHERE a.status = 'accompagnata'
        GROUP BY s.code""",
    "sectors_funded": """SELECT s.code, count(*) FROM calls_application a
        LEFT JOIN core_sector s ON s.id = a.sector_id WHERE a.status = 'accompagnata'
        AND EXISTS (SELECT 1 FROM grants_grant g WHERE g.application_id = a.id
                    AND g.amount_awarded > g.amount_revoked) GROUP BY s.code""",
    "sectors_disbursed": """SELECT s.code, sum(d.amount) FROM grants_disbursement d
        JOIN grants_grant g ON g.id = d.grant_id JOIN calls_application a ON a.id = g.application_id
        LEFT JOIN core_sector s ON s.id = a.sector_id WHERE d.cancelled_at IS NULL
        GROUP BY s.code""",
    "sectors": "SELECT code FROM core_sector WHERE active ORDER BY code = 'altro', id",
    "registrations": "SELECT count(DISTINCT person_id) FROM employment_registration",
    "first_interviews": "SELECT count(*) FROM employment_interview WHERE kind = 'primo_colloquio'",
    "placements": f"""SELECT count(*), count(DISTINCT p.person_id),
        count(*) FILTER (WHERE p.is_extension) FROM {PLACEMENTS} WHERE {NOT_TRAINEESHIP}""",
    "first_time_placed": f"""SELECT count(DISTINCT p.person_id) FROM {PLACEMENTS}
        WHERE {NOT_TRAINEESHIP}""",
    "traineeships": f"SELECT count(*) FROM {PLACEMENTS} WHERE ct.code = 'tirocinio'",
    "contracts": f"SELECT ct.code, count(*) FROM {PLACEMENTS} WHERE {NOT_TRAINEESHIP} "
    "GROUP BY ct.code",
    "avg_days": f"""WITH fi AS (SELECT person_id, min(date) AS d FROM employment_interview
                              GROUP BY person_id),
        fp AS (SELECT fi.person_id, min(p.start_date) - fi.d AS gap FROM fi
               JOIN {PLACEMENTS} ON p.person_id = fi.person_id AND p.start_date >= fi.d
               WHERE {NOT_TRAINEESHIP} GROUP BY fi.person_id, fi.d)
        SELECT sum(gap), count(*) FROM fp""",
    "territory_people": """SELECT residence_comune_id, count(*) FROM people_person
        WHERE residence_comune_id IS NOT NULL GROUP BY 1""",
    "territory_accompanied": """SELECT comune_id, count(*) FROM calls_application
        WHERE status = 'accompagnata' AND comune_id IS NOT NULL GROUP BY 1""",
    "territory_placements": f"""SELECT pe.residence_comune_id, count(*) FROM {PLACEMENTS}
        JOIN people_person pe ON pe.id = p.person_id
        WHERE {NOT_TRAINEESHIP} AND pe.residence_comune_id IS NOT NULL GROUP BY 1""",
    "territory_comuni": """SELECT c.istat_code, c.name, d.name, c.decentralised FROM core_comune c
        LEFT JOIN core_district d ON d.id = c.district_id WHERE c.istat_code IN (
          SELECT residence_comune_id FROM people_person UNION SELECT comune_id FROM calls_application)""",
}
# What the dashboard asks on top of the report (charts by fund, year and call; names).
DASHBOARD_SQL = {
    "days_counted": f"""WITH fi AS (SELECT person_id, min(date) AS d FROM employment_interview
                              GROUP BY person_id)
        SELECT count(DISTINCT fi.person_id) FROM fi JOIN {PLACEMENTS}
        ON p.person_id = fi.person_id AND p.start_date >= fi.d WHERE {NOT_TRAINEESHIP}""",
    "names": "SELECT code, name FROM core_sector UNION ALL SELECT code, name FROM core_contracttype",
    "districts": "SELECT name, id FROM core_district",
    "by_fund": """SELECT g.funder_id, o.name, g.fund_id, f.name, sum(amount_awarded),
        sum(amount_revoked), count(*) FROM grants_grant g JOIN network_organisation o
        ON o.id = g.funder_id LEFT JOIN grants_fund f ON f.id = g.fund_id GROUP BY 1, 2, 3, 4""",
    "paid_by_fund": """SELECT g.funder_id, g.fund_id, sum(d.amount), count(*)
        FROM grants_disbursement d JOIN grants_grant g ON g.id = d.grant_id
        WHERE d.cancelled_at IS NULL GROUP BY 1, 2""",
    "trend_applications": """SELECT extract(year FROM submitted_at AT TIME ZONE 'Europe/Rome'),
        count(*) FROM calls_application WHERE status <> 'bozza' GROUP BY 1""",
    "trend_accompanied": """SELECT extract(year FROM outcome_date), count(*)
        FROM calls_application WHERE status = 'accompagnata' GROUP BY 1""",
    "trend_funded": """SELECT extract(year FROM g.awarded_on), count(DISTINCT g.application_id)
        FROM grants_grant g JOIN calls_application a ON a.id = g.application_id
        WHERE g.amount_awarded > g.amount_revoked AND a.status = 'accompagnata' GROUP BY 1""",
    "trend_project_placements": f"""SELECT extract(year FROM p.start_date), count(*)
        FROM {PLACEMENTS} WHERE p.application_id IS NOT NULL AND {NOT_TRAINEESHIP} GROUP BY 1""",
    "trend_placements": f"""SELECT extract(year FROM p.start_date), count(*) FROM {PLACEMENTS}
        WHERE {NOT_TRAINEESHIP} GROUP BY 1""",
    "trend_paid": """SELECT extract(year FROM paid_on), sum(amount), count(*)
        FROM grants_disbursement WHERE cancelled_at IS NULL GROUP BY 1""",
    "calls": """SELECT a.call_id, c.code, c.title, c.edition, c.line, count(*),
        count(*) FILTER (WHERE a.status = 'accompagnata'),
        count(*) FILTER (WHERE a.status = 'accompagnata' AND EXISTS (
            SELECT 1 FROM grants_grant g WHERE g.application_id = a.id
            AND g.amount_awarded > g.amount_revoked))
        FROM calls_application a JOIN calls_call c ON c.id = a.call_id
        WHERE a.status <> 'bozza' GROUP BY 1, 2, 3, 4, 5""",
}


def _run_sql(queries: dict[str, str]) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with connection.cursor() as cursor:
        for name, sql in queries.items():
            cursor.execute(sql)
            out[name] = cursor.fetchall()
    return out


def _report_from_sql(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    """The numbers of impact_report, read from the plain SQL results."""

    def one(name: str) -> Any:
        return rows[name][0][0]

    gap, people = rows["avg_days"][0]
    avg = None
    if people:
        avg = float((Decimal(gap) / people).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP"))
    placements, employed, extensions = rows["placements"][0]
    return {
        "applications": one("applications"),
        "accompanied": one("accompanied"),
        "funded": one("funded"),
        "awarded": fig.eur(rows["money"][0][0]),
        "revoked": fig.eur(rows["money"][0][1]),
        "disbursed": fig.eur(one("disbursed")),
        "project_placements": rows["project_placements"][0][0],
        "project_people": rows["project_placements"][0][1],
        "project_traineeships": one("project_traineeships"),
        "sectors_accompanied": sum(n for _c, n in rows["sectors_accompanied"]),
        "registrations": one("registrations"),
        "first_interviews": one("first_interviews"),
        "placements": placements,
        "people_employed": employed,
        "extensions": extensions,
        "first_time_placed": one("first_time_placed"),
        "traineeships": one("traineeships"),
        "contracts": dict(rows["contracts"]),
        "avg_days": avg,
        "territory_people": sum(n for _c, n in rows["territory_people"]),
        "territory_placements": sum(n for _c, n in rows["territory_placements"]),
    }


def _report_from_engine(report: dict[str, Any]) -> dict[str, Any]:
    p, e, t = report["projects"], report["employment"], report["territory"]
    return {
        "applications": p["applications"],
        "accompanied": p["accompanied"],
        "funded": p["funded"],
        "awarded": p["grants_awarded_eur"],
        "revoked": p["grants_revoked_eur"],
        "disbursed": p["grants_disbursed_eur"],
        "project_placements": p["placements"],
        "project_people": p["people_employed"],
        "project_traineeships": p["traineeships"],
        "sectors_accompanied": sum(s["accompanied"] for s in p["sectors"]),
        "registrations": e["registrations"],
        "first_interviews": e["first_interviews"],
        "placements": e["placements"],
        "people_employed": e["people_employed"],
        "extensions": e["extensions"],
        "first_time_placed": e["first_time_placed"],
        "traineeships": e["traineeships"],
        "contracts": e["contracts"],
        "avg_days": e["avg_days_to_first_placement"],
        "territory_people": sum(r["people"] for r in t),
        "territory_placements": sum(r["placements"] for r in t),
    }


def compare() -> dict[str, Any]:
    """impact_report and the dashboard's query set against plain SQL; the numbers must agree."""
    f = Filters()
    report_ms, report = best(lambda: fig.compute(f))
    sql_ms, rows = best(lambda: _run_sql(REPORT_SQL))
    engine_numbers = _report_from_engine(report)
    sql_numbers = _report_from_sql(rows)
    differences = {
        key: (engine_numbers[key], sql_numbers[key])
        for key in engine_numbers
        if engine_numbers[key] != sql_numbers[key]
    }
    # Cold: every figure computed (what the first reader after a write pays); warm: from the
    # figures cache (insieme/impact/cache.py), what every later reader pays until the next write.
    dashboard_ms, _ = best(lambda: board_data(f))
    dashboard_cached_ms, _ = best(lambda: Dashboard(f, Audience.FULL))
    dashboard_sql_ms, _ = best(lambda: _run_sql({**REPORT_SQL, **DASHBOARD_SQL}))
    return {
        "report_ms": report_ms,
        "report_sql_ms": sql_ms,
        "report_ratio": report_ms / sql_ms,
        "dashboard_ms": dashboard_ms,
        "dashboard_sql_ms": dashboard_sql_ms,
        "dashboard_cached_ms": dashboard_cached_ms,
        "dashboard_ratio": dashboard_ms / dashboard_sql_ms,
        "differences": differences,
        "numbers": {k: str(v) for k, v in engine_numbers.items()},
    }

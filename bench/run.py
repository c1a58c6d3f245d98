"""`make bench`: the programme at regional scale on PostgreSQL, measured on this machine.

Steps (each prints as it goes; the results table is printed and written to docs/performance.md):

1. growth: for each size of the registry (10,000, 50,000, 200,000 people by default) a fresh
   database is generated (bench/generate.py) and every figure of the engine is timed;
2. at the full size: the engine (`impact_report` and the dashboard's query set) against plain
   SQL aggregates over the same tables, which must give the same numbers;
3. query counts of each list page at 10 and at 100 rows per page;
4. the main pages under 20 concurrent clients (gunicorn, production settings, loopback) against
   the health check, the minimal Django view;
5. importing a 100,000-row programme workbook (check, then write).

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/insieme_bench; the
database is dropped and created again), BENCH_PEOPLE (full size, default 200000), BENCH_GROWTH
(comma-separated sizes, default "10000,50000" plus the full size), BENCH_SECONDS (load per page,
default 8), BENCH_CLIENTS (default 20), BENCH_WORKERS (gunicorn workers, default 3, as
`make serve`), BENCH_IMPORT_ROWS (default 100000), BENCH_SKIP (comma-separated steps to skip:
growth, engine, queries, load, import — for development only).
"""

import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import db  # noqa: E402

DATABASE_URL = db.url()
SERVER_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DEBUG": "",
    "STAFF_MFA_REQUIRED": "1",
}
os.environ.update(SERVER_ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import engine  # noqa: E402
import generate  # noqa: E402
import load  # noqa: E402
import pages  # noqa: E402
import workbook  # noqa: E402
from django.db import connection, connections  # noqa: E402

FULL = int(os.environ.get("BENCH_PEOPLE", "200000"))
GROWTH = sorted(
    {int(x) for x in os.environ.get("BENCH_GROWTH", "10000,50000").split(",") if x} | {FULL}
)
SKIP = set(filter(None, os.environ.get("BENCH_SKIP", "").split(",")))


def log(message: str) -> None:
    print(f"[{datetime.datetime.now(datetime.UTC):%H:%M:%S}] {message}", flush=True)


def fresh_database(people: int) -> dict[str, int]:
    connections.close_all()
    db.recreate(DATABASE_URL)
    started = time.perf_counter()
    counts = generate.generate(people, log=lambda m: log(f"  generating {m}"))
    log(f"generated {sum(counts.values()):,} rows in {time.perf_counter() - started:.0f} s")
    return counts


def machine() -> dict[str, str]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    load1, load5, load15 = os.getloadavg()
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "PostgreSQL": pg,
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "OS": platform.platform(),
        "load average at the start": f"{load1:.2f} {load5:.2f} {load15:.2f}",
    }


def main() -> None:
    started = time.perf_counter()
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    results: dict[str, Any] = {"when": when, "people": FULL, "growth": {}}
    log(f"bench: {FULL:,} people; growth at {', '.join(f'{n:,}' for n in GROWTH)}")
    db.prepare_template(DATABASE_URL, {**os.environ})
    log(f"migrated the template database in {time.perf_counter() - started:.0f} s")
    for size in GROWTH:
        if size != FULL and "growth" in SKIP:
            continue
        counts = fresh_database(size)
        results["growth"][size] = {"counts": counts, "figures": engine.time_figures()}
        log(f"figures at {size:,} people: {results['growth'][size]['figures']['compute']:.0f} ms")
    results["machine"] = machine()
    results["counts"] = results["growth"][FULL]["counts"]
    if "engine" not in SKIP:
        results["engine"] = engine.compare()
        log("engine against plain SQL: done")
    subprocess.run(  # the production settings need the static files' manifest
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True
    )
    if "queries" not in SKIP:
        results["queries"] = pages.query_counts()
        log("query counts: done")
    if "load" not in SKIP:
        results["load"] = load.run(
            clients=int(os.environ.get("BENCH_CLIENTS", "20")),
            seconds=float(os.environ.get("BENCH_SECONDS", "8")),
            workers=int(os.environ.get("BENCH_WORKERS", "3")),
            env={**os.environ},
            log=log,
        )
    if "import" not in SKIP:
        results["import"] = workbook.run(
            rows=int(os.environ.get("BENCH_IMPORT_ROWS", "100000")), log=log
        )
    load1, load5, load15 = os.getloadavg()
    results["machine"]["load average at the end"] = f"{load1:.2f} {load5:.2f} {load15:.2f}"
    connections.close_all()
    db.drop_template(DATABASE_URL)
    results["elapsed"] = time.perf_counter() - started
    (ROOT / "var").mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1, default=str))
    write_docs(results)
    log(f"bench finished in {results['elapsed'] / 60:.1f} min")


RESULTS = ROOT / "var" / "bench-results.json"


def write_docs(results: dict[str, Any]) -> None:
    """Print the table and write docs/performance.md, with the findings of bench/NOTES.md."""
    import report

    notes = ROOT / "bench" / "NOTES.md"
    if notes.exists():
        results["findings"] = notes.read_text(encoding="utf-8")
    print(report.table(results))
    if os.environ.get("BENCH_WRITE_DOCS", "1") == "1":
        target = ROOT / "docs" / "performance.md"
        target.write_text(report.markdown(results), encoding="utf-8")
        log(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    if sys.argv[1:] == ["report"]:  # the last run's results again, e.g. after editing NOTES.md
        write_docs(json.loads(RESULTS.read_text()))
    else:
        main()

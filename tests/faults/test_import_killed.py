"""A workbook import killed with SIGKILL while it writes leaves nothing behind, every time, and the
next import goes through.

`manage.py import_workbook` runs as a child process on the test database with a large generated
workbook. The test waits until the import is writing (PostgreSQL: its backend holds a transaction
id; SQLite: it holds the write lock), lets it write for a random while, checks it is still
writing, and kills it with SIGKILL. Then every table must have exactly the rows it had before.
"""

import datetime
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from codicefiscale import codicefiscale
from django.db import connection

from insieme.people.models import Person
from insieme.workbook.importer import import_workbook
from tests.faults.helpers import BASE_DIR, EXAMPLES, child_env, table_counts

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = int(os.environ.get("FAULT_IMPORT_ROWS", "20000"))
KILLS = 3
APP_NAME = "insieme-import-under-test"
MONTHS = "ABCDEHLMPRST"


def people_workbook(folder: Path, rows: int, surname: str = "Quarta") -> Path:
    """A folder workbook of `rows` new people (women born on successive days), each signed up."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["codice_fiscale;cognome;nome;comune_residenza;data_iscrizione"]
    first = datetime.date(1930, 1, 1)
    for n in range(rows):
        born = first + datetime.timedelta(days=n)
        birth = f"{born.year % 100:02d}{MONTHS[born.month - 1]}{born.day + 40:02d}"
        body = f"{code_letters(surname)}GLI{birth}A944"
        code = body + codicefiscale.encode_cin(body)
        lines.append(f"{code};{surname};Giulia;037006;{1 + n % 28:02d}/02/2024")
    (folder / "persone.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def code_letters(surname: str) -> str:
    consonants = [c for c in surname.upper() if c not in "AEIOU"]
    vowels = [c for c in surname.upper() if c in "AEIOU"]
    return "".join(consonants + vowels)[:3]


def writing() -> bool:
    """Whether the child import is inside its write transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE application_name = %s AND backend_xid IS NOT NULL "
                # a COMMIT already sent completes even if the client dies
                "AND query NOT ILIKE 'COMMIT%%'",
                [APP_NAME],
            )
            return cursor.fetchone()[0] > 0
    probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True  # someone holds the write lock: the import
    else:
        probe.execute("ROLLBACK")
        return False
    finally:
        probe.close()


def backend_gone() -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APP_NAME]
        )
        return cursor.fetchone()[0] == 0


def wait_for(condition, what: str, proc: subprocess.Popen | None = None, seconds=180.0) -> float:
    start = time.monotonic()
    while not condition():
        if proc is not None and proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the import ended before {what}: {proc.returncode} {out} {err}")
        assert time.monotonic() - start < seconds, f"waited {seconds} s for {what}"
        time.sleep(0.01)
    return time.monotonic() - start


def start_import(folder: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_workbook", str(folder)],
        cwd=BASE_DIR,
        env=child_env(PGAPPNAME=APP_NAME),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def timed_import(folder: Path) -> float:
    """Run an import to its end; how long it spent writing."""
    proc = start_import(folder)
    wait_for(writing, "writing", proc)
    start = time.monotonic()
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert out.startswith("Importazione completata."), out
    return time.monotonic() - start


def test_an_import_killed_while_writing_leaves_nothing_behind(tmp_path):
    assert import_workbook(EXAMPLES / "esempio-csv", dry_run=False).ok
    # How long a write of this size takes here, with other people than the ones killed below.
    calibration = timed_import(people_workbook(tmp_path / "prova", ROWS, surname="Prova"))
    surnames = iter(("Quarta", "Quinta", "Sesta", "Settima"))
    surname = next(surnames)
    folder = people_workbook(tmp_path / surname, ROWS, surname=surname)
    rng = random.Random(os.environ.get("FAULT_SEED", time.time_ns()))
    kills: list[float] = []

    while len(kills) < KILLS:
        before = table_counts()
        proc = start_import(folder)
        wait_for(writing, "writing", proc)
        into = rng.uniform(0.02, 0.4) * calibration
        time.sleep(into)
        if not writing():
            # The machine got faster than when the write was timed (other tests stopped): the
            # import committed before the kill point. Not a kill: time again, with new people.
            _, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, err
            calibration = into
            surname = next(surnames)  # at most three such misses
            folder = people_workbook(tmp_path / surname, ROWS, surname=surname)
            continue
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        assert proc.returncode == -signal.SIGKILL
        kills.append(into)
        wait_for(backend_gone, "its database session to end")
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA integrity_check")
                assert cursor.fetchone()[0] == "ok"
        assert table_counts() == before

    # The next import, left alone, writes every row.
    written = timed_import(folder)
    assert Person.objects.filter(last_name=surname).count() == ROWS
    print(
        f"\n{connection.vendor}: {ROWS} rows; a whole write takes {calibration:.2f} s "
        f"(then {written:.2f} s); killed after "
        + ", ".join(f"{k:.2f} s ({k / calibration:.0%})" for k in kills)
        + " of writing"
    )

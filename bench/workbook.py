"""Import throughput: a programme workbook (.xlsx) of new people, their interviews and placements."""

import datetime
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import generate
from openpyxl import Workbook

from insieme.workbook.importer import import_workbook


def build(path: Path, rows: int, seed: int = 7) -> dict[str, int]:
    """`rows` data rows: 40 % people, 40 % interviews, 20 % placements (sheets of DOMAIN.md)."""
    from insieme.core.models import Comune
    from insieme.network.models import Organisation
    from insieme.people.models import Person

    rng = random.Random(seed)
    n_people = rows * 2 // 5
    n_interviews = rows * 2 // 5
    n_placements = rows - n_people - n_interviews
    taken = set(Person.objects.values_list("fiscal_code", flat=True))
    comuni = list(Comune.objects.filter(province="BO").values_list("istat_code", flat=True))
    employers = list(
        Organisation.objects.filter(is_employer=True).values_list("fiscal_code", flat=True)[:2000]
    )
    book = Workbook(write_only=True)
    persone = book.create_sheet("persone")
    persone.append(
        [
            "codice_fiscale",
            "cognome",
            "nome",
            "data_nascita",
            "genere",
            "comune_residenza",
            "email",
            "telefono",
            "condizione",
            "titolo_studio",
            "data_iscrizione",
        ]
    )
    people: list[str] = []
    while len(people) < n_people:
        sex = rng.choice("FM")
        last = rng.choice(generate.SURNAMES)
        first = rng.choice(generate.FIRST_F if sex == "F" else generate.FIRST_M)
        born = generate.day(rng, datetime.date(1960, 1, 1), datetime.date(2006, 12, 31))
        code = generate.person_code(rng, last, first, born, sex)
        if code in taken:
            continue
        taken.add(code)
        people.append(code)
        persone.append(
            [
                code,
                last,
                first,
                born,
                sex,
                rng.choice(comuni),
                f"import{len(people)}@example.org",
                f"+39 333 {rng.randrange(1000000, 9999999)}",
                "disoccupato",
                rng.choice(generate.EDUCATION),
                generate.day(rng, datetime.date(2025, 1, 1), datetime.date(2026, 6, 30)),
            ]
        )
    colloqui = book.create_sheet("colloqui")
    colloqui.append(["codice", "codice_fiscale", "data", "tipo"])
    for i in range(n_interviews):
        colloqui.append(
            [
                f"IMP-COL-{i + 1:07d}",
                people[i % len(people)],
                generate.day(rng, datetime.date(2025, 2, 1), datetime.date(2026, 9, 30)),
                "primo_colloquio" if i < len(people) else "monitoraggio",
            ]
        )
    inserimenti = book.create_sheet("inserimenti")
    inserimenti.append(
        [
            "codice",
            "codice_fiscale",
            "datore",
            "tipo_contratto",
            "data_inizio",
            "data_fine",
            "ore_settimanali",
            "proroga",
            "candidatura",
        ]
    )
    for i in range(n_placements):
        start = generate.day(rng, datetime.date(2025, 3, 1), datetime.date(2026, 9, 30))
        inserimenti.append(
            [
                f"IMP-INS-{i + 1:07d}",
                people[i % len(people)],
                rng.choice(employers),
                rng.choice(("determinato", "indeterminato", "tirocinio", "somministrazione")),
                start,
                start + datetime.timedelta(days=180),
                rng.choice((20, 30, 40)),
                "no",
                None,
            ]
        )
    book.save(path)
    return {"persone": n_people, "colloqui": n_interviews, "inserimenti": n_placements}


def run(*, rows: int, log: Callable[[str], None]) -> dict[str, Any]:
    import pages

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench-workbook.xlsx"
        started = time.perf_counter()
        sheets = build(path, rows)
        built = time.perf_counter() - started
        log(f"  workbook of {rows:,} rows written in {built:.0f} s ({path.stat().st_size:,} bytes)")
        by = pages.staff_user()
        started = time.perf_counter()
        check = import_workbook(path, dry_run=True, by=by)
        check_s = time.perf_counter() - started
        if check.errors:
            raise RuntimeError(f"the bench workbook has errors: {check.errors[:5]}")
        log(f"  checked in {check_s:.1f} s")
        started = time.perf_counter()
        written = import_workbook(path, dry_run=False, by=by, file_name=path.name)
        write_s = time.perf_counter() - started
        if not written.written:
            raise RuntimeError(f"the import wrote nothing: {written.errors[:5]}")
        log(f"  imported in {write_s:.1f} s")
        created = sum(c.created for c in written.counts.values())
        return {
            "rows": rows,
            "sheets": sheets,
            "size_bytes": path.stat().st_size,
            "check_s": check_s,
            "check_rps": rows / check_s,
            "import_s": write_s,
            "import_rps": rows / write_s,
            "created": created,
        }

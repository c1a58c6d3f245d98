"""The curated list of skill labels operators attach to people and vacancies.

No maintained package ships ESCO labels in Italian for offline use, so the programme keeps a short
list of its own (data/skills.csv): editing the file changes the choices, codes stay stable.
"""

import csv
from functools import cache
from pathlib import Path

SKILLS_CSV = Path(__file__).parent / "data" / "skills.csv"


@cache
def skill_labels() -> dict[str, str]:
    with SKILLS_CSV.open(encoding="utf-8") as fh:
        return {row["code"]: row["label"] for row in csv.DictReader(fh)}


def skill_choices() -> list[tuple[str, str]]:
    return sorted(skill_labels().items(), key=lambda item: item[1])


def labels_for(codes: list[str]) -> list[str]:
    labels = skill_labels()
    return [labels.get(code, code) for code in codes]

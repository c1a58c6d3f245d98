"""Economic activity (ATECO 2025, ISTAT) from the `ateco` package: validation, titles, search."""

from functools import lru_cache

import ateco
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from insieme.core.listing import normalise_text

EDITION = "2025"
# Levels an operator picks from: the 6-digit subcategory of the chamber of commerce record,
# or the 4-digit class when that is all they know.
PICKABLE_LEVELS = ("subcategory", "class")


def normalise(value: str | None) -> str:
    """'621000' or ' 62.10.00 ' -> '62.10.00' (unchanged if it cannot be read as a code)."""
    raw = (value or "").strip().rstrip(".")
    if not raw:
        return ""
    try:
        return ateco.normalize(raw)
    except ValueError:
        return raw


def validate_ateco_code(value: str) -> None:
    code = normalise(value)
    if not ateco.validate(code, edition=EDITION) or ateco.lookup(code, edition=EDITION) is None:
        raise ValidationError(
            _(
                "%(code)s is not an ATECO 2025 code. Type a few letters of the activity and "
                "choose it from the list, or copy the code from the chamber of commerce record."
            ),
            code="invalid_ateco",
            params={"code": value},
        )


def title(code: str) -> str:
    """The Italian title of an ATECO 2025 code, or '' if unknown."""
    if not code:
        return ""
    node = ateco.lookup(code, edition=EDITION)
    return node.title if node else ""


@lru_cache(maxsize=1)
def _pickable() -> tuple[tuple[str, str, str], ...]:
    # The package's own search matches notes too; "." is in every code below section level.
    nodes = ateco.search(".", edition=EDITION, limit=100_000)
    return tuple(
        (node.code, node.title, normalise_text(f"{node.code} {node.title}"))
        for node in sorted(nodes, key=lambda n: n.code)
        if node.level in PICKABLE_LEVELS
    )


def search(query: str, limit: int = 20) -> list[tuple[str, str]]:
    """(code, title) pairs whose code or title contains every word of `query` (accents and case
    ignored); codes that start with the query come first."""
    words = normalise_text(query).split()
    if not words:
        return []
    hits = [(code, name) for code, name, text in _pickable() if all(w in text for w in words)]
    first = words[0]
    hits.sort(key=lambda hit: (not hit[0].startswith(first), hit[0]))
    return hits[:limit]

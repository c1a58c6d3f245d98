"""Values as operators type them in a programme workbook, parsed into Python values.

Every parser takes what a cell holds (text, or a number/date from a real spreadsheet) and returns
the value, or raises `ValueProblem` with a message in Italian that says what is expected.
"""

import datetime
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from insieme.core import fiscal_code, phone

Cell = Any  # str, int, float, Decimal, datetime.date, datetime.datetime, bool or None


class ValueProblem(ValueError):
    """A cell whose value cannot be understood; `message` is shown to the operator."""

    def __init__(self, message: Promise | str, **params: Any) -> None:
        self.message = message
        self.params = params
        super().__init__(str(message))

    def text(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


def text(value: Cell) -> str:
    """The cell as trimmed text ("" for an empty cell); integral numbers without ".0"."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time.min else str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


# --- dates -------------------------------------------------------------------------------------

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_date(value: Cell) -> datetime.date | None:
    if type(value) is str:
        return _parse_date_text(value.strip())
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise ValueProblem(_DATE_MESSAGE)
    if isinstance(value, int | float) and 1 <= value < 2958466:
        # A number in a date column of a spreadsheet: the days since 30/12/1899.
        return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
    return _parse_date_text(text(value))


@lru_cache(maxsize=20_000)
def _parse_date_text(raw: str) -> datetime.date | None:
    if not raw:
        return None
    if match := _DMY.match(raw):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO.match(raw):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise ValueProblem(_DATE_MESSAGE)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueProblem(_("This date does not exist.")) from None


_DATE_MESSAGE = _("Write a date as dd/mm/yyyy (for example 31/01/2024) or yyyy-mm-dd.")


# --- money and numbers -------------------------------------------------------------------------

_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_MONEY_MESSAGE = _("Write an amount in euro, for example 5.000,00 or 5000,50.")
CENT = Decimal("0.01")


def parse_decimal(value: Cell, *, message: Promise | str = _MONEY_MESSAGE) -> Decimal | None:
    """A number as Italians write it: "5.000,00", "5000,5", "5000.50", "€ 5.000"."""
    if isinstance(value, bool):
        raise ValueProblem(message)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    raw = re.sub(r"[\s\u00a0\u202f€]|EUR|eur", "", text(value))
    if not raw:
        return None
    sign = ""
    if raw[0] in "+-":
        sign, raw = raw[0].replace("+", ""), raw[1:]
    if "," in raw and "." in raw:
        if raw.rfind(",") > raw.rfind("."):
            raw = raw.replace(".", "").replace(",", ".")
        else:
            raw = raw.replace(",", "")
    elif "," in raw:
        if raw.count(",") > 1:
            raise ValueProblem(message)
        raw = raw.replace(",", ".")
    elif _THOUSANDS_DOT.match(raw):
        raw = raw.replace(".", "")
    if not re.fullmatch(r"\d+(\.\d+)?|\.\d+", raw):
        raise ValueProblem(message)
    try:
        return Decimal(sign + raw)
    except InvalidOperation:
        raise ValueProblem(message) from None


def parse_money(value: Cell) -> Decimal | None:
    amount = parse_decimal(value)
    if amount is None:
        return None
    if amount < 0:
        raise ValueProblem(_("An amount cannot be negative."))
    if amount != amount.quantize(CENT):
        raise ValueProblem(_("An amount in euro has at most two decimals."))
    if amount >= Decimal("1e10"):
        raise ValueProblem(_("This amount is too large."))
    return amount.quantize(CENT)


def parse_number(
    value: Cell, *, places: int = 2, maximum: Decimal = Decimal("99999")
) -> Decimal | None:
    number = parse_decimal(value, message=_("Write a number, for example 38 or 37,5."))
    if number is None:
        return None
    if number < 0 or number > maximum:
        raise ValueProblem(_("Write a number between 0 and %(maximum)s."), maximum=f"{maximum:f}")
    step = Decimal(1).scaleb(-places)
    if number != number.quantize(step):
        raise ValueProblem(_("Write at most %(places)d decimals."), places=places)
    return number.quantize(step)


def parse_year(value: Cell) -> int | None:
    raw = text(value)
    if not raw:
        return None
    if not re.fullmatch(r"\d{4}", raw) or not 1900 <= int(raw) <= 2200:
        raise ValueProblem(_("Write a year with four digits, for example 2024."))
    return int(raw)


# --- yes/no, enumerations ----------------------------------------------------------------------

_YES = {"sì", "si", "s", "x", "true", "1", "yes", "y", "vero"}
_NO = {"no", "n", "false", "0", "", "falso"}


def parse_bool(value: Cell) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value).lower().replace("si\u0300", "sì")
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise ValueProblem(_("Write sì or no (or leave the cell empty for no)."))


def parse_choice(value: Cell, choices: Iterable[str]) -> str:
    """One of `choices`, case-insensitive; "" for an empty cell."""
    raw = text(value).lower()
    allowed = list(choices)
    if not raw or raw in allowed:
        return raw
    raise ValueProblem(_("Use one of: %(choices)s."), choices=", ".join(allowed))


# --- codice fiscale ----------------------------------------------------------------------------
# One check for every way in: insieme.core.fiscal_code (python-stdnum).


def normalise_fiscal_code(value: Cell) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # a partita IVA a spreadsheet turned into a number has lost its leading zeros
        return text(value).zfill(11)
    return fiscal_code.normalise(text(value))


def parse_fiscal_code(value: Cell) -> str:
    """A person's or an organisation's code: 16 characters, or 11 digits (partita IVA or
    temporary code), as `insieme.core.fiscal_code` checks it."""
    code = normalise_fiscal_code(value)
    if not code:
        return ""
    problem = fiscal_code.problem(code)
    if problem is not None:
        raise ValueProblem(problem.message, **(problem.params or {}))
    return code


# --- phone ------------------------------------------------------------------------------------


def parse_phone(value: Cell) -> str:
    """A phone number in E.164, as every form stores it (`insieme.core.phone`)."""
    try:
        return phone.normalise(text(value))
    except ValidationError as error:
        raise ValueProblem(error.message) from None


# --- comuni ------------------------------------------------------------------------------------


def comune_key(name: str) -> str:
    """A comune's name folded for matching: no accents, one apostrophe, no case, single spaces."""
    name = re.sub("[\u2019\u2018`\u00b4']", "'", name)
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", folded.replace("'", "' ")).replace("' ", "'").strip().lower()


class ComuneIndex:
    """Every comune by ISTAT code and by folded name, loaded in one query."""

    def __init__(self, rows: Iterable[tuple[str, str, str]]) -> None:
        # rows: (istat_code, name, province)
        self.codes: set[str] = set()
        by_name: dict[str, list[tuple[str, str]]] = {}
        for code, name, province in rows:
            self.codes.add(code)
            by_name.setdefault(comune_key(name), []).append((code, province))
        self.names: dict[str, str | None] = {}
        for key, found in by_name.items():
            if len(found) == 1:
                self.names[key] = found[0][0]
            else:
                # The same name in two provinces: the metropolitan one wins, otherwise ambiguous.
                bologna = [code for code, province in found if province == "BO"]
                self.names[key] = bologna[0] if len(bologna) == 1 else None

    @classmethod
    def load(cls) -> "ComuneIndex":
        from insieme.core.models import Comune

        return cls(Comune.objects.values_list("istat_code", "name", "province"))

    def parse(self, value: Cell) -> str | None:
        raw = text(value)
        if not raw:
            return None
        if raw.isdigit():
            code = raw.zfill(6)
            if code in self.codes:
                return code
            raise ValueProblem(_("There is no comune with this ISTAT code."))
        key = comune_key(raw)
        if key not in self.names:
            raise ValueProblem(
                _("There is no comune with this name: write its official name or ISTAT code.")
            )
        found = self.names[key]
        if found is None:
            raise ValueProblem(_("Several comuni have this name: write the ISTAT code instead."))
        return found

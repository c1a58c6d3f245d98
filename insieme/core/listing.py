"""Lists that operators work with: search, sorting, pagination and export, the same everywhere.

Typical list view::

    from insieme.core.listing import Listing, export_response

    SEARCH = ["name", "fiscal_code", "comune__name"]
    SORTS = {"nome": "name", "comune": "comune__name", "adesione": "joined_on"}

    def organisation_list(request):
        qs = Organisation.objects.visible_to(request.user).for_list()
        qs = filter_form.filter(qs)                  # the app's own filters
        listing = Listing.from_request(request, qs, search_fields=SEARCH,
                                       sort_fields=SORTS, default_sort="nome")
        if request.GET.get("formato") in EXPORT_FORMATS:
            return export_response(listing.queryset, COLUMNS, fmt=request.GET["formato"],
                                   filename="organizzazioni", by=request.user,
                                   details=listing.audit_details())
        return render(request, "...", {"listing": listing, "page": listing.page})

GET parameters (Italian, so that bookmarked URLs read well): ``q`` (search), ``ordina`` (a key
of `sort_fields`, ``-`` in front for descending), ``pagina`` (page number), ``formato``
(``csv``/``xlsx``, handled by the caller).

Search (`search`) is accent- and case-insensitive on every database: "citta" finds "Città",
"NICOLO" finds "Nicolò". Every word of the query must appear in at least one of the fields.
* PostgreSQL: ``lower(unaccent(field))`` containment; a word of four letters or more also
  matches by pg_trgm word similarity, so that a typo ("Rosi" for "Rossi") still finds the row
  (words with digits, i.e. codes, must match exactly). Results carry a ``search_rank``
  annotation (1 for a prefix match of the whole query, plus trigram similarity), used as the
  first sort key when the user has not chosen one. The extensions ``unaccent`` and ``pg_trgm``
  are created by a migration of the network app (its 0002), which needs a role allowed to
  ``CREATE EXTENSION`` at migrate time.
* SQLite (development and tests): the same containment, through an ``unaccent`` SQL function
  that we register on every SQLite connection (`register_sqlite_functions`, connected in the
  core app's ``ready``). No typo tolerance: ``search_rank`` is 1 for prefix matches of the
  whole query, 0 otherwise.

Codes never travel in URLs (a person's codice fiscale, or a sole trader's, is personal data, and
URLs end up in browser history and access logs). List search forms are therefore POSTed to a
view that calls `search_redirect`: a query that `looks_like_code` is kept in the session under an
opaque token (``ricerca``), anything else becomes ``q`` as usual, and the browser is redirected to
the list (bookmarkable). `Listing.from_request` reads the query back from the token. A code typed
straight into the address bar is moved out of it the same way (`code_in_query_redirect`).

Sorting only ever uses the whitelisted `sort_fields` (a field name starting with ``-`` sorts the
other way round, e.g. ``"-created_at"`` for "most recent first"); anything else falls back to the
default.
Pagination uses Django's Paginator (``get_page``: a wrong page number shows the last/first page),
its count cached while the list's tables are unchanged (`insieme.core.counts`).
A page knows the GET parameter that carries its number (`ListPage.param`, ``pagina`` unless
given), so that two lists on one page (a fund's grants and its microcredits) page separately;
``core/listing_pagination.html`` draws the control for either.

Export (`export_response`) writes exactly the (header, accessor) columns it is given — callers
pass only the columns the user may see — as CSV (streamed, UTF-8 with BOM, ``;`` separated, as
Italian spreadsheets expect) or XLSX (openpyxl), and records who exported what with
`insieme.core.audit.log_event` on the exporting user: model, format, columns, filters, row count
and primary keys. Cells that a spreadsheet would run as formulas are neutralised.
"""

import csv
import datetime
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.core.paginator import Page
from django.db import connection as default_connection
from django.db.models import (
    Case,
    F,
    FloatField,
    Func,
    Model,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Greatest, Lower
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponseBase,
    HttpResponseRedirect,
    QueryDict,
    StreamingHttpResponse,
)
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from insieme.core.audit import log_event
from insieme.core.counts import CountingPaginator
from insieme.core.money import XLSX_MONEY, XLSX_NUMBER

SEARCH_PARAM = "q"
SORT_PARAM = "ordina"
PAGE_PARAM = "pagina"
FORMAT_PARAM = "formato"
TOKEN_PARAM = "ricerca"
SESSION_KEY = "listing_searches"
KEPT_SEARCHES = 20
EXPORT_FORMATS = ("csv", "xlsx")
DEFAULT_PER_PAGE = 25
# pg_trgm word similarity above which a row counts as a (fuzzy) match.
TRIGRAM_THRESHOLD = 0.6  # pg_trgm's own default for word similarity
FUZZY_MIN_LENGTH = 4
MAX_QUERY_LENGTH = 100
MAX_WORDS = 6


# --- search ----------------------------------------------------------------------------------


def normalise_text(value: str) -> str:
    """Lower case, accents removed, apostrophes unified, spaces collapsed: 'Nicolò  D\u2019Amico'
    -> "nicolo d'amico". The Python twin of the SQL ``lower(unaccent(...))`` used by `search`."""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return " ".join(stripped.lower().split())


def _sqlite_unaccent(value: Any) -> Any:
    if value is None:
        return None
    decomposed = unicodedata.normalize("NFKD", str(value))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("\u2019", "'").replace("\u2018", "'").lower()


def register_sqlite_functions(sender: Any = None, connection: Any = None, **kwargs: Any) -> None:
    """Receiver for `connection_created`: give SQLite an ``unaccent`` function (it also lower-
    cases, since SQLite's own ``lower`` only knows ASCII)."""
    connection = connection or default_connection
    if connection.vendor == "sqlite":
        connection.connection.create_function("unaccent", 1, _sqlite_unaccent, deterministic=True)


class Unaccent(Func):
    function = "UNACCENT"


class Similarity(Func):
    """pg_trgm ``similarity(a, b)``: how alike two whole strings are (0 to 1)."""

    function = "SIMILARITY"
    output_field = FloatField()


class WordSimilarity(Func):
    """pg_trgm ``word_similarity(query, text)``: how well the query matches part of the text."""

    function = "WORD_SIMILARITY"
    output_field = FloatField()


def folded(field_name: str) -> Func:
    """SQL for the field in lower case without accents (compare with `normalise_text`)."""
    return Lower(Unaccent(F(field_name)))


def search(queryset: QuerySet, query: str, fields: Sequence[str]) -> QuerySet:
    """Rows of `queryset` matching `query` on any of `fields` (accent- and case-insensitive),
    annotated with ``search_rank``. An empty query returns the queryset unchanged (no
    annotation). Fields may follow relations (``comune__name``)."""
    normalised = normalise_text(query or "")[:MAX_QUERY_LENGTH]
    if not normalised or not fields:
        return queryset
    aliases = {f"_search_{i}": folded(name) for i, name in enumerate(fields)}
    queryset = queryset.annotate(**aliases)
    words = normalised.split()[:MAX_WORDS]
    postgres = queryset.db == "default" and default_connection.vendor == "postgresql"
    condition = Q()
    fuzzy: dict[str, Any] = {}
    for w, word in enumerate(words):
        matches = [Q(**{f"{alias}__contains": word}) for alias in aliases]
        # Codes and numbers must match exactly; a typo allowance is for words of names.
        if postgres and len(word) >= FUZZY_MIN_LENGTH and word.isalpha():
            for alias in aliases:
                name = f"_fuzzy_{w}_{alias}"
                fuzzy[name] = WordSimilarity(Value(word), F(alias))
                matches.append(Q(**{f"{name}__gte": TRIGRAM_THRESHOLD}))
        condition &= reduce(or_, matches)
    prefix = reduce(or_, (Q(**{f"{alias}__startswith": normalised}) for alias in aliases))
    rank: Any = Case(When(prefix, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
    if postgres:
        similarities = [Similarity(Value(normalised), F(alias)) for alias in aliases]
        rank = rank + (similarities[0] if len(similarities) == 1 else Greatest(*similarities))
    return queryset.annotate(**fuzzy, search_rank=rank).filter(condition)


# --- sorting ---------------------------------------------------------------------------------


@dataclass
class SortColumn:
    """What a column header needs: the ``ordina`` value its link sets, and its current state."""

    key: str
    next: str
    active: bool
    descending: bool

    @property
    def aria_sort(self) -> str:
        if not self.active:
            return "none"
        return "descending" if self.descending else "ascending"


def parse_sort(
    value: str | None, sort_fields: Mapping[str, str | Sequence[str]], default: str
) -> str:
    """The requested sort if whitelisted, else `default` (both as ``key`` or ``-key``)."""
    value = (value or "").strip()
    if value.lstrip("-") in sort_fields:
        return value
    return default


def apply_sort(
    queryset: QuerySet,
    sort: str,
    sort_fields: Mapping[str, str | Sequence[str]],
    *,
    rank_first: bool = False,
) -> QuerySet:
    """Order by the whitelisted field(s) behind `sort`; ``pk`` last so pages are stable."""
    descending = sort.startswith("-")
    target = sort_fields[sort.lstrip("-")]
    names = [target] if isinstance(target, str) else list(target)
    ordering: list[Any] = []
    if rank_first:
        ordering.append(F("search_rank").desc())
    for name in names:
        reverse = descending != name.startswith("-")
        expression = F(name.lstrip("-"))
        ordering.append(
            expression.desc(nulls_last=True) if reverse else expression.asc(nulls_last=True)
        )
    ordering.append("-pk" if descending else "pk")
    return queryset.order_by(*ordering)


# --- keeping codes out of URLs ---------------------------------------------------------------

# A codice fiscale (omocodic letters allowed where digits go), possibly typed with spaces.
_FISCAL_CODE = re.compile(
    r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]"
)


def looks_like_code(text: str) -> bool:
    """Whether a search may contain a code (any digit, or a whole codice fiscale): such a search
    must not appear in a URL. Names have no digits, so nothing useful is lost."""
    if any(ch.isdigit() for ch in text):
        return True
    return bool(_FISCAL_CODE.search("".join(text.split()).upper()))


def stash_query(request: HttpRequest, text: str) -> str:
    """Keep `text` in the session and return the opaque token that stands for it."""
    kept = dict(request.session.get(SESSION_KEY, {}))
    for token, value in kept.items():
        if value == text:
            return token
    token = secrets.token_urlsafe(9)
    kept[token] = text
    request.session[SESSION_KEY] = dict(list(kept.items())[-KEPT_SEARCHES:])
    return token


def stashed_query(request: HttpRequest, token: str) -> str | None:
    """The search a token stands for, or None if this session does not know it."""
    return request.session.get(SESSION_KEY, {}).get(token)


def search_params(request: HttpRequest, data: Mapping[str, Any]) -> QueryDict:
    """The GET parameters of a list for the submitted search form `data` (a QueryDict): empty
    values dropped, the page reset, a code-like ``q`` swapped for a session token."""
    params = QueryDict(mutable=True)
    for key in data:
        if key in {"csrfmiddlewaretoken", PAGE_PARAM, FORMAT_PARAM, TOKEN_PARAM}:
            continue
        values = [v for v in data.getlist(key) if v.strip()]  # type: ignore[attr-defined]
        if not values:
            continue
        if key == SEARCH_PARAM:
            text = values[0].strip()[:MAX_QUERY_LENGTH]
            if looks_like_code(text):
                params[TOKEN_PARAM] = stash_query(request, text)
                continue
            values = [text]
        params.setlist(key, values)
    return params


def search_redirect(
    request: HttpRequest, url: str, data: Mapping[str, Any]
) -> HttpResponseRedirect:
    """Redirect (303) from a POSTed search form to the list at `url` with its GET parameters."""
    params = search_params(request, data)
    response = HttpResponseRedirect(f"{url}?{params.urlencode()}" if params else url)
    response.status_code = 303
    return response


def posted_search(
    request: HttpRequest, list_url: str, results: Callable[[HttpRequest], HttpResponseBase]
) -> HttpResponseBase:
    """The view behind a list's POSTed search form. A plain POST is redirected to the list
    (`search_redirect`); an htmx one gets `results` (the list's view, which answers htmx with
    its fragment) for those parameters at once, and ``HX-Push-Url`` with the list's address."""
    redirect_to = search_redirect(request, list_url, request.POST)
    if not getattr(request, "htmx", False):
        return redirect_to
    request.GET = QueryDict(redirect_to["Location"].partition("?")[2])
    response = results(request)
    response["HX-Push-Url"] = redirect_to["Location"]
    return response


def code_in_query_redirect(request: HttpRequest) -> HttpResponseRedirect | None:
    """A redirect that moves a code typed into ``q`` of the address out of it, else None."""
    query = request.GET.get(SEARCH_PARAM, "")
    if not looks_like_code(query):
        return None
    return search_redirect(request, request.path, request.GET)


# --- pagination ------------------------------------------------------------------------------


class ListPage(Page):
    """A page of a list, with the query parameters of its neighbours (for
    ``{% querystring request.GET page.next_query %}``)."""

    param = PAGE_PARAM

    @property
    def previous_query(self) -> dict[str, int]:
        return {self.param: self.previous_page_number()}

    @property
    def next_query(self) -> dict[str, int]:
        return {self.param: self.next_page_number()}


class ListPaginator(CountingPaginator):
    """Django's Paginator (its count cached: `insieme.core.counts`), whose pages are `ListPage`s
    numbered by the GET parameter `param`."""

    def __init__(self, object_list: Any, per_page: int, *, param: str = PAGE_PARAM) -> None:
        super().__init__(object_list, per_page)
        self.param = param

    def _get_page(self, *args: Any, **kwargs: Any) -> ListPage:
        page = ListPage(*args, **kwargs)
        page.param = self.param
        return page

    def page_from(self, request: HttpRequest) -> ListPage:
        """The page asked for in `request.GET` (the last one if past the end, the first one if
        not a number)."""
        return self.get_page(request.GET.get(self.param))  # type: ignore[return-value]


# --- the list as a whole ---------------------------------------------------------------------


@dataclass
class Listing:
    """A searched, sorted and paginated list, and what its template needs to draw it."""

    queryset: QuerySet  # every matching row, sorted (what an export writes)
    page: ListPage
    query: str
    sort: str
    default_sort: str
    sort_columns: dict[str, SortColumn] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)
    # The list's GET parameters without the page and format: for page and export links.
    query_string: str = ""
    code_search: bool = False  # the query came from a session token (see `search_redirect`)
    search_expired: bool = False  # a token this session does not know

    @classmethod
    def from_request(
        cls,
        request: HttpRequest,
        queryset: QuerySet,
        *,
        search_fields: Sequence[str],
        sort_fields: Mapping[str, str | Sequence[str]],
        default_sort: str,
        per_page: int = DEFAULT_PER_PAGE,
        sort_param: str = SORT_PARAM,
    ) -> "Listing":
        """Read ``q`` (or the ``ricerca`` token), ``ordina`` (or `sort_param`) and ``pagina``
        from `request.GET` and apply them.

        With a search query and no explicit sort, the best matches come first."""
        token = request.GET.get(TOKEN_PARAM)
        stashed = stashed_query(request, token) if token else None
        query = stashed or request.GET.get(SEARCH_PARAM) or ""
        query = query.strip()[:MAX_QUERY_LENGTH]
        requested = request.GET.get(sort_param)
        sort = parse_sort(requested, sort_fields, default_sort)
        queryset = search(queryset, query, search_fields)
        rank_first = bool(normalise_text(query)) and not requested
        queryset = apply_sort(queryset, sort, sort_fields, rank_first=rank_first)
        page = ListPaginator(queryset, per_page).page_from(request)
        columns = {}
        for key in sort_fields:
            active = sort.lstrip("-") == key
            descending = active and sort.startswith("-")
            columns[key] = SortColumn(
                key=key,
                next=key if (active and descending) or not active else f"-{key}",
                active=active,
                descending=descending,
            )
        filters = {
            key: request.GET.getlist(key)
            for key in request.GET
            if key not in {PAGE_PARAM, FORMAT_PARAM}
        }
        kept = request.GET.copy()
        for key in (PAGE_PARAM, FORMAT_PARAM):
            kept.pop(key, None)
        return cls(
            queryset=queryset,
            page=page,
            query=query,
            sort=sort,
            default_sort=default_sort,
            sort_columns=columns,
            filters=filters,
            query_string=kept.urlencode(),
            code_search=stashed is not None,
            search_expired=bool(token) and stashed is None,
        )

    def audit_details(self) -> dict[str, Any]:
        """The list's parameters, for the export's audit row."""
        return {"filters": self.filters, "sort": self.sort}


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    per_page: int = DEFAULT_PER_PAGE,
    *,
    param: str = PAGE_PARAM,
) -> ListPage:
    """One page of `queryset`, from the GET parameter `param` (``pagina`` unless given)."""
    return ListPaginator(queryset, per_page, param=param).page_from(request)


# --- export ----------------------------------------------------------------------------------

Accessor = str | Callable[[Any], Any]
Column = tuple[Any, Accessor]  # (header, "attr.path" or callable(obj))

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"^[+-]?[\d\s.,/()-]+$")


def _resolve(obj: Any, accessor: Accessor) -> Any:
    if callable(accessor):
        return accessor(obj)
    value = obj
    for part in accessor.split("."):
        if value is None:
            return None
        value = getattr(value, part)
        if callable(value) and not isinstance(value, Model):
            value = value()
    return value


def _cell(value: Any) -> Any:
    """A value as a spreadsheet should show it (dates Italian-style, yes/no in words)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "d/m/Y")
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, Iterable) and not isinstance(value, str):
        return ", ".join(force_str(item) for item in value)
    return force_str(value)


def safe_text(value: Any) -> Any:
    """Neutralise text that a spreadsheet would run as a formula (CSV injection)."""
    if (
        isinstance(value, str)
        and value.startswith(_FORMULA_START)
        and not _NUMBER_LIKE.match(value)
    ):
        return "'" + value
    return value


def _rows(queryset: QuerySet, columns: Sequence[Column]) -> Iterator[list[Any]]:
    iterable = queryset.iterator(chunk_size=1000)
    for obj in iterable:
        yield [_cell(_resolve(obj, accessor)) for _header, accessor in columns]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_stream(queryset: QuerySet, columns: Sequence[Column]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow([force_str(header) for header, _accessor in columns])
    for row in _rows(queryset, columns):
        yield writer.writerow([safe_text(value) for value in row])


def _xlsx_file(queryset: QuerySet, columns: Sequence[Column], title: str) -> Any:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([force_str(header) for header, _accessor in columns])
    for row in _rows(queryset, columns):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif isinstance(value, Decimal):
                cell.number_format = XLSX_MONEY if value.as_tuple().exponent == -2 else XLSX_NUMBER
            cells.append(cell)
        sheet.append(cells)
    # Closed by FileResponse once sent.
    spool = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)  # noqa: SIM115
    workbook.save(spool)
    spool.seek(0)
    return spool


def export_response(
    queryset: QuerySet,
    columns: Sequence[Column],
    *,
    fmt: str,
    filename: str,
    by: Any,
    details: dict[str, Any] | None = None,
) -> HttpResponseBase:
    """Export `queryset` with `columns` as ``csv`` or ``xlsx``, logging who exported what.

    `columns`: (header, accessor) pairs; the accessor is a dotted attribute path
    (``"comune.name"``; methods are called, e.g. ``"get_legal_form_display"``) or a callable
    taking the object. Pass only the columns `by` may see. `filename` has no extension. The
    audit row goes on `by` (the exporting user), with `details` (e.g. `Listing.audit_details`)."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    pks = list(queryset.values_list("pk", flat=True))
    log_event(
        by,
        by=by,
        event="export",
        details={
            "model": queryset.model._meta.label,
            "format": fmt,
            "columns": [force_str(header) for header, _accessor in columns],
            "rows": len(pks),
            "pks": pks,
            **(details or {}),
        },
    )
    stamp = timezone.localdate().isoformat()
    name = f"{filename}-{stamp}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            _csv_stream(queryset, columns), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(
        _xlsx_file(queryset, columns, filename),
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


__all__ = [
    "EXPORT_FORMATS",
    "FORMAT_PARAM",
    "PAGE_PARAM",
    "SEARCH_PARAM",
    "SORT_PARAM",
    "TOKEN_PARAM",
    "ListPage",
    "ListPaginator",
    "Listing",
    "SortColumn",
    "apply_sort",
    "code_in_query_redirect",
    "export_response",
    "folded",
    "looks_like_code",
    "normalise_text",
    "paginate",
    "parse_sort",
    "posted_search",
    "register_sqlite_functions",
    "safe_text",
    "search",
    "search_params",
    "search_redirect",
]

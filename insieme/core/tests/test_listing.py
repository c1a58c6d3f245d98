import io

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from insieme.core.listing import (
    Listing,
    export_response,
    normalise_text,
    parse_sort,
    safe_text,
    search,
)
from insieme.core.models import Comune
from insieme.network.models import Organisation

pytestmark = pytest.mark.django_db

ANCORA = "L\u2019Officina dell\u2019\u00c0ncora"  # typographic apostrophes, as typed in Word

SORTS = {"nome": "name", "comune": ("comune__name", "name"), "adesione": "joined_on"}
FIELDS = ["name", "fiscal_code", "comune__name"]


@pytest.fixture
def organisations(db):
    bologna = Comune.objects.get(istat_code="037006")
    imola = Comune.objects.get(name="Imola")
    return [
        Organisation.objects.create(
            fiscal_code="00000000001", name="Società Città Aperta", comune=bologna
        ),
        Organisation.objects.create(fiscal_code="00000000002", name="Nicolò & Figli", comune=imola),
        Organisation.objects.create(fiscal_code="00000000003", name=ANCORA),
        Organisation.objects.create(fiscal_code="00000000004", name="Cooperativa Rossi"),
    ]


def names(queryset):
    return sorted(o.name for o in queryset)


def get(**params):
    return RequestFactory().get("/", params)


def test_search_ignores_accents_and_case(organisations):
    qs = Organisation.objects.all()
    assert names(search(qs, "citta", FIELDS)) == ["Società Città Aperta"]
    assert names(search(qs, "NICOLO", FIELDS)) == ["Nicolò & Figli"]
    assert names(search(qs, "ÀNCORA", FIELDS)) == [ANCORA]


def test_search_needs_every_word_somewhere(organisations):
    qs = Organisation.objects.all()
    assert names(search(qs, "aperta bologna", FIELDS)) == ["Società Città Aperta"]
    assert names(search(qs, "aperta imola", FIELDS)) == []


def test_search_finds_related_fields_and_codes(organisations):
    qs = Organisation.objects.all()
    assert names(search(qs, "imola", FIELDS)) == ["Nicolò & Figli"]
    assert names(search(qs, "00000000004", FIELDS)) == ["Cooperativa Rossi"]


def test_search_tolerates_apostrophe_variants(organisations):
    qs = Organisation.objects.all()
    assert names(search(qs, "dell'ancora", FIELDS)) == [ANCORA]


def test_empty_search_returns_everything(organisations):
    assert search(Organisation.objects.all(), "   ", FIELDS).count() == 4


def test_search_treats_like_wildcards_literally(organisations):
    assert names(search(Organisation.objects.all(), "%", FIELDS)) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL only")
def test_postgresql_search_tolerates_a_typo(organisations):
    found = search(Organisation.objects.all(), "cooperativa rosi", FIELDS)
    assert names(found) == ["Cooperativa Rossi"]


@given(st.text(max_size=30))
def test_normalise_text_is_idempotent_and_lower_case(text):
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert once == once.lower()


def test_sort_accepts_only_whitelisted_keys():
    assert parse_sort("-nome", SORTS, "nome") == "-nome"
    assert parse_sort("password", SORTS, "nome") == "nome"
    assert parse_sort("-fiscal_code", SORTS, "nome") == "nome"


def test_listing_sorts_and_paginates(organisations):
    listing = Listing.from_request(
        get(ordina="-nome", pagina="2"),
        Organisation.objects.all(),
        search_fields=FIELDS,
        sort_fields=SORTS,
        default_sort="nome",
        per_page=3,
    )
    assert listing.sort == "-nome"
    assert listing.page.number == 2
    assert [o.name for o in listing.page] == ["Cooperativa Rossi"]
    assert listing.sort_columns["nome"].descending
    assert listing.sort_columns["nome"].next == "nome"
    assert listing.sort_columns["comune"].next == "comune"
    assert not listing.sort_columns["comune"].active


def test_listing_bad_page_shows_a_real_page(organisations):
    listing = Listing.from_request(
        get(pagina="abc"),
        Organisation.objects.all(),
        search_fields=FIELDS,
        sort_fields=SORTS,
        default_sort="nome",
    )
    assert listing.page.number == 1
    assert len(listing.page) == 4


def test_listing_search_puts_best_matches_first(organisations):
    Organisation.objects.create(fiscal_code="00000000005", name="Amici della Cooperativa")
    listing = Listing.from_request(
        get(q="cooperativa"),
        Organisation.objects.all(),
        search_fields=FIELDS,
        sort_fields=SORTS,
        default_sort="nome",
    )
    assert listing.page[0].name == "Cooperativa Rossi"


COLUMNS = [
    ("Denominazione", "name"),
    ("Comune", "comune.name"),
    ("Partner", "is_partner"),
    ("Nota", lambda o: '=HYPERLINK("http://x")' if o.fiscal_code.endswith("1") else "+39 051 123"),
]


def test_csv_export_streams_only_the_given_columns_and_is_audited(organisations, operator):
    response = export_response(
        Organisation.objects.order_by("name"),
        COLUMNS,
        fmt="csv",
        filename="organizzazioni",
        by=operator,
        details={"filters": {"q": ["x"]}},
    )
    assert response.streaming
    assert 'filename="organizzazioni-' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffDenominazione;Comune;Partner;Nota")
    assert 'Società Città Aperta;Bologna;no;"\'=HYPERLINK(""http://x"")"' in text
    assert "+39 051 123" in text
    assert "'+39" not in text
    assert "00000000001" not in text  # not a column
    entry = LogEntry.objects.get(additional_data__event="export")
    assert entry.actor == operator
    assert entry.additional_data["rows"] == 4
    assert entry.additional_data["model"] == "network.Organisation"
    assert entry.additional_data["format"] == "csv"
    assert entry.additional_data["filters"] == {"q": ["x"]}
    assert sorted(entry.additional_data["pks"]) == sorted(o.pk for o in organisations)


def test_xlsx_export_is_a_workbook_without_formulas(organisations, operator):
    response = export_response(
        Organisation.objects.order_by("name"), COLUMNS, fmt="xlsx", filename="org", by=operator
    )
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Denominazione", "Comune", "Partner", "Nota")
    assert len(rows) == 5
    cell = sheet.cell(row=5, column=4)  # Società Città Aperta, sorted last
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.data_type == "s"
    assert LogEntry.objects.filter(additional_data__event="export", actor=operator).count() == 1


def test_export_refuses_unknown_formats(organisations, operator):
    with pytest.raises(ValueError, match="unknown export format"):
        export_response(Organisation.objects.all(), COLUMNS, fmt="pdf", filename="x", by=operator)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-3", "-3"),
        ("+39 333", "+39 333"),
        ("ok", "ok"),
    ],
)
def test_safe_text(value, expected):
    assert safe_text(value) == expected

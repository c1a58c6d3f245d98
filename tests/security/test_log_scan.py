"""Codici fiscali never reach a log: the masking filter, and the scan that runs after the suite."""

import io
import logging

import pytest
from django.conf import settings

from insieme.core.logging import MASK, MaskFiscalCodes, mask_fiscal_codes
from tests.security.log_scan import findings

PLAIN = "RSSMRA80A01A944I"
OMOCODIC = "RSSMRA80A01A94QF"  # the last digit of the place replaced by a letter (omocodia)
FULLY_OMOCODIC = "RSSMRAULALMAVQQR"


@pytest.mark.parametrize("code", [PLAIN, OMOCODIC, FULLY_OMOCODIC, PLAIN.lower()])
def test_every_shape_of_code_is_masked(code):
    assert mask_fiscal_codes(f"Not Found: /persone/{code}/") == f"Not Found: /persone/{MASK}/"


def test_other_identifiers_are_left_alone():
    text = "partita IVA 01234567897, pratica CON-M1, token ins_ab12cd34, RSSMRA80A01A944IX"
    assert mask_fiscal_codes(text) == text


def _log_through_filter(logger_name: str, *args, **kwargs) -> str:
    """What a handler with the filter writes, without the record reaching the suite's log."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskFiscalCodes())
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        logger.warning(*args, **kwargs)
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
    return stream.getvalue()


def test_a_database_error_quoting_a_code_is_masked_with_its_traceback():
    try:
        raise ValueError(f"Key (fiscal_code)=({OMOCODIC}) already exists.")
    except ValueError:
        written = _log_through_filter("insieme.test", "Import failed for %s", PLAIN, exc_info=True)
    assert PLAIN not in written
    assert OMOCODIC not in written
    assert "Key (fiscal_code)=([codice fiscale]) already exists." in written
    assert "Traceback" in written


def test_the_filter_does_not_change_the_record_other_handlers_get():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "code %s", (PLAIN,), None)
    masked = MaskFiscalCodes().filter(record)
    assert masked.getMessage() == f"code {MASK}"
    assert record.getMessage() == f"code {PLAIN}"


@pytest.mark.django_db
def test_a_not_found_address_holding_a_code_is_logged_masked(client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskFiscalCodes())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        response = client.get(f"/persone/{PLAIN}/")
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
    assert response.status_code == 404
    assert stream.getvalue() == f"Not Found: /persone/{MASK}/\n"


def test_every_handler_but_the_suites_own_masks_codes():
    for name, handler in settings.LOGGING["handlers"].items():
        if name == "suite_file":
            assert "filters" not in handler  # the detector sees what the code tried to log
        else:
            assert "mask_fiscal_codes" in handler.get("filters", []), name


def test_the_scan_finds_a_code_and_reports_it_masked(tmp_path):
    clean = tmp_path / "a.log"
    clean.write_text("WARNING django.request Not Found: /persone/12/\n", encoding="utf-8")
    leaky = tmp_path / "b.log"
    leaky.write_text(f"INFO x ok\nWARNING x Duplicate {OMOCODIC.lower()}\n", encoding="utf-8")
    lines, found = findings([clean, leaky])
    assert lines == 3
    assert found == [f"b.log:2: WARNING x Duplicate {MASK}"]

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insieme.impact import tasks
from insieme.impact.figures import compute
from insieme.impact.models import ImportStatus, WorkbookImport
from insieme.impact.tests.examples import EXAMPLES
from insieme.people.models import Person

pytestmark = pytest.mark.django_db

UPLOAD = reverse("impact:import_upload")


def example_xlsx() -> SimpleUploadedFile:
    return SimpleUploadedFile("esempio.xlsx", (EXAMPLES / "esempio.xlsx").read_bytes())


def example_zip(change: dict[str, tuple[str, str]] | None = None) -> SimpleUploadedFile:
    """The CSV form of the example as a .zip, with `change` = {sheet: (old, new)} applied."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted((EXAMPLES / "esempio-csv").glob("*.csv")):
            text = path.read_text(encoding="utf-8-sig")
            if change and path.stem in change:
                old, new = change[path.stem]
                assert old in text
                text = text.replace(old, new, 1)
            archive.writestr(path.name, text.encode())
    return SimpleUploadedFile("esempio.zip", buffer.getvalue())


def upload(client, file) -> WorkbookImport:
    response = client.post(UPLOAD, {"file": file})
    assert response.status_code == 302, response.content.decode()[:2000]
    workbook = WorkbookImport.objects.latest("pk")
    assert response["Location"] == reverse("impact:import_detail", args=[workbook.pk])
    return workbook


def test_the_upload_page_explains_the_check(client_as, operator):
    response = client_as(operator).get(UPLOAD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Importa dati" in html
    assert "Verifica la cartella di lavoro" in html


def test_a_workbook_is_checked_shown_then_imported_on_confirmation(client_as, operator):
    client = client_as(operator)
    workbook = upload(client, example_xlsx())
    workbook.refresh_from_db()
    assert workbook.status == ImportStatus.CHECKED
    assert not Person.objects.exists()  # a dry run writes nothing
    html = client.get(reverse("impact:import_detail", args=[workbook.pk])).content.decode()
    assert "Verificata: pronta da importare" in html
    assert 'id="import-counts"' in html
    assert "Conferma e importa" in html
    assert workbook.totals["created"] > 0

    response = client.post(reverse("impact:import_confirm", args=[workbook.pk]))
    assert response.status_code == 302
    workbook.refresh_from_db()
    assert workbook.status == ImportStatus.DONE
    assert workbook.confirmed_by == operator
    expected = json.loads((EXAMPLES / "esempio-expected.json").read_text())["all"]
    assert compute() == expected


def test_a_workbook_with_errors_writes_nothing_and_lists_them(client_as, operator):
    client = client_as(operator)
    broken = example_zip({"persone": ("ZCCDVD65L20G273U", "ZCCDVD65L20G273X")})
    workbook = upload(client, broken)
    workbook.refresh_from_db()
    assert workbook.status == ImportStatus.INVALID
    assert workbook.errors
    assert not Person.objects.exists()
    html = client.get(reverse("impact:import_detail", args=[workbook.pk])).content.decode()
    assert 'id="import-errors"' in html
    assert "ZCCDVD65L20G273X" in html
    assert "persone" in html
    assert "Non è stato scritto nulla" in html
    assert "Conferma e importa" not in html
    # A confirmation sent anyway is refused with an explanation.
    response = client.post(reverse("impact:import_confirm", args=[workbook.pk]), follow=True)
    assert "non è in attesa di conferma" in response.content.decode()
    assert not Person.objects.exists()


def test_confirming_twice_imports_once(client_as, operator):
    client = client_as(operator)
    workbook = upload(client, example_xlsx())
    client.post(reverse("impact:import_confirm", args=[workbook.pk]))
    response = client.post(reverse("impact:import_confirm", args=[workbook.pk]), follow=True)
    assert "non è in attesa di conferma" in response.content.decode()
    workbook.refresh_from_db()
    assert workbook.status == ImportStatus.DONE


def test_a_file_that_is_not_a_workbook_gets_an_italian_message(client_as, operator):
    response = client_as(operator).post(
        UPLOAD, {"file": SimpleUploadedFile("dati.pdf", b"%PDF-1.7")}
    )
    assert response.status_code == 200
    assert "non è un file .xlsx né un .zip di file CSV" in response.content.decode()
    assert not WorkbookImport.objects.exists()


def test_an_unreadable_workbook_is_reported(client_as, operator):
    workbook = upload(client_as(operator), SimpleUploadedFile("rotto.xlsx", b"not a workbook"))
    workbook.refresh_from_db()
    assert workbook.status == ImportStatus.INVALID
    assert "Questo file non si può leggere" in workbook.errors[0]["message"]


def test_large_files_run_in_the_background_with_a_progress_row(
    client_as, operator, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks, "LARGE_WORKBOOK_BYTES", 10)
    client = client_as(operator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workbook = upload(client, example_xlsx())
    workbook.refresh_from_db()
    assert workbook.status == ImportStatus.CHECKING  # queued, not done in the request
    assert len(callbacks) == 1
    detail = reverse("impact:import_detail", args=[workbook.pk])
    polled = client.get(detail, HTTP_HX_REQUEST="true").content.decode()
    assert polled.lstrip().startswith('<div id="import-status"')
    assert 'hx-trigger="every 1s"' in polled
    assert "<progress" in polled
    callbacks[0]()  # the worker picks it up (ImmediateBackend runs it at once)
    workbook.refresh_from_db()
    assert workbook.status == ImportStatus.CHECKED
    assert workbook.progress_total > 0
    assert workbook.progress_done == workbook.progress_total
    polled = client.get(detail, HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in polled  # finished: the page stops polling
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("impact:import_confirm", args=[workbook.pk]))
    workbook.refresh_from_db()
    assert workbook.status == ImportStatus.DONE
    assert Person.objects.exists()


def test_login_is_required(client):
    assert client.get(UPLOAD).status_code == 302


@pytest.mark.parametrize(
    "role", ["coach", "evaluator", "funder", "partner", "applicant", "outsider"]
)
def test_only_operators_and_administrators_import(client_as, cast, role):
    client = client_as(cast[role])
    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, {"file": SimpleUploadedFile("a.xlsx", b"x")}).status_code == 403
    assert not WorkbookImport.objects.exists()


def test_administrators_may_import(client_as, admin_user):
    assert client_as(admin_user).get(UPLOAD).status_code == 200


def test_an_unknown_import_is_not_found(client_as, operator):
    assert client_as(operator).get(reverse("impact:import_detail", args=[999])).status_code == 404


def test_the_recent_imports_list_does_not_grow_in_queries(client_as, operator):
    client = client_as(operator)

    def make(n):
        for i in range(n):
            WorkbookImport.objects.create(
                file_name=f"f{i}.xlsx", content=b"", size=0, uploaded_by=operator
            )

    make(1)
    client.get(UPLOAD)
    with CaptureQueriesContext(connection) as few:
        client.get(UPLOAD)
    make(9)
    with CaptureQueriesContext(connection) as many:
        html = client.get(UPLOAD).content.decode()
    assert len(few) == len(many)
    assert html.count("f0.xlsx") >= 1

"""An import leaves one audited event; the export writes only the workbook's outcomes."""

import io

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from insieme.calls.models import Application, ApplicationStatus
from insieme.core.audit import history
from insieme.impact.figures import compute
from insieme.impact.imports import import_and_record
from insieme.impact.models import ImportStatus, WorkbookImport
from insieme.impact.tests.examples import EXAMPLES
from insieme.impact.tests.test_workbook import empty_database, workbook
from insieme.workbook.exporter import export_workbook
from insieme.workbook.importer import import_workbook

pytestmark = pytest.mark.django_db


def import_events() -> list[LogEntry]:
    return [
        e
        for e in LogEntry.objects.order_by("pk")
        if (e.additional_data or {}).get("event") == "workbook_imported"
    ]


def test_the_import_command_records_one_audited_event_with_file_and_counts(operator):
    call_command(
        "import_workbook",
        str(EXAMPLES / "esempio.xlsx"),
        "--by",
        operator.email.upper(),
        stdout=io.StringIO(),
    )
    [event] = import_events()
    assert event.actor == operator
    assert event.additional_data["file_name"] == "esempio.xlsx"
    assert event.additional_data["counts"]["persone"] == {
        "created": 5,
        "updated": 0,
        "unchanged": 0,
    }
    assert event.additional_data["counts"]["inserimenti"]["created"] == 4
    record = WorkbookImport.objects.get()
    assert list(history(record)) == [event]
    assert record.status == ImportStatus.DONE
    assert record.uploaded_by == operator

    # a second run of the same workbook is a second (unchanged) import, audited too
    call_command("import_workbook", str(EXAMPLES / "esempio-csv"), stdout=io.StringIO())
    events = import_events()
    assert len(events) == 2
    assert events[1].actor is None
    assert events[1].additional_data["file_name"] == "esempio-csv"
    assert events[1].additional_data["counts"]["persone"]["unchanged"] == 5


def test_a_dry_run_or_a_workbook_with_errors_records_no_import(tmp_path):
    call_command(
        "import_workbook", str(EXAMPLES / "esempio.xlsx"), "--dry-run", stdout=io.StringIO()
    )
    broken = workbook(tmp_path, erogazioni="codice;contributo;data;importo\nE-1;G-1;x;1\n")
    with pytest.raises(CommandError):
        call_command("import_workbook", str(broken), stdout=io.StringIO(), stderr=io.StringIO())
    assert import_events() == []
    assert not WorkbookImport.objects.exists()


def test_an_unknown_user_for_the_import_command_is_refused():
    with pytest.raises(CommandError, match="Non esiste un utente con l'indirizzo e-mail"):
        call_command(
            "import_workbook", str(EXAMPLES / "esempio.xlsx"), "--by", "nessuno@example.org"
        )
    assert not Application.objects.exists()


def test_the_web_import_records_one_audited_event_on_its_upload(client_as, operator):
    client = client_as(operator)
    file = SimpleUploadedFile("programma.xlsx", (EXAMPLES / "esempio.xlsx").read_bytes())
    client.post(reverse("impact:import_upload"), {"file": file})
    upload = WorkbookImport.objects.get()
    assert import_events() == []  # the check writes nothing
    client.post(reverse("impact:import_confirm", args=[upload.pk]))
    [event] = import_events()
    assert event.actor == operator
    assert event.object_pk == str(upload.pk)
    assert event.additional_data["file_name"] == "programma.xlsx"
    assert event.additional_data["counts"]["candidature"]["created"] == 6
    assert WorkbookImport.objects.count() == 1


def test_the_recent_imports_name_the_command_line_for_an_import_without_a_user(client_as, operator):
    import_and_record(EXAMPLES / "esempio.xlsx", dry_run=False)
    html = client_as(operator).get(reverse("impact:import_upload")).content.decode()
    assert "esempio.xlsx" in html
    assert "la riga di comando" in html
    assert "None" not in html


def test_an_application_under_evaluation_is_exported_as_presentata_and_round_trips(tmp_path):
    assert import_workbook(EXAMPLES / "esempio-csv", dry_run=False).ok
    Application.objects.filter(code="C-5").update(status=ApplicationStatus.IN_EVALUATION)
    Application.objects.filter(code="C-6").update(status=ApplicationStatus.DRAFT)
    before = compute()
    folder = tmp_path / "export"
    export_workbook(folder)
    text = (folder / "candidature.csv").read_text(encoding="utf-8-sig")
    assert "in_valutazione" not in text
    assert "C-6" not in text  # a draft was never submitted
    [row] = [line for line in text.splitlines() if line.startswith("C-5")]
    assert "presentata" in row

    # re-imported into the same instance, the application stays under evaluation
    again = import_workbook(folder, dry_run=False)
    assert again.ok
    assert again.counts["candidature"].updated == 0
    assert Application.objects.get(code="C-5").status == ApplicationStatus.IN_EVALUATION

    # into an empty instance: the same figures
    empty_database()
    report = import_workbook(folder, dry_run=False)
    assert report.errors == []
    assert Application.objects.get(code="C-5").status == ApplicationStatus.SUBMITTED
    assert compute() == before


def test_an_intermediate_status_is_not_a_workbook_outcome(tmp_path):
    text = (EXAMPLES / "esempio-csv" / "candidature.csv").read_text(encoding="utf-8-sig")
    folder = workbook(tmp_path, candidature=text.replace("non_ammissibile", "in_valutazione"))
    report = import_workbook(folder, dry_run=True)
    [problem] = report.errors
    assert (problem.sheet, problem.row, problem.column) == ("candidature", 6, "esito")
    assert problem.value == "in_valutazione"


def test_the_landing_page_links_the_public_figures(client):
    html = client.get("/").content.decode()
    assert f'href="{reverse("impact:public")}"' in html
    assert "Il programma in cifre" in html
    assert client.get(reverse("impact:public")).status_code == 200

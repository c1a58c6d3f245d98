"""Importing and exporting the programme workbook (DOMAIN.md), through the service and commands."""

import datetime
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insieme.calls.models import Application, Call
from insieme.core import phone
from insieme.core.money import eur
from insieme.employment.models import Interview, Registration
from insieme.grants.models import Disbursement, Grant
from insieme.impact.figures import compute
from insieme.impact.tests.examples import EXAMPLES
from insieme.network.models import Organisation
from insieme.people.models import Person
from insieme.placements.models import Placement
from insieme.projects.models import Project
from insieme.workbook.exporter import export_workbook
from insieme.workbook.importer import import_workbook

CSV_DIR = EXAMPLES / "esempio-csv"

pytestmark = pytest.mark.django_db

PERSONE = "codice_fiscale;cognome;nome;comune_residenza;data_iscrizione\n"
ORGANIZZAZIONI = "codice_fiscale;denominazione;ruoli\n"


def workbook(tmp_path: Path, **sheets: str) -> Path:
    """A folder of CSV files; the example's sheets unless replaced."""
    folder = tmp_path / "wb"
    folder.mkdir(exist_ok=True)
    for source in CSV_DIR.iterdir():
        (folder / source.name).write_bytes(source.read_bytes())
    for name, content in sheets.items():
        target = folder / f"{name}.csv"
        if content is None:
            target.unlink()
        else:
            target.write_text(content, encoding="utf-8")
    return folder


def only(tmp_path: Path, **sheets: str) -> Path:
    """A folder with just these sheets."""
    folder = tmp_path / "only"
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in sheets.items():
        (folder / f"{name}.csv").write_text(content, encoding="utf-8")
    return folder


def empty_database() -> None:
    for model in (
        Placement,
        Interview,
        Disbursement,
        Grant,
        Project,
        Application,
        Call,
        Registration,
        Person,
        Organisation,
    ):
        model.objects.all().delete()


def database_rows() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (Person, Organisation, Call, Application, Grant, Disbursement, Interview)
    }


@pytest.mark.parametrize("suffix", [".xlsx", ".zip", ""])
def test_round_trip_export_then_import_into_an_empty_database(tmp_path, suffix):
    assert import_workbook(EXAMPLES / "esempio.xlsx", dry_run=False).ok
    before = [compute()]
    export = tmp_path / f"export{suffix}"
    call_command("export_workbook", str(export), stdout=io.StringIO())
    empty_database()
    assert compute()["projects"]["applications"] == 0
    report = import_workbook(export, dry_run=False)
    assert report.errors == []
    assert [compute()] == before
    # and the re-exported workbook imports as unchanged
    again = import_workbook(export, dry_run=False)
    assert all(c.created == c.updated == 0 for c in again.counts.values())


def test_importing_the_same_workbook_twice_changes_nothing():
    first = import_workbook(CSV_DIR, dry_run=False)
    assert first.counts["persone"].created == 5
    assert first.counts["inserimenti"].created == 4
    rows = database_rows()
    updated_at = sorted(Person.objects.values_list("updated_at", flat=True))
    second = import_workbook(EXAMPLES / "esempio.xlsx", dry_run=False)
    assert {name: (c.created, c.updated) for name, c in second.counts.items()} == dict.fromkeys(
        first.counts, (0, 0)
    )
    assert second.counts["erogazioni"].unchanged == 3
    assert database_rows() == rows
    assert sorted(Person.objects.values_list("updated_at", flat=True)) == updated_at
    assert Registration.objects.count() == 2


def test_reimport_updates_rows_by_key(tmp_path):
    import_workbook(CSV_DIR, dry_run=False)
    changed = (CSV_DIR / "erogazioni.csv").read_text(encoding="utf-8-sig")
    changed = changed.replace("E-3;G-2;01/09/2023;€ 3.000", "E-3;G-2;01/10/2023;€ 2.000")
    changed += "E-4;G-2;01/11/2023;500\n"
    report = import_workbook(workbook(tmp_path, erogazioni=changed), dry_run=False)
    assert report.ok
    counts = report.counts["erogazioni"]
    assert (counts.created, counts.updated, counts.unchanged) == (1, 1, 2)
    assert Disbursement.objects.get(code="E-3").amount == Decimal("2000.00")
    assert compute()["projects"]["grants_disbursed_eur"] == "7500.00"


def test_dry_run_reports_counts_and_writes_nothing(tmp_path):
    out = io.StringIO()
    call_command("import_workbook", str(CSV_DIR), "--dry-run", stdout=out)
    assert Person.objects.count() == 0
    text = out.getvalue()
    assert "Prova: non è stato scritto nulla." in text
    assert "persone: 5 da creare, 0 da aggiornare, 0 invariati" in text
    report = import_workbook(CSV_DIR, dry_run=True)
    assert report.counts["candidature"].created == 6
    assert not report.written


def test_import_command_writes_and_reports(tmp_path):
    out = io.StringIO()
    call_command("import_workbook", str(EXAMPLES / "esempio.xlsx"), stdout=out)
    assert "bandi: 2 creati, 0 aggiornati, 0 invariati" in out.getvalue()
    assert Application.objects.count() == 6


def test_accompanied_applications_get_a_project():
    import_workbook(CSV_DIR, dry_run=False)
    assert sorted(Project.objects.values_list("application__code", flat=True)) == [
        "C-1",
        "C-2",
        "C-3",
    ]
    assert Project.objects.get(application__code="C-1").started_on.isoformat() == "2023-05-30"


def test_applicant_that_is_both_a_person_and_an_organisation_is_the_person(tmp_path):
    sole_trader = "ZCCDVD65L20G273U"  # a person of the example, and here also a sole trader
    organisations = (CSV_DIR / "organizzazioni.csv").read_text(encoding="utf-8-sig")
    organisations += f"{sole_trader};Zucchini Davide ditta individuale;impresa;n;037006;datore;\n"
    assert import_workbook(workbook(tmp_path, organizzazioni=organisations), dry_run=False).ok
    application = Application.objects.get(code="C-2")
    assert application.applicant_person.fiscal_code == sole_trader
    assert application.applicant_organisation is None
    organisation = Application.objects.get(code="C-1").applicant_organisation
    assert organisation.fiscal_code == "83016610376"


def test_a_workbook_with_errors_writes_nothing_and_lists_every_error(tmp_path):
    folder = only(
        tmp_path,
        persone=PERSONE
        + "RSSMRA80A01A944I;Rossi;Mario;Bologna;10/01/2023\n"
        + "RSSMRA80A01A944X;Rossi;Maria;Bologna;\n"
        + "BNCLRA85M41A944N;;Laura;Atlantide;31/02/2023\n",
        organizzazioni=ORGANIZZAZIONI
        + "83016610376;Associazione;partner, datore\n"
        + "12345678901;Ditta;sponsor\n",
        bandi="codice;titolo;linea\nB-1;Bando;innovazione_sociale\n",
        candidature="codice;bando;titolo;richiedente;data_presentazione;esito;data_esito\n"
        "C-1;B-1;Progetto;rssmra80a01a944i;01/04/2023;accompagnata;30/03/2023\n"
        "C-2;B-9;Progetto;00000000000;01/04/2023;Presentata;\n",
        contributi="codice;candidatura;finanziatore;importo_concesso;importo_revocato\n"
        "G-1;C-1;83016610376;1.000;200\n",
        erogazioni="codice;contributo;data;importo\nE-1;G-1;01/09/2023;500\nE-2;G-1;1/10/2023;300,01\n",
        inserimenti="codice;codice_fiscale;datore;tipo_contratto;data_inizio;data_fine;proroga\n"
        "P-1;RSSMRA80A01A944I;83016610376;determinato;01/10/2023;01/09/2023;forse\n"
        "P-2;RSSMRA80A01A944I;99999999999;stagista;01/10/2023;;\n",
    )
    report = import_workbook(folder, dry_run=False)
    assert Person.objects.count() == 0
    assert Organisation.objects.count() == 0
    assert [(p.sheet, p.row, p.column, p.value, p.message) for p in report.errors] == [
        (
            "persone",
            3,
            "codice_fiscale",
            "RSSMRA80A01A944X",
            "Il carattere di controllo (l'ultimo) di questo codice fiscale non corrisponde: "
            "probabilmente c'è un errore di battitura.",
        ),
        ("persone", 4, "cognome", "", "Questo valore è obbligatorio."),
        (
            "persone",
            4,
            "comune_residenza",
            "Atlantide",
            "Non esiste un comune con questo nome: scrivi il nome ufficiale o il codice ISTAT.",
        ),
        ("persone", 4, "data_iscrizione", "31/02/2023", "Questa data non esiste."),
        (
            "organizzazioni",
            3,
            "codice_fiscale",
            "12345678901",
            "La cifra di controllo (l'ultima) di questo codice di 11 cifre è sbagliata.",
        ),
        (
            "organizzazioni",
            3,
            "ruoli",
            "sponsor",
            "Usa uno o più tra: partner, datore, formazione, finanziatore, separati da virgole.",
        ),
        (
            "candidature",
            2,
            "data_esito",
            "30/03/2023",
            "La data dell'esito precede la data di presentazione.",
        ),
        (
            "candidature",
            3,
            "bando",
            "B-9",
            "Non esiste un bando con questo codice nel file o nella banca dati.",
        ),
        (
            "candidature",
            3,
            "richiedente",
            "00000000000",
            "Non esiste una persona o un'organizzazione con questo codice fiscale nel file o "
            "nella banca dati.",
        ),
        (
            "erogazioni",
            3,
            "importo",
            "300,01",
            f"Le erogazioni del contributo G-1 superano il suo importo netto ({eur(Decimal('800.00'))}).",
        ),
        (
            "inserimenti",
            2,
            "data_fine",
            "01/09/2023",
            "Un inserimento non può terminare prima di iniziare.",
        ),
        (
            "inserimenti",
            2,
            "proroga",
            "forse",
            "Scrivi sì o no (o lascia la cella vuota per no).",
        ),
        (
            "inserimenti",
            3,
            "datore",
            "99999999999",
            "Non esiste un'organizzazione con questo codice fiscale nel file o nella banca dati.",
        ),
        (
            "inserimenti",
            3,
            "tipo_contratto",
            "stagista",
            "Usa uno tra: altro, apprendistato, autoimpiego, collaborazione, determinato, "
            "indeterminato, socio_lavoratore, somministrazione, tirocinio.",
        ),
    ]


def test_birth_date_and_sex_that_the_code_contradicts_are_errors(tmp_path):
    folder = only(
        tmp_path,
        persone="codice_fiscale;cognome;nome;data_nascita;genere;telefono;email\n"
        # agrees (the century the code cannot tell is the one given), omocodic, temporary
        + "RSSMRA90B41A944N;Rossi;Maria;01/02/1990;F;;\n"
        + "RSSMRA90B41A94QK;Rossi;Maria;1990-02-01;f;;\n"
        + "12345678903;Diallo;Awa;05/05/1980;F;;\n"
        + "RSSMRA24A01A944Y;Rossi;Mario;01/01/1924;M;;\n"
        # disagree
        + "BNCLRA85M41A944N;Bianchi;Laura;11/08/1985;M;abc;laura.example.org\n",
    )
    report = import_workbook(folder, dry_run=False)
    assert Person.objects.count() == 0
    assert [(p.sheet, p.row, p.column, p.value, p.message) for p in report.errors] == [
        (
            "persone",
            6,
            "data_nascita",
            "11/08/1985",
            "La data di nascita non corrisponde al codice fiscale, secondo il quale la persona "
            "è nata il 01/08/1985: correggi la data di nascita o il codice.",
        ),
        (
            "persone",
            6,
            "genere",
            "M",
            "Il sesso non corrisponde al codice fiscale, che indica femmina: correggi il sesso "
            "o il codice.",
        ),
        ("persone", 6, "telefono", "abc", str(phone.INVALID_MESSAGE)),
        ("persone", 6, "email", "laura.example.org", "Questo non è un indirizzo e-mail valido."),
    ]


def test_repeated_keys_and_missing_columns_are_errors(tmp_path):
    folder = only(
        tmp_path,
        persone=PERSONE + "RSSMRA80A01A944I;Rossi;Mario;;\nrssmra80a01a944i;Rossi;Mario;;\n",
        bandi="codice;titolo\nB-1;Bando\n",
    )
    report = import_workbook(folder, dry_run=True)
    found = {(p.sheet, p.row, p.column): p.message for p in report.errors}
    assert found == {
        ("persone", 3, "codice_fiscale"): "Questo codice è ripetuto: è già alla riga 2.",
        ("bandi", 1, "linea"): "Manca questa colonna obbligatoria.",
    }


def test_command_exits_non_zero_and_prints_the_errors(tmp_path):
    folder = only(tmp_path, persone=PERSONE + "RSSMRA80A01A944X;Rossi;Mario;;\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"Il file ha 1 errore: non è stato importato nulla\."):
        call_command("import_workbook", str(folder), stderr=err)
    assert "persone\triga 2\tcodice_fiscale\t'RSSMRA80A01A944X'" in err.getvalue()


def test_disbursements_within_the_net_amount_of_a_grant_in_the_database(tmp_path):
    import_workbook(CSV_DIR, dry_run=False)
    more = "codice;contributo;data;importo\nE-9;G-1;01/03/2024;0,01\n"
    report = import_workbook(only(tmp_path, erogazioni=more), dry_run=False)
    assert [(p.sheet, p.row, p.column) for p in report.errors] == [("erogazioni", 2, "importo")]
    # revoking part of a grant that is already paid is refused too
    contributi = (
        "codice;candidatura;finanziatore;importo_concesso;importo_revocato\n"
        "G-1;C-1;52601810378;5000;100\n"
    )
    report = import_workbook(only(tmp_path / "2", contributi=contributi), dry_run=False)
    assert [(p.sheet, p.column) for p in report.errors] == [("contributi", "importo_revocato")]
    assert Grant.objects.get(code="G-1").amount_revoked == 0


def test_references_to_rows_already_in_the_database(tmp_path):
    import_workbook(CSV_DIR, dry_run=False)
    sheet = "codice;codice_fiscale;data;tipo\nK-3;mrnbrc62a49f839b;2/3/2023;Monitoraggio\n"
    report = import_workbook(only(tmp_path, colloqui=sheet), dry_run=False)
    assert report.ok
    interview = Interview.objects.get(code="K-3")
    assert (interview.person.last_name, interview.kind) == ("Mariani", "monitoraggio")


def test_comma_delimited_csv_without_bom_and_upper_case_headers(tmp_path):
    folder = only(
        tmp_path,
        persone="CODICE_FISCALE,Cognome,NOME,Comune_Residenza\n"
        'RSSMRA80A01A944I,"Rossi, detto Mario",Mario,reggio nell\u2019emilia\n',
    )
    assert import_workbook(folder, dry_run=False).ok
    person = Person.objects.get()
    assert person.last_name == "Rossi, detto Mario"
    assert person.residence_comune.name == "Reggio nell'Emilia"


def test_zip_of_csv_files(tmp_path):
    archive = tmp_path / "wb.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for source in CSV_DIR.iterdir():
            z.write(source, f"cartella/{source.name}")
    assert import_workbook(archive, dry_run=False).ok
    assert Placement.objects.count() == 4


def test_an_unreadable_file_is_one_error(tmp_path):
    junk = tmp_path / "wb.xlsx"
    junk.write_text("not a workbook")
    report = import_workbook(junk, dry_run=True)
    assert len(report.errors) == 1
    assert report.errors[0].message.startswith("Questo file non si può leggere")


def test_progress_is_reported():
    seen = []
    import_workbook(CSV_DIR, dry_run=False, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (seen[-1][1], seen[-1][1])
    assert seen[-1][1] == 2 * 28


def _people_sheet(count: int) -> str:
    from codicefiscale import codicefiscale

    rows = []
    for n in range(count):
        born = datetime.date(1950, 1, 1) + datetime.timedelta(days=n)
        code = codicefiscale.encode(
            lastname="Rossi",
            firstname="Anna",
            gender="F",
            birthdate=born.strftime("%d/%m/%Y"),
            birthplace="Bologna",
        )
        rows.append(f"{code};Rossi;N{n};037006;0{1 + n % 9}/01/2023")
    return PERSONE + "\n".join(rows) + "\n"


def test_import_queries_do_not_grow_with_rows(tmp_path):
    def queries(rows: int) -> int:
        empty_database()
        folder = only(tmp_path / str(rows), persone=_people_sheet(rows))
        with CaptureQueriesContext(connection) as captured:
            assert import_workbook(folder, dry_run=False).ok
        return len(captured)

    assert queries(5) == queries(60)


def test_export_writes_every_sheet_with_the_documented_columns(tmp_path):
    import_workbook(CSV_DIR, dry_run=False)
    counts = export_workbook(tmp_path / "out")
    assert counts == {
        "persone": 5,
        "organizzazioni": 4,
        "bandi": 2,
        "candidature": 6,
        "contributi": 2,
        "erogazioni": 3,
        "colloqui": 2,
        "inserimenti": 4,
    }
    inserimenti = (tmp_path / "out" / "inserimenti.csv").read_text(encoding="utf-8-sig")
    assert inserimenti.splitlines()[0] == (
        "codice;codice_fiscale;datore;tipo_contratto;data_inizio;data_fine;ore_settimanali;"
        "proroga;candidatura"
    )
    assert "P-2;CHNCHR68E64G273K;83016610376;determinato;01/04/2024;31/12/2024;30.00;sì;C-1" in (
        inserimenti
    )
    json.dumps(compute())  # the figures are plain JSON

import datetime
import io
import json
import zipfile

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import make_user
from insieme.accounts.models import Role
from insieme.people.models import Consent, Document, Person, SpecialCategoryData
from insieme.people.tests.factories import PersonFactory, code_for

pytestmark = pytest.mark.django_db

BORN = datetime.date(1985, 4, 3)
CODE = code_for("Rossi", "Mario", "M", BORN)  # RSSMRA85D03A944A


def form_data(**overrides):
    data = {
        "fiscal_code": CODE.lower()[:6] + " " + CODE[6:],
        "last_name": "Rossi",
        "first_name": "Mario",
        "birth_date": "",
        "sex": "",
        "residence_comune": "Bologna (BO)",
        "email": "mario@example.org",
    }
    data.update(overrides)
    return data


def grant_special_permission(user):
    user.user_permissions.add(Permission.objects.get(codename="view_special_category"))
    return user


class TestAccess:
    @pytest.mark.parametrize(
        "name", ["people:list", "people:create", "people:export", "people:comune_options"]
    )
    def test_login_required(self, client, name):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    @pytest.mark.parametrize("role", ["funder", "partner", "applicant", "evaluator", "outsider"])
    def test_other_roles_get_403_on_the_list(self, client_as, cast, role):
        assert client_as(cast[role]).get(reverse("people:list")).status_code == 403

    @pytest.mark.parametrize("role", ["funder", "partner", "applicant", "coach", "outsider"])
    def test_a_person_one_may_not_see_is_404(self, client_as, cast, role):
        person = PersonFactory()
        response = client_as(cast[role]).get(reverse("people:detail", args=[person.pk]))
        assert response.status_code == 404

    @pytest.mark.parametrize("role", ["funder", "partner", "applicant", "evaluator", "outsider"])
    def test_other_roles_cannot_search(self, client_as, cast, role):
        response = client_as(cast[role]).post(reverse("people:search"), {"q": "rossi"})
        assert response.status_code == 403

    def test_search_is_post_only(self, client_as, operator):
        assert client_as(operator).get(reverse("people:search")).status_code == 405

    def test_coach_cannot_register(self, client_as, coach):
        assert client_as(coach).get(reverse("people:create")).status_code == 403

    def test_navigation_and_home_panel_for_operators(self, client_as, operator):
        content = client_as(operator).get("/").content.decode()
        assert 'href="/persone/"' in content
        assert "Cerca una persona per cognome, nome o comune" in content


class TestCreate:
    def test_registers_and_fills_data_from_the_code(self, client_as, operator):
        response = client_as(operator).post(reverse("people:create"), form_data())
        person = Person.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("people:detail", args=[person.pk])
        assert CODE not in response["Location"]
        assert person.fiscal_code == CODE
        assert person.birth_date == BORN
        assert person.sex == "M"
        assert person.birth_place == "Bologna (BO)"
        assert person.residence_comune_id == "037006"
        assert LogEntry.objects.get_for_object(person).filter(actor=operator).exists()

    def test_missing_code_says_where_to_get_one(self, client_as, operator):
        response = client_as(operator).post(reverse("people:create"), form_data(fiscal_code=""))
        assert "Agenzia delle Entrate" in response.content.decode()
        assert "Questura" in response.content.decode()
        assert not Person.objects.exists()

    def test_typo_in_the_code_is_explained(self, client_as, operator):
        typo = CODE[:-1] + ("B" if CODE[-1] != "B" else "C")
        response = client_as(operator).post(reverse("people:create"), form_data(fiscal_code=typo))
        assert "carattere di controllo" in response.content.decode()
        assert not Person.objects.exists()

    def test_birth_date_mismatch_is_shown(self, client_as, operator):
        response = client_as(operator).post(
            reverse("people:create"), form_data(birth_date="1985-04-30", sex="F")
        )
        content = response.content.decode()
        assert (
            "La data di nascita non corrisponde al codice fiscale, secondo il quale la persona "
            "è nata il 03/04/1985"
        ) in content
        assert "Il sesso non corrisponde al codice fiscale, che indica maschio" in content
        assert not Person.objects.exists()

    def test_a_phone_that_is_not_a_number_is_refused(self, client_as, operator):
        response = client_as(operator).post(reverse("people:create"), form_data(phone="abc"))
        assert "Questo non è un numero di telefono" in response.content.decode()
        assert not Person.objects.exists()

    def test_an_omocodic_code_fills_the_data_like_any_other(self, client_as, operator):
        omocode = "RSSMRA90B41A94QK"
        response = client_as(operator).post(
            reverse("people:create"),
            form_data(fiscal_code=omocode, first_name="Maria", birth_date="1990-02-01"),
        )
        assert response.status_code == 302
        person = Person.objects.get()
        assert (person.fiscal_code, person.sex) == (omocode, "F")
        assert person.birth_place == "Bologna (BO)"

    def test_temporary_code(self, client_as, operator):
        response = client_as(operator).post(
            reverse("people:create"),
            form_data(fiscal_code="12345678903", birth_date="1990-01-01", sex="F"),
        )
        assert response.status_code == 302
        person = Person.objects.get()
        assert person.fiscal_code_is_temporary
        assert person.birth_date == datetime.date(1990, 1, 1)

    def test_same_code_refused_with_link(self, client_as, operator):
        existing = PersonFactory(
            fiscal_code=CODE, last_name="Rossi", first_name="Mario", birth_date=BORN
        )
        response = client_as(operator).post(reverse("people:create"), form_data())
        content = response.content.decode()
        assert "già registrata" in content
        assert reverse("people:detail", args=[existing.pk]) in content
        assert Person.objects.count() == 1

    def test_similar_person_needs_confirmation(self, client_as, operator):
        PersonFactory(last_name="Rosi", first_name="Mario", birth_date=BORN, sex="M")
        client = client_as(operator)
        response = client.post(reverse("people:create"), form_data())
        assert "nome simile" in response.content.decode()
        assert Person.objects.count() == 1
        response = client.post(reverse("people:create"), form_data(confirm_not_duplicate="on"))
        assert response.status_code == 302
        assert Person.objects.count() == 2

    def test_unknown_comune(self, client_as, operator):
        response = client_as(operator).post(
            reverse("people:create"), form_data(residence_comune="Atlantide")
        )
        assert "Comune sconosciuto" in response.content.decode()

    def test_edit(self, client_as, operator):
        person = PersonFactory(
            fiscal_code=CODE, last_name="Rossi", first_name="Mario", birth_date=BORN, sex="M"
        )
        response = client_as(operator).post(
            reverse("people:edit", args=[person.pk]),
            form_data(phone="051 123456", birth_date="1985-04-03", sex="M"),
        )
        assert response.status_code == 302
        person.refresh_from_db()
        assert person.phone == "+39051123456"  # stored in E.164

    def test_temporary_code_replaced_by_the_definitive_one(self, client_as, operator):
        person = PersonFactory(
            fiscal_code="12345678903",
            fiscal_code_is_temporary=True,
            last_name="Rossi",
            first_name="Mario",
            birth_date=BORN,
            sex="M",
        )
        response = client_as(operator).post(
            reverse("people:edit", args=[person.pk]),
            form_data(birth_date="1985-04-03", sex="M"),
        )
        assert response.status_code == 302
        person.refresh_from_db()
        assert person.fiscal_code == CODE
        assert not person.fiscal_code_is_temporary
        assert LogEntry.objects.get_for_object(person).count() >= 2  # history kept


class TestHelpers:
    def test_check_code_fragment(self, client_as, operator):
        response = client_as(operator).post(
            reverse("people:check_code"), {"fiscal_code": CODE}, headers={"HX-Request": "true"}
        )
        content = response.content.decode()
        assert "<html" not in content
        assert 'data-birth-date="1985-04-03"' in content
        assert "Bologna" in content

    def test_check_code_is_post_only(self, client_as, operator):
        assert client_as(operator).get(reverse("people:check_code")).status_code == 405

    def test_comune_options_accent_insensitive(self, client_as, operator):
        response = client_as(operator).get(
            reverse("people:comune_options"), {"residence_comune": "san lazzaro"}
        )
        assert "San Lazzaro di Savena (BO)" in response.content.decode()
        response = client_as(operator).get(reverse("people:comune_options"), {"q": "forli"})
        assert "Forlì" in response.content.decode()


class TestList:
    def test_search_without_accents_and_htmx_fragment(self, client_as, operator):
        PersonFactory(last_name="Nicolò", first_name="Anna")
        PersonFactory(last_name="Bianchi", first_name="Luca")
        client = client_as(operator)
        response = client.get(reverse("people:list"), {"q": "nicol"})
        content = response.content.decode()
        assert "Nicolò" in content
        assert "Bianchi" not in content
        response = client.get(
            reverse("people:list"), {"q": "NICOLO"}, headers={"HX-Request": "true"}
        )
        assert "<html" not in response.content.decode()
        assert "Nicolò" in response.content.decode()

    def test_code_search_is_posted_and_kept_out_of_the_address(self, client_as, operator):
        person = PersonFactory()
        PersonFactory()
        client = client_as(operator)
        response = client.post(reverse("people:search"), {"q": person.fiscal_code.lower()})
        assert response.status_code == 303
        location = response["Location"]
        assert person.fiscal_code.lower() not in location.lower()
        assert "ricerca=" in location
        content = client.get(location).content.decode()
        assert str(person) in content
        assert "Persone trovate: 1" in content
        assert "il codice resta fuori" in content
        # The box shows the code; pages and exports carry the token only.
        assert f'value="{person.fiscal_code.lower()}"' in content
        token = location.partition("ricerca=")[2]
        export = client.get(reverse("people:export"), {"ricerca": token, "formato": "csv"})
        text = export.getvalue().decode("utf-8-sig")
        assert person.fiscal_code in text
        assert text.count("\n") == 2  # the header and the one person found

    def test_htmx_code_search_gets_the_fragment_and_a_clean_address(self, client_as, operator):
        person = PersonFactory()
        response = client_as(operator).post(
            reverse("people:search"),
            {"q": person.fiscal_code[:8], "condizione": ""},
            headers={"HX-Request": "true"},
        )
        content = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in content
        assert str(person) in content
        assert response["HX-Push-Url"].startswith("/persone/?ricerca=")
        assert person.fiscal_code[:8] not in response["HX-Push-Url"]

    def test_name_search_stays_bookmarkable(self, client_as, operator):
        response = client_as(operator).post(
            reverse("people:search"), {"q": "Nicolò", "condizione": "disoccupato", "ordine": ""}
        )
        assert response["Location"] == "/persone/?q=Nicol%C3%B2&condizione=disoccupato"

    def test_a_code_typed_into_the_address_is_moved_out_of_it(self, client_as, operator):
        person = PersonFactory()
        client = client_as(operator)
        response = client.get(reverse("people:list"), {"q": person.fiscal_code, "pagina": "2"})
        assert response.status_code == 303
        assert person.fiscal_code not in response["Location"]
        assert "Persone trovate: 1" in client.get(response["Location"]).content.decode()
        response = client.get(reverse("people:export"), {"q": person.fiscal_code})
        assert response.status_code == 404

    def test_a_token_from_another_session_finds_nothing(self, client_as, operator):
        person = PersonFactory()
        location = client_as(operator).post(reverse("people:search"), {"q": person.fiscal_code})[
            "Location"
        ]
        other = client_as(make_user("altro.operatore@example.org", Role.OPERATOR))
        content = other.get(location).content.decode()
        assert "Questa ricerca non è più disponibile" in content
        assert person.fiscal_code not in content

    def test_merge_search_by_code_is_a_post(self, client_as, operator):
        keep, drop = PersonFactory.create_batch(2)
        response = client_as(operator).post(
            reverse("people:merge", args=[keep.pk]),
            {"q": drop.fiscal_code},
            headers={"HX-Request": "true"},
        )
        assert f"altro={drop.pk}" in response.content.decode()
        assert Person.objects.filter(pk=drop.pk).exists()

    def test_filter_and_sort(self, client_as, operator):
        PersonFactory(last_name="Alfa", employment_condition="disoccupato")
        PersonFactory(last_name="Beta", employment_condition="studente")
        PersonFactory(last_name="Gamma", employment_condition="disoccupato")
        response = client_as(operator).get(
            reverse("people:list"), {"condizione": "disoccupato", "ordine": "-cognome"}
        )
        content = response.content.decode()
        assert "Beta" not in content
        assert content.index("Gamma") < content.index("Alfa")

    def test_pagination(self, client_as, operator):
        PersonFactory.create_batch(27)
        response = client_as(operator).get(reverse("people:list"), {"pagina": 2})
        assert "Pagina 2 di 2" in response.content.decode()

    def test_query_count_does_not_grow(self, client_as, operator):
        client = client_as(operator)
        PersonFactory.create_batch(2)
        client.get(reverse("people:list"))
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("people:list"), {"q": "cognome"})
        PersonFactory.create_batch(20)
        with CaptureQueriesContext(connection) as many:
            client.get(reverse("people:list"), {"q": "cognome"})
        assert len(few) == len(many)


class TestExport:
    def test_csv_of_the_filtered_list_is_logged(self, client_as, operator):
        PersonFactory(last_name="Nicolò")
        PersonFactory(last_name="Bianchi")
        response = client_as(operator).get(
            reverse("people:export"), {"q": "nicolo", "formato": "csv"}
        )
        content = response.getvalue().decode("utf-8-sig")
        assert response["Content-Disposition"].startswith("attachment")
        assert "Nicolò" in content
        assert "Bianchi" not in content
        assert "codice fiscale" in content.splitlines()[0]
        entry = LogEntry.objects.get(additional_data__event="export")
        assert entry.additional_data["model"] == "people.Person"
        assert entry.additional_data["rows"] == 1

    def test_xlsx(self, client_as, operator):
        PersonFactory(last_name="Nicolò")
        response = client_as(operator).get(reverse("people:export"), {"formato": "xlsx"})
        sheet = load_workbook(io.BytesIO(response.getvalue())).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "cognome"
        assert rows[1][0] == "Nicolò"

    def test_formulas_are_neutralised(self, client_as, operator):
        PersonFactory(last_name="=HYPERLINK(1)")
        response = client_as(operator).get(reverse("people:export"), {"formato": "csv"})
        assert "'=HYPERLINK(1)" in response.getvalue().decode("utf-8-sig")

    def test_coaches_do_not_get_codes(self, client_as, coach):
        response = client_as(coach).get(reverse("people:export"), {"formato": "csv"})
        assert "codice fiscale" not in response.getvalue().decode("utf-8-sig")


class TestDetail:
    def test_summary_consents_documents_timeline(self, client_as, operator):
        person = PersonFactory(last_name="Nicolò")
        Consent.objects.create(
            person=person,
            purpose="servizio",
            notice_version="v3",
            given_on=datetime.date(2024, 1, 1),
            channel="online",
        )
        response = client_as(operator).get(reverse("people:detail", args=[person.pk]))
        content = response.content.decode()
        for text in (
            "Riepilogo",
            "Contatti",
            "Consensi",
            "Documenti",
            "Cronologia",
            "Erogazione del servizio",
        ):
            assert text in content

    def test_query_count_does_not_grow_with_what_the_person_has(self, client_as, operator):
        from insieme.employment.models import Interview, Registration, RegistrationStatus

        person = PersonFactory()
        client = client_as(operator)
        url = reverse("people:detail", args=[person.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        for n in range(5):
            Consent.objects.create(
                person=person,
                purpose=["servizio", "offerte", "cv_partner", "newsletter", "servizio"][n],
                notice_version=f"v{n}",
                given_on=datetime.date(2024, 1, 1),
                channel="online",
                withdrawn_at=None if n < 4 else datetime.datetime(2024, 2, 1, tzinfo=datetime.UTC),
            )
            Registration.objects.create(
                person=person,
                registered_on=datetime.date(2024, 1, n + 1),
                status=RegistrationStatus.ACTIVE if n == 4 else RegistrationStatus.CLOSED,
            )
            Interview.objects.create(
                code=f"C{n}", person=person, date=datetime.date(2024, 2, n + 1)
            )
        with CaptureQueriesContext(connection) as many:
            client.get(url)
        assert len(few) == len(many)

    def test_special_category_link_only_with_permission(self, client_as, operator):
        person = PersonFactory()
        client = client_as(operator)
        url = reverse("people:special_category", args=[person.pk])
        assert url not in client.get(reverse("people:detail", args=[person.pk])).content.decode()
        assert client.get(url).status_code == 403


class TestSpecialCategory:
    def test_every_read_is_logged(self, client_as, operator):
        grant_special_permission(operator)
        person = PersonFactory()
        SpecialCategoryData.objects.create(
            person=person, disability_68_99=True, health_notes="asma"
        )
        response = client_as(operator).get(reverse("people:special_category", args=[person.pk]))
        assert "asma" in response.content.decode()
        access = LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.ACCESS)
        assert access.filter(actor=operator, additional_data__what="special_category").count() == 1

    def test_save(self, client_as, operator):
        grant_special_permission(operator)
        person = PersonFactory()
        response = client_as(operator).post(
            reverse("people:special_category", args=[person.pk]),
            {"disability_68_99": "on", "disability_percentage": "120", "health_notes": ""},
        )
        assert "minore o uguale a 100" in response.content.decode()
        client_as(operator).post(
            reverse("people:special_category", args=[person.pk]),
            {"disability_68_99": "on", "disability_percentage": "60", "health_notes": "x"},
        )
        assert SpecialCategoryData.objects.get(person=person).disability_percentage == 60

    def test_not_granted_to_anyone_by_default(self, cast):
        assert not any(
            user.has_perm("people.view_special_category")
            for name, user in cast.items()
            if name != "admin"
        )


class TestConsentViews:
    def test_record_and_withdraw(self, client_as, operator):
        person = PersonFactory()
        client = client_as(operator)
        response = client.post(
            reverse("people:consent_add", args=[person.pk]),
            {
                "purpose": "offerte",
                "notice_version": "2024-01",
                "given_on": "2024-02-01",
                "channel": "cartaceo",
            },
            headers={"HX-Request": "true"},
        )
        assert "<html" not in response.content.decode()
        assert "Contatto per offerte di lavoro" in response.content.decode()
        consent = person.consents.get()
        client.post(reverse("people:consent_withdraw", args=[person.pk, consent.pk]))
        consent.refresh_from_db()
        assert consent.withdrawn_at is not None

    def test_future_date_refused(self, client_as, operator):
        person = PersonFactory()
        response = client_as(operator).post(
            reverse("people:consent_add", args=[person.pk]),
            {
                "purpose": "offerte",
                "notice_version": "v",
                "given_on": "2999-01-01",
                "channel": "online",
            },
            headers={"HX-Request": "true"},
        )
        assert "data futura" in response.content.decode()
        assert not person.consents.exists()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    # A fixed date in the entries: the bytes are the same on every call, also across a second.
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in (("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:doc/>")):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


class TestDocuments:
    @pytest.fixture(autouse=True)
    def media(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path

    def test_upload_and_download_as_attachment(self, client_as, operator, coach):
        person = PersonFactory()
        client = client_as(operator)
        upload = SimpleUploadedFile(
            "cv.docx", docx_bytes(), content_type="application/octet-stream"
        )
        client.post(
            reverse("people:document_upload", args=[person.pk]), {"kind": "cv", "file": upload}
        )
        document = Document.objects.get()
        assert document.content_type.endswith("wordprocessingml.document")
        assert "cv" not in document.file.name.split("/")[-1]
        response = client.get(reverse("people:document_download", args=[person.pk, document.pk]))
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == docx_bytes()
        assert (
            client_as(coach)
            .get(reverse("people:document_download", args=[person.pk, document.pk]))
            .status_code
            == 404
        )

    def test_content_is_checked_not_the_name(self, client_as, operator):
        person = PersonFactory()
        upload = SimpleUploadedFile(
            "cv.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
        )
        response = client_as(operator).post(
            reverse("people:document_upload", args=[person.pk]),
            {"kind": "cv", "file": upload},
            follow=True,
        )
        assert "non è accettato" in response.content.decode()
        assert not Document.objects.exists()

    def test_size_limit(self, client_as, operator):
        person = PersonFactory()
        upload = SimpleUploadedFile("big.pdf", b"%PDF-1.7" + b"0" * (5 * 1024 * 1024))
        response = client_as(operator).post(
            reverse("people:document_upload", args=[person.pk]),
            {"kind": "cv", "file": upload},
            follow=True,
        )
        assert "troppo grande" in response.content.decode()


class TestGdprViews:
    def test_access_export_json_and_pdf(self, client_as, operator):
        person = PersonFactory(last_name="Nicolò")
        client = client_as(operator)
        response = client.get(reverse("people:access_export", args=[person.pk, "json"]))
        data = json.loads(response.content)
        assert data["person"]["last_name"] == "Nicolò"
        assert "withheld" in data["special_category"]
        response = client.get(reverse("people:access_export", args=[person.pk, "pdf"]))
        assert response.content.startswith(b"%PDF")
        assert (
            LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.ACCESS).count()
            == 2
        )

    def test_pseudonymise_needs_a_reason(self, client_as, operator):
        person = PersonFactory()
        client = client_as(operator)
        response = client.post(reverse("people:pseudonymise", args=[person.pk]), {"reason": ""})
        assert "motivo" in response.content.decode()
        response = client.post(
            reverse("people:pseudonymise", args=[person.pk]), {"reason": "Richiesta scritta"}
        )
        assert response.status_code == 302
        person.refresh_from_db()
        assert person.is_pseudonymised

    def test_merge(self, client_as, operator):
        keep, drop = PersonFactory.create_batch(2)
        client = client_as(operator)
        response = client.post(
            reverse("people:merge", args=[keep.pk]),
            {"q": drop.last_name},
            headers={"HX-Request": "true"},
        )
        assert f"altro={drop.pk}" in response.content.decode()
        response = client.post(
            reverse("people:merge", args=[keep.pk]), {"other": drop.pk, "survivor": "this"}
        )
        assert response.status_code == 302
        assert not Person.objects.filter(pk=drop.pk).exists()

    def test_merge_without_a_choice_says_what_is_missing(self, client_as, operator):
        keep, drop = PersonFactory.create_batch(2)
        client = client_as(operator)
        url = reverse("people:merge", args=[keep.pk])
        response = client.post(url, {"other": drop.pk})
        html = response.content.decode()
        assert response.status_code == 200
        assert "Questo campo è obbligatorio." in html
        assert f'name="other" value="{drop.pk}"' in html
        response = client.post(url, {"other": 999999, "survivor": "this"})
        assert (
            "Scegli l&#x27;altra scheda dai risultati della ricerca." in response.content.decode()
        )
        assert Person.objects.filter(pk=drop.pk).exists()

    def test_bad_parameters_are_not_errors(self, client_as, operator, admin_user):
        person = PersonFactory()
        response = client_as(operator).get(
            reverse("people:merge", args=[person.pk]), {"altro": "x"}
        )
        assert response.status_code == 200
        response = client_as(admin_user).post(
            reverse("people:special_category_access"), {"user": "x", "grant": "1"}
        )
        assert response.status_code == 404

    def test_coach_cannot_merge(self, client_as, coach):
        person = PersonFactory()
        assert client_as(coach).get(reverse("people:merge", args=[person.pk])).status_code == 403


class TestPartners:
    @pytest.fixture(autouse=True)
    def media(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path

    def refer(self, person, partner):
        from insieme.core.models import ContractType
        from insieme.employment.models import Referral, Vacancy
        from insieme.network.models import Organisation, OrganisationMember

        organisation = Organisation.objects.create(name="Forno Srl", fiscal_code="01234567897")
        OrganisationMember.objects.create(organisation=organisation, user=partner)
        vacancy = Vacancy.objects.create(
            organisation=organisation,
            title="Panettiere",
            comune_id="037006",
            contract_type=ContractType.objects.get(code="determinato"),
        )
        Referral.objects.create(
            vacancy=vacancy, person=person, proposed_on=datetime.date(2024, 5, 1)
        )

    def test_partner_sees_only_referred_candidates_and_only_while_they_consent(
        self, client_as, partner, operator
    ):
        referred, other = PersonFactory.create_batch(2)
        self.refer(referred, partner)
        client = client_as(operator)
        upload = SimpleUploadedFile("cv.pdf", b"%PDF-1.4 cv")
        client.post(
            reverse("people:document_upload", args=[referred.pk]), {"kind": "cv", "file": upload}
        )
        document = Document.objects.get()
        client = client_as(partner)
        detail = reverse("people:detail", args=[referred.pk])
        download = reverse("people:document_download", args=[referred.pk, document.pk])
        # Without the consent to share the CV, the partner sees nothing of the person.
        assert not Person.objects.visible_to(partner).exists()
        assert client.get(detail).status_code == 404
        assert client.get(download).status_code == 404
        consent = Consent.objects.create(
            person=referred,
            purpose="cv_partner",
            notice_version="v1",
            given_on=datetime.date(2024, 1, 1),
            channel="online",
        )
        assert list(Person.objects.visible_to(partner)) == [referred]
        response = client.get(detail)
        assert download in response.content.decode()
        assert referred.fiscal_code not in response.content.decode()
        assert client.get(download).status_code == 200
        assert client.get(reverse("people:detail", args=[other.pk])).status_code == 404
        # Withdrawing the consent closes the profile again, contacts included.
        consent.withdrawn_at = timezone.now()
        consent.save()
        assert client.get(detail).status_code == 404
        assert client.get(download).status_code == 404


class TestSpecialCategoryAccess:
    def test_administrator_grants_and_revokes(self, client_as, admin_user, operator):
        client = client_as(admin_user)
        url = reverse("people:special_category_access")
        assert "operatrice@example.org" in client.get(url).content.decode()
        response = client.post(url, {"user": operator.pk, "grant": "1"}, follow=True)
        assert "ora può leggere i dati particolari" in response.content.decode()
        operator = type(operator).objects.get(pk=operator.pk)
        assert operator.has_perm("people.view_special_category")
        client.post(url, {"user": operator.pk, "grant": "0"})
        operator = type(operator).objects.get(pk=operator.pk)
        assert not operator.has_perm("people.view_special_category")
        events = LogEntry.objects.get_for_object(operator).values_list(
            "additional_data__event", flat=True
        )
        assert set(events) >= {
            "special_category_access_granted",
            "special_category_access_revoked",
        }

    @pytest.mark.parametrize("role", ["operator", "coach", "partner"])
    def test_only_administrators(self, client_as, cast, role):
        url = reverse("people:special_category_access")
        assert client_as(cast[role]).get(url).status_code == 403

    def test_cannot_grant_to_someone_outside_the_staff(self, client_as, admin_user, partner):
        url = reverse("people:special_category_access")
        response = client_as(admin_user).post(url, {"user": partner.pk, "grant": "1"})
        assert response.status_code == 404

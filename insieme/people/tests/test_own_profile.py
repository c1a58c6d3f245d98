"""A person's own account: the operator's verified link, and what the person then sees."""

import csv
import datetime
import io
import json
import re

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import make_user
from insieme.accounts.models import Role, User
from insieme.people import services
from insieme.people.models import Consent, Document, Person, SpecialCategoryData
from insieme.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def consent(person, purpose="offerte", **extra):
    return Consent.objects.create(
        person=person,
        purpose=purpose,
        notice_version="v1",
        given_on=datetime.date(2024, 1, 1),
        channel="cartaceo",
        **extra,
    )


def link_data(email, checked=True):
    data = {"email": email}
    if checked:
        data["identity_checked"] = "on"
    return data


def events(obj) -> list:
    return list(
        LogEntry.objects.get_for_object(obj)
        .exclude(additional_data__event=None)
        .values_list("additional_data__event", flat=True)
    )


class TestOperatorLinksAnAccount:
    def test_an_existing_applicant_account_needs_the_identity_check(
        self, client_as, operator, applicant
    ):
        person = PersonFactory(email=applicant.email)
        client = client_as(operator)
        url = reverse("people:account_link", args=[person.pk])
        # Same e-mail address on both sides, but nobody checked who is who: no link.
        response = client.post(url, link_data(applicant.email, checked=False), follow=True)
        assert "non dimostra" in response.content.decode()
        person.refresh_from_db()
        assert person.account is None
        response = client.post(url, link_data(applicant.email.upper()), follow=True)
        person.refresh_from_db()
        assert person.account == applicant
        assert "ora collegata all&#x27;account candidata@example.org" in response.content.decode()
        assert "account_linked" in events(person)
        assert "linked_to_person" in events(applicant)
        entry = LogEntry.objects.get_for_object(person).get(additional_data__event="account_linked")
        assert entry.actor == operator
        page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
        assert "Scheda collegata all'account <strong>candidata@example.org</strong>" in page

    def test_no_account_yet_creates_and_invites_one(
        self, client_as, operator, django_capture_on_commit_callbacks
    ):
        person = PersonFactory(email="maria@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            response = client_as(operator).post(
                reverse("people:account_link", args=[person.pk]),
                link_data("Maria@Example.org"),
                follow=True,
            )
        assert "Account creato per maria@example.org" in response.content.decode()
        user = User.objects.get(email="maria@example.org")
        assert user.roles == {Role.APPLICANT}
        assert not user.has_usable_password()
        person.refresh_from_db()
        assert person.account == user
        assert [m.to for m in mail.outbox] == [["maria@example.org"]]

    @pytest.mark.parametrize("role", ["coach", "partner", "funder", "admin", "outsider"])
    def test_staff_and_partner_accounts_cannot_be_linked(self, client_as, cast, operator, role):
        person = PersonFactory()
        target = cast[role]
        response = client_as(operator).post(
            reverse("people:account_link", args=[person.pk]),
            link_data(target.email),
            follow=True,
        )
        assert "solo l&#x27;account personale" in response.content.decode()
        person.refresh_from_db()
        assert person.account is None

    def test_an_account_serves_one_person_and_a_person_one_account(self, operator, applicant):
        first, second = PersonFactory.create_batch(2)
        services.link_account(person=first, email=applicant.email, by=operator)
        with pytest.raises(ValidationError, match="già collegato alla scheda di un'altra persona"):
            services.link_account(person=second, email=applicant.email, by=operator)
        other = make_user("altra@example.org", Role.APPLICANT)
        with pytest.raises(
            ValidationError, match=re.escape("già collegata all'account candidata@example.org")
        ):
            services.link_account(person=first, email=other.email, by=operator)

    @pytest.mark.parametrize("role", ["coach", "partner", "applicant", "funder"])
    def test_only_operators_link_and_unlink(self, client_as, cast, role):
        person = PersonFactory()
        client = client_as(cast[role])
        link = reverse("people:account_link", args=[person.pk])
        assert client.post(link, link_data(cast[role].email)).status_code == 403
        unlink = reverse("people:account_unlink", args=[person.pk])
        assert client.post(unlink).status_code == 403
        person.refresh_from_db()
        assert person.account is None

    def test_unlink_closes_the_profile(self, client_as, operator, applicant):
        person = PersonFactory()
        services.link_account(person=person, email=applicant.email, by=operator)
        client_as(operator).post(reverse("people:account_unlink", args=[person.pk]))
        person.refresh_from_db()
        assert person.account is None
        assert "account_unlinked" in events(person)
        page = client_as(applicant).get(reverse("people:mine")).content.decode()
        assert "non è ancora collegato" in page

    def test_merge_keeps_the_link_and_pseudonymising_drops_it(self, operator, applicant):
        survivor, duplicate = PersonFactory.create_batch(2)
        services.link_account(person=duplicate, email=applicant.email, by=operator)
        services.merge_people(survivor=survivor, duplicate=duplicate, by=operator)
        survivor.refresh_from_db()
        assert survivor.account == applicant
        services.pseudonymise(person=survivor, reason="richiesta", by=operator)
        survivor.refresh_from_db()
        assert survivor.account is None

    def test_merge_refuses_two_linked_records(self, operator, applicant):
        first, second = PersonFactory.create_batch(2)
        services.link_account(person=first, email=applicant.email, by=operator)
        other = make_user("altra@example.org", Role.APPLICANT)
        services.link_account(person=second, email=other.email, by=operator)
        with pytest.raises(ValidationError, match="Entrambe le schede"):
            services.merge_people(survivor=first, duplicate=second, by=operator)


class TestOwnProfile:
    @pytest.fixture(autouse=True)
    def media(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path

    @pytest.fixture
    def mine(self, operator, applicant):
        person = PersonFactory(email="anna@example.org", phone="051 123456")
        services.link_account(person=person, email=applicant.email, by=operator)
        return person

    def upload(self, person, operator, name="cv.pdf") -> Document:
        return services.add_document(
            person=person,
            kind="cv",
            upload=SimpleUploadedFile(name, b"%PDF-1.4 cv"),
            content_type="application/pdf",
            by=operator,
        )

    def test_navigation_leads_applicants_to_their_profile(self, client_as, applicant):
        page = client_as(applicant).get("/").content.decode()
        assert f'href="{reverse("people:mine")}"' in page
        assert "Il mio profilo" in page
        page = client_as(applicant).get(reverse("people:mine")).content.decode()
        assert "non è ancora collegato" in page

    def test_the_person_sees_their_data_consents_documents_and_special_data(
        self, client_as, applicant, operator, mine
    ):
        consent(mine, "newsletter")
        self.upload(mine, operator)
        SpecialCategoryData.objects.create(person=mine, disability_68_99=True, health_notes="Asma")
        page = client_as(applicant).get(reverse("people:mine")).content.decode()
        assert mine.fiscal_code in page
        assert "051 123456" in page
        assert "Newsletter" in page
        assert "cv.pdf" in page
        assert "Asma" in page
        # Reading special-category data is logged, for their owner too.
        access = LogEntry.objects.get_for_object(mine).filter(action=LogEntry.Action.ACCESS)
        assert access.filter(actor=applicant, additional_data__what="special_category").exists()

    def test_the_registry_page_of_their_own_record_leads_to_the_profile(
        self, client_as, applicant, mine
    ):
        response = client_as(applicant).get(reverse("people:detail", args=[mine.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("people:mine")

    def test_everyone_else_is_404(self, client_as, applicant, operator, mine):
        other = PersonFactory()
        document = self.upload(other, operator)
        consent(other, "cv_partner")
        client = client_as(applicant)
        assert list(Person.objects.visible_to(applicant)) == [mine]
        assert client.get(reverse("people:detail", args=[other.pk])).status_code == 404
        download = reverse("people:document_download", args=[other.pk, document.pk])
        assert client.get(download).status_code == 404
        # Someone else's document through one's own record's address: still not found.
        download = reverse("people:document_download", args=[mine.pk, document.pk])
        assert client.get(download).status_code == 404
        special = reverse("people:special_category", args=[other.pk])
        assert client.get(special).status_code == 404
        assert client.get(reverse("people:list")).status_code == 403

    def test_the_person_downloads_their_own_documents(self, client_as, applicant, operator, mine):
        document = self.upload(mine, operator, name="carta-identita.pdf")
        document.kind = "documento"
        document.save()
        response = client_as(applicant).get(
            reverse("people:document_download", args=[mine.pk, document.pk])
        )
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == b"%PDF-1.4 cv"
        access = LogEntry.objects.get_for_object(mine).filter(action=LogEntry.Action.ACCESS)
        assert access.filter(actor=applicant, additional_data__what=f"document:{document.pk}")

    def test_the_person_withdraws_a_consent_and_it_is_audited(
        self, client_as, applicant, operator, mine
    ):
        own = consent(mine, "newsletter")
        someone_elses = consent(PersonFactory(), "newsletter")
        client = client_as(applicant)
        url = reverse("people:my_consent_withdraw", args=[someone_elses.pk])
        assert client.post(url).status_code == 404
        someone_elses.refresh_from_db()
        assert someone_elses.withdrawn_at is None
        response = client.post(reverse("people:my_consent_withdraw", args=[own.pk]), follow=True)
        assert "Hai revocato il consenso per: Newsletter" in response.content.decode()
        own.refresh_from_db()
        assert own.withdrawn_at is not None
        entry = LogEntry.objects.get_for_object(mine).get(
            additional_data__event="consent_withdrawn"
        )
        assert entry.actor == applicant
        assert entry.additional_data["by_the_person"] is True
        assert not services.has_consent(mine, "newsletter")

    def test_the_person_downloads_all_their_data(self, client_as, applicant, mine):
        SpecialCategoryData.objects.create(person=mine, health_notes="Asma")
        client = client_as(applicant)
        response = client.get(reverse("people:my_data", args=["json"]))
        assert response["Content-Disposition"].startswith("attachment")
        report = json.loads(response.content)
        assert report["person"]["fiscal_code"] == mine.fiscal_code
        assert report["person"]["account"] == applicant.email
        assert report["special_category"]["health_notes"] == "Asma"
        response = client.get(reverse("people:my_data", args=["pdf"]))
        assert response.content.startswith(b"%PDF")
        assert client.get(reverse("people:my_data", args=["xml"])).status_code == 404
        # The operators' export of the same record stays closed to the person.
        url = reverse("people:access_export", args=[mine.pk, "json"])
        assert client.get(url).status_code == 403

    @pytest.mark.parametrize(
        "role", ["applicant", "coach", "partner", "funder", "evaluator", "outsider"]
    )
    def test_without_a_linked_record_there_is_nothing_to_download(self, client_as, cast, role):
        PersonFactory(email=cast[role].email)  # the same address proves nothing
        client = client_as(cast[role])
        assert client.get(reverse("people:my_data", args=["json"])).status_code == 404
        assert "non è ancora collegato" in client.get(reverse("people:mine")).content.decode()

    def test_login_required(self, client):
        response = client.get(reverse("people:mine"))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


class TestNewsletterList:
    def rows(self, response) -> list[list[str]]:
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text), delimiter=";"))

    def test_only_people_with_the_consent_in_force_and_an_address(self, client_as, operator):
        yes = PersonFactory(last_name="Abate", email="abate@example.org")
        consent(yes, "newsletter")
        withdrawn = PersonFactory(last_name="Bassi", email="bassi@example.org")
        consent(
            withdrawn, "newsletter", withdrawn_at=datetime.datetime(2024, 2, 1, tzinfo=datetime.UTC)
        )
        other_purpose = PersonFactory(last_name="Conti", email="conti@example.org")
        consent(other_purpose, "offerte")
        no_address = PersonFactory(last_name="Dini", email="")
        consent(no_address, "newsletter")
        PersonFactory(last_name="Esposito", email="esposito@example.org")
        response = client_as(operator).get(reverse("people:newsletter"))
        assert response["Content-Disposition"].startswith("attachment")
        rows = self.rows(response)
        assert rows[1:] == [["Abate", yes.first_name, "abate@example.org"]]
        # Contacts only: no codice fiscale, no birth date.
        assert len(rows[0]) == 3
        export = LogEntry.objects.get(additional_data__event="export")
        assert export.actor == operator
        assert export.additional_data["pks"] == [yes.pk]
        assert export.additional_data["purpose"] == "newsletter"

    def test_excel_too(self, client_as, operator):
        response = client_as(operator).get(reverse("people:newsletter") + "?formato=xlsx")
        assert response.status_code == 200
        assert "spreadsheetml" in response["Content-Type"]
        response = client_as(operator).get(reverse("people:newsletter") + "?formato=doc")
        assert response.status_code == 404

    @pytest.mark.parametrize("role", ["coach", "partner", "funder", "applicant", "evaluator"])
    def test_only_operators_and_administrators(self, client_as, cast, role):
        assert client_as(cast[role]).get(reverse("people:newsletter")).status_code == 403

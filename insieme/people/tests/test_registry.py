import datetime
from decimal import Decimal
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.management import call_command

from insieme.calls.models import Application, ApplicationStatus, Call, Line
from insieme.core.models import ContractType
from insieme.employment.models import Interview, Registration
from insieme.grants.models import Disbursement, Grant
from insieme.network.models import Organisation
from insieme.people import services, timeline
from insieme.people.duplicates import similar_people
from insieme.people.models import Consent, ConsentPurpose, Person, SpecialCategoryData
from insieme.people.tests.factories import PersonFactory, code_for
from insieme.placements.models import Placement
from insieme.projects.models import Project

pytestmark = pytest.mark.django_db


def make_application(person, code="A1", status=ApplicationStatus.ACCOMPANIED):
    call, _ = Call.objects.get_or_create(
        code="B2024", defaults={"title": "Bando", "line": Line.SELF_EMPLOYMENT}
    )
    return Application.objects.create(
        code=code,
        call=call,
        title="Bottega",
        applicant_person=person,
        status=status,
        submitted_at=datetime.datetime(2024, 2, 1, 10, tzinfo=datetime.UTC),
        outcome_date=datetime.date(2024, 3, 1),
    )


def make_employer():
    return Organisation.objects.create(name="Forno Srl", fiscal_code="01234567897")


class TestVisibility:
    def test_operators_and_administrators_see_everyone(self, operator, admin_user):
        people = PersonFactory.create_batch(2)
        assert set(Person.objects.visible_to(operator)) == set(people)
        assert set(Person.objects.visible_to(admin_user)) == set(people)

    def test_coaches_see_only_people_in_projects_they_accompany(self, coach):
        mine, other = PersonFactory.create_batch(2)
        project = Project.objects.create(application=make_application(mine))
        project.coaches.add(coach)
        make_application(other, code="A2")
        assert list(Person.objects.visible_to(coach)) == [mine]

    @pytest.mark.parametrize("role", ["funder", "partner", "applicant", "evaluator", "outsider"])
    def test_other_roles_see_no_one(self, cast, role):
        PersonFactory()
        assert not Person.objects.visible_to(cast[role]).exists()


class TestSearch:
    def test_accent_and_case_insensitive(self):
        person = PersonFactory(last_name="Nicolò", first_name="Àngela")
        PersonFactory(last_name="Bianchi")
        assert list(Person.objects.search("NICOLO angela")) == [person]
        assert list(Person.objects.search("nicol")) == [person]

    def test_finds_by_partial_code_and_comune(self):
        person = PersonFactory()
        assert person in Person.objects.search(person.fiscal_code[:8].lower())
        assert person in Person.objects.search("bologna")

    def test_similar_names_with_same_birth_date(self):
        born = datetime.date(1990, 5, 17)
        person = PersonFactory(last_name="Rossi", first_name="Maria", birth_date=born)
        found = similar_people(
            Person.objects.all(), last_name="Rosi", first_name="Maria", birth_date=born
        )
        assert found == [person]
        assert not similar_people(
            Person.objects.all(), last_name="Verdi", first_name="Luca", birth_date=born
        )


class TestConsents:
    def test_has_consent_follows_recording_and_withdrawal(self, operator):
        person = PersonFactory()
        assert not services.has_consent(person, ConsentPurpose.CV_SHARING)
        consent = services.record_consent(
            person=person,
            purpose=ConsentPurpose.CV_SHARING,
            notice_version="2024-01",
            given_on=datetime.date(2024, 1, 10),
            channel="cartaceo",
            by=operator,
        )
        assert services.has_consent(person, ConsentPurpose.CV_SHARING)
        assert not services.has_consent(person, ConsentPurpose.NEWSLETTER)
        services.withdraw_consent(consent=consent, by=operator)
        assert not services.has_consent(person, ConsentPurpose.CV_SHARING)
        with pytest.raises(ValidationError) as error:
            services.require_consent(person, ConsentPurpose.CV_SHARING)
        assert "condivisione del cv" in " ".join(error.value.messages).lower()

    def test_a_new_consent_replaces_the_one_in_force(self, operator):
        person = PersonFactory()
        for version in ("v1", "v2"):
            services.record_consent(
                person=person,
                purpose=ConsentPurpose.SERVICE,
                notice_version=version,
                given_on=datetime.date(2024, 1, 10),
                channel="online",
                by=operator,
            )
        assert list(person.consents.in_force().values_list("notice_version", flat=True)) == ["v2"]
        assert person.consents.count() == 2


class TestTimeline:
    def test_spine_events_are_listed_newest_first(self):
        person = PersonFactory()
        Registration.objects.create(person=person, registered_on=datetime.date(2024, 1, 5))
        Interview.objects.create(
            code="C1", person=person, date=datetime.date(2024, 1, 20), kind="primo_colloquio"
        )
        Placement.objects.create(
            code="I1",
            person=person,
            employer=make_employer(),
            contract_type=ContractType.objects.get(code="determinato"),
            start_date=datetime.date(2024, 4, 1),
        )
        make_application(person)
        events = timeline.events_for(person)
        assert [e.kind for e in events] == [
            "placement",
            "application_outcome",
            "application",
            "interview",
            "registration",
        ]
        assert "Forno Srl" in events[0].title

    def test_other_apps_can_register_providers(self):
        person = PersonFactory()
        event = timeline.TimelineEvent(datetime.date(2024, 6, 1), "referral", "Segnalazione")
        timeline.register("test.referrals", lambda p: [event] if p == person else [])
        try:
            assert timeline.events_for(person) == [event]
        finally:
            timeline._providers.pop("test.referrals")


class TestPseudonymise:
    def test_wipes_identity_keeps_links_and_history(self, operator):
        person = PersonFactory(email="maria@example.org", phone="333 1234567")
        SpecialCategoryData.objects.create(person=person, health_notes="diabete")
        Registration.objects.create(person=person, registered_on=datetime.date(2024, 1, 5))
        old_code = person.fiscal_code
        services.pseudonymise(person=person, reason="Richiesta dell'interessata", by=operator)
        person.refresh_from_db()
        assert person.is_pseudonymised
        assert person.fiscal_code != old_code
        assert person.last_name == "Pseudonimizzato"
        assert person.email == person.phone == ""
        assert person.birth_date is None
        assert person.residence_comune_id == "037006"  # territory figures do not change
        assert person.registrations.count() == 1
        assert not SpecialCategoryData.objects.filter(person=person).exists()
        entries = LogEntry.objects.get_for_object(person)
        assert not any(old_code in str(entry.changes) for entry in entries)
        assert entries.filter(additional_data__event="pseudonymised").exists()

    def test_refused_while_a_grant_is_not_fully_paid(self, operator):
        person = PersonFactory()
        grant = Grant.objects.create(
            code="G1",
            application=make_application(person),
            funder=make_employer(),
            amount_awarded=Decimal("5000.00"),
        )
        Disbursement.objects.create(
            code="E1", grant=grant, paid_on=datetime.date(2024, 5, 1), amount=Decimal("3000.00")
        )
        with pytest.raises(ValidationError) as error:
            services.pseudonymise(person=person, reason="richiesta", by=operator)
        assert error.value.code == "legal_retention"
        Disbursement.objects.create(
            code="E2", grant=grant, paid_on=datetime.date(2024, 9, 1), amount=Decimal("2000.00")
        )
        services.pseudonymise(person=person, reason="richiesta", by=operator)


class TestRetention:
    def test_command_lists_and_applies(self, settings, time_machine):
        time_machine.move_to(datetime.datetime(2031, 6, 1, 12, tzinfo=datetime.UTC))
        settings.PEOPLE_RETENTION_DAYS = 365
        stale = PersonFactory(last_activity=datetime.date(2029, 1, 1))
        recent = PersonFactory(last_activity=datetime.date(2031, 1, 1))
        busy = PersonFactory(last_activity=datetime.date(2029, 1, 1))
        Interview.objects.create(code="C9", person=busy, date=datetime.date(2031, 3, 1))
        applied = PersonFactory(last_activity=datetime.date(2029, 1, 1))
        application = make_application(applied)
        application.submitted_at = datetime.datetime(2031, 2, 1, 9, tzinfo=datetime.UTC)
        application.save()
        out = StringIO()
        call_command("retention", stdout=out)
        assert f"person {stale.pk} " in out.getvalue()
        assert f"person {recent.pk} " not in out.getvalue()
        assert f"person {busy.pk} " not in out.getvalue()
        assert f"person {applied.pk} " not in out.getvalue()
        assert stale.fiscal_code not in out.getvalue()
        stale.refresh_from_db()
        assert not stale.is_pseudonymised
        call_command("retention", "--apply", stdout=StringIO())
        stale.refresh_from_db()
        recent.refresh_from_db()
        assert stale.is_pseudonymised
        assert not recent.is_pseudonymised


class TestMerge:
    def test_moves_everything_and_keeps_history(self, operator):
        survivor = PersonFactory(email="")
        duplicate = PersonFactory(email="doppio@example.org")
        Registration.objects.create(person=duplicate, registered_on=datetime.date(2024, 1, 5))
        Interview.objects.create(code="C1", person=duplicate, date=datetime.date(2024, 1, 20))
        application = make_application(duplicate)
        for person in (survivor, duplicate):
            services.record_consent(
                person=person,
                purpose=ConsentPurpose.SERVICE,
                notice_version="v1",
                given_on=datetime.date(2024, 1, 1),
                channel="online",
                by=operator,
            )
        duplicate_pk = duplicate.pk
        services.merge_people(survivor=survivor, duplicate=duplicate, by=operator)
        assert not Person.objects.filter(pk=duplicate_pk).exists()
        survivor.refresh_from_db()
        assert survivor.email == "doppio@example.org"
        assert survivor.registrations.count() == 1
        assert survivor.interviews.count() == 1
        application.refresh_from_db()
        assert application.applicant_person == survivor
        assert Consent.objects.filter(person=survivor).count() == 2
        assert survivor.consents.in_force().count() == 1
        events = LogEntry.objects.filter(additional_data__event__in=["merged_in", "merged_into"])
        assert {e.object_pk for e in events} == {str(survivor.pk), str(duplicate_pk)}

    def test_special_category_data_of_both_are_kept(self, operator):
        survivor, duplicate = PersonFactory.create_batch(2)
        SpecialCategoryData.objects.create(person=survivor, health_notes="asma")
        SpecialCategoryData.objects.create(
            person=duplicate,
            disability_68_99=True,
            disability_percentage=60,
            health_notes="diabete",
        )
        services.merge_people(survivor=survivor, duplicate=duplicate, by=operator)
        data = SpecialCategoryData.objects.get(person=survivor)
        assert data.disability_68_99
        assert data.disability_percentage == 60
        assert "asma" in data.health_notes
        assert "diabete" in data.health_notes

    def test_a_definitive_code_replaces_a_temporary_one(self, operator):
        survivor = PersonFactory(fiscal_code="12345678903", fiscal_code_is_temporary=True)
        code = code_for("Rossi", "Maria", "F", datetime.date(1990, 5, 17))
        duplicate = PersonFactory(fiscal_code=code)
        services.merge_people(survivor=survivor, duplicate=duplicate, by=operator)
        survivor.refresh_from_db()
        assert survivor.fiscal_code == code
        assert not survivor.fiscal_code_is_temporary

    def test_cannot_merge_a_person_with_itself(self, operator):
        person = PersonFactory()
        with pytest.raises(ValidationError):
            services.merge_people(survivor=person, duplicate=person, by=operator)

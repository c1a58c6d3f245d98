import datetime

import time_machine
from auditlog.models import LogEntry
from django.urls import reverse

from insieme.core.models import ContractType
from insieme.employment import services
from insieme.employment.models import ContactOutcome, InterviewKind, ReferralOutcome
from insieme.employment.tests import factories
from insieme.people.timeline import events_for
from insieme.placements import services as placement_services
from insieme.placements.models import FollowUp


def test_every_step_is_on_the_person_timeline_and_audited(client_as, operator, db):
    # The clock follows the story: proposed in January, hired in February, checked in May.
    with time_machine.travel(datetime.datetime(2026, 1, 20, 9, 0, tzinfo=datetime.UTC)) as clock:
        person = factories.person("Passo", "Paola")
        registration = factories.registration(person, on=datetime.date(2026, 1, 5))
        services.record_contact_attempt(
            registration=registration,
            date=datetime.date(2026, 1, 8),
            outcome=ContactOutcome.REACHED,
            by=operator,
        )
        interview = services.book_interview(
            person=person,
            kind=InterviewKind.FIRST,
            date=datetime.date(2026, 1, 12),
            time=datetime.time(10, 0),
            place="Sede",
            operator=operator,
            by=operator,
        )
        services.record_interview(interview=interview, summary="", profile={}, by=operator)
        services.add_goal(person=person, title="Lavoro in cucina", by=operator)
        vacancy = factories.vacancy(title="Aiuto cuoco")
        referral = services.refer(vacancy=vacancy, person=person, by=operator)
        clock.move_to(datetime.datetime(2026, 5, 10, 9, 0, tzinfo=datetime.UTC))
        services.record_referral_outcome(
            referral=referral,
            outcome=ReferralOutcome.HIRED,
            date=datetime.date(2026, 2, 1),
            by=operator,
        )
        placement = placement_services.record_placement(
            person=person,
            employer=vacancy.organisation,
            contract_type=ContractType.objects.get(code="determinato"),
            start_date=datetime.date(2026, 2, 2),
            referral=referral,
            by=operator,
        )
        check = FollowUp.objects.get(placement=placement, months=3)
        placement_services.record_follow_up(
            follow_up=check,
            still_employed=True,
            same_contract=True,
            date=datetime.date(2026, 5, 4),
            by=operator,
        )

        kinds = [event.kind for event in events_for(person)]
        for kind in (
            "registration",
            "contact",
            "interview",
            "plan",
            "referral",
            "referral_outcome",
            "placement",
            "follow_up",
        ):
            assert kind in kinds
        html = client_as(operator).get(reverse("people:detail", args=[person.pk])).content.decode()
        assert "Iscrizione ai servizi per il lavoro" in html or "servizi per il lavoro" in html
        assert "Tentativo di contatto: Raggiunta" in html
        assert f"Primo colloquio svolto ({interview.code})" in html
        assert "Proposta come Aiuto cuoco" in html
        assert "Assunta" in html
        assert "Verifica a 3 mesi: ancora occupata" in html
        for obj in (registration, interview, referral, placement, check):
            assert LogEntry.objects.get_for_object(obj).filter(actor=operator).exists()

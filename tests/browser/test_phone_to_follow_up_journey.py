"""A person signs up on a phone, is interviewed, proposed, hired and followed up; the dashboard
counts her, by as much as her records say."""

import datetime
import io
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from insieme.accounts.models import Role
from insieme.employment.models import Interview, InterviewKind, Referral, Registration
from insieme.employment.tests import factories
from insieme.people.models import Person
from insieme.people.tests.factories import code_for
from insieme.placements.models import FollowUp, Placement
from tests.browser.dashboard import EMPLOYMENT, changes, figures
from tests.browser.test_dashboard_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
FIGURES = [
    "Iscrizioni",
    "Primi colloqui",
    "Inserimenti lavorativi",
    "Persone occupate",
    "Primi inserimenti",
    "Nuovi contratti",
]


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """A transactional test before this one may have flushed what the migrations loaded."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    call_command("load_reference_data", stdout=io.StringIO())


def test_a_person_signs_up_on_a_phone_and_is_followed_up_after_being_hired(
    midday, live_server, page: Page, browser: Browser, operator
):
    # What the programme already counts: someone placed last year.
    earlier = factories.person("Bassi", "Elena")
    factories.registration(earlier, on=datetime.date(2025, 1, 20))
    factories.placement(earlier, by=operator, start_date=datetime.date(2025, 3, 3))
    kitchen = factories.vacancy(
        factories.organisation("Osteria del Portico"),
        title="Aiuto cuoco",
        where="Zola Predosa",
        skills=["cucina"],
    )
    log_in(page, live_server.url, operator)
    before = figures(page, live_server.url, EMPLOYMENT, FIGURES)

    # Giulia signs up from her phone, with her thumbs.
    code = code_for("Quaranta", "Giulia", "F", datetime.date(1994, 5, 17))
    phone_context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="it-IT"
    )
    phone = phone_context.new_page()
    phone.goto(live_server.url + "/lavoro/iscrizione/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Iscriviti per trovare lavoro")
    phone.get_by_label(re.compile(r"^Nome")).fill("Giulia")
    phone.get_by_label("Cognome").fill("Quaranta")
    phone.get_by_label("Codice fiscale").fill(code.lower())
    phone.get_by_label("E-mail").fill("giulia.quaranta@example.org")
    phone.get_by_label("Telefono").fill("347 7654321")
    phone.get_by_label("Comune dove abiti").fill("Casalecchio di Reno")
    phone.locator("label[for=id_other_measure_0]").tap()
    phone.locator("label[for=id_cv_consent]").tap()
    phone.locator("label[for=id_privacy]").tap()
    too_wide = phone.evaluate(
        "Array.from(document.querySelectorAll('main *'))"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).length"
    )
    assert too_wide == 0, "the sign-up form is wider than a phone screen"
    phone.get_by_role("button", name="Verifica e iscriviti").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Fatto, Giulia: sei in lista d'attesa"
    )
    phone_context.close()
    person = Person.objects.get(fiscal_code=code)

    # The operator takes her from the waiting list and interviews her the same day.
    page.get_by_role("link", name="Lista d'attesa").first.click()
    row = page.locator("tr", has_text="Quaranta Giulia")
    row.get_by_label("Operatore").select_option(label="Olga Rossi")
    with page.expect_response(lambda response: "/assegna/" in response.url):
        row.get_by_role("button", name="Assegna").click()
    page.locator("tr", has_text="Quaranta Giulia").get_by_role(
        "link", name="Fissa il colloquio"
    ).click()
    page.locator("#id_date").fill(timezone.localdate().isoformat())
    page.locator("#id_time").fill("09:30")
    page.locator("#id_place").fill("Via Capramozza 13, Bologna")
    page.get_by_role("button", name="Fissa", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("riceve un'e-mail")
    page.get_by_role("link", name=re.compile("Primo colloquio")).first.click()
    page.get_by_label("Di cosa si è parlato").fill("Vuole lavorare in cucina, anche la sera.")
    page.locator("label", has_text="Cucina e preparazione pasti").click()
    page.get_by_label("esperienze di lavoro").fill("Aiuto cuoca in una trattoria per tre anni")
    page.get_by_role("button", name="Salva il colloquio").click()
    expect(page.locator(".alert-success")).to_contain_text("Colloquio registrato")

    # She is proposed for the kitchen job, hired, and the placement recorded.
    page.goto(live_server.url + f"/offerte/{kitchen.pk}/")
    candidate = page.locator("li", has_text="Quaranta Giulia").first
    candidate.get_by_role("link", name="Proponi").click()
    page.get_by_label("Nota per l'azienda").fill("Esperienza in cucina, disponibile la sera")
    page.get_by_role("button", name="Proponi").click()
    expect(page.locator(".alert-success")).to_contain_text("proposta a Osteria del Portico")
    page.get_by_role("link", name="Registra l'esito").click()
    page.get_by_label(re.compile(r"^Esito")).select_option("assunta")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Registra un inserimento")
    page.locator("#id_start_date").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Salva l'inserimento").click()
    expect(page.locator(".alert-success")).to_contain_text("verifiche a 3, 6 e 12 mesi")
    placement = Placement.objects.get(person=person)
    check = FollowUp.objects.get(placement=placement, months=3)

    # Three months on, the follow-up is among the operator's reminders, and she records it.
    page.context.clear_cookies()
    due = datetime.datetime.combine(
        check.due_on, datetime.time(9), tzinfo=timezone.get_current_timezone()
    )
    with time_machine.travel(due, tick=True):
        log_in(page, live_server.url, operator)
        reminders = page.locator("#promemoria-lavoro")
        expect(reminders).to_contain_text("Verifiche da fare")
        reminders.get_by_role("link", name="Quaranta Giulia").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Verifica a 3 mesi")
        page.get_by_role("group", name="Lavora ancora lì?").get_by_text("Sì").click()
        page.get_by_role("group", name="Con lo stesso contratto?").get_by_text("Sì").click()
        page.get_by_label(re.compile("^Note", re.I)).fill("Contenta, le hanno proposto più ore.")
        page.get_by_role("button", name="Salva").click()
        expect(page.locator(".alert-success")).to_contain_text("Verifica registrata.")
        check.refresh_from_db()
        assert check.done_on == check.due_on
        assert check.still_employed is True

        # The dashboard moved by what her records say, and by nothing else.
        after = figures(page, live_server.url, EMPLOYMENT, FIGURES)

    placements = Placement.objects.filter(person=person)
    people_placed = placements.values("person").distinct().count()
    assert Referral.objects.get(person=person).outcome == "assunta"
    assert changes(before, after) == {
        "Iscrizioni": Registration.objects.filter(person=person)
        .values("person")
        .distinct()
        .count(),
        "Primi colloqui": Interview.objects.filter(person=person, kind=InterviewKind.FIRST).count(),
        "Inserimenti lavorativi": placements.count(),
        "Persone occupate": people_placed,
        "Primi inserimenti": people_placed,
        "Nuovi contratti": placements.filter(is_extension=False).count(),
    }
    # and the earlier placement was counted before and after
    assert before["Inserimenti lavorativi"] == Placement.objects.exclude(person=person).count()

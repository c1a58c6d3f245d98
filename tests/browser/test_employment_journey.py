"""From the public sign-up on a phone to a placement on the person's timeline."""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import PASSWORD, totp_code
from insieme.accounts.models import Role
from insieme.employment.models import Interview, Referral, Registration
from insieme.employment.tests import factories
from insieme.people.models import Person
from insieme.placements.models import Placement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """A transactional test before this one may have flushed what the migrations loaded."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    call_command("load_reference_data", stdout=io.StringIO())


def log_in(page: Page, base_url: str, user) -> None:
    cache.clear()
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_label("Codice").fill(totp_code())
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Olga")


def test_sign_up_on_a_phone_then_from_the_waiting_list_to_a_placement(
    midday, live_server, page: Page, operator
):
    # A person signs up on a phone, without an account.
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/lavoro/iscrizione/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Iscriviti per trovare lavoro")
    page.get_by_label(re.compile(r"^Nome")).fill("Maria")
    page.get_by_label("Cognome").fill("Rossi")
    page.get_by_label("Codice fiscale").fill("rssmra90b41a944n")
    page.get_by_label("E-mail").fill("maria.rossi@example.org")
    page.get_by_label("Telefono").fill("333 1234567")
    page.get_by_label("Comune dove abiti").fill("Casalecchio di Reno")
    page.locator("label[for=id_other_measure_0]").click()
    page.locator("label[for=id_cv_consent]").click()
    page.locator("label[for=id_privacy]").click()
    too_wide = page.evaluate(
        "Array.from(document.querySelectorAll('main *'))"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).length"
    )
    assert too_wide == 0, "the sign-up form is wider than a phone screen"
    page.get_by_role("button", name="Verifica e iscriviti").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fatto, Maria: sei in lista d'attesa")
    expect(page.get_by_role("link", name="Crea un account")).to_be_visible()
    person = Person.objects.get(fiscal_code="RSSMRA90B41A944N")
    assert Registration.objects.filter(person=person).exists()

    # An operator books the first interview from the waiting list.
    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)
    kitchen = factories.vacancy(
        factories.organisation("Trattoria Amica"),
        title="Aiuto cuoco",
        where="Zola Predosa",
        skills=["cucina"],
    )
    log_in(page, live_server.url, operator)
    page.get_by_role("link", name="Lista d'attesa").first.click()
    row = page.locator("tr", has_text="Rossi Maria")
    expect(row).to_contain_text("In attesa del primo contatto")
    row.get_by_label("Operatore").select_option(label="Olga Rossi")
    with page.expect_response(lambda response: "/assegna/" in response.url):
        row.get_by_role("button", name="Assegna").click()
    expect(page.locator("tr", has_text="Rossi Maria").get_by_label("Operatore")).to_have_value(
        str(operator.pk)
    )
    assert Registration.objects.get(person=person).assigned_to == operator
    row = page.locator("tr", has_text="Rossi Maria")
    row.get_by_role("link", name="Fissa il colloquio").click()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    # Today: an interview can be recorded only once its day has come.
    page.locator("#id_date").fill(timezone.localdate().isoformat())
    page.locator("#id_time").fill("10:30")
    page.locator("#id_place").fill("Via Capramozza 13, Bologna")
    page.get_by_role("button", name="Fissa", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("riceve un'e-mail")
    interview = Interview.objects.get(person=person)

    # ... and records it.
    page.get_by_role("link", name=re.compile("Primo colloquio")).first.click()
    page.get_by_label("Di cosa si è parlato").fill("Cerca lavoro in cucina, anche a turni.")
    page.locator("label", has_text="Cucina e preparazione pasti").click()
    page.get_by_label("esperienze di lavoro").fill("Cuoca in una mensa per cinque anni")
    page.get_by_role("button", name="Salva il colloquio").click()
    expect(page.locator(".alert-success")).to_contain_text("Colloquio registrato")

    # The vacancy's shortlist explains why she fits; the operator proposes her.
    page.goto(live_server.url + f"/offerte/{kitchen.pk}/")
    candidate = page.locator("li", has_text="Rossi Maria").first
    expect(candidate).to_contain_text("Competenze in comune: Cucina e preparazione pasti")
    expect(candidate).to_contain_text("Abita nello stesso distretto")
    candidate.get_by_role("link", name="Proponi").click()
    page.get_by_label("Nota per l'azienda").fill("Molto motivata")
    page.get_by_role("button", name="Proponi").click()
    expect(page.locator(".alert-success")).to_contain_text("proposta a Trattoria Amica")

    # The company hires her: the outcome leads to the placement, prefilled.
    page.get_by_role("link", name="Registra l'esito").click()
    page.get_by_label(re.compile(r"^Esito")).select_option("assunta")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Registra un inserimento")
    page.locator("#id_start_date").fill(tomorrow.isoformat())
    page.get_by_role("button", name="Salva l'inserimento").click()
    # It starts tomorrow: recorded as planned, counted in the figures from its first day.
    expect(page.locator(".alert-success")).to_contain_text(
        "Inserimento programmato, non ancora iniziato"
    )
    expect(page.locator(".alert-success")).to_contain_text("Verifiche a 3, 6 e 12 mesi")

    placement = Placement.objects.get(person=person)
    assert placement.code == f"INS-{placement.pk:06d}"
    assert Referral.objects.get(person=person).outcome == "assunta"

    # The person's page tells the whole story.
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("Iscrizione ai servizi per il lavoro")
    expect(timeline).to_contain_text(f"Primo colloquio svolto ({interview.code})")
    expect(timeline).to_contain_text("Proposta come Aiuto cuoco a Trattoria Amica")
    expect(timeline).to_contain_text("Esito della proposta a Trattoria Amica: Assunta")
    expect(timeline).to_contain_text("Inserimento presso Trattoria Amica")

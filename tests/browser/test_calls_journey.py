"""A call from application to decision, in the browser."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from conftest import PASSWORD, make_user
from insieme.accounts.models import Role
from insieme.calls.models import Application, ApplicationStatus
from insieme.calls.tests.helpers import PDF_BYTES, close, make_call
from insieme.projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def staff_page(browser: Browser, live_server, user) -> Page:
    """A browser already logged in (with the second factor) as a staff member."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="it-IT")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def log_in(page: Page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()


def test_an_association_applies_and_the_committee_admits_it(
    live_server, page: Page, browser: Browser, settings, tmp_path, operator, evaluator
):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    call = make_call(title="Innovazione sociale 2026", blind_evaluation=True, max_admitted=1)
    association = make_user(
        "ponte@example.org", Role.APPLICANT, first_name="Lucia", last_name="Ponti"
    )

    # First visit: from the landing page to a draft, which saves itself.
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Bandi aperti").click()
    page.get_by_role("link", name="Innovazione sociale 2026").click()
    expect(page.get_by_text("Iscrizione al RUNTS")).to_be_visible()
    page.get_by_role("link", name="Candidati").click()
    log_in(page, association.email)
    page.get_by_label("Titolo del progetto").fill("Orto di quartiere")
    page.get_by_label("come rappresentante di un'organizzazione").check(force=True)
    page.get_by_label("Codice fiscale").fill("01234567897")
    page.get_by_label("Denominazione dell'organizzazione").fill("Associazione Il Ponte")
    page.get_by_role("button", name="Inizia la candidatura").click()
    expect(page.get_by_text("La bozza è pronta")).to_be_visible()
    expect(page.locator("#missing")).to_contain_text("Rispondi: Descrizione")
    page.get_by_label("Descrizione").fill("Un orto condiviso con le scuole del quartiere.")
    expect(page.locator("#missing")).not_to_contain_text("Descrizione")
    page.context.close()

    # Second visit, in a new browser session: the answer is still there.
    context = browser.new_context(locale="it-IT")
    second = context.new_page()
    second.on("dialog", lambda dialog: dialog.accept())
    second.goto(live_server.url + "/accounts/login/")
    log_in(second, association.email)
    second.get_by_role("link", name="Le mie candidature").first.click()
    second.get_by_role("link", name="Orto di quartiere").click()
    expect(second.get_by_label("Descrizione")).to_have_value(
        "Un orto condiviso con le scuole del quartiere."
    )
    second.get_by_label("Scegli il file").set_input_files(
        {"name": "piano.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    second.get_by_role("button", name="Carica").click()
    expect(second.get_by_text("File allegato.")).to_be_visible()
    expect(second.get_by_text("Non manca nulla")).to_be_visible()
    second.get_by_role("button", name="Presenta la candidatura").click()
    expect(second.get_by_text("il numero di protocollo è IS-2026-0001")).to_be_visible()
    expect(second.get_by_text("verifica dei requisiti")).to_be_visible()
    with second.expect_download() as download_info:
        second.get_by_role("link", name="Scarica la ricevuta (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == "ricevuta-IS-2026-0001.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    # The office screens it and gives it to an evaluator.
    office = staff_page(browser, live_server, operator)
    office.goto(live_server.url + "/")
    office.get_by_role("link", name="Bandi", exact=True).click()
    office.get_by_role("link", name="IS-2026").click()
    office.get_by_role("link", name="IS-2026-0001").click()
    for radio in office.get_by_role("radio", name="Soddisfatto", exact=True).all():
        radio.check(force=True)
    office.get_by_role("button", name="Registra l'istruttoria").click()
    expect(office.get_by_text("Istruttoria registrata.")).to_be_visible()
    office.goto(live_server.url + f"/valutazioni/bandi/{call.pk}/assegnazioni/")
    office.get_by_label(re.compile("Vera Neri")).check(force=True)
    office.get_by_role("button", name="Assegna", exact=True).click()
    expect(office.get_by_text("Assegnazioni fatte: 1.")).to_be_visible()

    # The evaluator declares no conflict and scores it, without learning who applied.
    judge = staff_page(browser, live_server, evaluator)
    judge.goto(live_server.url + "/")
    judge.get_by_role("link", name="Valutazioni", exact=True).click()
    judge.get_by_role("link", name="Prima la dichiarazione").click()
    expect(judge.get_by_text("dichiara se hai un conflitto di interessi")).to_be_visible()
    judge.get_by_label("Dichiaro di non avere conflitti di interessi").check(force=True)
    judge.get_by_role("button", name="Registra la dichiarazione").click()
    expect(judge.get_by_text("Un orto condiviso con le scuole")).to_be_visible()
    expect(judge.get_by_text("Il Ponte")).to_have_count(0)
    judge.get_by_label(re.compile("^Impatto sociale")).fill("8")
    judge.get_by_label(re.compile("^Sostenibilità")).fill("4")
    judge.get_by_role("button", name="Completa la valutazione").click()
    expect(judge.get_by_text("Valutazione completata.")).to_be_visible()
    expect(judge.locator("#total")).to_have_text("80,00")

    # The call closes; the office ranks it and admits the application.
    close(call)
    office.goto(live_server.url + f"/bandi/gestione/{call.pk}/")
    office.get_by_role("link", name="Graduatoria e decisione").click()
    expect(office.get_by_role("cell", name="80,00")).to_be_visible()
    expect(office.get_by_label(re.compile("IS-2026-0001"))).not_to_be_checked()
    office.get_by_label(re.compile("IS-2026-0001")).check(force=True)
    office.get_by_role("button", name="Verifica la decisione").click()
    expect(office.locator("#decision-outcome")).to_contain_text("1 candidatura ammessa")
    office.get_by_role("button", name="Conferma e registra la decisione").click()
    expect(office.get_by_text("Decisione registrata")).to_be_visible()
    expect(office.get_by_role("link", name="Scarica il verbale (PDF)")).to_be_visible()

    application = Application.objects.get(code="IS-2026-0001")
    assert application.status == ApplicationStatus.ACCOMPANIED
    assert Project.objects.filter(application=application).exists()
    second.reload()
    expect(second.get_by_text("Ammessa all'accompagnamento").first).to_be_visible()

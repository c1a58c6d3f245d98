"""The social-innovation line end to end, each role in its own browser: an association applies,
an evaluator scores, the committee admits, a coach logs a session, the office awards a grant and
pays a tranche, a job is linked to the project; the dashboard moves by what the records say."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db.models import Sum
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from conftest import make_user
from insieme.accounts.models import Role
from insieme.calls.models import Application, ApplicationStatus
from insieme.calls.tests.helpers import PDF_BYTES, close, make_call
from insieme.employment.tests import factories as jobs
from insieme.grants.models import Disbursement, Grant
from insieme.placements.models import Placement
from insieme.projects.models import CoachingSession, Project
from insieme.projects.tests import factories as f
from tests.browser import test_calls_journey as calls_journey
from tests.browser.dashboard import PROJECTS, changes, figures
from tests.browser.test_dashboard_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIGURES = [
    "Candidature",
    "Progetti accompagnati",
    "Progetti finanziati",
    "Contributi concessi",
    "Fondo perduto erogato",
    "Inserimenti lavorativi",
    "Persone occupate",
]


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    """Roles are groups made by a data migration, which an earlier transactional test flushed."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def browser_as(browser: Browser, base_url: str, user) -> Page:
    """A browser of its own for a member of staff, logged in with password and one-time code."""
    page = browser.new_context(locale="it-IT").new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, base_url, user)
    return page


def test_from_application_to_grant_and_job_the_dashboard_follows(
    live_server, browser: Browser, settings, tmp_path, operator, evaluator, coach
):
    settings.MEDIA_ROOT = tmp_path
    url = live_server.url
    today = timezone.localdate()
    # What is there before: a call open for applications, a fund, a project already accompanied,
    # and a person looking for work.
    call = make_call(title="Comunità che cura 2026", max_admitted=1)
    f.fund("30000.00", name="Fondo Comunità 2026")
    f.project("Emporio solidale")
    worker = jobs.registration(jobs.person("Marchetti", "Sara")).person
    association = make_user(
        "ponte@example.org", Role.APPLICANT, first_name="Lucia", last_name="Ponti"
    )

    office = browser_as(browser, url, operator)
    before = figures(office, url, PROJECTS, FIGURES)

    # The association applies, from the public list of calls.
    applicant = browser.new_context(locale="it-IT").new_page()
    applicant.on("dialog", lambda dialog: dialog.accept())
    applicant.goto(url + "/")
    applicant.get_by_role("link", name="Bandi aperti").click()
    applicant.get_by_role("link", name="Comunità che cura 2026").click()
    applicant.get_by_role("link", name="Candidati").click()
    calls_journey.log_in(applicant, association.email)
    applicant.get_by_label("Titolo del progetto").fill("Orto di quartiere")
    applicant.get_by_label("come rappresentante di un'organizzazione").check(force=True)
    applicant.get_by_label("Codice fiscale").fill("01234567897")
    applicant.get_by_label("Denominazione dell'organizzazione").fill("Associazione Il Ponte")
    applicant.get_by_role("button", name="Inizia la candidatura").click()
    applicant.get_by_label("Descrizione").fill("Un orto condiviso con le scuole del quartiere.")
    expect(applicant.locator("#missing")).not_to_contain_text("Descrizione")
    applicant.get_by_label("Scegli il file").set_input_files(
        {"name": "piano.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    applicant.get_by_role("button", name="Carica").click()
    expect(applicant.get_by_text("Non manca nulla")).to_be_visible()
    applicant.get_by_role("button", name="Presenta la candidatura").click()
    receipt = applicant.get_by_text(re.compile(r"il numero di protocollo è \S+"))
    expect(receipt).to_be_visible()
    code = re.search(r"protocollo è (\S+?)\.?$", receipt.inner_text().strip()).group(1)
    application = Application.objects.get(code=code)

    # The office checks the requirements and gives it to the evaluator.
    office.goto(url + f"/bandi/gestione/{call.pk}/")
    office.get_by_role("link", name=code).click()
    for radio in office.get_by_role("radio", name="Soddisfatto", exact=True).all():
        radio.check(force=True)
    office.get_by_role("button", name="Registra l'istruttoria").click()
    expect(office.get_by_text("Istruttoria registrata.")).to_be_visible()
    office.goto(url + f"/valutazioni/bandi/{call.pk}/assegnazioni/")
    office.get_by_label(re.compile("Vera Neri")).check(force=True)
    office.get_by_role("button", name="Assegna", exact=True).click()
    expect(office.get_by_text("Assegnazioni fatte: 1.")).to_be_visible()

    # The evaluator logs in with her second factor, declares no conflict and scores.
    judge = browser_as(browser, url, evaluator)
    judge.get_by_role("link", name="Valutazioni").first.click()
    judge.get_by_role("link", name="Prima la dichiarazione").click()
    judge.get_by_label("Dichiaro di non avere conflitti di interessi").check(force=True)
    judge.get_by_role("button", name="Registra la dichiarazione").click()
    # The scales read as numbers (they once read "0-1E+1, peso 6E+1").
    judge.get_by_label("Impatto sociale (0-10, peso 60)").fill("9")
    judge.get_by_label("Sostenibilità (0-5, peso 40)").fill("4")
    judge.get_by_role("button", name="Completa la valutazione").click()
    expect(judge.get_by_text("Valutazione completata.")).to_be_visible()

    # Once the call has closed, the committee's decision admits it to accompaniment.
    close(call)
    office.goto(url + f"/bandi/gestione/{call.pk}/")
    office.get_by_role("link", name="Graduatoria e decisione").click()
    # Nothing is ticked: the committee chooses, checks the outcome stated, then confirms.
    expect(office.get_by_label(re.compile(re.escape(code)))).not_to_be_checked()
    office.get_by_label(re.compile(re.escape(code))).check(force=True)
    office.get_by_role("button", name="Verifica la decisione").click()
    expect(office.locator("#decision-outcome")).to_contain_text("1 candidatura ammessa")
    office.get_by_role("button", name="Conferma e registra la decisione").click()
    expect(office.get_by_text("Decisione registrata")).to_be_visible()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCOMPANIED
    project = Project.objects.get(application=application)

    # The office gives the project its coach, who logs the first session.
    office.get_by_role("link", name="Progetti").first.click()
    office.get_by_role("link", name="Orto di quartiere").click()
    office.get_by_text("Coach e account dei richiedenti").click()
    coaches = office.locator("form", has=office.get_by_role("button", name="Salva i coach"))
    coaches.get_by_label("Carlo Bianchi").check(force=True)
    expect(coaches.get_by_label("Carlo Bianchi")).to_be_checked()
    coaches.get_by_role("button", name="Salva i coach").click()
    expect(office.get_by_text("Carlo Bianchi").first).to_be_visible()
    mentor = browser_as(browser, url, coach)
    mentor.get_by_role("link", name="Progetti").first.click()
    mentor.get_by_role("link", name="Orto di quartiere").click()
    mentor.get_by_text("Registra una sessione").click()
    sessions = mentor.locator("#sessions")
    sessions.get_by_label("Data").fill(today.isoformat())
    sessions.get_by_label("Durata (ore)").fill("2")
    sessions.get_by_label("Temi").fill("Piano delle attività con le scuole")
    sessions.get_by_role("button", name="Salva la sessione").click()
    expect(mentor.locator("#sessions")).to_contain_text("Piano delle attività con le scuole")
    assert CoachingSession.objects.filter(project=project, coach=coach).count() == 1

    # The office awards a grant in two tranches and pays the first, due at once.
    office.reload()
    office.get_by_role("link", name="Concedi un contributo").click()
    office.get_by_label("Fondo").select_option(label="Fondo Comunità 2026")
    office.get_by_label("Importo concesso (EUR)").fill("6.000,00")
    office.get_by_label("Data di concessione").fill(today.isoformat())
    office.locator("#id_rate-0-percentage").fill("50")
    office.locator("#id_rate-0-condition").select_option("nessuna")
    office.locator("#id_rate-1-percentage").fill("50")
    office.locator("#id_rate-1-condition").select_option("spese_approvate")
    office.locator("#id_rate-1-threshold").fill("3.000,00")
    office.get_by_role("button", name="Concedi", exact=True).click()
    expect(office.get_by_role("alert")).to_contain_text("concesso")
    office.locator("#tranches").get_by_role("button", name="Eroga la rata 1").click()
    expect(office.get_by_role("alert")).to_contain_text("Rata 1 erogata")
    grant = Grant.objects.get(application=application)

    # Sara is hired by the association for the project.
    office.goto(url + f"/lavoro/persone/{worker.pk}/")
    office.get_by_role("link", name="Registra un inserimento").click()
    office.get_by_label("Datore di lavoro").select_option(label="Associazione Il Ponte")
    office.get_by_label("Tipo di contratto").select_option(label="Tempo determinato")
    office.locator("#id_start_date").fill(today.isoformat())
    office.locator("#id_end_date").fill((today + datetime.timedelta(days=365)).isoformat())
    office.get_by_label(re.compile("^Ore settimanali", re.I)).fill("24")
    choice = office.locator("#id_application option", has_text=code)
    office.locator("#id_application").select_option(choice.get_attribute("value"))
    office.get_by_role("button", name="Salva l'inserimento").click()
    expect(office.locator(".alert-success")).to_contain_text("verifiche a 3, 6 e 12 mesi")

    # The dashboard moved by what the new records say.
    after = figures(office, url, PROJECTS, FIGURES)
    jobs_of_project = Placement.objects.filter(application=application)
    paid = Disbursement.objects.filter(grant=grant).aggregate(total=Sum("amount"))["total"]
    assert paid == grant.amount_awarded / 2
    admitted = Application.objects.filter(pk=application.pk, status=ApplicationStatus.ACCOMPANIED)
    assert changes(before, after) == {
        "Candidature": Application.objects.filter(pk=application.pk).count(),
        "Progetti accompagnati": admitted.count(),
        "Progetti finanziati": admitted.filter(grants__amount_awarded__gt=0).distinct().count(),
        "Contributi concessi": grant.amount_awarded,
        "Fondo perduto erogato": paid,
        "Inserimenti lavorativi": jobs_of_project.count(),
        "Persone occupate": jobs_of_project.values("person").distinct().count(),
    }
    assert before["Progetti accompagnati"] == Decimal(
        Application.objects.filter(status=ApplicationStatus.ACCOMPANIED)
        .exclude(pk=application.pk)
        .count()
    )

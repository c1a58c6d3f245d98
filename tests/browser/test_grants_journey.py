"""A grant in two tranches, from award to the first payment, in the browser; and a project from
admission to its last tranche and its survival follow-ups."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from insieme.accounts.models import Role
from insieme.calls.tests.helpers import close, eligible, make_call
from insieme.core.money import eur
from insieme.evaluations import services as evaluations
from insieme.evaluations.models import Assignment
from insieme.grants.models import (
    Disbursement,
    ExpenseItem,
    ExpenseStatus,
    FinalReport,
    Fund,
    Grant,
)
from insieme.projects.models import Project, ProjectStatus
from insieme.projects.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    """Roles are groups made by a data migration, which an earlier transactional test flushed."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def logged_in_page(browser: Browser, live_server, user) -> Page:
    """A browser logged in as `user` (the login itself, with MFA, has its own journey)."""
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
    return context.new_page()


def test_operator_awards_pays_a_tranche_and_the_ledger_follows(
    live_server, browser: Browser, settings, tmp_path, operator, applicant
):
    settings.MEDIA_ROOT = tmp_path
    fund = f.fund("10000.00", name="Fondo San Petronio 2025")
    f.project(
        "Emporio solidale",
        applicant=f.organisation("Cooperativa La Spiga"),
        reporting=[applicant],
    )

    # The operator awards 5.000 EUR in two tranches: 40% and 60%, each released by expenses.
    office = logged_in_page(browser, live_server, operator)
    office.goto(live_server.url + "/")
    office.get_by_role("link", name="Progetti").first.click()
    office.get_by_role("link", name="Emporio solidale").click()
    office.get_by_role("link", name="Concedi un contributo").click()
    office.get_by_label("Fondo").select_option(label="Fondo San Petronio 2025")
    office.get_by_label("Importo concesso (EUR)").fill("5.000,00")
    office.get_by_label("Data di concessione").fill("2025-03-01")
    office.locator("#id_rate-0-percentage").fill("40")
    office.locator("#id_rate-0-condition").select_option("spese_approvate")
    office.locator("#id_rate-0-threshold").fill("1.000,00")
    office.locator("#id_rate-1-percentage").fill("60")
    office.locator("#id_rate-1-condition").select_option("spese_approvate")
    office.locator("#id_rate-1-threshold").fill("5.000,00")
    office.get_by_role("button", name="Concedi", exact=True).click()
    expect(office.get_by_role("alert")).to_contain_text("concesso")
    tranches = office.locator("#tranches")
    expect(tranches).to_contain_text("2.000,00")
    expect(tranches).to_contain_text("3.000,00")
    expect(tranches.get_by_role("button", name="Eroga la rata 1")).to_be_disabled()
    grant_url = office.url

    # The project reports an expense with its invoice.
    project_side = logged_in_page(browser, live_server, applicant)
    project_side.goto(live_server.url + "/fondi/contributi/")
    project_side.get_by_role("link", name="CTR-").click()
    project_side.get_by_text("Rendiconta una spesa").click()
    project_side.get_by_label("Fornitore").fill("Arredi Bologna srl")
    project_side.get_by_label("Numero fattura").fill("FT 2025/118")
    project_side.get_by_label("Data fattura").fill("2025-03-20")
    project_side.get_by_label("Descrizione").fill("Scaffalature per il magazzino")
    project_side.get_by_label("Categoria").select_option("attrezzature")
    project_side.get_by_label("Importo").fill("1.250,40")
    project_side.get_by_label("Allegato").set_input_files(
        files=[{"name": "fattura.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    project_side.get_by_role("button", name="Invia la spesa").click()
    expect(project_side.get_by_role("alert")).to_contain_text("Spesa inviata per l'esame.")
    expect(project_side.locator("#expenses")).to_contain_text("Da esaminare")

    # The operator approves it, which releases the first tranche, and pays it: a tranche released
    # by approved expenses pays at most what they are (1.250,40 of its 2.000,00).
    office.goto(grant_url)
    office.locator("#expenses").get_by_role("button", name="Approva").click()
    expect(office.get_by_role("alert")).to_contain_text("Spesa esaminata.")
    expect(office.locator("#expenses")).to_contain_text("Approvata")
    office.locator("#tranches").get_by_role("button", name="Eroga la rata 1").click()
    expect(office.get_by_role("alert")).to_contain_text(
        f"Rata 1 erogata: {eur(Decimal('1250.40'))}."
    )
    expect(office.locator("#disbursements")).to_contain_text(eur(Decimal("1250.40")))
    expect(
        office.locator("#tranches").get_by_role("button", name="Eroga la rata 2")
    ).to_be_disabled()

    # The fund's ledger shows the new figures.
    office.get_by_role("link", name="Fondi").first.click()
    row = office.locator("#ledger tbody tr", has_text="Fondo San Petronio 2025")
    for figure in ("10.000,00", "5.000,00", "1.250,40"):
        expect(row).to_contain_text(figure)
    ledger = Fund.objects.with_ledger().get(pk=fund.pk)
    assert (ledger.committed, ledger.paid, ledger.available) == (
        Decimal("5000.00"),
        Decimal("1250.40"),
        Decimal("5000.00"),
    )
    assert ExpenseItem.objects.get().status == ExpenseStatus.APPROVED
    assert Disbursement.objects.get().amount == Decimal("1250.40")


def test_accompaniment_from_coaching_to_the_survival_follow_up(
    live_server, browser: Browser, operator, coach
):
    f.project("Ciclofficina di quartiere", coaches=[coach])

    # The coach logs a session; the list updates in place.
    coach_page = logged_in_page(browser, live_server, coach)
    coach_page.goto(live_server.url + "/")
    coach_page.get_by_role("link", name="Progetti").first.click()
    coach_page.get_by_role("link", name="Ciclofficina di quartiere").click()
    coach_page.get_by_text("Registra una sessione").click()
    sessions = coach_page.locator("#sessions")
    sessions.get_by_label("Data").fill("2025-02-10")
    sessions.get_by_label("Durata (ore)").fill("1.5")
    sessions.get_by_label("Temi").fill("Piano economico")
    sessions.get_by_role("button", name="Salva la sessione").click()
    expect(coach_page.locator("#sessions")).to_contain_text("Piano economico")
    expect(coach_page.locator("#sessions")).to_contain_text("1,50 h")
    expect(coach_page.get_by_role("link", name="Cambia stato")).to_have_count(0)

    # The operator closes the project; the 12-month follow-up falls due and is recorded.
    office = logged_in_page(browser, live_server, operator)
    office.goto(live_server.url + "/progetti/")
    office.get_by_role("link", name="Ciclofficina di quartiere").click()
    office.get_by_role("link", name="Cambia stato").click()
    office.get_by_label("Nuovo stato").select_option(label="Concluso")
    office.get_by_label("Data").fill("2025-06-30")
    office.get_by_role("button", name="Salva").click()
    expect(office.locator("#project-status")).to_contain_text("Concluso")
    office.goto(live_server.url + "/")
    panel = office.locator("#project-tasks")
    expect(panel).to_contain_text("Verifiche di sopravvivenza da fare")
    panel.get_by_role("link", name="Ciclofficina di quartiere").click()
    office.get_by_label("Fatta il").fill("2026-07-02")
    office.get_by_text("Sì", exact=True).click()
    office.get_by_label("Quante persone ci lavorano?").fill("3")
    office.get_by_role("button", name="Salva").click()
    expect(office.get_by_role("alert")).to_contain_text("Verifica registrata.")
    expect(office.get_by_text("ancora attivo")).to_be_visible()


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=timezone.get_current_timezone())


def test_from_admission_to_the_last_tranche_and_the_survival_follow_ups(
    live_server, browser: Browser, settings, tmp_path, operator, coach, evaluator, applicant
):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    fund = f.fund("20000.00", name="Fondo San Petronio 2026")
    # A scored application, ready for the committee's decision.
    call = make_call(title="Innovazione sociale 2026", evaluators_per_application=1)
    application = eligible(
        call, applicant, operator, organisation=True, title="Emporio solidale di quartiere"
    )
    assignment = Assignment.objects.create(
        application=application, evaluator=evaluator, assigned_by=operator
    )
    evaluations.declare_interest(assignment, by=evaluator, conflict=False)
    criteria = list(call.criteria.order_by("position"))
    evaluations.record_scores(
        assignment,
        {criteria[0].pk: (Decimal(8), "ok"), criteria[1].pk: (Decimal(4), "")},
        by=evaluator,
        complete=True,
    )

    # Admission, once the call has closed: the committee's decision opens the project; the
    # office assigns its coach.
    close(call)
    office = logged_in_page(browser, live_server, operator)
    office.goto(live_server.url + f"/bandi/gestione/{call.pk}/")
    office.get_by_role("link", name="Graduatoria e decisione").click()
    office.get_by_label(re.compile("Emporio solidale di quartiere")).check(force=True)
    office.get_by_role("button", name="Verifica la decisione").click()
    office.get_by_role("button", name="Conferma e registra la decisione").click()
    expect(office.get_by_text("Decisione registrata")).to_be_visible()
    office.get_by_role("link", name="Progetti").first.click()
    office.get_by_role("link", name="Emporio solidale di quartiere").click()
    project_url = office.url
    office.get_by_text("Coach e account dei richiedenti").click()
    office.get_by_label(re.compile("Carlo Bianchi")).check(force=True)
    office.get_by_role("button", name="Salva i coach").click()
    expect(office.get_by_role("alert")).to_contain_text("Coach aggiornati")

    # The coach logs a session.
    coach_page = logged_in_page(browser, live_server, coach)
    coach_page.goto(project_url)
    coach_page.get_by_text("Registra una sessione").click()
    sessions = coach_page.locator("#sessions")
    sessions.get_by_label("Data").fill(today.isoformat())
    sessions.get_by_label("Durata (ore)").fill("2")
    sessions.get_by_label("Temi").fill("Piano di avvio")
    sessions.get_by_role("button", name="Salva la sessione").click()
    expect(sessions).to_contain_text("Piano di avvio")

    # The award: 40% at the start, 60% on the approved final report.
    office.goto(project_url)
    office.get_by_role("link", name="Concedi un contributo").click()
    expect(office.get_by_label("Fondo")).to_contain_text("- Scegli -")
    office.get_by_label("Fondo").select_option(label="Fondo San Petronio 2026")
    office.get_by_label("Importo concesso (EUR)").fill("5.000,00")
    office.locator("#id_rate-0-percentage").fill("40")
    office.locator("#id_rate-0-description").fill("anticipo")
    office.locator("#id_rate-1-percentage").fill("60")
    office.locator("#id_rate-1-condition").select_option(label="Relazione finale approvata")
    office.locator("#id_rate-1-description").fill("saldo")
    office.get_by_role("button", name="Concedi", exact=True).click()
    expect(office.get_by_role("alert")).to_contain_text("concesso")
    grant_url = office.url
    tranches = office.locator("#tranches")
    expect(tranches).to_contain_text("il progetto non ha ancora presentato la relazione finale")
    expect(tranches.get_by_role("button", name="Eroga la rata 2")).to_be_disabled()
    tranches.get_by_role("button", name="Eroga la rata 1").click()
    expect(office.get_by_role("alert")).to_contain_text(
        f"Rata 1 (anticipo) erogata: {eur(Decimal('2000.00'))}."
    )

    # The project reports an expense and submits its final report.
    project_side = logged_in_page(browser, live_server, applicant)
    project_side.goto(live_server.url + "/fondi/contributi/")
    project_side.get_by_role("link", name="CTR-").click()
    project_side.get_by_text("Rendiconta una spesa").click()
    project_side.get_by_label("Fornitore").fill("Arredi Bologna srl")
    project_side.get_by_label("Numero fattura").fill("FT 2026/40")
    project_side.get_by_label("Data fattura").fill(today.isoformat())
    project_side.get_by_label("Descrizione").fill("Bancone e scaffali")
    project_side.get_by_label("Categoria").select_option("attrezzature")
    # The expenses cover the whole grant: the balance waits for that too (docs/regole.md).
    project_side.get_by_label("Importo").fill("5.000,00")
    project_side.get_by_label("Allegato").set_input_files(
        files=[{"name": "fattura.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    project_side.get_by_role("button", name="Invia la spesa").click()
    expect(project_side.get_by_role("alert")).to_contain_text("Spesa inviata per l'esame.")
    project_side.get_by_text("Presenta la relazione finale").click()
    project_side.get_by_label("Sintesi della relazione finale").fill(
        "Emporio aperto a settembre, 120 famiglie servite."
    )
    project_side.get_by_label("Relazione finale (documento)").set_input_files(
        files=[{"name": "relazione.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    project_side.get_by_role("button", name="Invia la relazione").click()
    expect(project_side.get_by_role("alert")).to_contain_text(
        "Relazione finale inviata per l'esame."
    )
    expect(project_side.locator("#final-reports")).to_contain_text("Da esaminare")

    # The office approves both and pays the balance.
    office.goto(grant_url)
    office.locator("#expenses").get_by_role("button", name="Approva").click()
    expect(office.get_by_role("alert")).to_contain_text("Spesa esaminata.")
    expect(office.locator("#tranches")).to_contain_text("presentata ma non ancora approvata")
    office.locator("#final-reports").get_by_role(
        "button", name="Approva la relazione finale"
    ).click()
    expect(office.get_by_role("alert")).to_contain_text("Relazione finale esaminata.")
    office.locator("#tranches").get_by_role("button", name="Eroga la rata 2").click()
    expect(office.get_by_role("alert")).to_contain_text(
        f"Rata 2 (saldo) erogata: {eur(Decimal('3000.00'))}."
    )
    expect(office.locator("#grant-figures")).to_contain_text(eur(Decimal("5000.00")))

    # The project is completed; its page shows the money and the hours.
    office.goto(project_url)
    office.get_by_role("link", name="Cambia stato").click()
    office.get_by_label("Nuovo stato").select_option(label="Concluso")
    office.get_by_label("Data").fill(today.isoformat())
    office.get_by_role("button", name="Salva").click()
    expect(office.locator("#project-status")).to_contain_text("Concluso")
    expect(
        office.get_by_text(f"{eur(Decimal('5000.00'))} netti, {eur(Decimal('5000.00'))} erogati")
    ).to_be_visible()

    # The fund's ledger: 20.000 budget, 5.000 committed and paid, 15.000 available.
    office.get_by_role("link", name="Fondi").first.click()
    row = office.locator("#ledger tbody tr", has_text="Fondo San Petronio 2026")
    expect(row.locator("td.text-end")).to_have_text(
        [eur(Decimal(n)) for n in ("20000", "5000", "5000", "15000")]
    )

    # Survival follow-ups, when they fall due 12 and 24 months after the end.
    project = Project.objects.get(application=application)
    for follow_up, people in zip(project.follow_ups.order_by("months"), ("3", "4"), strict=True):
        with time_machine.travel(at(follow_up.due_on), tick=True):
            later = logged_in_page(browser, live_server, operator)
            later.goto(live_server.url + "/")
            panel = later.locator("#project-tasks")
            expect(panel).to_contain_text("Verifiche di sopravvivenza da fare")
            panel.get_by_role("link", name="Emporio solidale di quartiere").click()
            later.get_by_label("Fatta il").fill(follow_up.due_on.isoformat())
            later.get_by_text("Sì", exact=True).click()
            later.get_by_label("Quante persone ci lavorano?").fill(people)
            later.get_by_role("button", name="Salva").click()
            expect(later.get_by_role("alert")).to_contain_text("Verifica registrata.")
            later.context.close()
    office.goto(project_url)
    expect(office.get_by_text("ancora attivo")).to_have_count(2)

    project.refresh_from_db()
    assert project.status == ProjectStatus.COMPLETED
    assert [(u.months, u.still_operating, u.people_working) for u in project.follow_ups.all()] == [
        (12, True, 3),
        (24, True, 4),
    ]
    grant = Grant.objects.with_figures().get()
    assert (grant.paid, grant.approved_expenses) == (Decimal("5000.00"), Decimal("5000.00"))
    assert FinalReport.objects.get().status == ExpenseStatus.APPROVED
    ledger = Fund.objects.with_ledger().get(pk=fund.pk)
    assert (ledger.budget, ledger.committed, ledger.paid, ledger.available) == (
        Decimal("20000.00"),
        Decimal("5000.00"),
        Decimal("5000.00"),
        Decimal("15000.00"),
    )

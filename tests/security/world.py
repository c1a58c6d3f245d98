"""One small programme with an object behind every URL keyword, and a user for every role.

Every object a URL names belongs to the "own" side: the applicant's applications and project,
the partner's organisation and vacancy, the assigned coach's project, the assigned evaluator's
assignment, the funder's fund. The "other" users hold the same role with things of their own
elsewhere, so the matrix shows whether holding the role is enough to reach someone else's records.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from conftest import make_user
from insieme.accounts.models import Role, User
from insieme.api.models import WebhookDelivery, WebhookEndpoint
from insieme.api.services import create_token
from insieme.calls.models import (
    ApplicationStatus,
    Attachment,
    FormSection,
    InformationRequest,
    Question,
    QuestionKind,
)
from insieme.calls.tests import helpers as calls
from insieme.core.models import ContractType
from insieme.employment.models import (
    Action,
    Enrolment,
    Goal,
    Interview,
    Referral,
    Service,
    Slot,
)
from insieme.employment.tests import factories as employment
from insieme.evaluations.models import Assignment, Declaration
from insieme.grants.models import ExpenseItem, FinalReport, Fund, Grant, Microcredit, Tranche
from insieme.impact.models import WorkbookImport
from insieme.network.models import Agreement, ContactPerson, Organisation, OrganisationMember
from insieme.notices.models import Kind, Notice
from insieme.people.models import Consent, Document
from insieme.placements.models import FollowUp, Placement
from insieme.projects.models import (
    CalendarFeed,
    CoachingSession,
    Event,
    Milestone,
    Participation,
    SurvivalFollowUp,
    TeamMember,
)

# What some roles may never read in any answer, as (world object, attribute, those roles):
# a page or list open to a role must still leave out the records that are not theirs.
HIDDEN = (
    ("person", "last_name", ("anon", "app2", "par2", "coa2", "ev", "evc", "fun")),
    ("person", "fiscal_code", ("anon", "app2", "par2", "coa2", "ev", "evc", "fun")),
    ("project", "application.title", ("anon", "app2", "par", "par2", "coa2", "ev", "evc")),
    ("grant", "code", ("anon", "app2", "par", "par2", "coa2", "ev", "evc")),
    ("application", "title", ("anon", "app2", "par", "par2", "coa", "coa2", "evc", "fun")),
    # The applicant is the person too: their own data name the organisation they were sent to.
    ("organisation", "name", ("anon", "app2", "par2", "fun")),
)

# The roles of the matrix, in the order of its columns.
ROLES = (
    "anon",  # anonymous
    "app",  # applicant, owner of the objects in the URL
    "app2",  # another applicant
    "par",  # partner acting for the organisation in the URL
    "par2",  # partner of another organisation
    "op",  # operator
    "coa",  # coach assigned to the project in the URL
    "coa2",  # coach of another project
    "ev",  # evaluator assigned to the application in the URL
    "evc",  # evaluator assigned to it who declared a conflict of interest
    "fun",  # funder (acts for the fund's funder organisation)
    "adm",  # administrator (staff, superuser, with TOTP)
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    users: dict[str, User]
    tokens: dict[str, str]  # role -> raw API token (read and write scopes)
    sessions: dict[str, str] = field(default_factory=dict)  # role -> session key
    objects: dict[str, Any] = field(default_factory=dict)
    # What a role sees under a name instead of the shared object (its own assignment).
    own_objects: dict[str, dict[str, Any]] = field(default_factory=dict)

    def object(self, role: str, name: str) -> Any:
        return self.own_objects.get(role, {}).get(name, self.objects[name])

    def hidden_text(self, name: str, attribute: str) -> bytes:
        """The text to look for in answers, lower-case (HTML escapes none of these)."""
        value: Any = self.objects[name]
        for part in attribute.split("."):
            value = getattr(value, part)
        return str(value).lower().encode()


def _org(n: int, name: str, **extra) -> Organisation:
    from insieme.network.tests.factories import partita_iva

    return Organisation.objects.create(fiscal_code=partita_iva(9000 + n), name=name, **extra)


def build() -> World:
    today = timezone.localdate()
    users = {
        "app": make_user("richiedente@matrice.example", Role.APPLICANT),
        "app2": make_user("altro.richiedente@matrice.example", Role.APPLICANT),
        "par": make_user("partner@matrice.example", Role.PARTNER),
        "par2": make_user("altro.partner@matrice.example", Role.PARTNER),
        "op": make_user("operatore@matrice.example", Role.OPERATOR),
        "coa": make_user("coach@matrice.example", Role.COACH),
        "coa2": make_user("altro.coach@matrice.example", Role.COACH),
        "ev": make_user("valutatore@matrice.example", Role.EVALUATOR),
        "evc": make_user("valutatore.conflitto@matrice.example", Role.EVALUATOR),
        "fun": make_user("finanziatore@matrice.example", Role.FUNDER),
        "adm": make_user("admin@matrice.example", Role.ADMIN, is_staff=True, is_superuser=True),
    }
    tokens = {}
    for role, user in users.items():
        _token, raw = create_token(user=user, name="matrice", scopes=["read", "write"], by=user)
        tokens[role] = raw
    op = users["op"]

    # Network: the partner's organisation, another partner's, the funder's.
    partner_org = _org(1, "Cooperativa Matrice", is_partner=True, is_employer=True)
    other_org = _org(2, "Impresa Altrove", is_partner=True, is_employer=True)
    funder_org = _org(3, "Fondazione Matrice", is_funder=True)
    OrganisationMember.objects.create(organisation=partner_org, user=users["par"])
    OrganisationMember.objects.create(organisation=other_org, user=users["par2"])
    OrganisationMember.objects.create(organisation=funder_org, user=users["fun"])
    member = OrganisationMember.objects.get(organisation=partner_org)
    contact = ContactPerson.objects.create(organisation=partner_org, name="Rita Referente")
    agreement = Agreement.objects.create(
        organisation=partner_org, title="Convenzione tirocini", starts_on=today
    )

    # A person in the employment services, referred to the partner's vacancy with CV consent.
    person = employment.person("Malvezzi", "Giulia")
    person.account = users["app"]  # linked by an operator: the applicant's own record
    person.save()
    registration = employment.registration(person)
    consent = Consent.objects.get(person=person)
    document = Document(
        person=person,
        kind="cv",
        original_name="cv.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    document.file.save("cv.pdf", ContentFile(PDF), save=True)
    interview = Interview.objects.create(code="COL-M1", person=person, date=today, operator=op)
    slot = Slot.objects.create(
        operator=op,
        date=today + datetime.timedelta(days=7),
        time=datetime.time(10, 0),
        place="Sportello",
    )
    calendar_feed = CalendarFeed.objects.create(user=op, token="matrice-token-segreto")
    goal = Goal.objects.create(person=person, title="Trovare lavoro in cucina")
    action = Action.objects.create(goal=goal, description="Preparare il CV", owner=op)
    service = Service.objects.create(kind="formazione", title="Corso HACCP", provider=partner_org)
    enrolment = Enrolment.objects.create(service=service, person=person, enrolled_on=today)
    vacancy = employment.vacancy(partner_org)
    employment.vacancy(other_org, title="Magazziniere")
    referral = Referral.objects.create(
        vacancy=vacancy, person=person, proposed_on=today, proposed_by=op
    )
    placement = Placement.objects.create(
        code="INS-M1",
        person=person,
        employer=partner_org,
        contract_type=ContractType.objects.get(code="determinato"),
        start_date=today - datetime.timedelta(days=183),
    )
    # Due today: a follow-up is recorded from its due date less the tolerance, never before.
    follow_up = FollowUp.objects.create(placement=placement, months=6, due_on=today)

    # Calls: a published call with the applicant's submitted application under evaluation,
    # and a draft of theirs; another applicant's application in the same call.
    call = calls.make_call("MAT-2026")
    application = calls.eligible(call, users["app"], op, title="Orto dei Girasoli")
    draft = calls.start(call, users["app"], title="Bozza di progetto")
    other_application = calls.submitted(
        call, users["app2"], organisation=True, title="Altro progetto"
    )
    section = FormSection.objects.get(call=call)
    question = Question.objects.filter(section=section).first()
    file_question = Question.objects.get(section=section, kind=QuestionKind.FILE)
    attachment = Attachment.objects.filter(application=application).first()
    info_request = InformationRequest.objects.create(
        application=application,
        message="Manca il preventivo",
        reply_by=timezone.now() + datetime.timedelta(days=10),
        created_by=op,
    )
    answered_request = InformationRequest.objects.create(
        application=application,
        message="Manca la visura",
        reply_by=timezone.now() + datetime.timedelta(days=10),
        reply="In allegato",
        replied_at=timezone.now(),
        reply_file_name="visura.pdf",
        reply_file_type="application/pdf",
        reply_file_size=len(PDF),
        created_by=op,
    )
    answered_request.reply_file.save("visura.pdf", ContentFile(PDF), save=True)
    assignment = Assignment.objects.create(
        application=application,
        evaluator=users["ev"],
        declaration=Declaration.NO_CONFLICT,
        declared_at=timezone.now(),
        assigned_by=op,
    )
    conflicted = Assignment.objects.create(
        application=application,
        evaluator=users["evc"],
        declaration=Declaration.CONFLICT,
        declared_at=timezone.now(),
        conflict_note="Socio dell'associazione",
        assigned_by=op,
    )
    Assignment.objects.create(application=other_application, evaluator=users["ev"], assigned_by=op)

    # Projects: the applicant's admitted project, coached by "coa"; another coached by "coa2".
    from insieme.projects.tests import factories as projects

    project = projects.project("Forno di quartiere", coaches=[users["coa"]], applicant=person)
    project.application.owner = users["app"]
    project.application.call = call
    project.application.status = ApplicationStatus.ACCOMPANIED
    project.application.save()
    other_project = projects.project("Ciclofficina", coaches=[users["coa2"]])
    other_project.application.owner = users["app2"]
    other_project.application.save()
    milestone = Milestone.objects.create(
        project=project, title="Apertura", due_on=today + datetime.timedelta(days=30)
    )
    session = CoachingSession.objects.create(
        project=project, coach=users["coa"], date=today, hours=Decimal(2), topics="Piano"
    )
    team_member = TeamMember.objects.create(project=project, person=person, role="Fornaia")
    survival = SurvivalFollowUp.objects.create(
        project=project, months=12, due_on=today + datetime.timedelta(days=365)
    )
    event = Event.objects.create(kind="formazione", title="Bilancio", date=today, hours=3)
    participation = Participation.objects.create(
        event=event, person=person, project=project, hours=3
    )

    # Grants: the funder's fund pays a grant to the project in two tranches.
    fund = Fund.objects.create(funder=funder_org, name="Fondo Matrice", budget=Decimal(50000))
    grant = Grant.objects.create(
        code="CON-M1",
        application=project.application,
        funder=funder_org,
        fund=fund,
        amount_awarded=Decimal(10000),
        awarded_on=today,
        awarded_by=op,
    )
    tranche = Tranche.objects.create(grant=grant, position=1, percentage=Decimal(50))
    disbursement = grant.disbursements.create(code="ERO-M1", paid_on=today, amount=Decimal(1000))
    expense = ExpenseItem(
        grant=grant,
        supplier="Forniture Srl",
        invoice_number="12/2026",
        invoice_date=today,
        description="Forno",
        category="attrezzature",
        amount=Decimal(800),
    )
    expense.attachment.save("fattura.pdf", ContentFile(PDF), save=True)
    final_report = FinalReport(grant=grant, summary="Forno aperto", submitted_by=users["app"])
    final_report.document.save("relazione.pdf", ContentFile(PDF), save=True)
    microcredit = Microcredit.objects.create(
        application=project.application,
        lender=funder_org,
        amount=Decimal(5000),
        term_months=36,
        requested_on=today,
    )

    workbook = WorkbookImport.objects.create(
        file_name="programma.xlsx", content=b"PK", size=2, uploaded_by=users["adm"]
    )
    endpoint = WebhookEndpoint.objects.create(name="Gestionale", url="https://hook.example/x")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="placement.recorded", payload={}
    )
    from allauth.mfa.models import Authenticator
    from auditlog.models import LogEntry
    from django.contrib.auth.models import Group

    world = World(users=users, tokens=tokens)
    world.objects.update(
        user=users["app2"],
        person=person,
        registration=registration,
        consent=consent,
        document=document,
        interview=interview,
        slot=slot,
        calendar_feed=calendar_feed,
        goal=goal,
        action=action,
        service=service,
        enrolment=enrolment,
        vacancy=vacancy,
        referral=referral,
        placement=placement,
        follow_up=follow_up,
        organisation=partner_org,
        funder_org=funder_org,
        member=member,
        contact=contact,
        agreement=agreement,
        call=call,
        application=application,
        draft=draft,
        section=section,
        question=question,
        file_question=file_question,
        attachment=attachment,
        info_request=info_request,
        answered_request=answered_request,
        assignment=assignment,
        project=project,
        milestone=milestone,
        session=session,
        survival=survival,
        event=event,
        participation=participation,
        team_member=team_member,
        final_report=final_report,
        fund=fund,
        grant=grant,
        tranche=tranche,
        disbursement=disbursement,
        expense=expense,
        microcredit=microcredit,
        workbook=workbook,
        api_token=users["app"].api_tokens.get(),
        notice=Notice.objects.create(
            recipient=users["app"],
            event="application.outcome_decided",
            kind=Kind.APPLICATIONS,
            text="È disponibile l'esito della candidatura.",
            url="/candidature/",
        ),
        endpoint=endpoint,
        delivery=delivery,
        group=Group.objects.get(name=Role.OPERATOR.value),
        email_address=EmailAddress.objects.get(user=users["app2"]),
        authenticator=Authenticator.objects.filter(user=users["op"]).first(),
        log_entry=LogEntry.objects.first(),
        # Tests run tasks at once (no rows): the admin pages meet an id that is not there.
        task_result=SimpleNamespace(pk="00000000-0000-0000-0000-000000000000"),
        content_type=ContentType.objects.get_for_model(Organisation),
    )
    # The conflicted evaluator reaches the application through its own assignment.
    world.own_objects["evc"] = {"assignment": conflicted}
    return world

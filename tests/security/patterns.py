"""Every URL pattern of the project, and the address the matrix asks for each one."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

# The keyword arguments of each pattern: a name in World.objects (its pk is used) or "=literal".
KWARGS: dict[str, dict[str, str]] = {
    "account_confirm_email": {"key": "=chiave-inesistente"},
    "account_reset_password_from_key": {"uidb36": "=zz", "key": "=chiave-inesistente"},
    "accounts:toggle_active": {"pk": "user"},
    "impact:records": {"key": "=employment.placements"},
    "impact:report_table": {"fmt": "=csv"},
    "impact:import_detail": {"pk": "workbook"},
    "impact:import_confirm": {"pk": "workbook"},
    "people:detail": {"pk": "person"},
    "people:edit": {"pk": "person"},
    "people:consent_add": {"pk": "person"},
    "people:consent_withdraw": {"pk": "person", "consent_pk": "consent"},
    "people:document_upload": {"pk": "person"},
    "people:document_download": {"pk": "person", "document_pk": "document"},
    "people:document_delete": {"pk": "person", "document_pk": "document"},
    "people:special_category": {"pk": "person"},
    "people:access_export": {"pk": "person", "fmt": "=json"},
    "people:pseudonymise": {"pk": "person"},
    "people:merge": {"pk": "person"},
    "projects:detail": {"pk": "project"},
    "projects:coaches": {"pk": "project"},
    "projects:reporting_users": {"pk": "project"},
    "projects:team_add": {"pk": "project"},
    "projects:milestone_add": {"pk": "project"},
    "projects:milestone_status": {"pk": "milestone"},
    "projects:milestone_edit": {"pk": "milestone"},
    "projects:milestone_delete": {"pk": "milestone"},
    "projects:session_add": {"pk": "project"},
    "projects:session_edit": {"pk": "session"},
    "projects:session_delete": {"pk": "session"},
    "projects:status": {"pk": "project"},
    "projects:follow_up": {"pk": "survival"},
    "projects:event_detail": {"pk": "event"},
    "projects:participant_add": {"pk": "event"},
    "projects:attendance": {"pk": "participation"},
    "grants:fund_detail": {"pk": "fund"},
    "grants:award": {"project_pk": "project"},
    "grants:microcredit_add": {"project_pk": "project"},
    "grants:microcredit_move": {"pk": "microcredit"},
    "grants:grant_detail": {"pk": "grant"},
    "grants:expense_add": {"pk": "grant"},
    "grants:revoke": {"pk": "grant"},
    "grants:expense_attachment": {"pk": "expense"},
    "grants:expense_review": {"pk": "expense"},
    "grants:tranche_pay": {"pk": "tranche"},
    "grants:de_minimis_undertaking": {"pk": "organisation"},
    "network:export": {"fmt": "=csv"},
    "network:detail": {"pk": "organisation"},
    "network:edit": {"pk": "organisation"},
    "network:contact_add": {"pk": "organisation"},
    "network:contact_edit": {"pk": "organisation", "contact_pk": "contact"},
    "network:contact_delete": {"pk": "organisation", "contact_pk": "contact"},
    "network:agreement_add": {"pk": "organisation"},
    "network:agreement_edit": {"pk": "organisation", "agreement_pk": "agreement"},
    "network:agreement_delete": {"pk": "organisation", "agreement_pk": "agreement"},
    "network:merge": {"pk": "organisation"},
    "network:pseudonymise": {"pk": "organisation"},
    "network:member_add": {"pk": "organisation"},
    "network:member_remove": {"pk": "organisation", "member_pk": "member"},
    "calls:public_detail": {"pk": "call"},
    "calls:apply": {"pk": "call"},
    "calls:manage": {"pk": "call"},
    "calls:manage_search": {"pk": "call"},
    "calls:edit": {"pk": "call"},
    "calls:publish": {"pk": "call"},
    "calls:form_builder": {"pk": "call"},
    "calls:section_add": {"pk": "call"},
    "calls:section_edit": {"pk": "call", "section_pk": "section"},
    "calls:question_add": {"pk": "call"},
    "calls:question_edit": {"pk": "call", "question_pk": "question"},
    "calls:question_delete": {"pk": "call", "question_pk": "question"},
    "calls:list_edit": {"pk": "call", "kind": "=faq"},
    "calls:review": {"pk": "application"},
    "calls:screen": {"pk": "application"},
    "calls:request_info": {"pk": "application"},
    "calls:application": {"pk": "draft"},
    "calls:autosave": {"pk": "draft"},
    "calls:attach": {"pk": "draft", "key": "file_question.key"},
    "calls:submit": {"pk": "draft"},
    "calls:withdraw": {"pk": "application"},
    "calls:reply": {"pk": "application", "request_pk": "info_request"},
    "calls:receipt": {"pk": "application"},
    "calls:attachment": {"pk": "attachment"},
    "calls:reply_file": {"pk": "answered_request"},
    "evaluations:assignment": {"pk": "assignment"},
    "evaluations:declare": {"pk": "assignment"},
    "evaluations:score": {"pk": "assignment"},
    "evaluations:attachment": {"pk": "assignment", "attachment_pk": "attachment"},
    "evaluations:assign": {"pk": "call"},
    "evaluations:ranking": {"pk": "call"},
    "evaluations:decide": {"pk": "call"},
    "evaluations:review_decision": {"pk": "call"},
    "evaluations:minutes": {"pk": "call"},
    "api:v1:get_call": {"call_id": "call"},
    "api:v1:get_application": {"application_id": "application"},
    "api:v1:submit_application": {"application_id": "draft"},
    "api:v1:withdraw_application": {"application_id": "application"},
    "api:v1:get_project": {"project_id": "project"},
    "api:v1:get_grant": {"grant_id": "grant"},
    "api:v1:get_disbursement": {"disbursement_id": "disbursement"},
    "api:v1:get_organisation": {"organisation_id": "organisation"},
    "api:v1:get_person": {"person_id": "person"},
    "api:v1:get_vacancy": {"vacancy_id": "vacancy"},
    "api:v1:get_referral": {"referral_id": "referral"},
    "api:v1:get_placement": {"placement_id": "placement"},
    "api:revoke": {"pk": "api_token"},
    "notices:mark_read": {"pk": "notice"},
    "employment:assign": {"pk": "registration"},
    "employment:contact": {"pk": "registration"},
    "employment:close_registration": {"pk": "registration"},
    "employment:person": {"pk": "person"},
    "employment:book_interview": {"pk": "person"},
    "employment:add_goal": {"pk": "person"},
    "employment:add_action": {"pk": "person"},
    "employment:enrol": {"pk": "person"},
    "placements:placement_new": {"pk": "person"},
    "employment:interview": {"pk": "interview"},
    "employment:interview_missed": {"pk": "interview"},
    "employment:interview_reschedule": {"pk": "interview"},
    "employment:interview_cancel": {"pk": "interview"},
    "employment:slot_withdraw": {"pk": "slot"},
    "employment:book_slot": {"pk": "slot"},
    "employment:cancel_own": {"pk": "interview"},
    "calendar:feed": {"token": "calendar_feed.token"},
    "employment:action_status": {"pk": "action"},
    "employment:service_detail": {"pk": "service"},
    "employment:attendance": {"pk": "enrolment"},
    "employment:attendance_session": {"pk": "enrolment"},
    "placements:follow_up": {"pk": "follow_up"},
    "employment:vacancy": {"pk": "vacancy"},
    "employment:vacancy_edit": {"pk": "vacancy"},
    "employment:refer": {"pk": "vacancy", "person_pk": "person"},
    "employment:referral_outcome": {"pk": "referral"},
    "employment:send_vacancy": {"pk": "vacancy", "person_pk": "person"},
    "people:my_consent_withdraw": {"consent_pk": "consent"},
    "people:my_data": {"fmt": "=json"},
    "people:account_link": {"pk": "person"},
    "people:account_unlink": {"pk": "person"},
    "projects:team_remove": {"pk": "team_member"},
    "projects:event_edit": {"pk": "event"},
    "projects:event_delete": {"pk": "event"},
    "projects:participant_remove": {"pk": "participation"},
    "grants:expense_edit": {"pk": "expense"},
    "grants:expense_delete": {"pk": "expense"},
    "grants:expense_reopen": {"pk": "expense"},
    "grants:final_report_add": {"pk": "grant"},
    "grants:final_report_document": {"pk": "final_report"},
    "grants:final_report_review": {"pk": "final_report"},
    "grants:disbursement_cancel": {"pk": "disbursement"},
    "grants:reduce_to_covered": {"pk": "grant"},
    "api:v1:pay_tranche": {"tranche_id": "tranche"},
    "api:v1:reduce_to_covered": {"grant_id": "grant"},
    "api:v1:call_requirements": {"call_id": "call"},
    "api:v1:screen_application": {"application_id": "application"},
    "api:v1:decide_call": {"call_id": "call"},
    "api:v1:review_decision": {"call_id": "call"},
    "api:v1:referral_outcome": {"referral_id": "referral"},
    "api:v1:record_follow_up": {"placement_id": "placement", "months": "=6"},
    "api:v1:update_vacancy": {"vacancy_id": "vacancy"},
    "api:v1:get_assignment": {"assignment_id": "assignment"},
    "api:v1:declare_interest": {"assignment_id": "assignment"},
    "api:v1:record_scores": {"assignment_id": "assignment"},
    "api:v1:get_registration": {"registration_id": "registration"},
    "api:v1:record_contact_attempt": {"registration_id": "registration"},
    "api:v1:get_interview": {"interview_id": "interview"},
    "api:v1:book_interview": {"person_id": "person"},
    "api:v1:close_registration": {"registration_id": "registration"},
    "api:v1:mark_interview_missed": {"interview_id": "interview"},
    "admin:app_list": {"app_label": "=network"},
    "admin:view_on_site": {"content_type_id": "content_type", "object_id": "organisation"},
    "admin:auth_user_password_change": {"id": "user"},
}

# A valid body for the API's writes, so that a POST reaches the permission check instead of
# stopping at the schema (an empty body is a 400 for everyone). "{name}" is an object's pk.
API_BODIES: dict[str, dict] = {
    "api:v1:screen_application": {"checks": []},
    "api:v1:decide_call": {"admitted": []},
    "api:v1:review_decision": {"admitted": [], "reason": "Ricorso"},
    "api:v1:referral_outcome": {"outcome": "non_scelta"},
    "api:v1:record_follow_up": {"still_employed": True},
    "api:v1:record_placement": {
        "person": "{person}",
        "employer": "{organisation}",
        "contract_type": "determinato",
        "start_date": "2026-01-12",
    },
    "api:v1:create_vacancy": {
        "organisation": "{organisation}",
        "title": "Cuoco",
        "comune": "037006",
        "contract_type": "determinato",
    },
    "api:v1:declare_interest": {"conflict": False},
    "api:v1:record_scores": {"scores": []},
    "api:v1:record_contact_attempt": {"outcome": "nessuna_risposta"},
    "api:v1:book_interview": {"date": "2099-01-05", "time": "10:30", "place": "Sportello"},
    "api:v1:close_registration": {"note": "Trasferita"},
    "api:v1:mark_interview_missed": {"status": "assente"},
    "api:v1:pay_tranche": {"paid_on": "2026-01-12"},
    "api:v1:reduce_to_covered": {"decided_on": "2026-01-12", "reason": "Spese non ammissibili"},
}
# Two patterns of the API share an address with a write: the body goes with the address.
API_BODIES["api:v1:list_placements"] = API_BODIES["api:v1:record_placement"]
API_BODIES["api:v1:list_vacancies"] = API_BODIES["api:v1:create_vacancy"]

# The object an admin page of each model shows.
ADMIN_OBJECTS = {
    "auth_group": "group",
    "accounts_user": "user",
    "network_organisation": "organisation",
    "api_webhookendpoint": "endpoint",
    "api_webhookdelivery": "delivery",
    "api_apitoken": "api_token",
    "account_emailaddress": "email_address",
    "mfa_authenticator": "authenticator",
    "auditlog_logentry": "log_entry",
    "django_tasks_database_dbtaskresult": "task_result",
}
ADMIN_OBJECT_PAGE = re.compile(r"^admin:(?P<model>\w+)_(history|delete|change)$")
ADMIN_MODEL_ROUTE = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/$")


@dataclass(frozen=True)
class Pattern:
    key: str  # the URL name, or "/" + route for the few unnamed patterns
    route: str
    api: bool  # served by the token-authenticated API


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            name = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from _walk(entry, prefix + str(entry.pattern), name)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if entry.name:
                key = f"{namespace}:{entry.name}" if namespace else entry.name
            else:
                key = "/" + route
            yield Pattern(key=key, route=route, api=key.startswith("api:v1:"))


def all_patterns() -> list[Pattern]:
    return list(_walk(get_resolver()))


def kwargs_for(pattern: Pattern) -> dict[str, str]:
    spec = KWARGS.get(pattern.key)
    if spec is None:
        match = ADMIN_OBJECT_PAGE.match(pattern.key)
        if match and match["model"] in ADMIN_OBJECTS:
            spec = {"object_id": ADMIN_OBJECTS[match["model"]]}
    return spec or {}


def resolve_value(world, role: str, spec: str) -> str:
    if spec.startswith("="):
        return spec[1:]
    name, _dot, attribute = spec.partition(".")
    obj = world.object(role, name)
    return str(getattr(obj, attribute) if attribute else obj.pk)


def api_body(world, role: str, pattern: Pattern) -> dict:
    body = {}
    for field, value in API_BODIES.get(pattern.key, {}).items():
        if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
            value = world.object(role, value[1:-1]).pk
        body[field] = value
    return body


def url_for(world, role: str, pattern: Pattern) -> str:
    kwargs = {k: resolve_value(world, role, v) for k, v in kwargs_for(pattern).items()}
    if not pattern.key.startswith("/"):
        return reverse(pattern.key, kwargs=kwargs)
    if pattern.route == "admin/(?P<url>.*)$":
        return "/admin/pagina-inesistente/"
    match = ADMIN_MODEL_ROUTE.match(pattern.route)
    assert match, f"no address for the unnamed pattern {pattern.route}"
    obj = world.object(role, ADMIN_OBJECTS[f"{match['app']}_{match['model']}"])
    return f"/admin/{match['app']}/{match['model']}/{obj.pk}/"

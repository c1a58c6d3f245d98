from django.urls import path

from insieme.grants import views

app_name = "grants"
urlpatterns = [
    path("", views.fund_list, name="fund_list"),
    path("nuovo/", views.fund_create, name="fund_create"),
    path("finanziatore/", views.funder_ledger, name="funder_ledger"),
    path("<int:pk>/", views.fund_detail, name="fund_detail"),
    path("progetti/<int:project_pk>/contributo/", views.award, name="award"),
    path("progetti/<int:project_pk>/microcredito/", views.microcredit_add, name="microcredit_add"),
    path("microcrediti/<int:pk>/stato/", views.microcredit_move, name="microcredit_move"),
    path("contributi/", views.my_grants, name="my_grants"),
    path("contributi/<int:pk>/", views.grant_detail, name="grant_detail"),
    path("contributi/<int:pk>/spese/", views.expense_add, name="expense_add"),
    path("contributi/<int:pk>/revoca/", views.grant_revoke, name="revoke"),
    path(
        "contributi/<int:pk>/riduzione-spese/",
        views.reduce_to_covered,
        name="reduce_to_covered",
    ),
    path("spese/<int:pk>/allegato/", views.expense_attachment, name="expense_attachment"),
    path("spese/<int:pk>/esame/", views.expense_review, name="expense_review"),
    path("spese/<int:pk>/modifica/", views.expense_edit, name="expense_edit"),
    path("spese/<int:pk>/ritira/", views.expense_delete, name="expense_delete"),
    path("spese/<int:pk>/riapri/", views.expense_reopen, name="expense_reopen"),
    path("contributi/<int:pk>/relazione/", views.final_report_add, name="final_report_add"),
    path(
        "relazioni/<int:pk>/documento/", views.final_report_document, name="final_report_document"
    ),
    path("relazioni/<int:pk>/esame/", views.final_report_review, name="final_report_review"),
    path("rate/<int:pk>/eroga/", views.tranche_pay, name="tranche_pay"),
    path("erogazioni/<int:pk>/annulla/", views.disbursement_cancel, name="disbursement_cancel"),
    path("de-minimis/", views.de_minimis_register, name="de_minimis"),
    path("de-minimis/<int:pk>/", views.de_minimis_undertaking, name="de_minimis_undertaking"),
]

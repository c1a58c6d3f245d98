from django.urls import path

from insieme.calls import views

app_name = "calls"

urlpatterns = [
    path("bandi/", views.public_list, name="public_list"),
    path("bandi/<int:pk>/", views.public_detail, name="public_detail"),
    path("bandi/<int:pk>/candidati/", views.apply, name="apply"),
    path("bandi/gestione/", views.manage_list, name="manage_list"),
    path("bandi/gestione/nuovo/", views.call_create, name="create"),
    path("bandi/gestione/<int:pk>/", views.call_manage, name="manage"),
    path(
        "bandi/gestione/<int:pk>/candidature/cerca/",
        views.call_manage_search,
        name="manage_search",
    ),
    path("bandi/gestione/<int:pk>/modifica/", views.call_edit, name="edit"),
    path("bandi/gestione/<int:pk>/pubblica/", views.call_publish, name="publish"),
    path("bandi/gestione/<int:pk>/modulo/", views.form_builder, name="form_builder"),
    path("bandi/gestione/<int:pk>/modulo/sezioni/", views.section_add, name="section_add"),
    path(
        "bandi/gestione/<int:pk>/modulo/sezioni/<int:section_pk>/",
        views.section_edit,
        name="section_edit",
    ),
    path("bandi/gestione/<int:pk>/modulo/domande/", views.question_edit, name="question_add"),
    path(
        "bandi/gestione/<int:pk>/modulo/domande/<int:question_pk>/",
        views.question_edit,
        name="question_edit",
    ),
    path(
        "bandi/gestione/<int:pk>/modulo/domande/<int:question_pk>/elimina/",
        views.question_delete,
        name="question_delete",
    ),
    path("bandi/gestione/<int:pk>/<slug:kind>/", views.call_list_edit, name="list_edit"),
    path("bandi/candidature/<int:pk>/", views.application_review, name="review"),
    path("bandi/candidature/<int:pk>/istruttoria/", views.application_screen, name="screen"),
    path(
        "bandi/candidature/<int:pk>/richiesta/",
        views.application_request_info,
        name="request_info",
    ),
    path("candidature/", views.my_applications, name="my_applications"),
    path("candidature/<int:pk>/", views.application_detail, name="application"),
    path("candidature/<int:pk>/salva/", views.autosave, name="autosave"),
    path("candidature/<int:pk>/allegati/<slug:key>/", views.attach, name="attach"),
    path("candidature/<int:pk>/invia/", views.submit, name="submit"),
    path("candidature/<int:pk>/ritira/", views.withdraw, name="withdraw"),
    path("candidature/<int:pk>/richieste/<int:request_pk>/", views.reply, name="reply"),
    path("candidature/<int:pk>/ricevuta.pdf", views.receipt_pdf, name="receipt"),
    path("candidature/allegati/<int:pk>/", views.attachment_download, name="attachment"),
    path("candidature/risposte/<int:pk>/file/", views.reply_file, name="reply_file"),
]

from django.urls import path

from insieme.employment import views

app_name = "employment"
urlpatterns = [
    path("lavoro/iscrizione/", views.signup, name="signup"),
    path("lavoro/iscrizione/fatto/", views.signup_done, name="signup_done"),
    path("attesa/", views.queue, name="queue"),
    path("attesa/<int:pk>/assegna/", views.assign, name="assign"),
    path("attesa/<int:pk>/contatto/", views.contact, name="contact"),
    path("attesa/<int:pk>/chiudi/", views.close_registration, name="close_registration"),
    path("lavoro/promemoria/", views.reminders, name="reminders"),
    path("lavoro/agenda/", views.agenda, name="agenda"),
    path("lavoro/persone/", views.caseload, name="caseload"),
    path("lavoro/persone/<int:pk>/", views.person, name="person"),
    path("lavoro/persone/<int:pk>/colloquio/", views.book_interview, name="book_interview"),
    path("lavoro/persone/<int:pk>/obiettivi/", views.add_goal, name="add_goal"),
    path("lavoro/persone/<int:pk>/azioni/", views.add_action, name="add_action"),
    path("lavoro/persone/<int:pk>/servizi/", views.enrol, name="enrol"),
    path("lavoro/colloqui/<int:pk>/", views.interview, name="interview"),
    path("lavoro/colloqui/<int:pk>/mancato/", views.interview_missed, name="interview_missed"),
    path(
        "lavoro/colloqui/<int:pk>/sposta/", views.interview_reschedule, name="interview_reschedule"
    ),
    path("lavoro/colloqui/<int:pk>/annulla/", views.interview_cancel, name="interview_cancel"),
    path("lavoro/disponibilita/", views.slot_list, name="slots"),
    path("lavoro/disponibilita/<int:pk>/ritira/", views.slot_withdraw, name="slot_withdraw"),
    path("persone/mio-profilo/appuntamenti/", views.my_appointments, name="my_appointments"),
    path("persone/mio-profilo/appuntamenti/<int:pk>/prenota/", views.book_slot, name="book_slot"),
    path(
        "persone/mio-profilo/appuntamenti/colloqui/<int:pk>/annulla/",
        views.cancel_own,
        name="cancel_own",
    ),
    path("lavoro/azioni/<int:pk>/stato/", views.action_status, name="action_status"),
    path("lavoro/servizi/", views.service_list, name="service_list"),
    path("lavoro/servizi/<int:pk>/", views.service_detail, name="service_detail"),
    path("lavoro/frequenze/<int:pk>/", views.attendance, name="attendance"),
    path(
        "lavoro/frequenze/<int:pk>/presenze/", views.attendance_session, name="attendance_session"
    ),
    path("offerte/", views.vacancy_list, name="vacancy_list"),
    path("offerte/nuova/", views.vacancy_edit, name="vacancy_new"),
    path("offerte/<int:pk>/", views.vacancy, name="vacancy"),
    path("offerte/<int:pk>/modifica/", views.vacancy_edit, name="vacancy_edit"),
    path("offerte/<int:pk>/proponi/<int:person_pk>/", views.refer, name="refer"),
    path("offerte/<int:pk>/invia/<int:person_pk>/", views.send_vacancy, name="send_vacancy"),
    path("offerte/segnalazioni/<int:pk>/esito/", views.referral_outcome, name="referral_outcome"),
    path("offerte/rifiuti/", views.refusal_report, name="refusals"),
]

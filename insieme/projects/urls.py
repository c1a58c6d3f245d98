from django.urls import path

from insieme.projects import calendar_views, committee_views, views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("attivita/", views.tasks, name="tasks"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/coach/", views.project_coaches, name="coaches"),
    path("<int:pk>/account/", views.project_reporting_users, name="reporting_users"),
    path("<int:pk>/squadra/", views.team_add, name="team_add"),
    path("squadra/<int:pk>/rimuovi/", views.team_remove, name="team_remove"),
    path("<int:pk>/tappe/", views.milestone_add, name="milestone_add"),
    path("tappe/<int:pk>/stato/", views.milestone_status, name="milestone_status"),
    path("tappe/<int:pk>/modifica/", views.milestone_edit, name="milestone_edit"),
    path("tappe/<int:pk>/elimina/", views.milestone_delete, name="milestone_delete"),
    path("<int:pk>/sessioni/", views.session_add, name="session_add"),
    path("sessioni/<int:pk>/modifica/", views.session_edit, name="session_edit"),
    path("sessioni/<int:pk>/elimina/", views.session_delete, name="session_delete"),
    path("<int:pk>/stato/", views.project_status, name="status"),
    path("follow-up/<int:pk>/", views.follow_up_record, name="follow_up"),
    path("calendario/", views.event_list, name="event_list"),
    path("calendario/nuovo/", views.event_create, name="event_create"),
    path("calendario/<int:pk>/", views.event_detail, name="event_detail"),
    path("calendario/<int:pk>/modifica/", views.event_edit, name="event_edit"),
    path("calendario/<int:pk>/elimina/", views.event_delete, name="event_delete"),
    path("calendario/<int:pk>/partecipanti/", views.participant_add, name="participant_add"),
    path("partecipazioni/<int:pk>/rimuovi/", views.participant_remove, name="participant_remove"),
    path("partecipazioni/<int:pk>/presenza/", views.attendance, name="attendance"),
]

# Added to the evaluations namespace by config/urls.py, under valutazioni/.
committee_urlpatterns = [
    path("bandi/<int:pk>/decisione/", committee_views.call_decide, name="decide"),
    path("bandi/<int:pk>/riesame/", committee_views.call_review_decision, name="review_decision"),
]

# The staff's week and calendar feed, at the site's root (config/urls.py).
calendar_urlpatterns = [
    path("lavoro/calendario/", calendar_views.week, name="week"),
    path("lavoro/calendario/indirizzo/", calendar_views.feed_token, name="feed_token"),
    path("calendario/<str:token>.ics", calendar_views.feed, name="feed"),
]

from django.urls import path

from insieme.evaluations import views

app_name = "evaluations"

# The committee's decision ("decide", bandi/<pk>/decisione/) opens projects: its view is
# insieme.projects.views.call_decide, added to this namespace by config/urls.py (projects sit
# above evaluations, which do not import them).

urlpatterns = [
    path("", views.my_assignments, name="mine"),
    path("esporta.csv", views.export_csv, name="export"),
    path("<int:pk>/", views.assignment_detail, name="assignment"),
    path("<int:pk>/dichiarazione/", views.declare, name="declare"),
    path("<int:pk>/punteggi/", views.score, name="score"),
    path(
        "<int:pk>/allegati/<int:attachment_pk>/",
        views.assignment_attachment,
        name="attachment",
    ),
    path("bandi/<int:pk>/assegnazioni/", views.call_assign, name="assign"),
    path("bandi/<int:pk>/graduatoria/", views.call_ranking, name="ranking"),
    path("bandi/<int:pk>/verbale.pdf", views.minutes_pdf, name="minutes"),
]

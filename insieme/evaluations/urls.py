from django.urls import path

from insieme.evaluations import views

app_name = "evaluations"

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
    path("bandi/<int:pk>/decisione/", views.call_decide, name="decide"),
    path("bandi/<int:pk>/verbale.pdf", views.minutes_pdf, name="minutes"),
]

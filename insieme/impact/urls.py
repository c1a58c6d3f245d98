from django.urls import path

from insieme.impact import views

app_name = "impact"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("pubblico/", views.public_dashboard, name="public"),
    path("dati/<str:key>/", views.record_list, name="records"),
    path("rapporto.pdf", views.report_pdf, name="report_pdf"),
    path("rapporto.<str:fmt>", views.report_table, name="report_table"),
]

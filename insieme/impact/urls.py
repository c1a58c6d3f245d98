from django.urls import path

from insieme.impact import views

app_name = "impact"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("pubblico/", views.public_dashboard, name="public"),
    path("dati/<str:key>/", views.record_list, name="records"),
    path("rapporto.pdf", views.report_pdf, name="report_pdf"),
    path("rapporto.<str:fmt>", views.report_table, name="report_table"),
    path("importa/", views.import_upload, name="import_upload"),
    path("importa/<int:pk>/", views.import_detail, name="import_detail"),
    path("importa/<int:pk>/conferma/", views.import_confirm, name="import_confirm"),
]

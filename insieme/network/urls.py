from django.urls import path

from insieme.network import views

app_name = "network"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("cerca/", views.organisation_search, name="search"),
    path("esporta.<str:fmt>", views.organisation_export, name="export"),
    path("nuova/", views.organisation_create, name="create"),
    path("la-mia/", views.my_organisation, name="mine"),
    path("ateco/", views.ateco_options, name="ateco_options"),
    path("comuni/", views.comune_options, name="comune_options"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/modifica/", views.organisation_edit, name="edit"),
    path("<int:pk>/referenti/nuovo/", views.contact_add, name="contact_add"),
    path("<int:pk>/referenti/<int:contact_pk>/", views.contact_edit, name="contact_edit"),
    path(
        "<int:pk>/referenti/<int:contact_pk>/elimina/",
        views.contact_delete,
        name="contact_delete",
    ),
    path("<int:pk>/convenzioni/nuova/", views.agreement_add, name="agreement_add"),
    path("<int:pk>/convenzioni/<int:agreement_pk>/", views.agreement_edit, name="agreement_edit"),
    path(
        "<int:pk>/convenzioni/<int:agreement_pk>/elimina/",
        views.agreement_delete,
        name="agreement_delete",
    ),
    path("<int:pk>/unisci/", views.organisation_merge, name="merge"),
    path("<int:pk>/pseudonimizza/", views.organisation_pseudonymise, name="pseudonymise"),
    path("<int:pk>/utenti/", views.member_add, name="member_add"),
    path("<int:pk>/utenti/<int:member_pk>/elimina/", views.member_remove, name="member_remove"),
]

from django.urls import path

from insieme.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("cerca/", views.person_search, name="search"),
    path("esporta/", views.person_export, name="export"),
    path("nuova/", views.person_create, name="create"),
    path("comuni/", views.comune_options, name="comune_options"),
    path("verifica-codice/", views.check_code, name="check_code"),
    path(
        "permessi-dati-particolari/",
        views.special_category_access,
        name="special_category_access",
    ),
    path("newsletter/", views.newsletter_export, name="newsletter"),
    path("mio-profilo/", views.my_profile, name="mine"),
    path(
        "mio-profilo/consensi/<int:consent_pk>/revoca/",
        views.my_consent_withdraw,
        name="my_consent_withdraw",
    ),
    path("mio-profilo/dati.<str:fmt>", views.my_data, name="my_data"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/account/", views.account_link, name="account_link"),
    path("<int:pk>/account/scollega/", views.account_unlink, name="account_unlink"),
    path("<int:pk>/modifica/", views.person_edit, name="edit"),
    path("<int:pk>/consensi/", views.consent_add, name="consent_add"),
    path(
        "<int:pk>/consensi/<int:consent_pk>/revoca/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<int:pk>/documenti/", views.document_upload, name="document_upload"),
    path(
        "<int:pk>/documenti/<int:document_pk>/",
        views.document_download,
        name="document_download",
    ),
    path(
        "<int:pk>/documenti/<int:document_pk>/elimina/",
        views.document_delete,
        name="document_delete",
    ),
    path("<int:pk>/dati-particolari/", views.special_category, name="special_category"),
    path("<int:pk>/accesso.<str:fmt>", views.access_export, name="access_export"),
    path("<int:pk>/pseudonimizza/", views.pseudonymise, name="pseudonymise"),
    path("<int:pk>/unisci/", views.merge, name="merge"),
]

"""The English finder itself: it finds the slips the issue names and leaves Italian alone."""

import pytest
from django.utils import translation

from tests.i18n.english import find_english, visible_text


@pytest.fixture(autouse=True)
def italian():
    with translation.override("it"):
        yield


@pytest.mark.parametrize(
    "text",
    [
        "Section",  # a msgid of ours, shown untranslated
        "Fondazione Matrice — no fund",
        "CV, 45 bytes",
        "This password is too short.",  # a Django msgid
        "Salvato. Click here",  # common words
    ],
)
def test_it_finds_english(text):
    assert find_english([text])


@pytest.mark.parametrize(
    "text",
    [
        "Sezione",
        "Fondazione Matrice — senza fondo",
        "CV, 45 byte, 1,2 MB",
        "Bootstrap Italia, il design system della pubblica amministrazione",
        "Scrivi a operatore@matrice.example o vai su https://insieme.example/calls/",
        "Il partner carica il report in PDF: la password resta sua.",
    ],
)
def test_it_leaves_italian_alone(text):
    assert find_english([text]) == []


def test_it_reads_attributes_and_chart_labels_not_scripts_or_code():
    html = (
        '<p title="Save">Testo</p><button data-confirm="Delete this?">Elimina</button>'
        '<script>var status = "open";</script><code>page_size</code>'
        '<script type="application/json">{"id": "funds", "labels": ["Projects"]}</script>'
    )
    assert visible_text(html) == ["Save", "Testo", "Delete this?", "Elimina", "Projects"]


def test_a_stored_file_name_is_not_english():
    # An upload's random name ("…59be3487.pdf") once read as the English word "be".
    assert not find_english(["rendicontazione/1/202612/58d36d081b4ff13459be3487.pdf"])

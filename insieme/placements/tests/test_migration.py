"""The data step of the move: the content types (and so audit entries and permissions) follow."""

from importlib import import_module
from types import SimpleNamespace

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from insieme.employment.tests import factories
from insieme.placements.models import Placement

step = import_module("insieme.placements.migrations.0002_content_types")
editor = SimpleNamespace(connection=connection)


def test_content_types_move_with_their_history_and_back(operator, db):
    placement = factories.placement(factories.person(), by=operator)
    ct = ContentType.objects.get_for_model(Placement)
    entries = LogEntry.objects.filter(content_type=ct, object_pk=str(placement.pk)).count()
    assert entries
    # As an existing database has it before the move.
    ContentType.objects.filter(pk=ct.pk).update(app_label="employment")

    step.forwards(apps, editor)
    moved = ContentType.objects.get(pk=ct.pk)
    assert moved.app_label == "placements"
    assert (
        LogEntry.objects.filter(content_type=moved, object_pk=str(placement.pk)).count() == entries
    )
    assert Permission.objects.filter(content_type=moved, codename="add_placement").exists()

    step.backwards(apps, editor)
    assert ContentType.objects.get(pk=ct.pk).app_label == "employment"
    ContentType.objects.clear_cache()


def test_a_content_type_made_meanwhile_gives_way_to_the_one_with_history(db):
    ct = ContentType.objects.get_for_model(Placement)
    ContentType.objects.filter(pk=ct.pk).update(app_label="employment")
    fresh = ContentType.objects.create(app_label="placements", model="placement")

    step.forwards(apps, editor)
    assert not ContentType.objects.filter(pk=fresh.pk).exists()
    assert ContentType.objects.get(app_label="placements", model="placement").pk == ct.pk
    ContentType.objects.clear_cache()

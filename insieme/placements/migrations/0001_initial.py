"""Placements and follow-ups move here from the employment app, in Django's state only: their tables
keep their names (employment_placement, employment_followup), so their rows, indexes, constraints
and the triggers that name the tables stay as they are."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("calls", "0002_application_answers_application_outcome_reason_and_more"),
        ("core", "0003_table_versions"),
        ("employment", "0008_placements_move_to_their_app"),
        ("network", "0004_organisation_pseudonymised_at"),
        ("people", "0003_person_account"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Placement",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("code", models.CharField(max_length=40, unique=True, verbose_name="code")),
                        ("start_date", models.DateField(verbose_name="start")),
                        ("end_date", models.DateField(blank=True, null=True, verbose_name="end")),
                        (
                            "weekly_hours",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                max_digits=5,
                                null=True,
                                verbose_name="weekly hours",
                            ),
                        ),
                        (
                            "is_extension",
                            models.BooleanField(
                                default=False, verbose_name="extension of a previous contract"
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created"),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                        (
                            "host_tutor",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="host organisation tutor"
                            ),
                        ),
                        (
                            "monthly_stipend",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                max_digits=8,
                                null=True,
                                verbose_name="monthly stipend (€)",
                            ),
                        ),
                        (
                            "application",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="placements",
                                to="calls.application",
                                verbose_name="project that created the job",
                            ),
                        ),
                        (
                            "contract_type",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                to="core.contracttype",
                                verbose_name="contract type",
                            ),
                        ),
                        (
                            "employer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="placements",
                                to="network.organisation",
                                verbose_name="employer",
                            ),
                        ),
                        (
                            "extends",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="extensions",
                                to="placements.placement",
                                verbose_name="contract extended",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="placements",
                                to="people.person",
                                verbose_name="person",
                            ),
                        ),
                        (
                            "programme_tutor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="programme tutor",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="recorded by",
                            ),
                        ),
                        (
                            "referral",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="placement",
                                to="employment.referral",
                                verbose_name="referral",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "placement",
                        "verbose_name_plural": "placements",
                        "db_table": "employment_placement",
                        "ordering": ["-start_date"],
                    },
                ),
                migrations.CreateModel(
                    name="FollowUp",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "months",
                            models.PositiveSmallIntegerField(verbose_name="months after the start"),
                        ),
                        ("due_on", models.DateField(verbose_name="due on")),
                        (
                            "done_on",
                            models.DateField(blank=True, null=True, verbose_name="done on"),
                        ),
                        (
                            "still_employed",
                            models.BooleanField(null=True, verbose_name="still employed"),
                        ),
                        (
                            "same_contract",
                            models.BooleanField(null=True, verbose_name="same contract"),
                        ),
                        ("notes", models.TextField(blank=True, verbose_name="notes")),
                        (
                            "done_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="done by",
                            ),
                        ),
                        (
                            "placement",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="follow_ups",
                                to="placements.placement",
                                verbose_name="placement",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "follow-up",
                        "verbose_name_plural": "follow-ups",
                        "db_table": "employment_followup",
                        "ordering": ["due_on"],
                    },
                ),
                migrations.AddIndex(
                    model_name="placement",
                    index=models.Index(
                        fields=["person", "start_date"], name="employment__person__3fbd6f_idx"
                    ),
                ),
                migrations.AddIndex(
                    model_name="placement",
                    index=models.Index(
                        fields=["start_date", "code"], name="employment__start_d_a31dbe_idx"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="placement",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("end_date__isnull", True),
                            ("end_date__gte", models.F("start_date")),
                            _connector="OR",
                        ),
                        name="placement_ends_after_start",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="followup",
                    constraint=models.UniqueConstraint(
                        fields=("placement", "months"), name="one_follow_up_per_step"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]

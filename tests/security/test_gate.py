"""The one gate (insieme/core/rules.py): every transition walked for every role of the world,
and no status field changed anywhere but in the gate.

The walk puts the world's object of each workflow model in every state and asks the gate, for
each of the world's users, whether the transition is possible. Who is expected to pass is not
read from the code: it is the declared roles, and — where a transition names a relation — the
users the world built on the "own" side of its objects (the applicant who owns them, the partner
of the organisation, the assigned coach and evaluator, the fund's funder). The "other" users hold
the same roles with things of their own elsewhere.
"""

import ast
import pathlib

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from insieme.accounts.models import Role
from insieme.core import rules
from tests.security.world import ROLES, build

ROOT = pathlib.Path(__file__).resolve().parents[2]
ROLE_OF = {
    "anon": None,
    "app": Role.APPLICANT,
    "app2": Role.APPLICANT,
    "par": Role.PARTNER,
    "par2": Role.PARTNER,
    "op": Role.OPERATOR,
    "coa": Role.COACH,
    "coa2": Role.COACH,
    "ev": Role.EVALUATOR,
    "evc": Role.EVALUATOR,
    "fun": Role.FUNDER,
    "adm": Role.ADMIN,
}
# The users the world relates to the objects it names (see the module docstring).
OWN_SIDE = frozenset({"app", "par", "op", "coa", "ev", "fun", "adm"})


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media-gate")),
        transaction.atomic(),
    ):
        yield build()
        transaction.set_rollback(True)


def world_name(world, model) -> str:
    names = [name for name, obj in world.objects.items() if type(obj) is model]
    assert names, f"the world (tests/security/world.py) has no {model.__name__} to walk"
    return names[0]


def expected(role: str, transition: rules.Transition) -> bool:
    if ROLE_OF[role] not in transition.roles:
        return False
    return transition.who is None or role in OWN_SIDE


TRANSITIONS = sorted(
    (a for a in rules.ACTIONS.values() if isinstance(a, rules.Transition)), key=lambda a: a.name
)


def test_every_stateful_model_declares_its_workflow():
    declared = {w.model._meta.label for w in rules.WORKFLOWS}
    assert "calls.Application" in declared
    for workflow in rules.WORKFLOWS:
        assert workflow.transitions, workflow.model
        states = set(workflow.states)
        assert workflow.initial in states
        for transition in workflow.transitions:
            assert transition.sources <= states, transition.name
            assert transition.target in states, transition.name


@pytest.mark.django_db
@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: t.name)
def test_transition_walk(transition, world):
    assert transition.workflow is not None
    name = world_name(world, transition.workflow.model)
    field = transition.workflow.field
    users = {role: world.users.get(role, AnonymousUser()) for role in ROLES}
    # A state that follows from other fields (a property) is walked where the world leaves it.
    computed = transition.workflow.computed
    states = [None] if computed else transition.workflow.states
    for state in states:
        for role, user in users.items():
            obj = world.object(role, name)
            saved = getattr(obj, field)
            if not computed:
                setattr(obj, field, state)
            try:
                decision = rules.can(user, transition.name, obj)
            finally:
                if not computed:
                    setattr(obj, field, saved)
            state = saved if computed else state
            passes_who = decision.refusal is None or not decision.refusal.by_whom
            assert passes_who == expected(role, transition), (transition.name, state, role)
            if expected(role, transition) and state not in transition.sources:
                assert not decision, (transition.name, state, role)
                assert not decision.refusal.by_whom, (transition.name, state, role)
                if transition.name not in rules.STATE_REASONS:
                    assert decision.refusal.code == rules.STATE


# Status fields are written by core/rules.py alone: an assignment, update(), create() or
# defaults= naming one anywhere else in the app code fails here.
GATE = ROOT / "insieme" / "core" / "rules.py"
WRITERS = {"update", "create", "get_or_create", "update_or_create", "bulk_update"}


def app_modules():
    for path in sorted((ROOT / "insieme").rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts or path == GATE:
            continue
        yield path


def status_writes(path: pathlib.Path, fields: set[str]):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr in fields:
                yield node.lineno, f".{target.attr} ="
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called == "setattr" and len(node.args) > 1:
                arg = node.args[1]
                if isinstance(arg, ast.Constant) and arg.value in fields:
                    yield node.lineno, f"setattr(…, {arg.value!r})"
            if called in WRITERS:
                for keyword in node.keywords:
                    if keyword.arg in fields:
                        yield node.lineno, f"{called}({keyword.arg}=…)"
                    if keyword.arg == "defaults" and isinstance(keyword.value, ast.Dict):
                        for key in keyword.value.keys:
                            if isinstance(key, ast.Constant) and key.value in fields:
                                yield node.lineno, f"{called}(defaults={{{key.value!r}: …}})"


# Modules whose "status" is not a programme workflow: the HTTP status of an API error, a webhook
# delivery's attempts, an event delivery's bookkeeping, a workbook import's progress (technical
# jobs, moved by the machine, not by a person).
NOT_WORKFLOW = {
    "insieme/api/core.py",
    "insieme/api/webhooks.py",
    "insieme/api/admin.py",
    "insieme/core/events.py",
    "insieme/impact/imports.py",
    "insieme/impact/tasks.py",
    "insieme/impact/views.py",
}


def test_status_fields_change_only_through_the_gate():
    fields = {w.field for w in rules.WORKFLOWS} | {"status"}
    found = []
    for path in app_modules():
        relative = str(path.relative_to(ROOT))
        if relative in NOT_WORKFLOW:
            continue
        found.extend(f"{relative}:{line}: {what}" for line, what in status_writes(path, fields))
    assert not found, "status written outside the gate:\n" + "\n".join(found)


def test_the_scan_finds_a_status_written_by_hand(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text(
        "def f(a, qs, M):\n"
        "    a.status = 'x'\n"
        "    qs.update(status='y')\n"
        "    M.objects.get_or_create(pk=1, defaults={'status': 'z'})\n"
    )
    assert [line for line, _what in status_writes(module, {"status"})] == [2, 3, 4]

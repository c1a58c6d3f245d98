"""The one gate: every action of the programme, who may take it, and when.

Each app declares its actions in its own `rules.py` and registers them here when Django starts
(`register()`, called at import of that module, which the app's `AppConfig.ready` imports):

- an `Action` is something a user does to an object (read a CV, record a coaching session): the
  roles that may do it, the relation the user must have with the object (`who`: the owner, the
  assigned coach, the partner the person was referred to), and the guards on the object's state;
- a `Transition` is an action that moves a status field along a declared `Workflow`: from some
  states to one.

`can(user, name, obj)` answers with a `Decision` that carries the reason when the answer is no.
Services call `require()` (or `transition()`, the only way a status field changes); views ask
`can()` to decide what to offer, templates through `{% can %}` (core/templatetags/rules.py), the
API through `require()`. None of them restates a rule.

A refusal because of who acts (role, relation) is a `PermissionDenied` (403); a refusal because of
the object's state or a guard is a `ValidationError` with its code (the pages show the message,
the API answers 409).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# A relation or guard check: None when the user may go on, otherwise the refusal.
Check = Callable[[Any, Any], "Refusal | None"]

ROLE = "role"
RELATION = "relation"
STATE = "invalid_transition"


@dataclass(frozen=True)
class Refusal:
    """Why an action is not possible: a (lazy) message, its code and its parameters."""

    message: str | Promise
    code: str
    params: dict[str, Any] | None = None

    def __str__(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)

    @property
    def by_whom(self) -> bool:
        """True when the refusal is about who acts (403), not about the object's state (409)."""
        return self.code in (ROLE, RELATION)

    def error(self) -> Exception:
        if self.by_whom:
            return PermissionDenied(str(self))
        return ValidationError(self.message, code=self.code, params=self.params)  # type: ignore[arg-type]


def refuse(message: str | Promise, code: str, **params: Any) -> Refusal:
    return Refusal(message, code, params or None)


@dataclass(frozen=True)
class Decision:
    """The answer of the gate; true when the action is allowed."""

    refusal: Refusal | None = None

    def __bool__(self) -> bool:
        return self.refusal is None

    @property
    def reason(self) -> str:
        return "" if self.refusal is None else str(self.refusal)


ALLOWED = Decision()
NOT_YOUR_ROLE = Refusal(_("Your role does not allow this action."), ROLE)


@dataclass(frozen=True)
class Action:
    name: str
    roles: frozenset[str]
    label: str | Promise = ""
    # The relation the user must have with the object, after the role (a refusal says which).
    who: Check | None = None
    # Conditions on the object's state, checked in order after the role and the relation.
    guards: tuple[Check, ...] = ()


@dataclass(frozen=True)
class Transition(Action):
    """An action that moves `workflow.field` from one of `sources` to `target`."""

    sources: frozenset[str] = frozenset()
    target: str = ""
    workflow: Workflow | None = dataclasses.field(default=None, compare=False, repr=False)


@dataclass
class Workflow:
    """The states of one status field of one model, and the transitions between them.

    `field` is a model field that only `transition()` writes, or — where the state follows from
    other fields (a call is open between its dates, a grant is revoked when nothing is left) — a
    property; then `choices` lists the states and each transition's service writes those fields
    through `transition(..., **changes)`.
    """

    model: type[models.Model]
    field: str
    initial: str
    transitions: list[Transition] = dataclasses.field(default_factory=list)
    choices: type[models.TextChoices] | None = None

    def transition(
        self,
        name: str,
        sources: Iterable[str],
        target: str,
        roles: Iterable[str],
        *,
        label: str | Promise = "",
        who: Check | None = None,
        guards: Iterable[Check] = (),
    ) -> Transition:
        transition = Transition(
            name=name,
            roles=frozenset(roles),
            label=label,
            who=who,
            guards=tuple(guards),
            sources=frozenset(sources),
            target=target,
            workflow=self,
        )
        self.transitions.append(transition)
        return transition

    @property
    def computed(self) -> bool:
        return not any(f.name == self.field for f in self.model._meta.concrete_fields)

    @property
    def states(self) -> list[str]:
        if self.choices is not None:
            return list(self.choices.values)
        status = self.model._meta.get_field(self.field)
        return [value for value, _label in getattr(status, "choices", None) or []]

    def targets_from(self, state: str) -> set[str]:
        return {t.target for t in self.transitions if state in t.sources}


ACTIONS: dict[str, Action] = {}
WORKFLOWS: list[Workflow] = []
# A domain's own words for a transition refused because of the state ("already paid"), by name.
STATE_REASONS: dict[str, Callable[[Any], Refusal]] = {}


def register(*items: Action | Workflow) -> None:
    """Declare actions and workflows (their transitions included); each name once."""
    for item in items:
        if isinstance(item, Workflow):
            if item not in WORKFLOWS:
                WORKFLOWS.append(item)
            actions: Iterable[Action] = item.transitions
        else:
            actions = [item]
        for action in actions:
            if ACTIONS.get(action.name, action) is not action:
                raise ValueError(f"action {action.name!r} is declared twice")
            ACTIONS[action.name] = action


def explain_state(name: str, reason: Callable[[Any], Refusal]) -> None:
    """Say why transition `name` is refused in a state it does not leave (instead of the
    generic "not possible in the current state"); the refusal keeps a state code of its own."""
    STATE_REASONS[name] = reason


def action(name: str) -> Action:
    try:
        return ACTIONS[name]
    except KeyError:
        raise LookupError(f"no action {name!r} is declared in a rules.py") from None


def holds_role(user: Any, roles: Iterable[str]) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*roles)


def can(user: Any, name: str, obj: Any = None) -> Decision:
    """May `user` take action `name` on `obj` now? Role, then relation, then state and guards."""
    declared = action(name)
    if not holds_role(user, declared.roles):
        return Decision(NOT_YOUR_ROLE)
    if declared.who is not None and (refusal := declared.who(user, obj)) is not None:
        return Decision(Refusal(refusal.message, RELATION, refusal.params))
    if isinstance(declared, Transition) and declared.workflow is not None:
        current = getattr(obj, declared.workflow.field)
        if current not in declared.sources:
            if name in STATE_REASONS:
                return Decision(STATE_REASONS[name](obj))
            return Decision(
                refuse(
                    _("This action is not possible in the current state (%(state)s)."),
                    STATE,
                    state=_state_label(obj, declared.workflow),
                )
            )
    for guard in declared.guards:
        if (refusal := guard(user, obj)) is not None:
            return Decision(refusal)
    return ALLOWED


def _state_label(obj: Any, workflow: Workflow) -> str:
    value = getattr(obj, workflow.field)
    if workflow.choices is not None:
        return str(workflow.choices(value).label)
    display = getattr(obj, f"get_{workflow.field}_display", None)
    return str(display()) if display else str(value)


def require(user: Any, name: str, obj: Any = None) -> None:
    """Raise PermissionDenied (who) or ValidationError (state, guard) unless `can()` allows."""
    decision = can(user, name, obj)
    if decision.refusal is not None:
        raise decision.refusal.error()


def transition(obj: models.Model, name: str, *, by: Any, **changes: Any) -> models.Model:
    """Make transition `name` on `obj` as `by`, with the other field `changes` it brings.

    The caller is a service (`@service`): it provides the transaction and the audit.
    """
    declared = action(name)
    if not isinstance(declared, Transition) or declared.workflow is None:
        raise TypeError(f"{name!r} is not a transition")
    require(by, name, obj)
    before = getattr(obj, declared.workflow.field)
    fields = list(changes)
    if not declared.workflow.computed:
        fields.append(declared.workflow.field)
        setattr(obj, declared.workflow.field, declared.target)
    for attribute, value in changes.items():
        setattr(obj, attribute, value)
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        fields.append("updated_at")
    obj.save(update_fields=fields)
    _emit_transition(obj, declared, before, by)
    return obj


def _emit_transition(obj: models.Model, declared: Transition, before: Any, by: Any) -> None:
    """Every move along a workflow is an event named after its transition ("application.submit"),
    in the service's transaction: which object (model label, pk), from and to which state. No
    personal data: the subscribers read the object."""
    from insieme.core.events import emit

    emit(
        declared.name,
        {
            "object": {"model": obj._meta.label_lower, "id": obj.pk},
            "from": str(before) if before is not None else None,
            "to": str(declared.target),
        },
        obj=obj,
        actor=by if getattr(by, "pk", None) else None,
    )


def create(model: type[models.Model], *, by: Any, **values: Any):
    """Create a row of a workflow model in its initial state."""
    workflow = workflow_of(model)
    if not workflow.computed:
        values[workflow.field] = workflow.initial
    return model._default_manager.create(**values)


def workflow_of(model: type[models.Model]) -> Workflow:
    for workflow in WORKFLOWS:
        if workflow.model is model:
            return workflow
    raise LookupError(f"no workflow is declared for {model.__name__}")


def allowed_actions(user: Any, obj: Any, names: Iterable[str]) -> dict[str, Decision]:
    """Decisions for several actions on one object (a page's buttons)."""
    return {name: can(user, name, obj) for name in names}

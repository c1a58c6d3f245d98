"""The pages around the API: personal tokens, and the endpoint reference."""

import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from insieme.api import services
from insieme.api.forms import TokenForm
from insieme.api.models import ApiToken
from insieme.core import rules

METHODS = ("get", "post", "put", "patch", "delete")


def _require_role(user: Any) -> None:
    # The page of one's tokens opens to whoever may hold one (api/rules.py).
    if not rules.holds_role(user, rules.action("token.create").roles):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    _require_role(request.user)
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.create_token(
                user=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = TokenForm()
    context = {
        "form": form,
        "new_token": new_token,
        "tokens": ApiToken.objects.filter(user=request.user),
    }
    return render(request, "api/tokens.html", context)


@login_required
@require_POST
def revoke(request, pk: int):
    _require_role(request.user)
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    services.revoke_token(token, by=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    if request.htmx:
        return render(
            request,
            "api/tokens.html#token_rows",
            {"tokens": ApiToken.objects.filter(user=request.user)},
        )
    return redirect("api:tokens")


# The sections of the reference, by OpenAPI tag.
TAGS = {
    "account": gettext_lazy("Your token"),
    "figures": gettext_lazy("Figures"),
    "calls": gettext_lazy("Calls and applications"),
    "projects": gettext_lazy("Projects"),
    "grants": gettext_lazy("Grants and disbursements"),
    "organisations": gettext_lazy("Organisations"),
    "people": gettext_lazy("People"),
    "evaluations": gettext_lazy("Evaluations: the evaluators' assignments"),
    "employment": gettext_lazy(
        "Employment: waiting list, interviews, vacancies, referrals, placements"
    ),
}


def _translated(text: str) -> str:
    # The OpenAPI document is in English (its msgids); the page shows them in the user's language.
    return _(text) if text else ""


def _type(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " | ".join(_type(s) for s in schema["anyOf"] if s.get("type") != "null")
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"list[{_type(schema.get('items', {}))}]"
    return schema.get("format") or schema.get("type", "")


def _body(document: dict[str, Any], operation: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields of a JSON request body, with the schemas they refer to (one level down)."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return []
    schemas = document.get("components", {}).get("schemas", {})

    def fields(ref: str, prefix: str = "") -> list[dict[str, Any]]:
        schema = schemas.get(ref.rsplit("/", 1)[-1], {})
        required = set(schema.get("required", []))
        rows = []
        for name, prop in schema.get("properties", {}).items():
            rows.append(
                {
                    "name": prefix + name,
                    "type": _type(prop),
                    "required": name in required,
                    "description": _translated(prop.get("description", "")),
                }
            )
            nested = prop.get("items", {}).get("$ref")
            if nested:
                rows.extend(fields(nested, f"{prefix}{name}[]."))
        return rows

    return fields(content["schema"].get("$ref", ""))


@functools.cache
def endpoint_reference(language: str | None) -> list[dict[str, Any]]:
    """The endpoints, read from the same OpenAPI document that clients download.

    The document only changes with the code, so it is built once per process and language.
    """
    from config.api import api

    document = api.get_openapi_schema(path_prefix="/api/v1")
    groups: dict[str, list[dict[str, Any]]] = {}
    for url, operations in document["paths"].items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or ["api"])[0]
            groups.setdefault(tag, []).append(
                {
                    "method": method.upper(),
                    "url": url,
                    "summary": _translated(operation.get("summary", "")),
                    "description": _translated(operation.get("description", "")),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "type": _type(p.get("schema", {})),
                            "description": _translated(p.get("description", "")),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": _body(document, operation),
                    "responses": sorted(operation.get("responses", {})),
                    "anchor": operation["operationId"],
                }
            )
    return [
        {"tag": tag, "label": TAGS.get(tag, tag), "operations": ops} for tag, ops in groups.items()
    ]


@login_required
def documentation(request):
    return render(
        request,
        "api/docs.html",
        {
            "groups": endpoint_reference(get_language()),
            "base_url": request.build_absolute_uri("/api/v1/"),
        },
    )

"""What every endpoint shares: token authentication, scopes, rate limit, error bodies, ETags,
pagination. The endpoints themselves are thin layers over the apps' querysets and services."""

import hashlib
import math
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils import timezone, translation
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer
from ninja.throttling import AuthRateThrottle

from insieme.api.models import ApiToken, Scope, split_token
from insieme.api.services import may_hold_tokens
from insieme.core.clients import client_ip

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Refreshing `last_used_at` on every request would turn each read into a write.
LAST_USED_RESOLUTION = 60  # seconds
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50


class ApiError(Exception):
    """An error with its code and its message, in both languages, for the response body."""

    def __init__(
        self,
        status: int,
        code: str,
        message: Any,
        fields: dict[str, list[Any]] | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.params = params


class ErrorOut(Schema):
    code: str
    message: str
    message_en: str
    fields: dict[str, list[str]]


def _in(language: str, value: Any, params: dict[str, Any] | None = None) -> str:
    """`value` rendered in `language`. Messages are lazy where they are declared (gettext_lazy,
    or a `ValidationError` keeping its lazy message and its params), so rendering one in a
    language is activating it and calling str()."""
    if isinstance(value, DjangoValidationError) and not hasattr(value, "error_dict"):
        value, params = value.error_list[0].message, value.error_list[0].params
    with translation.override(language):
        text = str(value)
        return text % params if params else text


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    message: Any,
    fields: dict[str, list[Any]] | None = None,
    params: dict[str, Any] | None = None,
) -> HttpResponse:
    body = {
        "code": code,
        "message": _in("it", message, params),
        "message_en": _in("en", message, params),
        "fields": {name: [_in("it", m) for m in msgs] for name, msgs in (fields or {}).items()},
    }
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


# --- authentication -----------------------------------------------------------------------------


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ins_xxxxxxxx_...`: the token acts as its user."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        parts = split_token(token.strip())
        if parts is None:
            return None
        lookup, raw = parts
        found = ApiToken.objects.select_related("user").filter(lookup=lookup).first()
        if found is None or not found.matches(raw):
            return None
        if found.is_revoked:
            raise ApiError(401, "token_revoked", _("This API token has been revoked."))
        if found.is_expired:
            raise ApiError(401, "token_expired", _("This API token has expired."))
        if not may_hold_tokens(found.user):
            raise ApiError(
                401,
                "account_not_usable",
                _(
                    "The token's account is not active or has no two-factor authentication: "
                    "the token cannot be used."
                ),
            )
        needed = Scope.READ if request.method in SAFE_METHODS else Scope.WRITE
        if not found.allows(needed):
            raise ApiError(
                403,
                "scope_missing",
                _("This token does not have the %(scope)s scope."),
                params={"scope": needed},
            )
        now = timezone.now()
        if (
            found.last_used_at is None
            or (now - found.last_used_at).total_seconds() > LAST_USED_RESOLUTION
        ):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found


class TokenRateThrottle(AuthRateThrottle):
    """A budget of requests per token (in the database cache, shared by all app servers)."""

    scope = "token"

    def __init__(self) -> None:
        super().__init__(getattr(settings, "API_RATE_LIMIT", "600/m"))

    def get_cache_key(self, request: HttpRequest) -> str:
        token = getattr(request, "auth", None)
        ident = token.lookup if isinstance(token, ApiToken) else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def get_ident(self, request: HttpRequest) -> str:
        # Requests without a valid token are counted per client, as everywhere else.
        return client_ip(request)

    def allow_request(self, request: HttpRequest) -> bool:
        # The limit is read at each request so that a deployer (or a test) can change it.
        self.rate = getattr(settings, "API_RATE_LIMIT", "600/m")
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


def current_user(request: HttpRequest) -> Any:
    return request.auth.user  # type: ignore[attr-defined]


def require_role(user: Any, *roles: Any) -> None:
    """The check of the web view's `role_required(*roles)`: 403 for any other role."""
    if not user.has_role(*roles):
        raise ApiError(403, "forbidden", _("Your role does not allow this action."))


def invalid(fields: dict[str, list[Any]]) -> ApiError:
    return ApiError(422, "invalid", _("Some values are not valid: see the fields."), fields)


def cleaned(form: Any, names: dict[str, str] | None = None) -> dict[str, Any]:
    """The cleaned data of the web page's own form, or 422 with its errors by field (renamed
    through `names` where the API calls a field otherwise): the same checks as the page."""
    if form.is_valid():
        return form.cleaned_data
    names = names or {}
    fields: dict[str, list[Any]] = {}
    for name, errors in form.errors.as_data().items():
        for error in errors:
            # The error itself, not its text: its lazy message and params render in any language.
            fields.setdefault(names.get(name, name), []).extend(error.error_list)
    raise invalid(fields)


# --- the API object -----------------------------------------------------------------------------


class NotAnObject(ValueError):
    """A body that is JSON but not an object (a list, a number): no write takes one."""


class ObjectParser(Parser):
    """ninja reads a JSON list or number as a body with no fields: a PATCH of `[1, 2]` changed
    nothing and answered 200. Every body of this API is an object; anything else is a 400."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise NotAnObject(type(data).__name__)
        return data


class InsiemeAPI(NinjaAPI):
    """Adds an ETag to every successful read and answers 304 when the client has it already."""

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:40])
            response["ETag"] = etag
            response["Cache-Control"] = "private, no-cache"
            if etag in parse_etags(request.headers.get("If-None-Match", "")):
                not_modified = HttpResponseNotModified()
                not_modified["ETag"] = etag
                return not_modified
        return response


def install_error_handlers(api: NinjaAPI) -> None:
    def on_api_error(request: HttpRequest, exc: Any) -> HttpResponse:
        response = error_response(
            request, exc.status, exc.code, exc.message, exc.fields, exc.params
        )
        if exc.status == 401:
            response["WWW-Authenticate"] = "Bearer"
        return response

    def on_unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        response = error_response(
            request,
            401,
            "unauthenticated",
            _("Send a valid API token in the header: Authorization: Bearer <token>."),
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(request, 404, "not_found", _("Not found."))

    def on_forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        message = (exc.args[0] if exc.args else "") or _("Your role does not allow this action.")
        return error_response(request, 403, "forbidden", message)

    def on_throttled(request: HttpRequest, exc: Any) -> HttpResponse:
        response = error_response(
            request, 429, "rate_limited", _("Too many requests: wait and try again.")
        )
        wait = getattr(exc, "wait", None)
        if wait:
            response["Retry-After"] = str(math.ceil(wait))
        return response

    def on_invalid_input(request: HttpRequest, exc: Any) -> HttpResponse:
        fields: dict[str, list[Any]] = {}
        for error in exc.errors:
            loc = [str(part) for part in error.get("loc", ()) if part not in ("query", "body")]
            name = ".".join(loc) or "__all__"
            message = (
                _("This field is required.")
                if error.get("type") == "missing"
                else _("Enter a valid value.")
            )
            fields.setdefault(name, []).append(message)
        return error_response(
            request, 422, "invalid", _("Some values are not valid: see the fields."), fields
        )

    def on_service_error(request: HttpRequest, exc: Any) -> HttpResponse:
        """A service refused the action in the current state of things: 409, with the service's
        message (rendered in both languages where the service's message is lazy) and code."""
        if hasattr(exc, "error_dict"):
            fields = {
                name: [one for e in errs for one in e.error_list]
                for name, errs in exc.error_dict.items()
            }
            return error_response(
                request, 409, "invalid", _("Some values are not valid: see the fields."), fields
            )
        first = exc.error_list[0]
        return error_response(
            request, 409, first.code or "invalid", first.message, params=first.params
        )

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if exc.status_code == 400:
            # ninja's only 400: a body that is not JSON ("Cannot parse request body").
            if isinstance(exc.__cause__, NotAnObject):
                return error_response(
                    request, 400, "malformed", _("The body of the request must be a JSON object.")
                )
            return error_response(
                request, 400, "malformed", _("The body of the request is not valid JSON.")
            )
        return error_response(request, exc.status_code, "error", exc.message)

    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(AuthenticationError, on_unauthenticated)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ObjectDoesNotExist, on_not_found)
    api.add_exception_handler(PermissionDenied, on_forbidden)
    api.add_exception_handler(Throttled, on_throttled)
    api.add_exception_handler(ValidationError, on_invalid_input)
    api.add_exception_handler(DjangoValidationError, on_service_error)
    api.add_exception_handler(HttpError, on_http_error)


# --- pagination ---------------------------------------------------------------------------------


def page_of[T](
    request: HttpRequest,
    queryset: QuerySet[Any],
    page: int,
    page_size: int,
    serialise: Callable[[Any], T],
) -> dict[str, Any]:
    """One page of `queryset`; a final `pk` in the ordering keeps the order stable."""
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering or [])
    if "pk" not in ordering and "-pk" not in ordering:
        ordering.append("pk")
    queryset = queryset.order_by(*ordering)
    count = queryset.count()
    pages = max(1, math.ceil(count / page_size))
    if page > pages:
        raise ApiError(
            404,
            "page_not_found",
            _("Page %(page)s does not exist: the last page is %(pages)s."),
            params={"page": page, "pages": pages},
        )
    start = (page - 1) * page_size
    rows = list(queryset[start : start + page_size])

    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "page": page,
        "pages": pages,
        "next": link(page + 1) if page < pages else None,
        "previous": link(page - 1) if page > 1 else None,
        "results": [serialise(row) for row in rows],
    }

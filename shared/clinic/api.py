"""The HTTP layer every function shares: one resolver set-up, the contract's error bodies.

Handlers stay thin: they parse with pydantic (through Powertools' validation), call the
domain and return models. Everything that turns a failure into an answer lives here, so all
three functions speak the same error language (see ``../shared/api-contract.md``).
"""

import json
import traceback
from collections.abc import Mapping
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import ValidationException
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from clinic.errors import ApiError, ErrorBody, FieldProblem, MethodNotAllowed, NotFound, ValidationFailed
from clinic.i18n import DEFAULT_LANG
from clinic.knowledge import Lang
from clinic.request import Request, read_request
from clinic.settings import settings

CORS_HEADERS = ["Content-Type", "X-Manage-Token", "Accept-Language", "Idempotency-Key", "Authorization"]

logger = Logger(child=True)

# The ``lang`` query parameter of the GET routes. Declared so that a bad value is a 422 and
# the OpenAPI document shows it; handlers read ``app.request_lang()``, resolved once.
LangQuery = Annotated[
    Lang | None,
    Query(
        description="en or zh-HK. Validated and documented here; the answer's language is resolved once per "
        "request: this parameter, else the body's lang, else Accept-Language, else en."
    ),
]

# Pydantic's error types, folded into the contract's field codes. Our own validators raise
# PydanticCustomError with an UPPER_SNAKE type, which is used as the code as it is.
_PYDANTIC_CODES = {
    "missing": "REQUIRED",
    "string_too_short": "TOO_SHORT",
    "string_too_long": "TOO_LONG",
    "too_long": "TOO_MANY",
    "literal_error": "INVALID_CHOICE",
    "enum": "INVALID_CHOICE",
    "extra_forbidden": "UNKNOWN_FIELD",
    "date_parsing": "INVALID_DATE",
    "date_from_datetime_parsing": "INVALID_DATE",
    "date_from_datetime_inexact": "INVALID_DATE",
    "date_type": "INVALID_DATE",
    "url_parsing": "URL_INVALID",
    "url_scheme": "URL_INVALID",
    "url_type": "URL_INVALID",
}
_TYPE_ERRORS = ("_type", "_parsing")


def _field_code(error_type: str) -> str:
    if error_type.isupper():
        return error_type
    if error_type in _PYDANTIC_CODES:
        return _PYDANTIC_CODES[error_type]
    return "INVALID_TYPE" if error_type.endswith(_TYPE_ERRORS) else "INVALID_VALUE"


def _field_name(loc: tuple[Any, ...]) -> str:
    """``("body", "source", "page_url")`` → ``source.page_url``; ``("query", "q")`` → ``q``;
    ``("header", "idempotency-key")`` → ``Idempotency-Key`` (as the contract spells headers)."""
    if len(loc) == 2 and loc[0] == "header":
        return "-".join(part.capitalize() for part in str(loc[1]).split("-"))
    parts = (
        [str(part) for part in loc[1:]]
        if loc and loc[0] in {"body", "query", "path", "header"}
        else [str(p) for p in loc]
    )
    return ".".join(parts) or "body"


def problems_from_pydantic(errors: list[dict[str, Any]]) -> list[FieldProblem]:
    """Pydantic (or Powertools) validation errors as the contract's field problems."""
    problems = []
    for error in errors:
        ctx = error.get("ctx") or {}
        params = {key: value for key, value in ctx.items() if isinstance(value, (str, int, float))}
        if error.get("type") == "literal_error" and "expected" in ctx:
            params["expected"] = str(ctx["expected"]).replace("'", "")
        problems.append(
            FieldProblem(
                _field_name(tuple(error.get("loc", ()))),
                _field_code(error.get("type", "")),
                **params,
            )
        )
    return problems


class ClinicResolver(APIGatewayRestResolver):
    """API Gateway REST resolver that also enforces the contract's body and method rules.

    Only public Powertools hooks are used (checked against aws-lambda-powertools 3.37.0;
    ``tests/handlers/test_api_hooks.py`` fails when an upgrade changes what they rely on):

    - ``resolve`` (public) first reads the raw event (:func:`clinic.request.read_request`):
      a body problem is answered here, with the CORS headers Powertools would add, because
      Powertools validates bodies before any middleware could step in; the language is
      resolved once and kept for the request.
    - ``route`` (public, what ``get``/``post`` call) records each rule's methods, so a 404
      on a known resource can tell 405 (a method it does not serve, with ``Allow``) from
      404 (an id no route can match).
    - exception handlers (public) turn every failure into the contract's error body.
    """

    def __init__(self, cors: CORSConfig | None) -> None:
        super().__init__(enable_validation=True, cors=cors)
        self.cors_config = cors
        self._methods: dict[str, set[str]] = {}
        self._lang: Lang = DEFAULT_LANG

    def route(self, rule: str, method: Any, *args: Any, **kwargs: Any) -> Any:
        """Register a route (Powertools' own decorator), remembering its methods."""
        methods = [method] if isinstance(method, str) else list(method)
        self._methods.setdefault(rule, set()).update(m.upper() for m in methods)
        return super().route(rule, method, *args, **kwargs)

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        """Answer the event. A ``HEAD`` is served as the ``GET`` it asks about (API Gateway
        and the local stack drop the body); with CORS on, answers vary by ``Origin``."""
        raw = dict(event)
        if raw.get("httpMethod") == "HEAD" and "GET" in self.allowed_methods(str(raw.get("resource") or "")):
            raw["httpMethod"] = "GET"
        request = read_request(raw)
        self._lang = request.lang
        method = str(raw.get("httpMethod") or "")
        problem = request.problem
        if method != method.upper():  # methods are case-sensitive; Powertools would upper-case
            problem = MethodNotAllowed(allow=", ".join(self.allowed_methods(str(raw.get("resource") or ""))))
        response = self._answer(problem, request) if problem else super().resolve(request.event, context)
        if self.cors_config:
            response.setdefault("multiValueHeaders", {})["Vary"] = ["Origin"]
        return response

    def _answer(self, error: ApiError, request: Request) -> dict[str, Any]:
        """The proxy response for an error found before routing, CORS headers included."""
        answer = self.error_response(error)
        headers = {str(key): str(value) for key, value in answer.headers.items()}
        origin = request.header("origin")
        if self.cors_config and origin:
            headers.update(self.cors_config.to_dict(self.cors_config.allowed_origin(origin)))
        headers["Content-Type"] = "application/json"
        return {
            "statusCode": answer.status_code,
            "body": json.dumps(answer.body, ensure_ascii=False, separators=(",", ":")),
            "isBase64Encoded": False,
            "multiValueHeaders": {key: [value] for key, value in headers.items()},
        }

    def request_lang(self) -> Lang:
        """The request's language, resolved once per request (order: ``clinic.request``)."""
        return self._lang

    def error_response(self, error: ApiError) -> Response[dict[str, Any]]:
        """The contract's error answer for ``error`` in the request's language."""
        lang = self.request_lang()
        headers: dict[str, str] = {"Content-Language": lang}
        if error.status == 503:
            headers["Retry-After"] = str(settings().retry_after_seconds)
        if error.status == 405:
            headers["Allow"] = str(error.params.get("allow", ""))
        return Response(
            status_code=error.status,
            content_type="application/json",
            body=error.body(lang),
            headers=headers,
        )

    def allowed_methods(self, resource: str) -> list[str]:
        """The methods this function serves on an API Gateway resource such as ``/faqs/{id}``."""
        return sorted(self._methods.get(resource.replace("{", "<").replace("}", ">"), ()))


def create_app() -> ClinicResolver:
    """A resolver with validation, OpenAPI, CORS for the allowed origins and the error mapping."""
    origins = settings().allowed_origins
    cors = (
        CORSConfig(
            allow_origin=origins[0],
            extra_origins=list(origins[1:]),
            allow_headers=CORS_HEADERS,
            expose_headers=["Retry-After"],  # so a widget on the site can honour it
            max_age=600,
        )
        if origins
        else None
    )
    app = ClinicResolver(cors)

    @app.exception_handler(ValidationException)
    def _invalid_request(error: ValidationException) -> Response[dict[str, Any]]:
        return app.error_response(ValidationFailed(problems_from_pydantic(list(error.errors()))))

    @app.exception_handler(ApiError)
    def _api_error(error: ApiError) -> Response[dict[str, Any]]:
        if error.status >= 500:
            logger.warning("storage unavailable", extra={"code": error.code})
        return app.error_response(error)

    @app.not_found
    def _not_found(_: NotFoundError) -> Response[dict[str, Any]]:
        # API Gateway invokes a function only for the resources template.yaml gives it. On a
        # known resource, a method it does not serve is a 405; a served method that matched
        # no route carried an id no route can hold (e.g. a quote or a slash): a 404.
        allowed = app.allowed_methods(app.current_event.resource or "")
        if allowed and app.current_event.http_method not in allowed:
            return app.error_response(MethodNotAllowed(allow=", ".join(allowed)))
        return app.error_response(NotFound())

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response[dict[str, Any]]:
        # The type and the place only: an exception's message may quote personal data
        # (a pydantic error quotes its input), and logs must never carry any.
        frames = traceback.extract_tb(error.__traceback__)
        where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else None
        logger.error("unhandled error", extra={"error_type": type(error).__name__, "where": where})
        return app.error_response(ApiError())

    return app


_ERROR_DESCRIPTIONS = {
    400: "Malformed JSON or a content type other than application/json",
    401: "No valid staff ID token (answered by API Gateway's Cognito authorizer)",
    403: "The staff account's groups do not allow this (another branch)",
    404: "Unknown id (or, for registrations, a wrong manage token)",
    405: "A method this path does not serve",
    409: "Conflicts with what is stored (ALREADY_REGISTERED, DATE_FULL; staff: INVALID_TRANSITION, STALE_STATUS)",
    413: "Body over 16 KiB",
    422: "Validation failed: one entry per field in error.fields",
    429: "Rate limited (API Gateway)",
    503: "Storage unavailable or throttling; retry after Retry-After seconds",
}


def openapi_responses(success: int, description: str, *errors: int) -> dict[int, Any]:
    """OpenAPI ``responses``: the success (typed by the handler's return annotation) and the
    contract's error body for each of ``errors``."""
    return {success: {"description": description}} | {
        status: {
            "description": _ERROR_DESCRIPTIONS[status],
            "content": {"application/json": {"model": ErrorBody}},
        }
        for status in errors
    }

"""The HTTP layer every function shares: one resolver set-up, the contract's error bodies.

Handlers stay thin: they parse with pydantic (through Powertools' validation), call the
domain and return models. Everything that turns a failure into an answer lives here, so all
three functions speak the same error language (see ``../shared/api-contract.md``).
"""

import json
import traceback
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.api_gateway import ResponseBuilder, Route
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import ValidationException
from aws_lambda_powertools.utilities.typing import LambdaContext

from clinic.errors import (
    ApiError,
    BadRequest,
    ErrorBody,
    FieldProblem,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    ValidationFailed,
)
from clinic.i18n import DEFAULT_LANG, lang_from_accept_language, parse_lang
from clinic.knowledge import Lang
from clinic.settings import settings

MAX_BODY_BYTES = 16 * 1024
CORS_HEADERS = ["Content-Type", "X-Manage-Token", "Accept-Language", "Idempotency-Key", "Authorization"]

logger = Logger(child=True)

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
    """API Gateway REST resolver that also enforces the contract's body rules (size, JSON)."""

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        """Resolve the event; with CORS on, answers vary by ``Origin`` (caches must know)."""
        response: dict[str, Any] = super().resolve(event, context)
        if self._cors:
            response.setdefault("multiValueHeaders", {})["Vary"] = ["Origin"]
        return response

    def _resolve(self) -> ResponseBuilder[Any]:
        # Powertools validates the body before any middleware runs, so the size and the
        # content type are checked here, ahead of routing, and still answered with CORS.
        problem = self._body_problem()
        if problem is None:
            return super()._resolve()

        def reject() -> Response[Any]:
            raise problem

        route = Route(
            method=self.current_event.http_method.upper(),
            path=self.current_event.path,
            rule=self._compile_regex(r".*"),
            func=reject,
            cors=self._cors_enabled,
            compress=False,
        )
        self.append_context(_route=route, _path=self.current_event.path)  # type: ignore[no-untyped-call]
        return self._call_route(route, {})

    def _body_problem(self) -> ApiError | None:
        body = self.current_event.body
        if not body:
            return None
        size = len(body) * 3 // 4 if self.current_event.is_base64_encoded else len(body.encode())
        if size > MAX_BODY_BYTES:
            return PayloadTooLarge(limit=MAX_BODY_BYTES)
        content_type = (self.current_event.headers.get("content-type") or "").split(";")[0].strip().lower()
        if content_type and content_type != "application/json" and not content_type.endswith("+json"):
            return BadRequest("UNSUPPORTED_CONTENT_TYPE")
        return None

    def request_lang(self) -> Lang:
        """The request's language: ``lang`` in the query or body, then Accept-Language, then en."""
        event = self.current_event
        lang = parse_lang((event.query_string_parameters or {}).get("lang"))
        if lang is None and event.body:
            try:
                body = json.loads(event.decoded_body or "")
            except (ValueError, UnicodeDecodeError):
                body = None
            if isinstance(body, dict) and isinstance(body.get("lang"), str):
                lang = parse_lang(body["lang"])
        return lang or lang_from_accept_language(event.headers.get("accept-language")) or DEFAULT_LANG

    def error_response(self, error: ApiError) -> Response[dict[str, Any]]:
        """The contract's error answer for ``error`` in the request's language."""
        lang = self.request_lang()  # reads the query, the body and Accept-Language: once
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
        path = resource.replace("{", "<").replace("}", ">")
        routes = self._static_routes + self._dynamic_routes
        return sorted({route.method for route in routes if route.path == path})


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
    app = ClinicResolver(enable_validation=True, cors=cors)

    @app.exception_handler(ValidationException)
    def _invalid_request(error: ValidationException) -> Response[dict[str, Any]]:
        errors = list(error.errors())
        types = {item.get("type") for item in errors}
        if "json_invalid" in types:
            return app.error_response(BadRequest("MALFORMED_JSON"))
        if "unsupported_content_type" in types:
            return app.error_response(BadRequest("UNSUPPORTED_CONTENT_TYPE"))
        return app.error_response(ValidationFailed(problems_from_pydantic(errors)))

    @app.exception_handler(ApiError)
    def _api_error(error: ApiError) -> Response[dict[str, Any]]:
        if error.status >= 500:
            logger.warning("storage unavailable", extra={"code": error.code})
        return app.error_response(error)

    @app.not_found
    def _not_found(_: NotFoundError) -> Response[dict[str, Any]]:
        # API Gateway invokes a function only for the resources template.yaml gives it, so
        # an unmatched request on a known resource used a method the function does not serve.
        allowed = app.allowed_methods(app.current_event.resource or "")
        if allowed:
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

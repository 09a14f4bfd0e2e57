"""Domain errors and the contract's error body.

Every error answer is ``{"error": {"code", "message", "fields"?}}`` with the message in the
request's language; the HTTP layer (:mod:`clinic.api`) maps these exceptions to statuses.
"""

from typing import Any

from pydantic import BaseModel

from clinic.i18n import message
from clinic.knowledge import Lang


class FieldError(BaseModel):
    """One field's problem, named by the request's own (dotted) key."""

    field: str
    code: str
    message: str


class ErrorDetail(BaseModel):
    """The inside of an error body."""

    code: str
    message: str
    fields: list[FieldError] | None = None


class ErrorBody(BaseModel):
    """The body of every error answer."""

    error: ErrorDetail


class FieldProblem:
    """A field error before it is put into words: the code and its message parameters."""

    def __init__(self, field: str, code: str, **params: Any) -> None:
        self.field = field
        self.code = code
        self.params = params

    def render(self, lang: Lang) -> FieldError:
        """The field error in ``lang``."""
        return FieldError(field=self.field, code=self.code, message=message(self.code, lang, **self.params))


class ApiError(Exception):
    """An error with a status and a catalogue code."""

    status = 500
    code = "INTERNAL_ERROR"

    def __init__(self, code: str | None = None, **params: Any) -> None:
        super().__init__(code or self.code)
        self.code = code or self.code
        self.params = params

    def body(self, lang: Lang) -> dict[str, Any]:
        """The contract's error body in ``lang``."""
        detail = ErrorDetail(code=self.code, message=message(self.code, lang, **self.params))
        return ErrorBody(error=detail).model_dump(exclude_none=True)


class BadRequest(ApiError):
    """400: the body cannot be read (malformed JSON, wrong content type)."""

    status = 400
    code = "MALFORMED_JSON"


class NotFound(ApiError):
    """404: unknown id, or a manage token that does not match."""

    status = 404
    code = "NOT_FOUND"


class MethodNotAllowed(ApiError):
    """405: a known path, a method it does not serve."""

    status = 405
    code = "METHOD_NOT_ALLOWED"


class Conflict(ApiError):
    """409: the request clashes with what is stored (already registered, date full)."""

    status = 409


class PayloadTooLarge(ApiError):
    """413: the body is over the limit."""

    status = 413
    code = "PAYLOAD_TOO_LARGE"


class StorageUnavailable(ApiError):
    """503: storage is throttling or unreachable; nothing was written."""

    status = 503
    code = "SERVICE_UNAVAILABLE"


class ValidationFailed(ApiError):
    """422: one or more fields break the rules."""

    status = 422
    code = "VALIDATION_FAILED"

    def __init__(self, problems: list[FieldProblem], code: str | None = None) -> None:
        super().__init__(code)
        self.problems = problems

    def body(self, lang: Lang) -> dict[str, Any]:
        """The error body with one entry per field problem."""
        detail = ErrorDetail(
            code=self.code,
            message=message(self.code, lang),
            fields=[problem.render(lang) for problem in self.problems],
        )
        return ErrorBody(error=detail).model_dump(exclude_none=True)

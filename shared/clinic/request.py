"""The raw API Gateway event, read once before routing: its body and its language.

Powertools validates a route's parameters and body before any middleware runs, and lets a
body that is not UTF-8 or holds a number too long for Python (over 4,300 digits) escape as
an exception (a 500). So :func:`read_request` looks at the raw proxy event first and
either finds the contract's 400/413 for its body or hands Powertools a normalised event:
the body decoded to text, ``Content-Type`` reduced to ``application/json`` (media types
are case-insensitive; Powertools compares them as written).

The request language is resolved here too, once per request, in this order (the
contract's): the ``lang`` query parameter, the body's ``lang`` field, ``Accept-Language``
(by q-value), then ``en``. A value that names no supported language is skipped; the
routes' own ``lang`` parameters and fields still validate it (422).
"""

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from clinic.errors import ApiError, BadRequest, PayloadTooLarge
from clinic.i18n import DEFAULT_LANG, lang_from_accept_language, parse_lang
from clinic.knowledge import Lang

MAX_BODY_BYTES = 16 * 1024
JSON = "application/json"


@dataclass(frozen=True)
class Request:
    """What :func:`read_request` found: the event to route, its language, or a problem."""

    event: dict[str, Any]
    lang: Lang
    problem: ApiError | None = None

    def header(self, name: str) -> str | None:
        """A request header, by case-insensitive name."""
        lowered = name.lower()
        headers = self.event.get("headers") or {}
        return next((str(value) for key, value in headers.items() if key.lower() == lowered), None)


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media in {"", JSON} or (media.startswith("application/") and media.endswith("+json"))


def _parse_body(event: dict[str, Any], content_type: str) -> tuple[str | None, Any, ApiError | None]:
    """``(text, parsed JSON, problem)`` of the event's body."""
    body = event.get("body")
    if not body:
        return None, None, None
    try:
        raw = base64.b64decode(body, validate=True) if event.get("isBase64Encoded") else body.encode()
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None, None, BadRequest("MALFORMED_JSON")
    if len(raw) > MAX_BODY_BYTES:
        return None, None, PayloadTooLarge(limit=MAX_BODY_BYTES)
    if not _is_json(content_type):
        return None, None, BadRequest("UNSUPPORTED_CONTENT_TYPE")
    try:
        text = raw.decode("utf-8")  # JSON is UTF-8 (RFC 8259); anything else is malformed
        return text, json.loads(text), None
    except (ValueError, RecursionError):  # bad UTF-8 or JSON, a number over 4,300 digits, deep nesting
        return None, None, BadRequest("MALFORMED_JSON")


def _with_json_body(event: dict[str, Any], text: str) -> dict[str, Any]:
    """The event with its body as text and its content type as plain ``application/json``."""

    def without_content_type(headers: dict[str, Any] | None) -> dict[str, Any]:
        return {key: value for key, value in (headers or {}).items() if key.lower() != "content-type"}

    return {
        **event,
        "body": text,
        "isBase64Encoded": False,
        "headers": {**without_content_type(event.get("headers")), "Content-Type": JSON},
        "multiValueHeaders": {**without_content_type(event.get("multiValueHeaders")), "Content-Type": [JSON]},
    }


def read_request(event: dict[str, Any]) -> Request:
    """Check the body of a raw proxy event and resolve its language (see the module doc)."""
    probe = Request(event, DEFAULT_LANG)
    text, parsed, problem = _parse_body(event, probe.header("content-type") or "")
    query = event.get("queryStringParameters") or {}
    body_lang = parsed.get("lang") if isinstance(parsed, dict) else None
    lang = (
        parse_lang(query.get("lang") if isinstance(query.get("lang"), str) else None)
        or parse_lang(body_lang if isinstance(body_lang, str) else None)
        or lang_from_accept_language(probe.header("accept-language"))
        or DEFAULT_LANG
    )
    return Request(_with_json_body(event, text) if text is not None else event, lang, problem)

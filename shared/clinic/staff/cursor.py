"""Opaque list cursors: DynamoDB's ``LastEvaluatedKey``, bound to the list's filters and
signed, so a cursor cannot be forged, edited, or carried over to another branch or day.

Form: ``base64url(json) "." base64url(HMAC-SHA256(key, json))[:22]``. The key is derived
from the stack's staff secret for this one purpose (:mod:`clinic.staff.keys`).
"""

import base64
import hashlib
import hmac
import json
from typing import Any

from clinic.errors import FieldProblem, ValidationFailed
from clinic.staff.keys import subkey


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, payload: bytes) -> str:
    return _b64(hmac.new(subkey(secret, "cursor"), payload, hashlib.sha256).digest())[:22]


def encode_cursor(last_key: dict[str, str], scope: str, secret: str) -> str:
    """The cursor for the page after ``last_key`` within ``scope`` (the list's filters)."""
    payload = json.dumps({"k": last_key, "s": scope}, separators=(",", ":"), sort_keys=True).encode()
    return f"{_b64(payload)}.{_signature(secret, payload)}"


def decode_cursor(cursor: str, scope: str, secret: str) -> dict[str, str]:
    """The ``ExclusiveStartKey`` a cursor stands for; 422 ``INVALID_CURSOR`` when it was
    altered, forged, or made for other filters."""
    try:
        encoded, signature = cursor.split(".", 1)
        payload = _unb64(encoded)
        valid = hmac.compare_digest(signature, _signature(secret, payload))
        data: Any = json.loads(payload) if valid else None
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict) or data.get("s") != scope or not isinstance(data.get("k"), dict):
        raise ValidationFailed([FieldProblem("cursor", "INVALID_CURSOR")])
    return {str(key): str(value) for key, value in data["k"].items()}

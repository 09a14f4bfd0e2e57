"""The staff secret (``StaffKeySecret`` in Secrets Manager), keys derived from it one per
purpose, and the staff indexes' attributes of a registration item."""

import hashlib
import hmac

from clinic.settings import settings
from clinic.token_secret import secret_text


def staff_key() -> str:
    """The stack's staff secret (``STAFF_KEY_SECRET`` names it). It keys the phone index and
    signs list cursors, so it is not rotated (a new key would orphan the index)."""
    return secret_text(settings().staff_key_secret)


def subkey(secret: str, purpose: str) -> bytes:
    """A key for one purpose, derived from the stack's secret (HMAC as a KDF)."""
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()


def phone_key(e164: str, secret: str) -> str:
    """The phone index's partition key: a keyed hash of the E.164 number, so the index
    holds no phone number and an unkeyed list of Hong Kong numbers cannot reverse it."""
    return "PHONE#" + hmac.new(subkey(secret, "phone"), e164.encode(), hashlib.sha256).hexdigest()


def index_attributes(branch: str, day: str, created_at: str, reference: str, phone: str, secret: str) -> dict[str, str]:
    """The staff indexes' attributes of a registration item (``ByBranchDate``, ``ByPhone``)."""
    return {
        "gsi1pk": f"BRANCH#{branch}",
        "gsi1sk": f"{day}#{created_at}#{reference}",
        "gsi2pk": phone_key(phone, secret),
        "gsi2sk": f"{created_at}#{reference}",
    }

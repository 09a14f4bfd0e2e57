"""What a registration is: the stored record, its consent record, the person's trial claim,
the manage token, the idempotency record of a submission and the retention expiry.

Pure (no I/O): the store persists these records; the secret that derives manage tokens is
fetched by the caller and passed in.
"""

import base64
import hashlib
import hmac
import re
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from typing import Literal

from pydantic import BaseModel, Field

from clinic.ids import random_code
from clinic.registration.calendar import HONG_KONG
from clinic.registration.form import Period

# The staff state machine (clinic/staff/transitions.py) moves registrations through these.
Status = Literal["pending_confirmation", "confirmed", "attended", "converted", "no_show", "cancelled"]
REFERENCE_PATTERN = re.compile(r"^PM-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


class ConsentRecord(BaseModel):
    """What the person agreed to, when, in which language and through which channel (PDPO)."""

    version: str
    terms_accepted: bool
    terms_accepted_at: datetime
    marketing_consent: bool
    marketing_recorded_at: datetime
    lang: str
    channel: str = "web"


class Registration(BaseModel):
    """A stored registration."""

    reference: str
    status: Status
    name: str
    phone: str
    email: str | None = None
    treatment: str
    branch: str
    preferred_date: date
    preferred_period: Period | None = None
    lang: str
    recommendation_id: str | None = None
    source: dict[str, str | None] | None = None
    consent: ConsentRecord
    created_at: datetime
    cancelled_at: datetime | None = None
    manage_token_hash: str
    expires_at: int

    @property
    def claim_key(self) -> str:
        """The key of the person's trial claim (the phone never appears in a key)."""
        return claim_key(self.phone, self.treatment)

    def cancelled(self, at: datetime) -> "Registration":
        """This registration, cancelled at ``at``."""
        return self.model_copy(update={"status": "cancelled", "cancelled_at": at})


class IdempotencyRecord(BaseModel):
    """What the store keeps of a keyed submission, so that a retry gets the same answer.

    ``key_hash`` identifies the key; ``scope`` is the trial claim of the phone and treatment
    it was used for, and ``fingerprint`` the submission itself: a stored answer is given back
    only when both match, so one key can never read another person's answer. ``answer`` is
    the stored answer without its manage token (that is derived again, never stored).
    """

    key_hash: str
    scope: str
    fingerprint: str
    reference: str
    answer: str
    expires_at: int


class ConsentEvent(BaseModel):
    """One entry of the consent ledger: what a person agreed to or withdrew, when, in which
    text version and through which channel (PDPO: a record of consent, and of its withdrawal)."""

    subject: str
    at: datetime
    event: Literal["registered", "marketing_withdrawn"]
    terms_accepted: bool | None = None
    marketing_consent: bool
    version: str | None = Field(None, description="The consent texts' version, when a form was involved")
    channel: str
    lang: str | None = None
    reference: str | None = Field(None, description="The registration concerned, if any")


def consent_subject(phone: str) -> str:
    """The person in the consent ledger: SHA-256 of the E.164 phone (never the phone itself)."""
    return hashlib.sha256(f"person|{phone}".encode()).hexdigest()


def registered_consent(registration: Registration) -> ConsentEvent:
    """The ledger entry a new registration writes: the terms and the marketing choice."""
    consent = registration.consent
    return ConsentEvent(
        subject=consent_subject(registration.phone),
        at=consent.terms_accepted_at,
        event="registered",
        terms_accepted=consent.terms_accepted,
        marketing_consent=consent.marketing_consent,
        version=consent.version,
        channel=consent.channel,
        lang=consent.lang,
        reference=registration.reference,
    )


def marketing_withdrawn(registration: Registration, at: datetime, channel: str) -> tuple[Registration, ConsentEvent]:
    """The registration without marketing consent, and the ledger entry of the withdrawal."""
    consent = registration.consent.model_copy(update={"marketing_consent": False, "marketing_recorded_at": at})
    event = ConsentEvent(
        subject=consent_subject(registration.phone),
        at=at,
        event="marketing_withdrawn",
        marketing_consent=False,
        version=consent.version,
        channel=channel,
        lang=registration.lang,
        reference=registration.reference,
    )
    return registration.model_copy(update={"consent": consent}), event


def claim_key(phone: str, treatment: str) -> str:
    """``TRIAL#`` + SHA-256 of the E.164 phone and the treatment."""
    return "TRIAL#" + hashlib.sha256(f"{phone}|{treatment}".encode()).hexdigest()


def idempotency_key_hash(key: str) -> str:
    """The stored form of an ``Idempotency-Key`` (the key itself is never stored)."""
    return hashlib.sha256(f"idempotency|{key}".encode()).hexdigest()


def manage_token_for(reference: str, secret: bytes) -> str:
    """The manage token of ``reference``: an HMAC-SHA256 under the stack's secret.

    Derived rather than random, so that a keyed retry after a lost reply can give the same
    working token again although only its hash is ever stored.
    """
    digest = hmac.new(secret, f"manage-token|{reference}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    """The stored form of a manage token."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(registration: Registration, token: str | None) -> bool:
    """Constant-time comparison of a presented token with the stored hash."""
    return bool(token) and hmac.compare_digest(token_hash(token or ""), registration.manage_token_hash)


def expiry(day: date, retention_days: int) -> int:
    """Epoch seconds of ``retention_days`` after the end of ``day`` in Hong Kong (the TTL)."""
    end = datetime.combine(day + timedelta(days=retention_days + 1), clock_time(), HONG_KONG)
    return int(end.timestamp())


def new_reference() -> str:
    """``PM-XXXX-XXXX``: 40 random bits in Crockford base32."""
    chars = random_code(8)
    return f"PM-{chars[:4]}-{chars[4:]}"


def normalise_reference(value: str) -> str | None:
    """A reference as typed (any case, O for 0, I or L for 1), or None if it cannot be one."""
    compact = re.sub(r"[\s-]", "", value.upper())
    if not compact.startswith("PM"):
        return None
    body = compact[2:].translate(str.maketrans("OIL", "011"))
    candidate = f"PM-{body[:4]}-{body[4:]}"
    return candidate if REFERENCE_PATTERN.match(candidate) else None


def mask_phone(e164: str) -> str:
    """``+85291234567`` → ``+852 ****-**67``."""
    return f"{e164[:4]} ****-**{e164[-2:]}"


def mask_email(email: str | None) -> str | None:
    """``tm.chan@example.com`` → ``t*****@example.com``."""
    if not email:
        return None
    local, _, domain = email.partition("@")
    return f"{local[:1]}{'*' * max(len(local) - 1, 1)}@{domain}"

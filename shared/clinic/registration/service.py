"""The registration use cases: register exactly once, show a registration to its owner,
cancel it. Each works through a :class:`RegistrationStore`, so every rule here runs
without DynamoDB (tests use an in-memory store); the handler only wires HTTP to these.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, Protocol

from clinic.errors import FieldProblem, NotFound, StorageUnavailable, ValidationFailed
from clinic.knowledge import KnowledgeBase, Lang
from clinic.registration.answers import RegistrationOut, created_answer
from clinic.registration.calendar import branch_capacity
from clinic.registration.form import RegistrationIn
from clinic.registration.record import (
    ConsentEvent,
    ConsentRecord,
    IdempotencyRecord,
    Registration,
    claim_key,
    expiry,
    idempotency_key_hash,
    manage_token_for,
    marketing_withdrawn,
    new_reference,
    normalise_reference,
    token_hash,
    token_matches,
)
from clinic.settings import Settings

_REFERENCE_ATTEMPTS = 3


class KeyAlreadyUsed(Exception):
    """The submission's Idempotency-Key is already stored; carries what was stored."""

    def __init__(self, stored: IdempotencyRecord) -> None:
        super().__init__(stored.reference)
        self.stored = stored


class ReferenceTaken(Exception):
    """The new registration's reference is already in use (about 1 in 10^12)."""


class RegistrationStore(Protocol):
    """Storage of registrations (see :mod:`clinic.registration_store` for the layout)."""

    def create(self, registration: Registration, capacity: int, idempotency: IdempotencyRecord | None) -> None:
        """Store a new registration with its trial claim, one unit of capacity and, when
        given, the submission's idempotency record, all or nothing. Raises
        :class:`KeyAlreadyUsed`, :class:`ReferenceTaken` or Conflict (ALREADY_REGISTERED,
        DATE_FULL)."""
        ...

    def get(self, reference: str) -> Registration | None:
        """The registration with this reference."""
        ...

    def cancel(self, registration: Registration, at: datetime) -> Registration:
        """Cancel, releasing the trial claim and the capacity (once)."""
        ...

    def withdraw_marketing(self, registration: Registration, event: ConsentEvent) -> None:
        """Store the registration without marketing consent and the ledger entry, together."""
        ...

    def taken(self, branches: list[str], first: date, last: date) -> dict[str, dict[date, int]]:
        """Per branch, the trials taken on each date between ``first`` and ``last``."""
        ...


@dataclass(frozen=True)
class Registered:
    """The outcome of a registration: the answer, and how it came about."""

    answer: RegistrationOut
    outcome: Literal["created", "replayed", "decoy"]


def submission_fingerprint(form: RegistrationIn) -> str:
    """What makes two submissions 'the same': every validated field (phone as E.164)."""
    return hashlib.sha256(form.model_dump_json().encode()).hexdigest()


def new_registration(
    form: RegistrationIn, kb: KnowledgeBase, config: Settings, *, lang: Lang, now: datetime, secret: bytes
) -> tuple[Registration, str]:
    """The record of a new registration from a valid form, and its manage token."""
    reference = new_reference()
    token = manage_token_for(reference, secret)
    registration = Registration(
        reference=reference,
        status="pending_confirmation",
        name=form.name,
        phone=form.phone,
        email=form.email,
        treatment=form.treatment,
        branch=form.branch,
        preferred_date=form.preferred_date,
        preferred_period=form.preferred_period,
        lang=lang,
        recommendation_id=form.recommendation_id,
        source=form.source.model_dump() if form.source else None,
        consent=ConsentRecord(
            version=kb.consent.version,
            terms_accepted=form.agree_terms,
            terms_accepted_at=now,
            marketing_consent=form.marketing_consent,
            marketing_recorded_at=now,
            lang=lang,
        ),
        created_at=now,
        manage_token_hash=token_hash(token),
        expires_at=expiry(form.preferred_date, config.retention_days),
    )
    return registration, token


def idempotency_record(
    key: str, form: RegistrationIn, registration: Registration, now: datetime, config: Settings
) -> IdempotencyRecord:
    """What is kept of a keyed submission until the key expires."""
    return IdempotencyRecord(
        key_hash=idempotency_key_hash(key),
        scope=claim_key(form.phone, form.treatment),
        fingerprint=submission_fingerprint(form),
        reference=registration.reference,
        answer=created_answer(registration, None).model_dump_json(),
        expires_at=int((now + timedelta(hours=config.idempotency_ttl_hours)).timestamp()),
    )


def replayed_answer(stored: IdempotencyRecord, presented: IdempotencyRecord, secret: bytes) -> RegistrationOut:
    """The stored answer, with its manage token derived again, for a retry of the same
    submission; any other use of the key is refused without revealing anything stored."""
    if stored.scope != presented.scope or stored.fingerprint != presented.fingerprint:
        raise ValidationFailed(
            [FieldProblem("Idempotency-Key", "IDEMPOTENCY_KEY_REUSED")], code="IDEMPOTENCY_KEY_REUSED"
        )
    answer = RegistrationOut.model_validate_json(stored.answer)
    return answer.model_copy(update={"manage_token": manage_token_for(stored.reference, secret)})


def register(
    form: RegistrationIn,
    *,
    store: RegistrationStore,
    kb: KnowledgeBase,
    config: Settings,
    lang: Lang,
    now: datetime,
    secret: bytes,
    idempotency_key: str | None,
) -> Registered:
    """Register a valid form exactly once: one store call for a new registration; a keyed
    retry gets the stored answer; a bot (honeypot filled in) a decoy, with nothing stored."""
    if form.is_bot:
        decoy, token = new_registration(form, kb, config, lang=lang, now=now, secret=secrets.token_bytes(32))
        return Registered(created_answer(decoy, token), "decoy")
    branch = kb.branch(form.branch)
    assert branch is not None  # checked by registration_problems
    for _ in range(_REFERENCE_ATTEMPTS):
        registration, token = new_registration(form, kb, config, lang=lang, now=now, secret=secret)
        record = idempotency_record(idempotency_key, form, registration, now, config) if idempotency_key else None
        try:
            store.create(registration, branch_capacity(branch, config), record)
        except ReferenceTaken:
            continue
        except KeyAlreadyUsed as used:
            assert record is not None
            return Registered(replayed_answer(used.stored, record, secret), "replayed")
        return Registered(created_answer(registration, token), "created")
    raise StorageUnavailable()


def authorised(store: RegistrationStore, reference: str, token: str | None, now: datetime) -> Registration:
    """The registration, if the reference exists, has not expired and the token matches;
    otherwise one and the same 404."""
    normalised = normalise_reference(reference)
    registration = store.get(normalised) if normalised else None
    if registration is None or registration.expires_at <= now.timestamp() or not token_matches(registration, token):
        raise NotFound()
    return registration


def opt_out_of_marketing(store: RegistrationStore, registration: Registration, now: datetime) -> Registration:
    """Withdraw marketing consent at once (PDPO: free of charge, at any time); once is enough."""
    if not registration.consent.marketing_consent:
        return registration
    withdrawn, event = marketing_withdrawn(registration, now, channel="manage_link")
    store.withdraw_marketing(withdrawn, event)
    return withdrawn


def cancel(store: RegistrationStore, registration: Registration, now: datetime) -> Registration:
    """Cancel once: cancelling a cancelled registration answers the same."""
    return registration if registration.status == "cancelled" else store.cancel(registration, now)

"""Registrations in DynamoDB: exactly once, never overbooked, no check-then-write.

One table, three kinds of item:

- ``pk=REG#<reference>, sk=REG``: the registration, its consent record and the hash of
  its manage token;
- ``pk=TRIAL#<sha256(phone|treatment)>, sk=TRIAL``: the person's one trial claim, with
  what is needed to answer a replay;
- ``pk=CAP#<branch>, sk=<date>``: how many trials the branch-day has taken.

Registration items also carry the staff indexes' keys and history steps sit beside them
(see clinic/staff/store.py).

A new registration is one ``TransactWriteItems`` (one round trip): put the registration,
put the claim if absent, add one to the branch-day if below capacity. A replay or a second
registration fails the claim's condition and gets the stored claim back in the same round
trip (``ReturnValuesOnConditionCheckFailure``). A cancellation reads the registration (to
check the token) and then releases the claim and the capacity in one transaction.
"""

import hashlib
import hmac
import random
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from typing import Any, Protocol, cast

from pydantic import BaseModel

from clinic.aws import dynamodb
from clinic.dynamo import error_code, storage_faults
from clinic.errors import Conflict, StorageUnavailable
from clinic.registration import HONG_KONG, Period, RegistrationOut, Status, new_reference
from clinic.settings import settings
from clinic.staff.history import CUSTOMER, history_put
from clinic.staff.keys import index_attributes

_TRANSACTION_ATTEMPTS = 3


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

    @property
    def fingerprint(self) -> str:
        """What makes two submissions 'the same registration'."""
        return f"{self.branch}|{self.preferred_date.isoformat()}|{self.preferred_period or ''}"

    def answer(self, manage_token: str | None) -> RegistrationOut:
        """The API's answer for this registration."""
        return RegistrationOut(
            reference=self.reference,
            status=self.status,
            treatment=self.treatment,
            branch=self.branch,
            preferred_date=self.preferred_date,
            preferred_period=self.preferred_period,
            created_at=self.created_at,
            manage_token=manage_token,
        )


def claim_key(phone: str, treatment: str) -> str:
    """``TRIAL#`` + SHA-256 of the E.164 phone and the treatment."""
    return "TRIAL#" + hashlib.sha256(f"{phone}|{treatment}".encode()).hexdigest()


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


class Replayed(Exception):
    """The same registration was sent again; carries the stored answer."""

    def __init__(self, answer: RegistrationOut) -> None:
        super().__init__(answer.reference)
        self.answer = answer


class RegistrationStore(Protocol):
    """Storage of registrations."""

    def create(self, registration: Registration, capacity: int) -> Registration:
        """Store a new registration (returned as stored), or raise Replayed / Conflict
        (ALREADY_REGISTERED, DATE_FULL)."""
        ...

    def get(self, reference: str) -> Registration | None:
        """The registration with this reference."""
        ...

    def cancel(self, registration: Registration, at: datetime) -> Registration:
        """Cancel, releasing the trial claim and the capacity."""
        ...

    def taken(self, branches: list[str], first: date, last: date) -> dict[str, dict[date, int]]:
        """Per branch, the trials taken on each date between ``first`` and ``last``."""
        ...


def _reg_key(reference: str) -> dict[str, Any]:
    return {"pk": {"S": f"REG#{reference}"}, "sk": {"S": "REG"}}


def _cap_key(branch: str, day: date) -> dict[str, Any]:
    return {"pk": {"S": f"CAP#{branch}"}, "sk": {"S": day.isoformat()}}


def release_items(table: str, registration: Registration) -> list[dict[str, Any]]:
    """A cancellation's release, for a transaction: delete this registration's trial claim
    and give its branch-day one unit back (each exactly once: both are conditional)."""
    return [
        {
            "Delete": {
                "TableName": table,
                "Key": {"pk": {"S": registration.claim_key}, "sk": {"S": "TRIAL"}},
                "ConditionExpression": "#reference = :reference",
                "ExpressionAttributeNames": {"#reference": "reference"},
                "ExpressionAttributeValues": {":reference": {"S": registration.reference}},
            }
        },
        {
            "Update": {
                "TableName": table,
                "Key": _cap_key(registration.branch, registration.preferred_date),
                "UpdateExpression": "SET taken = taken - :one",
                "ConditionExpression": "taken > :zero",
                "ExpressionAttributeValues": {":one": {"N": "1"}, ":zero": {"N": "0"}},
            }
        },
    ]


def _cancellation_codes(error: Exception) -> list[str]:
    return [reason.get("Code", "None") for reason in getattr(error, "response", {}).get("CancellationReasons", [])]


class DynamoRegistrations:
    """:class:`RegistrationStore` on the registrations table."""

    def __init__(self, table: str, index_secret: str | None = None) -> None:
        self.table = table
        self.index_secret = settings().staff_key if index_secret is None else index_secret

    def transact(self, items: list[dict[str, Any]]) -> None:
        """Run a transaction, retrying the conflicts DynamoDB reports under contention."""
        from botocore.exceptions import ClientError

        for attempt in range(_TRANSACTION_ATTEMPTS):
            try:
                with storage_faults():
                    dynamodb().transact_write_items(TransactItems=items)  # type: ignore[arg-type]
                return
            except StorageUnavailable as error:
                cause = error.__cause__
                if not (isinstance(cause, ClientError) and "TransactionConflict" in _cancellation_codes(cause)):
                    raise
                if attempt == _TRANSACTION_ATTEMPTS - 1:
                    raise
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))  # noqa: S311 - jitter only

    def item(self, registration: Registration) -> dict[str, Any]:
        """The registration's item, with the staff indexes' keys."""
        created = registration.created_at.isoformat()
        day = registration.preferred_date.isoformat()
        index = index_attributes(
            registration.branch, day, created, registration.reference, registration.phone, self.index_secret
        )
        return {
            **_reg_key(registration.reference),
            "status": {"S": registration.status},
            "doc": {"S": registration.model_dump_json(exclude_none=True)},
            "expires_at": {"N": str(registration.expires_at)},
            **{name: {"S": value} for name, value in index.items()},
        }

    def create(self, registration: Registration, capacity: int) -> Registration:
        """One transaction: the registration, the claim if absent, one unit of capacity."""
        from botocore.exceptions import ClientError

        claim = {
            "pk": {"S": registration.claim_key},
            "sk": {"S": "TRIAL"},
            "answer": {"S": registration.answer(None).model_dump_json()},
            "fingerprint": {"S": registration.fingerprint},
            "reference": {"S": registration.reference},
            "expires_at": {"N": str(registration.expires_at)},
        }
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": self.item(registration),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {
                "Put": {
                    "TableName": self.table,
                    "Item": claim,
                    "ConditionExpression": "attribute_not_exists(pk)",
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            },
            {
                "Update": {
                    "TableName": self.table,
                    "Key": _cap_key(registration.branch, registration.preferred_date),
                    "UpdateExpression": "SET taken = if_not_exists(taken, :zero) + :one, expires_at = :exp",
                    "ConditionExpression": "attribute_not_exists(taken) OR taken < :cap",
                    "ExpressionAttributeValues": {
                        ":zero": {"N": "0"},
                        ":one": {"N": "1"},
                        ":cap": {"N": str(capacity)},
                        ":exp": {"N": str(registration.expires_at)},
                    },
                }
            },
        ]
        try:
            self.transact(items)
        except ClientError as error:
            if error_code(error) != "TransactionCanceledException":
                raise
            reasons = cast(list[dict[str, Any]], error.response.get("CancellationReasons", []))
            codes = [reason.get("Code") for reason in reasons]
            if codes[1] == "ConditionalCheckFailed":
                stored = reasons[1].get("Item") or {}
                if stored.get("fingerprint", {}).get("S") == registration.fingerprint:
                    raise Replayed(RegistrationOut.model_validate_json(stored["answer"]["S"])) from None
                raise Conflict("ALREADY_REGISTERED") from None
            if codes[2] == "ConditionalCheckFailed":
                raise Conflict("DATE_FULL") from None
            if codes[0] == "ConditionalCheckFailed":  # a reference collision: 1 in 10^12
                return self.create(registration.model_copy(update={"reference": new_reference()}), capacity)
            raise StorageUnavailable() from error
        return registration

    def get(self, reference: str) -> Registration | None:
        """One GetItem (strongly consistent: a manage page right after booking must see it)."""
        with storage_faults():
            item = dynamodb().get_item(TableName=self.table, Key=_reg_key(reference), ConsistentRead=True).get("Item")
        return Registration.model_validate_json(item["doc"]["S"]) if item else None

    def cancel(self, registration: Registration, at: datetime) -> Registration:
        """The person's own cancellation (from ``pending_confirmation`` or ``confirmed``), one
        transaction: mark cancelled only if still in the status read, record the step
        ``by: "customer"``, delete this registration's claim, give back one unit."""
        from botocore.exceptions import ClientError

        cancelled = registration.model_copy(update={"status": "cancelled", "cancelled_at": at})
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": self.item(cancelled),
                    "ConditionExpression": "#status = :read AND #status IN (:pending, :confirmed)",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {
                        ":read": {"S": registration.status},
                        ":pending": {"S": "pending_confirmation"},
                        ":confirmed": {"S": "confirmed"},
                    },
                }
            },
            history_put(
                self.table,
                registration.reference,
                at,
                CUSTOMER,
                registration.status,
                "cancelled",
                None,
                registration.expires_at,
            ),
            *release_items(self.table, registration),
        ]
        try:
            self.transact(items)
        except ClientError as error:
            if error_code(error) != "TransactionCanceledException":
                raise
            # Cancelled meanwhile by another request: the outcome asked for holds. Confirmed
            # meanwhile by staff: cancel what is there now. Attended or later: too late.
            current = self.get(registration.reference)
            if current and current.status == "cancelled":
                return current
            if (
                current
                and current.status != registration.status
                and current.status in {"pending_confirmation", "confirmed"}
            ):
                return self.cancel(current, at)
            if current and current.status not in {"pending_confirmation", "confirmed"}:
                raise Conflict("INVALID_TRANSITION", current=current.status, target="cancelled") from None
            raise StorageUnavailable() from error
        return cancelled

    def taken(self, branches: list[str], first: date, last: date) -> dict[str, dict[date, int]]:
        """One Query per branch over its capacity items in the date range."""
        result: dict[str, dict[date, int]] = {}
        with storage_faults():
            for branch in branches:
                items = dynamodb().query(
                    TableName=self.table,
                    KeyConditionExpression="pk = :pk AND sk BETWEEN :first AND :last",
                    ExpressionAttributeValues={
                        ":pk": {"S": f"CAP#{branch}"},
                        ":first": {"S": first.isoformat()},
                        ":last": {"S": last.isoformat()},
                    },
                )["Items"]
                result[branch] = {date.fromisoformat(i["sk"]["S"]): int(i["taken"]["N"]) for i in items}
        return result

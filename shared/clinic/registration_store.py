"""Registrations in DynamoDB: keys, items and transactions (the rules are in
:mod:`clinic.registration`).

One table, four kinds of item:

- ``pk=REG#<reference>, sk=REG``: the registration, its consent record and the hash of
  its manage token;
- ``pk=TRIAL#<sha256(phone|treatment)>, sk=TRIAL``: the person's one active trial claim;
- ``pk=CAP#DAYS, sk=<date>#<branch>``: how many trials the branch-day has taken. Every
  branch-day sits in one partition, so the options' full dates are one Query whatever the
  number of branches (a partition per branch cost a round trip each); it takes one write
  per registration or cancellation, far below a partition's 1,000 writes a second.
- ``pk=IDEM#<sha256(Idempotency-Key)>, sk=IDEM``: a keyed submission's fingerprint, scope
  and stored answer (no manage token), until the key expires;
- ``pk=CONSENT#<sha256(person|phone)>, sk=<time>#<reference>#<event>``: the person's consent
  ledger (what they agreed to and withdrew); the latest entry is their current choice.
  Withdrawals never expire, so that no promotion ever reaches someone who opted out.

Registration items also carry the staff indexes' keys, and each registration's history
steps sit beside it (``sk=HIST#…``; see :mod:`clinic.staff.store`).

A new registration is one ``TransactWriteItems`` (one round trip): put the registration,
put the claim if absent, add one to the branch-day if below capacity and, for a keyed
submission, put the key if absent or expired. A keyed retry fails the key's condition and
gets the stored key back in the same round trip (``ReturnValuesOnConditionCheckFailure``);
any other duplicate fails the claim's condition and learns nothing else. The same
transaction writes the consent ledger's entry. A cancellation reads the registration (to
check the token) and then, in one transaction, marks it cancelled if its status is still
the one read, records the step ``by: "customer"`` and releases the claim and the capacity
(:func:`release_items`, shared with staff cancellation).
"""

import random
import time
from datetime import UTC, date, datetime
from typing import Any, cast

from clinic.aws import dynamodb
from clinic.dynamo import error_code, storage_faults
from clinic.errors import Conflict, StorageUnavailable
from clinic.registration.record import ConsentEvent, IdempotencyRecord, Registration, registered_consent
from clinic.registration.service import KeyAlreadyUsed, ReferenceTaken
from clinic.staff.history import CUSTOMER, history_put
from clinic.staff.keys import index_attributes, staff_key

_TRANSACTION_ATTEMPTS = 3
_REGISTRATION, _CLAIM, _CAPACITY, _LEDGER, _KEY = range(5)
_CANCELLABLE = frozenset({"pending_confirmation", "confirmed"})  # the person may cancel these


def _reg_key(reference: str) -> dict[str, Any]:
    return {"pk": {"S": f"REG#{reference}"}, "sk": {"S": "REG"}}


CAPACITY_PK = "CAP#DAYS"


def capacity_key(branch: str, day: date) -> dict[str, Any]:
    """The key of a branch-day's capacity counter."""
    return {"pk": {"S": CAPACITY_PK}, "sk": {"S": f"{day.isoformat()}#{branch}"}}


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
                "Key": capacity_key(registration.branch, registration.preferred_date),
                "UpdateExpression": "SET taken = taken - :one",
                "ConditionExpression": "taken > :zero",
                "ExpressionAttributeValues": {":one": {"N": "1"}, ":zero": {"N": "0"}},
            }
        },
    ]


def _cancellation_codes(error: Exception) -> list[str]:
    return [reason.get("Code", "None") for reason in getattr(error, "response", {}).get("CancellationReasons", [])]


class DynamoRegistrations:
    """:class:`clinic.registration.service.RegistrationStore` on the registrations table."""

    def __init__(self, table: str) -> None:
        self.table = table

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
        """The registration's item, with the keys of the staff indexes (by branch and date,
        by the phone's keyed hash)."""
        index = index_attributes(
            registration.branch,
            registration.preferred_date.isoformat(),
            registration.created_at.isoformat(),
            registration.reference,
            registration.phone,
            staff_key(),
        )
        return {
            **_reg_key(registration.reference),
            "status": {"S": registration.status},
            "doc": {"S": registration.model_dump_json(exclude_none=True)},
            "expires_at": {"N": str(registration.expires_at)},
            **{name: {"S": value} for name, value in index.items()},
        }

    def ledger_put(self, event: ConsentEvent, expires_at: int | None) -> dict[str, Any]:
        """A consent ledger entry, as a ``Put`` of a transaction (withdrawals never expire)."""
        item = {
            "pk": {"S": f"CONSENT#{event.subject}"},
            # A fixed-width UTC time, to the microsecond, so the entries sort in time order.
            "sk": {"S": f"{event.at.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%fZ}#{event.reference or '-'}#{event.event}"},
            "doc": {"S": event.model_dump_json(exclude={"subject"}, exclude_none=True)},
        }
        if expires_at is not None:
            item["expires_at"] = {"N": str(expires_at)}
        return {"Put": {"TableName": self.table, "Item": item}}

    def _create_items(
        self, registration: Registration, capacity: int, idempotency: IdempotencyRecord | None
    ) -> list[dict[str, Any]]:
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
                    "Item": {
                        "pk": {"S": registration.claim_key},
                        "sk": {"S": "TRIAL"},
                        "reference": {"S": registration.reference},
                        "expires_at": {"N": str(registration.expires_at)},
                    },
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {
                "Update": {
                    "TableName": self.table,
                    "Key": capacity_key(registration.branch, registration.preferred_date),
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
        items.append(self.ledger_put(registered_consent(registration), registration.expires_at))
        if idempotency is not None:
            items.append(
                {
                    "Put": {
                        "TableName": self.table,
                        "Item": {
                            "pk": {"S": f"IDEM#{idempotency.key_hash}"},
                            "sk": {"S": "IDEM"},
                            "scope": {"S": idempotency.scope},
                            "fingerprint": {"S": idempotency.fingerprint},
                            "reference": {"S": idempotency.reference},
                            "answer": {"S": idempotency.answer},
                            "expires_at": {"N": str(idempotency.expires_at)},
                        },
                        # An expired key is as good as absent, even before DynamoDB's TTL removes it.
                        "ConditionExpression": "attribute_not_exists(pk) OR expires_at < :now",
                        "ExpressionAttributeValues": {":now": {"N": str(int(time.time()))}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                }
            )
        return items

    def create(self, registration: Registration, capacity: int, idempotency: IdempotencyRecord | None) -> None:
        """One transaction: the registration, the claim if absent, one unit of capacity and
        the idempotency key if absent. Which condition failed decides the outcome: the key
        (a retry), then the claim (already registered), then the capacity (full)."""
        from botocore.exceptions import ClientError

        try:
            self.transact(self._create_items(registration, capacity, idempotency))
        except ClientError as error:
            if error_code(error) != "TransactionCanceledException":
                raise
            reasons = cast(list[dict[str, Any]], error.response.get("CancellationReasons", []))
            failed = [reason.get("Code") == "ConditionalCheckFailed" for reason in reasons]
            if idempotency is not None and failed[_KEY]:
                stored = reasons[_KEY].get("Item") or {}
                raise KeyAlreadyUsed(
                    IdempotencyRecord(
                        key_hash=idempotency.key_hash,
                        **{name: stored[name]["S"] for name in ("scope", "fingerprint", "reference", "answer")},
                        expires_at=int(stored["expires_at"]["N"]),
                    )
                ) from None
            if failed[_CLAIM]:
                raise Conflict("ALREADY_REGISTERED") from None
            if failed[_CAPACITY]:
                raise Conflict("DATE_FULL") from None
            if failed[_REGISTRATION]:
                raise ReferenceTaken() from None
            raise StorageUnavailable() from error

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

        cancelled = registration.cancelled(at)
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
            if current and current.status != registration.status and current.status in _CANCELLABLE:
                return self.cancel(current, at)
            if current and current.status not in _CANCELLABLE:
                raise Conflict("INVALID_TRANSITION", current=current.status, target="cancelled") from None
            raise StorageUnavailable() from error
        return cancelled

    def withdraw_marketing(self, registration: Registration, event: ConsentEvent) -> None:
        """One transaction: the registration without marketing consent (unless its status
        changed meanwhile: then StorageUnavailable, and the caller may try again) and the
        ledger's withdrawal entry."""
        from botocore.exceptions import ClientError

        items = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": self.item(registration),
                    "ConditionExpression": "#status = :status",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {":status": {"S": registration.status}},
                }
            },
            self.ledger_put(event, None),
        ]
        try:
            self.transact(items)
        except ClientError as error:
            raise StorageUnavailable() from error

    def taken(self, branches: list[str], first: date, last: date) -> dict[str, dict[date, int]]:
        """One Query (paginated, though a window's counters fit in one page) over every
        branch-day counter in the date range."""
        result: dict[str, dict[date, int]] = {branch: {} for branch in branches}
        request: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :first AND :last",
            "ExpressionAttributeValues": {
                ":pk": {"S": CAPACITY_PK},
                ":first": {"S": first.isoformat()},
                ":last": {"S": f"{last.isoformat()}#\uffff"},  # after every branch of the last day
            },
        }
        with storage_faults():
            while True:
                page = dynamodb().query(**request)
                for item in page["Items"]:
                    day, _, branch = item["sk"]["S"].partition("#")
                    if branch in result:
                        result[branch][date.fromisoformat(day)] = int(item["taken"]["N"])
                if "LastEvaluatedKey" not in page:
                    return result
                request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

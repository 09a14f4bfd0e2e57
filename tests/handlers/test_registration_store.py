"""The registrations repository's rare paths: contention, collisions and racing cancels."""

from datetime import UTC, date, datetime
from typing import Any
from unittest.mock import patch

import pytest

from clinic.aws import dynamodb
from clinic.errors import StorageUnavailable
from clinic.registration import ConsentRecord, Registration, token_hash
from clinic.registration.service import ReferenceTaken
from clinic.registration_store import DynamoRegistrations
from tests.support import client_error, dynamodb_calls

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def registration(reference: str = "PM-AAAA-BBBB", phone: str = "+85291234567") -> Registration:
    return Registration(
        reference=reference,
        status="pending_confirmation",
        name="Chan Tai Man",
        phone=phone,
        treatment="acne-treatment",
        branch="causeway-bay",
        preferred_date=date(2026, 12, 3),
        lang="en",
        consent=ConsentRecord(
            version="v1",
            terms_accepted=True,
            terms_accepted_at=NOW,
            marketing_consent=False,
            marketing_recorded_at=NOW,
            lang="en",
        ),
        created_at=NOW,
        manage_token_hash=token_hash("token"),
        expires_at=1_900_000_000,
    )


def conflicting(times: int) -> Any:
    """Fault injection: TransactWriteItems reports a TransactionConflict ``times`` times first."""
    left = [times]
    reasons = [{"Code": "TransactionConflict"}, {"Code": "None"}, {"Code": "None"}]

    def fail(operation: str) -> Exception | None:
        if operation != "TransactWriteItems" or left[0] == 0:
            return None
        left[0] -= 1
        return client_error("TransactionCanceledException", operation, CancellationReasons=reasons)

    return dynamodb_calls(fail=fail)


def test_transaction_conflicts_are_retried(aws: None) -> None:
    store = DynamoRegistrations("RegistrationsTable")
    with conflicting(2), patch("clinic.registration_store.time.sleep") as pause:
        store.create(registration(), 20, None)
    assert store.get("PM-AAAA-BBBB") == registration()
    assert pause.call_count == 2


def test_lasting_contention_is_unavailable_and_writes_nothing(aws: None) -> None:
    store = DynamoRegistrations("RegistrationsTable")
    with conflicting(3), patch("clinic.registration_store.time.sleep"), pytest.raises(StorageUnavailable):
        store.create(registration(), 20, None)
    assert dynamodb().scan(TableName="RegistrationsTable")["Items"] == []


def test_a_reference_collision_is_reported_and_writes_nothing(aws: None) -> None:
    store = DynamoRegistrations("RegistrationsTable")
    store.create(registration(), 20, None)
    with pytest.raises(ReferenceTaken):
        store.create(registration(phone="+85298765432"), 20, None)
    assert store.get("PM-AAAA-BBBB") == registration()
    assert store.taken(["causeway-bay"], date(2026, 12, 3), date(2026, 12, 3)) == {
        "causeway-bay": {date(2026, 12, 3): 1}
    }


def test_a_cancel_that_loses_a_race_to_another_cancel_still_reports_cancelled(aws: None) -> None:
    store = DynamoRegistrations("RegistrationsTable")
    store.create(registration(), 20, None)
    stored = registration()
    store.cancel(stored, NOW)
    again = store.cancel(stored, NOW)  # the object still says pending: the condition fails
    assert again.status == "cancelled"
    assert store.taken(["causeway-bay"], date(2026, 12, 1), date(2026, 12, 31)) == {
        "causeway-bay": {date(2026, 12, 3): 0}
    }

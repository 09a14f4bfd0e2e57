"""The registrations repository's rare paths: contention, collisions, racing cancels, the
capacity partition and the migration of counters into it."""

from datetime import UTC, date, datetime
from typing import Any
from unittest.mock import patch

import pytest

from clinic.aws import dynamodb
from clinic.errors import StorageUnavailable
from clinic.registration import ConsentRecord, Registration, token_hash
from clinic.registration.service import ReferenceTaken
from clinic.registration_store import DynamoRegistrations
from infra.migrate_capacity import migrate
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


def test_every_branch_day_of_a_window_is_one_query(aws: None) -> None:
    store = DynamoRegistrations("RegistrationsTable")
    booked = [
        ("PM-AAAA-0001", "causeway-bay", date(2026, 12, 3)),
        ("PM-AAAA-0002", "mong-kok", date(2026, 12, 3)),
        ("PM-AAAA-0003", "mong-kok", date(2026, 12, 9)),  # the window's last day
        ("PM-AAAA-0004", "mong-kok", date(2026, 12, 10)),  # after it
        ("PM-AAAA-0005", "tsuen-wan", date(2026, 12, 4)),  # a branch not asked for
    ]
    for n, (reference, branch, day) in enumerate(booked):
        stored = registration(reference, phone=f"+8529123450{n}").model_copy(update={"branch": branch})
        store.create(stored.model_copy(update={"preferred_date": day}), 20, None)
    with dynamodb_calls() as calls:
        taken = store.taken(["causeway-bay", "mong-kok", "central"], date(2026, 12, 3), date(2026, 12, 9))
    assert calls == ["Query"]
    assert taken == {
        "causeway-bay": {date(2026, 12, 3): 1},
        "mong-kok": {date(2026, 12, 3): 1, date(2026, 12, 9): 1},
        "central": {},
    }


def old_counter(branch: str, day: date, taken: int) -> None:
    dynamodb().put_item(
        TableName="RegistrationsTable",
        Item={
            "pk": {"S": f"CAP#{branch}"},
            "sk": {"S": day.isoformat()},
            "taken": {"N": str(taken)},
            "expires_at": {"N": "1900000000"},
        },
    )


def test_old_counters_move_once_and_keep_what_was_booked_since(aws: None) -> None:
    store = DynamoRegistrations("RegistrationsTable")
    old_counter("causeway-bay", date(2026, 12, 3), 2)  # booked before the deploy
    old_counter("mong-kok", date(2026, 12, 4), 1)
    since = registration("PM-AAAA-0001", phone="+85291234501")
    store.create(since, 20, None)  # booked after the deploy, before the migration

    assert migrate("RegistrationsTable") == 2
    assert migrate("RegistrationsTable") == 0
    window = store.taken(["causeway-bay", "mong-kok"], date(2026, 12, 3), date(2026, 12, 31))
    assert window == {"causeway-bay": {date(2026, 12, 3): 3}, "mong-kok": {date(2026, 12, 4): 1}}
    old = [
        item
        for item in dynamodb().scan(TableName="RegistrationsTable")["Items"]
        if item["pk"]["S"] in {"CAP#causeway-bay", "CAP#mong-kok"}
    ]
    assert old == []

    store.cancel(since, NOW)  # a cancellation gives its unit back to the moved counter
    assert store.taken(["causeway-bay"], date(2026, 12, 3), date(2026, 12, 3)) == {
        "causeway-bay": {date(2026, 12, 3): 2}
    }

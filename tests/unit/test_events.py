"""Registration events: one documented event per change, no personal data, schemas in the repo."""

import json
from datetime import UTC, date, datetime
from typing import Any

import jsonschema
import pytest

from clinic.events import DETAIL_TYPES, SOURCE, RegistrationEvent, registration_event
from clinic.registration import ConsentRecord, Registration
from infra.event_schemas import SCHEMA_DIR, generated

AT = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
PERSONAL = ("Chan Tai Man", "91234567", "tm.chan@example.com", "manage_token_hash", "hash-of-the-token")


def a_registration(**changes: Any) -> Registration:
    """A stored registration in any status."""
    fields: dict[str, Any] = {
        "reference": "PM-AB12-CD34",
        "status": "pending_confirmation",
        "name": "Chan Tai Man",
        "phone": "+85291234567",
        "email": "tm.chan@example.com",
        "treatment": "acne-treatment",
        "branch": "causeway-bay",
        "preferred_date": date(2026, 12, 3),
        "preferred_period": "afternoon",
        "lang": "zh-HK",
        "consent": ConsentRecord(
            version="v",
            terms_accepted=True,
            terms_accepted_at=AT,
            marketing_consent=False,
            marketing_recorded_at=AT,
            lang="zh-HK",
        ),
        "created_at": AT,
        "manage_token_hash": "hash-of-the-token",
        "expires_at": 1_900_000_000,
    }
    # Built without validation: the staff statuses (confirmed, attended…) come with issue 12.
    return Registration.model_construct(**{**fields, **changes})


def image(registration: Registration, **extra: Any) -> dict[str, Any]:
    """The registration's item as the stream's images hold it (deserialised), with the
    attributes the store writes (see clinic.registration_store)."""
    return {
        "pk": f"REG#{registration.reference}",
        "sk": "REG",
        "status": registration.status,
        "doc": registration.model_dump_json(exclude_none=True),
        "expires_at": registration.expires_at,
        "gsi1pk": f"BRANCH#{registration.branch}",
        "gsi1sk": f"{registration.preferred_date}#{registration.created_at.isoformat()}#{registration.reference}",
    } | extra


def change(event_name: str, old: dict[str, Any] | None, new: dict[str, Any] | None, **kw: Any) -> RegistrationEvent:
    event = registration_event(event_name, old, new, change_id="e-1", occurred_at=AT, **kw)
    assert event is not None
    return event


def envelope(event: RegistrationEvent) -> dict[str, Any]:
    """The event as EventBridge delivers it to a rule's target."""
    entry = event.put_events_entry("bus")
    return {"source": entry["Source"], "detail-type": entry["DetailType"], "detail": json.loads(entry["Detail"])}


def test_a_new_registration_is_created_with_its_facts_and_nothing_personal() -> None:
    event = change("INSERT", None, image(a_registration()))
    body = envelope(event)
    assert body["source"] == SOURCE == "clinic.registrations"
    assert body["detail-type"] == "RegistrationCreated"
    assert body["detail"] == {
        "reference": "PM-AB12-CD34", "treatment": "acne-treatment", "branch": "causeway-bay",
        "preferred_date": "2026-12-03", "preferred_period": "afternoon", "status": "pending_confirmation",
        "lang": "zh-HK", "change": {"from": None, "to": "pending_confirmation"}, "reason": None,
        "change_id": "e-1", "occurred_at": "2026-11-29T02:00:00Z",
    }  # fmt: skip
    text = json.dumps(body)
    assert not [word for word in PERSONAL if word in text]


@pytest.mark.parametrize(
    ("before", "after", "detail_type"),
    [
        ("pending_confirmation", "cancelled", "RegistrationCancelled"),
        ("confirmed", "cancelled", "RegistrationCancelled"),
        ("pending_confirmation", "confirmed", "RegistrationStatusChanged"),
        ("confirmed", "no_show", "RegistrationStatusChanged"),
        ("attended", "converted", "RegistrationStatusChanged"),
    ],
)
def test_a_status_change_says_from_what_to_what(before: str, after: str, detail_type: str) -> None:
    event = change("MODIFY", image(a_registration(status=before)), image(a_registration(status=after)))
    assert event.detail_type == detail_type
    assert (event.detail.status, event.detail.change.from_, event.detail.change.to) == (after, before, after)


def test_erasure_by_request_mark_by_removal_and_by_expiry() -> None:
    kept = image(a_registration(status="confirmed"))
    erased_doc = {k: v for k, v in json.loads(kept["doc"]).items() if k not in {"name", "phone", "email"}}
    marked = change("MODIFY", kept, {**kept, "doc": json.dumps(erased_doc), "erased_at": "2026-11-30"})
    removed = change("REMOVE", kept, None, removed_by="staff-function-role")
    expired = change("REMOVE", kept, None, removed_by="dynamodb.amazonaws.com")
    for event in (marked, removed, expired):
        assert event.detail_type == "RegistrationErased"
        assert (event.detail.status, event.detail.change.from_, event.detail.change.to) == (
            "erased",
            "confirmed",
            "erased",
        )
    assert [marked.detail.reason, removed.detail.reason, expired.detail.reason] == [
        "erasure_request", "erasure_request", "retention_expired",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("event_name", "old", "new"),
    [
        ("INSERT", None, {"pk": "TRIAL#abc", "sk": "TRIAL", "reference": "PM-AB12-CD34"}),
        ("MODIFY", {"pk": "CAP#central", "sk": "2026-12-03", "taken": 1}, {"pk": "CAP#central", "sk": "2026-12-03"}),
        ("INSERT", None, {"pk": "REG#PM-AB12-CD34", "sk": "HIST#2026-11-29T02:00:00", "to": "confirmed"}),
        ("MODIFY", "same", "same-with-new-email"),
        ("REMOVE", "erased", None),
    ],
)
def test_other_items_and_changes_without_a_status_change_make_no_event(event_name: str, old: Any, new: Any) -> None:
    registration = a_registration()
    erased = {**image(registration), "erased_at": "2026-11-30"}
    images = {
        "same": image(registration),
        "same-with-new-email": image(registration.model_copy(update={"email": "new@example.com"})),
        "erased": erased,
    }
    old, new = (
        images.get(old, old) if isinstance(old, str) else old,
        images.get(new, new) if isinstance(new, str) else new,
    )
    assert registration_event(event_name, old, new, change_id="e", occurred_at=AT) is None


def test_every_event_matches_its_committed_schema_and_the_schemas_are_current() -> None:
    committed = {path.name: path.read_text(encoding="utf-8") for path in SCHEMA_DIR.glob("*.schema.json")}
    assert committed == generated(), "run `python -m infra.event_schemas` and commit docs/events/"
    kept = image(a_registration())
    samples = [
        change("INSERT", None, kept),
        change("MODIFY", kept, image(a_registration(status="cancelled"))),
        change("MODIFY", kept, image(a_registration(status="confirmed"))),
        change("REMOVE", kept, None),
    ]
    assert sorted(event.detail_type for event in samples) == sorted(DETAIL_TYPES)
    for event in samples:
        schema = json.loads(committed[f"{event.detail_type}.schema.json"])
        jsonschema.validate(envelope(event), schema)
        other = next(name for name in DETAIL_TYPES if name != event.detail_type)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(envelope(event), json.loads(committed[f"{other}.schema.json"]))
    personal = {**envelope(samples[0]), "detail": {**envelope(samples[0])["detail"], "phone": "+85291234567"}}
    with pytest.raises(jsonschema.ValidationError):  # the schema itself forbids anything more
        jsonschema.validate(personal, json.loads(committed["RegistrationCreated.schema.json"]))

"""The registration use cases over an in-memory store: the rules, without DynamoDB."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from clinic.errors import Conflict, NotFound, ValidationFailed
from clinic.knowledge import bundled_knowledge
from clinic.registration import ConsentEvent, IdempotencyRecord, Registration, RegistrationIn, service, token_matches
from clinic.settings import Settings

KB = bundled_knowledge()
CONFIG = Settings.model_validate({})
NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
SECRET = b"k" * 32


class MemoryStore:
    """A RegistrationStore in a dict, with the DynamoDB store's outcomes."""

    def __init__(self, taken_references: set[str] | None = None) -> None:
        self.registrations: dict[str, Registration] = {}
        self.claims: set[str] = set()
        self.keys: dict[str, IdempotencyRecord] = {}
        self.taken_references = taken_references or set()
        self.calls = 0
        self.ledger: list[ConsentEvent] = []

    def create(self, registration: Registration, capacity: int, idempotency: IdempotencyRecord | None) -> None:
        self.calls += 1
        if idempotency and idempotency.key_hash in self.keys:
            raise service.KeyAlreadyUsed(self.keys[idempotency.key_hash])
        if registration.claim_key in self.claims:
            raise Conflict("ALREADY_REGISTERED")
        if registration.reference in self.taken_references | set(self.registrations):
            raise service.ReferenceTaken()
        self.registrations[registration.reference] = registration
        self.claims.add(registration.claim_key)
        if idempotency:
            self.keys[idempotency.key_hash] = idempotency

    def get(self, reference: str) -> Registration | None:
        return self.registrations.get(reference)

    def cancel(self, registration: Registration, at: datetime) -> Registration:
        self.claims.discard(registration.claim_key)
        self.registrations[registration.reference] = registration.cancelled(at)
        return self.registrations[registration.reference]

    def withdraw_marketing(self, registration: Registration, event: ConsentEvent) -> None:
        self.registrations[registration.reference] = registration
        self.ledger.append(event)

    def taken(self, branches: list[str], first: date, last: date) -> dict[str, dict[date, int]]:
        return {}


def a_form(**changes: object) -> RegistrationIn:
    """A form as validation leaves it (built without validation: the rules under test here
    are the use cases', not the fields')."""
    day = NOW.date() + timedelta(days=7)
    fields: dict[str, Any] = {
        "name": "Chan Tai Man",
        "phone": "+85291234567",
        "email": None,
        "treatment": "acne-treatment",
        "branch": "causeway-bay",
        "preferred_date": day,
        "preferred_period": "morning",
        "agree_terms": True,
        "marketing_consent": False,
        "lang": None,
        "recommendation_id": None,
        "source": None,
        "website": None,
    } | changes
    return RegistrationIn.model_construct(**fields)


def register(store: MemoryStore, form: RegistrationIn, key: str | None = None) -> service.Registered:
    return service.register(
        form, store=store, kb=KB, config=CONFIG, lang="en", now=NOW, secret=SECRET, idempotency_key=key
    )


def test_a_new_registration_is_one_store_call_with_a_token_only_its_hash_kept() -> None:
    store = MemoryStore()
    registered = register(store, a_form(), key="k-1")
    assert registered.outcome == "created"
    assert store.calls == 1
    stored = store.registrations[registered.answer.reference]
    assert token_matches(stored, registered.answer.manage_token)
    assert registered.answer.manage_token
    assert registered.answer.manage_token not in stored.model_dump_json()


def test_a_keyed_retry_gets_the_same_answer_and_token() -> None:
    store = MemoryStore()
    first = register(store, a_form(), key="k-1")
    again = register(store, a_form(), key="k-1")
    assert again.outcome == "replayed"
    assert again.answer == first.answer


@pytest.mark.parametrize("changes", [{"preferred_period": "evening"}, {"phone": "+85261234567"}])
def test_a_key_used_for_another_submission_is_refused(changes: dict[str, object]) -> None:
    store = MemoryStore()
    register(store, a_form(), key="k-1")
    with pytest.raises(ValidationFailed) as refused:
        register(store, a_form(**changes), key="k-1")
    assert refused.value.code == "IDEMPOTENCY_KEY_REUSED"


def test_a_duplicate_without_the_key_is_a_conflict_that_names_nothing() -> None:
    store = MemoryStore()
    register(store, a_form(), key="k-1")
    with pytest.raises(Conflict) as conflict:
        register(store, a_form(branch="mong-kok"), key="k-2")
    assert conflict.value.code == "ALREADY_REGISTERED"
    assert conflict.value.params == {}


def test_a_taken_reference_is_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = iter(["PM-AAAA-AAAA", "PM-BBBB-BBBB"])
    monkeypatch.setattr(service, "new_reference", lambda: next(drawn))
    registered = register(MemoryStore(taken_references={"PM-AAAA-AAAA"}), a_form())
    assert registered.answer.reference == "PM-BBBB-BBBB"


def test_the_honeypot_stores_nothing() -> None:
    store = MemoryStore()
    registered = register(store, a_form(website="http://spam.example"))
    assert registered.outcome == "decoy"
    assert store.calls == 0


def test_only_the_right_token_opens_a_live_registration() -> None:
    store = MemoryStore()
    created = register(store, a_form()).answer
    assert service.authorised(store, created.reference.lower(), created.manage_token, NOW).reference
    for token in (None, "wrong"):
        with pytest.raises(NotFound):
            service.authorised(store, created.reference, token, NOW)
    stored = store.registrations[created.reference]
    past_retention = datetime.fromtimestamp(stored.expires_at, UTC)
    with pytest.raises(NotFound):
        service.authorised(store, created.reference, created.manage_token, past_retention)


def test_cancelling_twice_changes_nothing_the_second_time() -> None:
    store = MemoryStore()
    created = register(store, a_form()).answer
    registration = store.registrations[created.reference]
    cancelled = service.cancel(store, registration, NOW)
    assert cancelled.status == "cancelled"
    assert service.cancel(store, cancelled, NOW) is cancelled
    assert register(store, a_form()).outcome == "created"  # the trial is free again


def test_withdrawing_marketing_consent_is_recorded_once() -> None:
    store = MemoryStore()
    created = register(store, a_form(marketing_consent=True)).answer
    registration = store.registrations[created.reference]
    withdrawn = service.opt_out_of_marketing(store, registration, NOW)
    assert withdrawn.consent.marketing_consent is False
    assert service.opt_out_of_marketing(store, withdrawn, NOW) is withdrawn
    [event] = store.ledger
    assert (event.event, event.marketing_consent, event.channel) == ("marketing_withdrawn", False, "manage_link")
    assert registration.phone not in event.model_dump_json()

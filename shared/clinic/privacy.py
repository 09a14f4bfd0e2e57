"""Personal-data requests under Hong Kong's PDPO: access, correction, erasure and the
withdrawal of marketing consent, made by a manager for a phone number.

The rules live here over a :class:`PersonalDataStore` (DynamoDB: :mod:`clinic.privacy_store`).
Every request is carried out at once and recorded, anonymised, with its type, dates and the
manager who made it, so the 40-day duty can be shown; the record never holds the phone.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Protocol

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from clinic.errors import FieldProblem, ValidationFailed
from clinic.ids import random_code
from clinic.registration import (
    ConsentEvent,
    Registration,
    clean_name,
    consent_subject,
    email_address,
    hong_kong_mobile,
)
from clinic.registration.record import marketing_withdrawn
from clinic.staff.access import Forbidden, StaffUser
from clinic.text import has_letter

RequestType = Literal["access", "correction", "erasure", "marketing_opt_out"]
ACTIVE = frozenset({"pending_confirmation", "confirmed"})


class Corrections(BaseModel):
    """What a correction may change (on every active registration of the person)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(max_length=200), AfterValidator(clean_name), AfterValidator(has_letter)] | (
        None
    ) = None
    email: Annotated[str | None, StringConstraints(max_length=254), AfterValidator(email_address)] = None


class DataRequestIn(BaseModel):
    """``POST /staff/data-requests``."""

    model_config = ConfigDict(extra="forbid")

    type: RequestType
    phone: Annotated[str, StringConstraints(max_length=40), AfterValidator(hong_kong_mobile)] = Field(
        description="The person's Hong Kong mobile number, in any common writing"
    )
    changes: Corrections | None = Field(None, description="For a correction: the new name and/or e-mail")


class PersonalData(BaseModel):
    """Everything held about one person."""

    registrations: list[dict[str, Any]]
    recommendations: list[dict[str, Any]]
    consents: list[dict[str, Any]]
    messages: list[dict[str, Any]] = Field(default_factory=list)


class DataRequestOut(BaseModel):
    """The answer to a data request (which fields appear depends on its type)."""

    request_id: str
    type: RequestType
    received_at: datetime
    subject: dict[str, str] | None = Field(None, description="The phone asked about (not for an erasure)")
    data: PersonalData | None = Field(None, description="access: everything held about the phone")
    corrected: dict[str, int] | None = Field(None, description="correction: what was changed")
    erased: dict[str, int] | None = Field(None, description="erasure: what was removed, by kind")
    withdrawn: dict[str, int] | None = Field(None, description="marketing_opt_out: registrations updated")


class DataRequestRecord(BaseModel):
    """The anonymised record of a request carried out: no phone, no name, no reference."""

    request_id: str
    type: RequestType
    received_at: datetime
    completed_at: datetime
    by: str
    counts: dict[str, int]


class PersonalDataStore(Protocol):
    """Where a person's data is found, changed and erased."""

    def registrations_of(self, phone: str) -> list[tuple[Registration, list[dict[str, Any]]]]:
        """Every registration of the phone (expired ones included), each with its history."""
        ...

    def recommendations(self, ids: list[str]) -> list[dict[str, Any]]:
        """The questionnaire answers and results with these ids that are still held."""
        ...

    def consents(self, subject: str) -> list[dict[str, Any]]:
        """The person's consent ledger, oldest first."""
        ...

    def messages(self, references: list[str]) -> list[dict[str, Any]]:
        """What was sent to the person about these registrations."""
        ...

    def correct(self, registration: Registration, corrected: Registration) -> None:
        """Replace the registration, unless it changed meanwhile (then 409 STALE_STATUS)."""
        ...

    def withdraw_marketing(self, registration: Registration, event: ConsentEvent) -> None:
        """The registration without marketing consent and the ledger entry, together."""
        ...

    def record_consent(self, event: ConsentEvent) -> None:
        """One ledger entry on its own (a withdrawal for someone with no registration)."""
        ...

    def erase(self, registrations: list[Registration], recommendation_ids: list[str], subject: str) -> dict[str, int]:
        """Remove the registrations (their history, claims and places too), the linked
        answers, the consent ledger and the messages' records; counts by kind."""
        ...

    def record_request(self, record: DataRequestRecord) -> None:
        """Keep the anonymised record of a request carried out."""
        ...


def new_request_id() -> str:
    """``DR-`` and ten random Crockford characters."""
    return "DR-" + random_code(10)


class DataRequests:
    """Managers' personal-data requests over a :class:`PersonalDataStore`."""

    def __init__(self, store: PersonalDataStore, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.store = store
        self.clock = clock

    def handle(self, user: StaffUser, request: DataRequestIn) -> DataRequestOut:
        """Carry out ``request`` (managers only) and record it."""
        if not user.is_manager:
            raise Forbidden()
        received = self.clock()
        answer = DataRequestOut(request_id=new_request_id(), type=request.type, received_at=received)
        found = self.store.registrations_of(request.phone)
        if request.type == "access":
            answer.subject, answer.data = {"phone": request.phone}, self._access(request.phone, found)
            counts = {"registrations": len(answer.data.registrations)}
        elif request.type == "correction":
            answer.subject = {"phone": request.phone}
            answer.corrected = counts = self._correct(found, request.changes)
        elif request.type == "erasure":
            registrations = [registration for registration, _ in found]
            linked = sorted({r.recommendation_id for r in registrations if r.recommendation_id})
            answer.erased = counts = self.store.erase(registrations, linked, consent_subject(request.phone))
        else:
            answer.subject = {"phone": request.phone}
            answer.withdrawn = counts = self._opt_out(request.phone, found, user, received)
        self.store.record_request(
            DataRequestRecord(
                request_id=answer.request_id,
                type=request.type,
                received_at=received,
                completed_at=self.clock(),
                by=user.username,
                counts=counts,
            )
        )
        return answer

    def _access(self, phone: str, found: list[tuple[Registration, list[dict[str, Any]]]]) -> PersonalData:
        linked = sorted({r.recommendation_id for r, _ in found if r.recommendation_id})
        return PersonalData(
            registrations=[
                registration.model_dump(mode="json", exclude={"manage_token_hash"}) | {"history": history}
                for registration, history in found
            ],
            recommendations=self.store.recommendations(linked),
            consents=self.store.consents(consent_subject(phone)),
            messages=self.store.messages([registration.reference for registration, _ in found]),
        )

    def _correct(
        self, found: list[tuple[Registration, list[dict[str, Any]]]], changes: Corrections | None
    ) -> dict[str, int]:
        update = changes.model_dump(exclude_unset=True) if changes else {}
        if not update:
            raise ValidationFailed([FieldProblem("changes", "CHANGES_REQUIRED")])
        if update.get("name") is None:
            update.pop("name", None)  # a name can be corrected, never removed
        corrected = 0
        for registration, _ in found:
            if registration.status in ACTIVE:
                self.store.correct(registration, registration.model_copy(update=update))
                corrected += 1
        return {"registrations": corrected}

    def _opt_out(
        self,
        phone: str,
        found: list[tuple[Registration, list[dict[str, Any]]]],
        user: StaffUser,
        at: datetime,
    ) -> dict[str, int]:
        channel = f"staff:{user.username}"
        updated = 0
        for registration, _ in found:
            if registration.consent.marketing_consent:
                withdrawn, event = marketing_withdrawn(registration, at, channel)
                self.store.withdraw_marketing(withdrawn, event)
                updated += 1
        if not updated:  # recorded all the same: nothing promotional may ever reach this number
            self.store.record_consent(
                ConsentEvent(
                    subject=consent_subject(phone),
                    at=at,
                    event="marketing_withdrawn",
                    marketing_consent=False,
                    channel=channel,
                )
            )
        return {"registrations": updated}

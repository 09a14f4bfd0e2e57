"""The staff routes' bodies (the contract's "Staff routes")."""

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from clinic.staff.transitions import StaffStatus


class StaffRegistration(BaseModel):
    """One registration as staff see it: contact details unmasked, so they can call."""

    reference: str
    status: StaffStatus
    name: str
    phone: str = Field(description="E.164, unmasked")
    email: str | None
    treatment: str
    branch: str
    preferred_date: date
    preferred_period: str | None
    created_at: datetime
    marketing_consent: bool
    lang: str
    recommendation_id: str | None
    next_statuses: list[StaffStatus] = Field(description="Where the state machine allows this registration to go")


class HistoryEntry(BaseModel):
    """One step of a registration's life."""

    at: datetime
    by: str = Field(description='The staff username, or "customer" for the person\'s own cancellation')
    from_: StaffStatus | None = Field(alias="from", serialization_alias="from")
    to: StaffStatus
    note: str | None = None

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class HealthNote(BaseModel):
    """A precaution the person gave in the linked questionnaire, and what it rules out."""

    precaution: str
    rules_out: list[str] = Field(description="Treatment ids not suitable while it applies")


class StaffRegistrationDetail(StaffRegistration):
    """A registration with its history, oldest step first."""

    history: list[HistoryEntry]
    health_notes: list[HealthNote] = Field(
        default_factory=list,
        description="Health data from the linked questionnaire (pregnancy, medication …), shown only here, to "
        "advise safely before any procedure; kept no longer than the questionnaire and erased with the person",
    )


class RegistrationList(BaseModel):
    """A page of a branch's registrations."""

    items: list[StaffRegistration]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


class StatusChange(BaseModel):
    """``POST /staff/registrations/{reference}/status``."""

    model_config = ConfigDict(extra="forbid")

    status: StaffStatus
    note: Annotated[str | None, Field(max_length=500)] = None

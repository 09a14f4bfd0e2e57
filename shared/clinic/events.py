"""Registration events: what the CRM (and the messages function) hears of every change.

Pure (no I/O): :func:`registration_event` maps one change of a registration item, as the
table's stream reports it (old and new images, already deserialised), to one documented
event, or to nothing. The events carry no personal data: no name, phone, e-mail, token or
free text, only the registration's facts (reference, treatment, branch, date, period,
status, language) and the change. ``python -m infra.event_schemas`` writes their JSON
schemas to ``docs/events/`` from the models below.
"""

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

SOURCE = "clinic.registrations"
DetailType = Literal["RegistrationCreated", "RegistrationCancelled", "RegistrationStatusChanged", "RegistrationErased"]
DETAIL_TYPES: tuple[DetailType, ...] = (
    "RegistrationCreated",
    "RegistrationCancelled",
    "RegistrationStatusChanged",
    "RegistrationErased",
)
Status = Literal["pending_confirmation", "confirmed", "attended", "no_show", "converted", "cancelled", "erased"]
#: The statuses a registration still expects the person at the clinic.
ACTIVE_STATUSES = frozenset({"pending_confirmation", "confirmed"})
#: DynamoDB's own principal on the stream records of TTL deletions.
_TTL_PRINCIPAL = "dynamodb.amazonaws.com"


class Change(BaseModel):
    """The status before and after the change (``null`` where there was or is none)."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    from_: Status | None = Field(alias="from")
    to: Status | None


class RegistrationEventDetail(BaseModel):
    """The ``detail`` of every registration event; no personal data by construction."""

    model_config = ConfigDict(extra="forbid")

    reference: str = Field(pattern=r"^PM-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
    treatment: str
    branch: str
    preferred_date: date
    preferred_period: Literal["morning", "afternoon", "evening"] | None
    status: Status
    lang: Literal["en", "zh-HK"]
    change: Change
    reason: Literal["erasure_request", "retention_expired"] | None = Field(
        None, description="Only on RegistrationErased: why the personal data is gone."
    )
    change_id: str = Field(description="The stream record's id: the same on a redelivery, so consumers can dedupe.")
    occurred_at: datetime


class RegistrationEvent(BaseModel):
    """One event for the bus: its detail-type and detail."""

    detail_type: DetailType
    detail: RegistrationEventDetail

    def put_events_entry(self, bus_name: str) -> dict[str, str]:
        """The ``PutEvents`` entry on ``bus_name``."""
        return {
            "Source": SOURCE,
            "DetailType": self.detail_type,
            "Detail": self.detail.model_dump_json(),
            "EventBusName": bus_name,
        }


class _Facts(BaseModel):
    """What an event needs from a registration item; lenient, so an erased item (without
    name or phone) still parses, and nothing personal is ever read into it."""

    model_config = ConfigDict(extra="ignore")

    reference: str
    treatment: str
    branch: str
    preferred_date: date
    preferred_period: Literal["morning", "afternoon", "evening"] | None = None
    lang: Literal["en", "zh-HK"]
    status: Status


def _facts(image: Mapping[str, Any] | None) -> _Facts | None:
    """The facts of a registration item image (``pk=REG#…, sk=REG``), or None for any other item."""
    if not image or image.get("sk") != "REG" or not str(image.get("pk", "")).startswith("REG#"):
        return None
    try:
        doc = json.loads(image["doc"])
        if image.get("status"):
            doc["status"] = image["status"]
        if image.get("erased_at"):
            doc["status"] = "erased"
        return _Facts.model_validate(doc)
    except (KeyError, TypeError, ValueError, ValidationError):
        return None


def registration_event(
    event_name: str,
    old_image: Mapping[str, Any] | None,
    new_image: Mapping[str, Any] | None,
    *,
    change_id: str,
    occurred_at: datetime,
    removed_by: str | None = None,
) -> RegistrationEvent | None:
    """The event for one stream record of the registrations table, or None.

    INSERT of a registration → RegistrationCreated; MODIFY into ``cancelled`` →
    RegistrationCancelled; into ``erased`` (or an ``erased_at`` mark) → RegistrationErased;
    into any other status → RegistrationStatusChanged; REMOVE → RegistrationErased (by
    DynamoDB's TTL: ``retention_expired``); an erased event's status is ``erased``. Other
    changes (index keys, corrections of contact details) and other items (claims,
    capacity, history) → None.
    """
    old, new = _facts(old_image), _facts(new_image)
    before, after = (old.status if old else None), (new.status if new else None)
    detail_type: DetailType
    reason: Literal["erasure_request", "retention_expired"] | None = None
    if event_name == "INSERT" and new:
        detail_type = "RegistrationCreated"
    elif event_name == "REMOVE" and old:
        if before == "erased":  # erased earlier, its remains now expire: nothing new to say
            return None
        detail_type, after = "RegistrationErased", "erased"
        reason = "retention_expired" if removed_by == _TTL_PRINCIPAL else "erasure_request"
    elif event_name == "MODIFY" and old and new and before != after:
        if after == "cancelled":
            detail_type = "RegistrationCancelled"
        elif after == "erased":
            detail_type, reason = "RegistrationErased", "erasure_request"
        else:
            detail_type = "RegistrationStatusChanged"
    else:
        return None
    facts = new or old
    assert facts is not None
    detail = RegistrationEventDetail(
        **facts.model_dump(exclude={"status"}),
        status=after or facts.status,
        change=Change(from_=before, to=after),
        reason=reason,
        change_id=change_id,
        occurred_at=occurred_at,
    )
    return RegistrationEvent(detail_type=detail_type, detail=detail)


def event_schema(detail_type: DetailType) -> dict[str, Any]:
    """The JSON schema of one event as EventBridge delivers it (envelope and detail)."""
    detail = RegistrationEventDetail.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": detail.pop("$defs"),  # "#/$defs/…" references resolve from the document's root
        "title": detail_type,
        "description": _DESCRIPTIONS[detail_type],
        "type": "object",
        "required": ["source", "detail-type", "detail"],
        "properties": {
            "source": {"const": SOURCE},
            "detail-type": {"const": detail_type},
            "detail": detail,
        },
    }


_DESCRIPTIONS: dict[DetailType, str] = {
    "RegistrationCreated": "A free-trial registration was made (status pending_confirmation; change.from is null).",
    "RegistrationCancelled": "A registration was cancelled, by the person (manage link) or by staff.",
    "RegistrationStatusChanged": "Staff moved a registration to another status (confirmed, attended, no_show, "
    "converted).",
    "RegistrationErased": "The person's data is gone: a PDPO erasure request (reason erasure_request) or the "
    "retention period ended (reason retention_expired); status and change.to are erased.",
}

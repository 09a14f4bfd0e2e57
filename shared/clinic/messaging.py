"""Messages to the person: what is sent, when, in which words, and exactly once.

- Kinds: ``confirmation`` (on RegistrationCreated), ``cancellation`` (on
  RegistrationCancelled) and ``reminder`` (the day before, for registrations still
  expected). All three are transactional: they carry no promotion, so they need no
  marketing consent; this module sends nothing else.
- Channels: SMS to the E.164 phone, always; e-mail when the person gave an address.
- Words: ``content/message_templates.json`` (English and Traditional Chinese), in the
  registration's language, with the treatment and branch names of the knowledge base.
- The manage link carries the manage token, derived again from the reference with the
  stack's key (:func:`clinic.registration.record.manage_token_for`): it exists only in the
  message itself, never in a table, an event or a log.
- Exactly once per registration, kind and channel: :func:`deliver` claims the message in
  the outbox with a conditional write before sending and marks it sent afterwards; a
  redelivery finds the claim and sends nothing (see :mod:`clinic.messaging_store`).
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from clinic.events import ACTIVE_STATUSES
from clinic.knowledge import KnowledgeBase, Lang, LocalText
from clinic.registration.record import manage_token_for, mask_email, mask_phone

Kind = Literal["confirmation", "cancellation", "reminder"]
Channel = Literal["sms", "email"]
#: The event that triggers each event-driven kind.
KIND_OF_EVENT: dict[str, Kind] = {"RegistrationCreated": "confirmation", "RegistrationCancelled": "cancellation"}


class _Texts(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    subject: LocalText
    sms: LocalText
    email: LocalText


class MessageTemplates(BaseModel):
    """The message texts of ``content/message_templates.json``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sender: LocalText
    periods: dict[str, LocalText]
    kinds: dict[Kind, _Texts]


@cache
def templates() -> MessageTemplates:
    """The bundled templates (validated once per process)."""
    text = (resources.files("clinic") / "content" / "message_templates.json").read_text(encoding="utf-8")
    return MessageTemplates.model_validate(json.loads(text))


class Recipient(BaseModel):
    """What a message needs of a registration (read from its item; lenient, so an erased
    item without contact details reads as one with nobody to write to)."""

    model_config = ConfigDict(extra="ignore")

    reference: str
    status: str
    phone: str | None = None
    email: str | None = None
    treatment: str
    branch: str
    preferred_date: date
    preferred_period: str | None = None
    lang: Lang
    expires_at: int


@dataclass(frozen=True)
class Message:
    """One message ready to send (its text holds the manage link: never log or store it)."""

    channel: Channel
    to: str
    kind: Kind
    lang: Lang
    reference: str
    subject: str
    text: str

    @property
    def masked_to(self) -> str:
        """The recipient as logs and the outbox may show it."""
        return mask_phone(self.to) if self.channel == "sms" else str(mask_email(self.to))


@dataclass(frozen=True)
class LinkPages:
    """The article pages whose registration widget opens the manage panel, per language."""

    en: str
    zh_hk: str

    def link(self, reference: str, token: str, lang: Lang) -> str:
        """``<page>#clinic-manage=<reference>.<token>`` (a fragment: never sent to a server)."""
        page = self.en if lang == "en" else self.zh_hk
        return f"{page.split('#', 1)[0]}#clinic-manage={reference}.{token}"


def format_date(day: date, lang: Lang) -> str:
    """``Thursday 3 December 2026`` / ``2026年12月3日 (星期四)`` with full-width brackets."""
    if lang == "en":
        return f"{day:%A} {day.day} {day:%B %Y}"
    return f"{day.year}年{day.month}月{day.day}日\uff08星期{'一二三四五六日'[day.weekday()]}\uff09"


def compose(recipient: Recipient, kind: Kind, kb: KnowledgeBase, pages: LinkPages, secret: bytes) -> list[Message]:
    """The messages of one kind for one registration: an SMS, and an e-mail when given."""
    lang = recipient.lang
    treatment, branch = kb.treatment(recipient.treatment), kb.branch(recipient.branch)
    words = templates()
    period = words.periods.get(recipient.preferred_period or "any") or words.periods["any"]
    token = manage_token_for(recipient.reference, secret)
    values = {
        "sender": words.sender.get(lang),
        "reference": recipient.reference,
        "treatment": treatment.name.get(lang) if treatment else recipient.treatment,
        "branch": branch.name.get(lang) if branch else recipient.branch,
        "date": format_date(recipient.preferred_date, lang),
        "period": period.get(lang),
        "link": pages.link(recipient.reference, token, lang),
    }
    texts = words.kinds[kind]
    subject = texts.subject.get(lang).format(**values)
    channels: list[tuple[Channel, str | None]] = [("sms", recipient.phone), ("email", recipient.email)]
    return [
        Message(
            channel, to, kind, lang, recipient.reference, subject, getattr(texts, channel).get(lang).format(**values)
        )
        for channel, to in channels
        if to
    ]


def due(recipient: Recipient, kind: Kind, reminder_day: date | None = None) -> bool:
    """Whether a message of this kind still makes sense now: no confirmation or reminder to
    a registration already cancelled, no reminder for another day, no notice unless cancelled."""
    if kind == "cancellation":
        return recipient.status == "cancelled"
    if kind == "reminder" and recipient.preferred_date != reminder_day:
        return False
    return recipient.status in ACTIVE_STATUSES


def reminder_day(scheduled_at: datetime) -> date:
    """The appointment date a run of the daily schedule reminds of: the next day in Hong Kong."""
    from clinic.registration.calendar import HONG_KONG

    return scheduled_at.astimezone(HONG_KONG).date() + timedelta(days=1)


class Outbox(Protocol):
    """Records of messages sent, one per registration, kind and channel (see
    :mod:`clinic.messaging_store`)."""

    def claim(self, message: Message, expires_at: int, now: datetime) -> bool:
        """Claim the message for sending; False when it was sent or is being sent."""
        ...

    def sent(self, message: Message, provider_id: str, now: datetime) -> None:
        """Record the message as sent (masked recipient, channel, kind, time)."""
        ...

    def release(self, message: Message) -> None:
        """Give a claim back after a failed send, so that a retry sends it."""
        ...


class Sender(Protocol):
    """SMS and e-mail delivery (see :mod:`clinic.messaging_send`)."""

    def send(self, message: Message) -> str:
        """Send the message; returns the provider's message id."""
        ...


@dataclass(frozen=True)
class Delivery:
    """What one delivery did: messages sent now, and those skipped (already sent)."""

    sent: list[Message]
    skipped: list[Message]


def deliver(messages: list[Message], expires_at: int, outbox: Outbox, sender: Sender, now: datetime) -> Delivery:
    """Send each message once: claim, send, mark sent; a failed send gives its claim back
    and raises (the caller's retry then sends it; messages sent before it are not repeated)."""
    sent: list[Message] = []
    skipped: list[Message] = []
    for message in messages:
        if not outbox.claim(message, expires_at, now):
            skipped.append(message)
            continue
        try:
            provider_id = sender.send(message)
        except Exception:
            outbox.release(message)
            raise
        outbox.sent(message, provider_id, now)
        sent.append(message)
    return Delivery(sent, skipped)

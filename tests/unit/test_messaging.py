"""Messages to the person: the words in both languages, the working link, once per message."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest

from clinic.knowledge import bundled_knowledge
from clinic.messaging import (
    LinkPages,
    Message,
    Recipient,
    compose,
    deliver,
    due,
    reminder_day,
    templates,
)
from clinic.registration import Registration, token_hash, token_matches

KB = bundled_knowledge()
SECRET = b"s" * 32
PAGES = LinkPages("https://clinic.example/en/article/", "https://clinic.example/zh-HK/article/")
NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def a_recipient(**changes: object) -> Recipient:
    fields: dict[str, object] = {
        "reference": "PM-AB12-CD34", "status": "pending_confirmation", "phone": "+85291234567",
        "email": "tm.chan@example.com", "treatment": "acne-treatment", "branch": "causeway-bay",
        "preferred_date": date(2026, 12, 3), "preferred_period": "afternoon", "lang": "en",
        "expires_at": 1_900_000_000,
    }  # fmt: skip
    return Recipient.model_validate({**fields, **changes})


def token_in(text: str) -> tuple[str, str]:
    fragment = text.split("#clinic-manage=", 1)[1].split(maxsplit=1)[0]
    reference, token = fragment.split(".", 1)
    return reference, token


def test_the_confirmation_in_english_names_everything_and_links_to_the_manage_panel() -> None:
    sms, email = compose(a_recipient(), "confirmation", KB, PAGES, SECRET)
    assert (sms.channel, sms.to, email.channel, email.to) == ("sms", "+85291234567", "email", "tm.chan@example.com")
    for message in (sms, email):
        assert "PM-AB12-CD34" in message.text
        assert "Acne Treatment" in message.text
        assert "Causeway Bay" in message.text
        assert "Thursday 3 December 2026" in message.text
        assert "afternoon" in message.text
        assert "https://clinic.example/en/article/#clinic-manage=PM-AB12-CD34." in message.text
    assert email.subject == "Your free trial registration PM-AB12-CD34"


def as_stored(token: str) -> dict[str, Any]:
    """What a stored registration keeps of its token."""
    return {"manage_token_hash": token_hash(token)}


def test_the_link_carries_a_token_that_opens_the_registration() -> None:
    (sms,) = compose(a_recipient(email=None), "confirmation", KB, PAGES, SECRET)
    reference, token = token_in(sms.text)
    stored = Registration.model_construct(**as_stored(token))
    assert reference == "PM-AB12-CD34"
    assert token_matches(stored, token)
    (elsewhere,) = compose(a_recipient(reference="PM-ZZZZ-ZZZZ", email=None), "confirmation", KB, PAGES, SECRET)
    other = Registration.model_construct(**as_stored(token_in(elsewhere.text)[1]))
    assert not token_matches(other, token)


@pytest.mark.parametrize("kind", ["confirmation", "cancellation", "reminder"])
def test_each_kind_in_traditional_chinese(kind: str) -> None:
    recipient = a_recipient(lang="zh-HK", status="cancelled" if kind == "cancellation" else "confirmed")
    sms, email = compose(recipient, kind, KB, PAGES, SECRET)  # type: ignore[arg-type]
    for message in (sms, email):
        assert message.lang == "zh-HK"
        assert "銅鑼灣" in message.text
        assert "2026年12月3日" in message.text
        assert "星期四" in message.text
        assert "Causeway Bay" not in message.text
    if kind != "cancellation":
        assert "下午" in sms.text
        assert "https://clinic.example/zh-HK/article/#clinic-manage=" in sms.text


def test_no_template_promotes_anything() -> None:
    words = ("offer", "discount", "promotion", "sale", "優惠", "折扣", "推廣", "減價")
    texts = [text for kind in templates().kinds.values() for part in (kind.sms, kind.email, kind.subject)
             for text in (part.en, part.zh_hk)]  # fmt: skip
    assert [t for t in texts if any(word in t.lower() for word in words)] == []


def test_what_is_due() -> None:
    tomorrow = date(2026, 12, 3)
    assert due(a_recipient(), "confirmation")
    assert not due(a_recipient(status="cancelled"), "confirmation")
    assert due(a_recipient(status="cancelled"), "cancellation")
    assert not due(a_recipient(), "cancellation")
    assert due(a_recipient(status="confirmed"), "reminder", tomorrow)
    assert not due(a_recipient(status="attended"), "reminder", tomorrow)
    assert not due(a_recipient(), "reminder", date(2026, 12, 4))


@pytest.mark.parametrize(
    ("scheduled", "day"),
    [
        (datetime(2026, 12, 2, 2, 0, tzinfo=UTC), date(2026, 12, 3)),  # 10:00 in Hong Kong
        (datetime(2026, 12, 1, 16, 30, tzinfo=UTC), date(2026, 12, 3)),  # 00:30 on the 2nd in Hong Kong
        (datetime(2026, 12, 31, 2, 0, tzinfo=UTC), date(2027, 1, 1)),
    ],
)
def test_a_run_reminds_of_the_next_day_in_hong_kong(scheduled: datetime, day: date) -> None:
    assert reminder_day(scheduled) == day


@dataclass
class MemoryOutbox:
    states: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def claim(self, message: Message, expires_at: int, now: datetime) -> bool:
        key = (message.reference, message.kind, message.channel)
        if key in self.states:
            return False
        self.states[key] = "sending"
        return True

    def sent(self, message: Message, provider_id: str, now: datetime) -> None:
        self.states[(message.reference, message.kind, message.channel)] = "sent"

    def release(self, message: Message) -> None:
        del self.states[(message.reference, message.kind, message.channel)]


@dataclass
class FlakySender:
    failing: set[str] = field(default_factory=set)
    sent: list[str] = field(default_factory=list)

    def send(self, message: Message) -> str:
        if message.channel in self.failing:
            raise ConnectionError("provider down")
        self.sent.append(message.channel)
        return f"id-{len(self.sent)}"


def test_deliver_sends_each_message_once_and_retries_only_what_failed() -> None:
    messages = compose(a_recipient(), "confirmation", KB, PAGES, SECRET)
    outbox, sender = MemoryOutbox(), FlakySender(failing={"email"})
    with pytest.raises(ConnectionError):
        deliver(messages, 1, outbox, sender, NOW)
    assert sender.sent == ["sms"]
    assert ("PM-AB12-CD34", "confirmation", "email") not in outbox.states  # the claim was given back
    sender.failing.clear()
    retry = deliver(messages, 1, outbox, sender, NOW)
    assert [m.channel for m in retry.sent] == ["email"]
    assert [m.channel for m in retry.skipped] == ["sms"]
    again = deliver(messages, 1, outbox, sender, NOW)
    assert again.sent == []
    assert sender.sent == ["sms", "email"]

"""Language resolution and the message catalogue."""

import json
from importlib import resources

import pytest

from clinic.i18n import lang_from_accept_language, message, parse_lang


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-HK,zh;q=0.9,en;q=0.8", "zh-HK"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR, zh-Hant;q=0.5, en;q=0.4", "zh-HK"),
        ("en;q=0.2, zh-TW;q=0.8", "zh-HK"),
        ("fr, de", None),
        ("", None),
        ("zh;q=0", None),
    ],
)
def test_accept_language_picks_the_preferred_supported_language(header: str, expected: str | None) -> None:
    assert lang_from_accept_language(header) == expected


@pytest.mark.parametrize(("value", "expected"), [("en", "en"), ("zh-HK", "zh-HK"), ("zh_hk", "zh-HK"), ("fr", None)])
def test_lang_spellings(value: str, expected: str | None) -> None:
    assert parse_lang(value) == expected


def test_messages_fill_their_parameters_in_both_languages() -> None:
    assert "2026-12-01" in message("DATE_TOO_EARLY", "en", min_date="2026-12-01")
    assert "2026-12-01" in message("DATE_TOO_EARLY", "zh-HK", min_date="2026-12-01")


def test_a_missing_parameter_does_not_fail() -> None:
    assert "…" in message("TOO_LONG", "en")


def test_every_message_exists_in_both_languages() -> None:
    catalogue = json.loads((resources.files("clinic") / "messages.json").read_text(encoding="utf-8"))
    assert all(set(entry) == {"en", "zh-HK"} and all(entry.values()) for entry in catalogue.values())

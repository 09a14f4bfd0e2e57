"""Zero 5xx for bad input, and the right 4xx, on every route; strict input; one language order."""

import json
from types import ModuleType
from typing import Any

import pytest

from tests.handlers.test_registration_handler import open_day
from tests.support import Answer, call, load_function

ORIGIN = "https://www.example-clinic.hk"
REGISTRATION = {
    "name": "Chan Tai Man",
    "phone": "9123 4567",
    "treatment": "acne-treatment",
    "branch": "causeway-bay",
    "preferred_date": "2099-01-01",
    "agree_terms": True,
}
# Every route that takes a body (and one that takes none): function, path.
POST_ROUTES = [
    ("FaqFunction", "/faqs/does-it-hurt/feedback"),
    ("RegistrationFunction", "/registrations"),
    ("RegistrationFunction", "/registrations/PM-AAAA-AAAA/cancel"),
    ("RecommendationFunction", "/recommendations"),
]
BAD_BODIES = {
    "not UTF-8": b'{"name": "\xff\xfe"}',
    "not JSON": b"{name: 1",
    "a number of 5,000 digits": b'{"helpful": ' + b"9" * 5000 + b"}",
    "a byte-order mark": b'\xef\xbb\xbf{"helpful": true}',
}


@pytest.fixture
def functions(aws: None) -> dict[str, ModuleType]:
    return {name: load_function(name) for name in ("FaqFunction", "RegistrationFunction", "RecommendationFunction")}


def send(module: ModuleType, method: str, path: str, raw: bytes, content_type: str = "application/json") -> Answer:
    return call(module, method, path, raw_body=raw, headers={"Content-Type": content_type, "Origin": ORIGIN})


@pytest.mark.parametrize(("function", "path"), POST_ROUTES)
@pytest.mark.parametrize("kind", list(BAD_BODIES))
def test_an_unreadable_body_is_400_with_cors_on_every_post_route(
    functions: dict[str, ModuleType], function: str, path: str, kind: str
) -> None:
    answer = send(functions[function], "POST", path, BAD_BODIES[kind])
    assert answer.status == 400
    assert answer.error_code() == "MALFORMED_JSON"
    assert answer.headers["access-control-allow-origin"] == ORIGIN


@pytest.mark.parametrize(("function", "path"), POST_ROUTES)
def test_a_body_over_16_kib_is_413_and_a_form_is_400(
    functions: dict[str, ModuleType], function: str, path: str
) -> None:
    big = json.dumps({"reason": "x" * 17000}).encode()
    assert send(functions[function], "POST", path, big).status == 413
    form = send(functions[function], "POST", path, b"helpful=true", "application/x-www-form-urlencoded")
    assert form.status == 400
    assert form.error_code() == "UNSUPPORTED_CONTENT_TYPE"


@pytest.mark.parametrize(("function", "path"), POST_ROUTES)
def test_deep_nesting_is_a_4xx(functions: dict[str, ModuleType], function: str, path: str) -> None:
    answer = send(functions[function], "POST", path, b"[" * 8000 + b"]" * 8000)
    assert 400 <= answer.status < 500


def test_content_type_is_matched_case_insensitively(functions: dict[str, ModuleType]) -> None:
    raw = json.dumps({"helpful": True}).encode()
    answer = send(
        functions["FaqFunction"], "POST", "/faqs/does-it-hurt/feedback", raw, "Application/JSON; Charset=UTF-8"
    )
    assert answer.status == 202


def test_a_lowercase_method_is_405_with_allow(functions: dict[str, ModuleType]) -> None:
    answer = call(functions["FaqFunction"], "get", "/faqs")
    assert answer.status == 405
    assert answer.headers["allow"] == "GET"


def test_head_is_served_as_get_and_refused_where_get_is_not(functions: dict[str, ModuleType]) -> None:
    assert call(functions["FaqFunction"], "HEAD", "/faqs").status == 200
    refused = call(functions["RecommendationFunction"], "HEAD", "/recommendations")
    assert refused.status == 405
    assert refused.headers["allow"] == "POST"


@pytest.mark.parametrize(
    ("function", "path"),
    [
        ("FaqFunction", '/faqs/a"b'),
        ("RecommendationFunction", "/treatments/a`b"),
        ("RegistrationFunction", "/registrations/PM#1"),
    ],
)
def test_an_id_no_route_can_hold_is_404_not_405(functions: dict[str, ModuleType], function: str, path: str) -> None:
    answer = call(functions[function], "GET", path)
    assert answer.status == 404
    assert answer.error_code() == "NOT_FOUND"


def register(functions: dict[str, ModuleType], **changes: Any) -> Answer:
    body = REGISTRATION | {"preferred_date": open_day()} | changes
    return call(functions["RegistrationFunction"], "POST", "/registrations", body=body)


@pytest.mark.parametrize("value", [20990101, 4070908800, "2099-01-01T00:00:00", "20990101", "2099-1-1"])
def test_a_date_must_be_a_yyyy_mm_dd_string(functions: dict[str, ModuleType], value: Any) -> None:
    answer = register(functions, preferred_date=value)
    assert answer.status == 422
    assert answer.field_codes()["preferred_date"] == "INVALID_DATE"


@pytest.mark.parametrize("name", ["\u0301\u0301", "-", "'.", "A\u202eB"])
def test_a_name_needs_visible_letters_and_no_direction_controls(functions: dict[str, ModuleType], name: str) -> None:
    answer = register(functions, name=name)
    assert answer.status == 422
    assert answer.field_codes()["name"] == "NAME_INVALID"


@pytest.mark.parametrize("value", ["face\u202ebook", "face\x00book", "line\nbreak", "\ud800"])
def test_control_and_bidi_characters_never_reach_the_source_fields(
    functions: dict[str, ModuleType], value: str
) -> None:
    answer = register(functions, source={"utm_source": value, "page_url": f"https://example.com/{value}"})
    assert answer.status == 422
    assert answer.field_codes() == {"source.utm_source": "INVALID_CHARACTERS", "source.page_url": "INVALID_CHARACTERS"}


@pytest.mark.parametrize("reason", ["bad\u202e", "\x1b[31m", "\ud83d"])
def test_a_feedback_reason_refuses_control_characters(functions: dict[str, ModuleType], reason: str) -> None:
    answer = call(
        functions["FaqFunction"], "POST", "/faqs/does-it-hurt/feedback", body={"helpful": False, "reason": reason}
    )
    assert answer.status == 422
    assert answer.field_codes() == {"reason": "INVALID_CHARACTERS"}


def test_a_multi_line_reason_is_still_welcome(functions: dict[str, ModuleType]) -> None:
    body = {"helpful": False, "reason": "Too short.\n太短。"}
    assert call(functions["FaqFunction"], "POST", "/faqs/does-it-hurt/feedback", body=body).status == 202


@pytest.mark.parametrize(
    ("function", "method", "path", "body"),
    [
        ("FaqFunction", "POST", "/faqs/does-it-hurt/feedback", {"helpful": True, "lang": "fr"}),
        ("RegistrationFunction", "POST", "/registrations", REGISTRATION | {"lang": "fr"}),
        (
            "RecommendationFunction",
            "POST",
            "/recommendations",
            {"skin_type": "oily", "age_range": "25_34", "lang": "fr"},
        ),
    ],
)
def test_every_lang_field_is_validated(
    functions: dict[str, ModuleType], function: str, method: str, path: str, body: dict[str, Any]
) -> None:
    answer = call(functions[function], method, path, body=body)
    assert answer.status == 422
    assert answer.field_codes()["lang"] == "INVALID_CHOICE"


def test_the_language_order_is_query_then_body_then_accept_language(functions: dict[str, ModuleType]) -> None:
    invalid = {"skin_type": "scaly", "age_range": "25_34"}  # a 422 says which language was chosen

    def lang(body: dict[str, Any], accept: str | None = None, query: dict[str, str] | None = None) -> str:
        headers = {"Accept-Language": accept} if accept else None
        answer = call(
            functions["RecommendationFunction"], "POST", "/recommendations", body=body, headers=headers, query=query
        )
        assert answer.status == 422
        return answer.headers["content-language"]

    assert lang(invalid | {"lang": "en"}, "zh-HK", {"lang": "zh-HK"}) == "zh-HK"
    assert lang(invalid | {"lang": "zh-HK"}, "en") == "zh-HK"
    assert lang(invalid, "en;q=0.5, zh-HK") == "zh-HK"
    assert lang(invalid) == "en"

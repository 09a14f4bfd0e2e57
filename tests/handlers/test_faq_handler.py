"""The FAQ function under moto: the contract's answers, errors, CORS and caching."""

from collections.abc import Iterator
from types import ModuleType
from unittest.mock import patch

import pytest

from clinic.aws import dynamodb
from tests.support import call, client_error, dynamodb_calls, load_function


@pytest.fixture
def faq(aws: None) -> Iterator[ModuleType]:
    return load_function("FaqFunction")


def test_lists_every_entry_in_the_requested_language(faq: ModuleType) -> None:
    english = call(faq, "GET", "/faqs", query={"lang": "en"})
    chinese = call(faq, "GET", "/faqs", headers={"Accept-Language": "zh-HK,zh;q=0.9"})
    assert english.status == chinese.status == 200
    assert [i["id"] for i in english.body["items"]] == [i["id"] for i in chinese.body["items"]]
    assert english.body["lang"] == "en"
    assert chinese.body["lang"] == "zh-HK"
    assert english.body["items"][0]["question"] != chinese.body["items"][0]["question"]


@pytest.mark.parametrize(("q", "lang"), [("does it hurt", "en"), ("hurst", "en"), ("痛", "zh-HK")])
def test_search_puts_the_pain_question_in_the_top_three(faq: ModuleType, q: str, lang: str) -> None:
    answer = call(faq, "GET", "/faqs", query={"q": q, "lang": lang})
    assert answer.status == 200
    assert "does-it-hurt" in [item["id"] for item in answer.body["items"][:3]]
    assert answer.body["fallback"] is False
    assert set(answer.body["items"][0]) >= {"id", "question", "answer", "score", "related"}


def test_one_entry_and_an_unknown_one(faq: ModuleType) -> None:
    found = call(faq, "GET", "/faqs/does-it-hurt", query={"lang": "zh-HK"})
    assert found.status == 200
    assert "痛" in found.body["question"]
    missing = call(faq, "GET", "/faqs/no-such-entry", query={"lang": "zh-HK"})
    assert missing.status == 404
    assert missing.error_code() == "NOT_FOUND"
    assert missing.body["error"]["message"] == "找不到相關內容。"


def test_a_wrong_method_on_a_known_path_is_405_with_allow(faq: ModuleType) -> None:
    answer = call(faq, "DELETE", "/faqs/does-it-hurt")
    assert answer.status == 405
    assert answer.headers["allow"] == "GET"
    assert answer.error_code() == "METHOD_NOT_ALLOWED"


def test_feedback_counts_votes_atomically(faq: ModuleType) -> None:
    for helpful in (True, True, False):
        answer = call(faq, "POST", "/faqs/does-it-hurt/feedback", body={"helpful": helpful})
        assert answer.status == 202
    call(faq, "POST", "/faqs/does-it-hurt/feedback", body={"helpful": False, "reason": "Too vague"})
    counts = dynamodb().get_item(TableName="FeedbackTable", Key={"pk": {"S": "does-it-hurt"}, "sk": {"S": "counts"}})
    assert counts["Item"]["helpful"]["N"] == "2"
    assert counts["Item"]["not_helpful"]["N"] == "2"
    reasons = dynamodb().query(
        TableName="FeedbackTable",
        KeyConditionExpression="pk = :pk AND begins_with(sk, :r)",
        ExpressionAttributeValues={":pk": {"S": "does-it-hurt"}, ":r": {"S": "reason#"}},
    )["Items"]
    assert [item["reason"]["S"] for item in reasons] == ["Too vague"]
    assert "expires_at" in reasons[0]


def test_feedback_on_an_unknown_entry_is_404(faq: ModuleType) -> None:
    assert call(faq, "POST", "/faqs/nope/feedback", body={"helpful": True}).status == 404


def test_invalid_feedback_is_a_field_level_422_in_the_callers_language(faq: ModuleType) -> None:
    answer = call(
        faq,
        "POST",
        "/faqs/does-it-hurt/feedback",
        body={"helpful": "maybe", "lang": "zh-HK", "x": 1},
    )
    assert answer.status == 422
    assert answer.error_code() == "VALIDATION_FAILED"
    assert answer.field_codes() == {"helpful": "INVALID_TYPE", "x": "UNKNOWN_FIELD"}
    assert answer.body["error"]["message"] == "部分資料需要修正。"
    missing = call(faq, "POST", "/faqs/does-it-hurt/feedback", body={})
    assert missing.field_codes() == {"helpful": "REQUIRED"}


def test_an_unsupported_language_is_a_422_on_lang(faq: ModuleType) -> None:
    answer = call(faq, "GET", "/faqs", query={"lang": "fr"})
    assert answer.status == 422
    assert answer.field_codes() == {"lang": "INVALID_CHOICE"}


@pytest.mark.parametrize(
    ("content_type", "body", "code"),
    [
        ("application/json", b'{"helpful": tru', "MALFORMED_JSON"),
        ("text/plain", b"helpful=true", "UNSUPPORTED_CONTENT_TYPE"),
    ],
)
def test_an_unreadable_body_is_400(faq: ModuleType, content_type: str, body: bytes, code: str) -> None:
    answer = call(faq, "POST", "/faqs/does-it-hurt/feedback", raw_body=body, headers={"Content-Type": content_type})
    assert answer.status == 400
    assert answer.error_code() == code


def test_a_body_over_16_kib_is_413(faq: ModuleType) -> None:
    answer = call(faq, "POST", "/faqs/does-it-hurt/feedback", body={"helpful": True, "reason": "x" * 17000})
    assert answer.status == 413
    assert answer.error_code() == "PAYLOAD_TOO_LARGE"


def test_cors_allows_only_the_configured_origins(faq: ModuleType) -> None:
    allowed = call(faq, "GET", "/faqs", headers={"Origin": "https://www.example-clinic.hk"})
    assert allowed.headers["access-control-allow-origin"] == "https://www.example-clinic.hk"
    assert allowed.headers["vary"] == "Origin"
    assert allowed.headers["access-control-expose-headers"] == "Retry-After"
    refused = call(faq, "GET", "/faqs", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in refused.headers
    preflight = call(
        faq,
        "OPTIONS",
        "/faqs/does-it-hurt/feedback",
        headers={
            "Origin": "https://www.example-clinic.hk",
            "Access-Control-Request-Method": "POST",
        },
    )
    assert preflight.status == 204
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_a_warm_search_makes_no_dynamodb_call(faq: ModuleType) -> None:
    call(faq, "GET", "/faqs", query={"q": "acne"})
    with dynamodb_calls() as operations:
        answer = call(faq, "GET", "/faqs", query={"q": "pimples"})
    assert answer.status == 200
    assert operations == []


def test_storage_throttling_is_503_with_retry_after(faq: ModuleType) -> None:
    throttled = client_error("ProvisionedThroughputExceededException", "UpdateItem")
    call(faq, "GET", "/faqs")  # content cached
    with dynamodb_calls(fail=lambda _: throttled):
        answer = call(faq, "POST", "/faqs/does-it-hurt/feedback", body={"helpful": True})
    assert answer.status == 503
    assert answer.error_code() == "SERVICE_UNAVAILABLE"
    assert int(answer.headers["retry-after"]) >= 1


def test_an_unexpected_error_is_a_500_without_a_stack_trace(faq: ModuleType) -> None:
    with patch("clinic.faq.index_for", side_effect=RuntimeError("boom")):
        answer = call(faq, "GET", "/faqs", query={"q": "acne"})
    assert answer.status == 500
    assert answer.body == {"error": {"code": "INTERNAL_ERROR", "message": answer.body["error"]["message"]}}
    assert "boom" not in str(answer.body)

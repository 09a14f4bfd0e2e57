"""The FAQ over HTTP against the local stack."""

import pytest

from tests.support import LocalApi

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(("q", "lang"), [("does%20it%20hurt", "en"), ("hurst", "en"), ("%E7%97%9B", "zh-HK")])
def test_pain_question_in_top_three(local_stack: LocalApi, q: str, lang: str) -> None:
    answer = local_stack.request("GET", f"/faqs?q={q}&lang={lang}")
    assert answer.status == 200
    assert "does-it-hurt" in [item["id"] for item in answer.body["items"][:3]]


def test_seeded_content_in_both_languages(local_stack: LocalApi) -> None:
    english = local_stack.request("GET", "/faqs?lang=en").body
    chinese = local_stack.request("GET", "/faqs", headers={"Accept-Language": "zh-HK"}).body
    assert len(english["items"]) == len(chinese["items"]) >= 15
    assert chinese["lang"] == "zh-HK"


def test_feedback_is_accepted(local_stack: LocalApi) -> None:
    answer = local_stack.request("POST", "/faqs/does-it-hurt/feedback", {"helpful": True})
    assert answer.status == 202
    assert answer.body == {"id": "does-it-hurt", "accepted": True}


def test_unknown_path_and_wrong_method(local_stack: LocalApi) -> None:
    assert local_stack.request("GET", "/nowhere").error_code() == "NOT_FOUND"
    wrong = local_stack.request("PUT", "/faqs")
    assert wrong.status == 405
    assert wrong.headers["allow"] == "GET"


def test_every_contract_path_is_in_the_spec(local_stack: LocalApi) -> None:
    spec = local_stack.request("GET", "/openapi.json").body
    expected = {
        "/faqs": {"get"},
        "/faqs/{id}": {"get"},
        "/faqs/{id}/feedback": {"post"},
        "/registration-options": {"get"},
        "/registrations": {"post"},
        "/registrations/{reference}": {"get"},
        "/registrations/{reference}/cancel": {"post"},
        "/recommendations": {"post"},
        "/recommendations/{id}": {"get"},
        "/treatments": {"get"},
        "/treatments/{id}": {"get"},
    }
    for path, methods in expected.items():
        assert methods <= set(spec["paths"].get(path, {})), path

"""The recommendation function under moto: the contract's answers, storage and errors."""

import time
from types import ModuleType
from typing import Any, get_args

import pytest

from clinic.aws import dynamodb
from clinic.knowledge import TreatmentId
from clinic.recommendation_lookup import recommendation_exists
from tests.support import call, client_error, dynamodb_calls, load_function

OILY = {
    "skin_type": "oily",
    "concerns": ["enlarged_pores", "blackheads", "oiliness"],
    "pore_shape": "round",
    "age_range": "25_34",
    "lifestyle": ["humid_climate"],
    "habits": {"removes_makeup": True, "exfoliates_weekly": False, "moisturises": True, "uses_sunscreen": None},
}
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


@pytest.fixture
def recommendation(aws: None) -> ModuleType:
    return load_function("RecommendationFunction")


@pytest.mark.parametrize(("lang", "oily_name"), [("en", "Oily Pores"), ("zh-HK", "油性毛孔")])
def test_a_questionnaire_is_answered_200_in_the_requested_language(
    recommendation: ModuleType, lang: str, oily_name: str
) -> None:
    answer = call(recommendation, "POST", "/recommendations", body={**OILY, "lang": lang})
    assert answer.status == 200
    body = answer.body
    assert body["lang"] == lang
    assert body["recommendation_id"].startswith("rec-")
    assert body["created_at"].endswith("Z")
    assert body["pore_types"][0]["id"] == "oily"
    assert body["pore_types"][0]["name"] == oily_name
    assert body["pore_types"][0]["reasons"][0]["answer"] == "skin_type=oily"
    assert body["top_types"] == ["oily"]
    assert body["mixed"] is False
    assert {"excess_sebum", "dead_skin_buildup"} <= {c["id"] for c in body["causes"]}
    assert body["treatments"][0]["id"] == "carbon-laser"
    assert set(body["treatments"][0]) == {"id", "name", "why", "cautions", "sessions", "gentle"}
    assert {t["id"] for t in body["daily_tips"]} >= {"deep-cleansing", "functional-skincare"}
    assert body["needs_consultation"] is False
    assert body["consultation_reasons"] == []
    assert body["offer"]["treatment"] == "acne-treatment"
    assert body["offer"]["eligible"] is True
    assert body["offer"]["register_path"] == "/registrations"


def test_the_language_also_comes_from_accept_language(recommendation: ModuleType) -> None:
    answer = call(
        recommendation, "POST", "/recommendations", body=OILY, headers={"Accept-Language": "zh-HK,zh;q=0.9,en;q=0.5"}
    )
    assert answer.status == 200
    assert answer.body["lang"] == "zh-HK"
    assert answer.body["offer"]["name"] == "暗瘡療程"


def test_a_recommendation_costs_exactly_one_write(recommendation: ModuleType) -> None:
    call(recommendation, "GET", "/treatments")  # content cached, as in a warm container
    with dynamodb_calls() as operations:
        answer = call(recommendation, "POST", "/recommendations", body=OILY)
    assert answer.status == 200
    assert operations == ["PutItem"]
    item = dynamodb().get_item(TableName="RecommendationsTable", Key={"pk": {"S": answer.body["recommendation_id"]}})
    stored = item["Item"]
    assert set(stored) == {"pk", "answers", "result", "created_at", "expires_at"}
    ttl = int(stored["expires_at"]["N"]) - int(time.time())
    assert 89 * 86400 < ttl <= 90 * 86400
    assert "lang" not in stored["answers"]["S"]


def test_the_same_result_is_read_back_and_rerendered_in_the_other_language(recommendation: ModuleType) -> None:
    created = call(recommendation, "POST", "/recommendations", body={**OILY, "lang": "en"}).body
    rec_id = created["recommendation_id"]
    again = call(recommendation, "GET", f"/recommendations/{rec_id}", query={"lang": "en"})
    assert again.status == 200
    assert again.body == created
    chinese = call(recommendation, "GET", f"/recommendations/{rec_id}", headers={"Accept-Language": "zh-HK"})
    assert chinese.status == 200
    assert chinese.body["lang"] == "zh-HK"
    assert chinese.body["pore_types"][0]["name"] == "油性毛孔"
    assert chinese.body["pore_types"][0]["reasons"][0]["text"].startswith("你表示")
    for key in ("recommendation_id", "created_at", "top_types", "mixed", "needs_consultation"):
        assert chinese.body[key] == created[key]
    assert [t["id"] for t in chinese.body["treatments"]] == [t["id"] for t in created["treatments"]]
    assert [p["score"] for p in chinese.body["pore_types"]] == [p["score"] for p in created["pore_types"]]


def test_a_precaution_routes_to_a_consultation(recommendation: ModuleType) -> None:
    body = {**OILY, "precautions": ["pregnant_or_breastfeeding"], "lang": "zh-HK"}
    answer = call(recommendation, "POST", "/recommendations", body=body)
    assert answer.status == 200
    assert [t["id"] for t in answer.body["treatments"]] == ["acne-treatment"]
    assert answer.body["needs_consultation"] is True
    (reason,) = answer.body["consultation_reasons"]
    assert reason["code"] == "pregnant_or_breastfeeding"
    assert "懷孕" in reason["text"]
    assert "carbon-laser" in reason["treatments"]


@pytest.mark.parametrize(
    ("rec_id", "lang", "message"),
    [
        ("rec-0000000000000000000z", "en", "This recommendation was not found"),
        ("rec-0000000000000000000z", "zh-HK", "找不到此建議"),
        ("not-an-id", "en", "This recommendation was not found"),
    ],
)
def test_an_unknown_recommendation_is_404_in_the_callers_language(
    recommendation: ModuleType, rec_id: str, lang: str, message: str
) -> None:
    answer = call(recommendation, "GET", f"/recommendations/{rec_id}", query={"lang": lang})
    assert answer.status == 404
    assert set(answer.body["error"]) == {"code", "message"}
    assert answer.error_code() == "RECOMMENDATION_NOT_FOUND"
    assert answer.body["error"]["message"].startswith(message)


def test_an_expired_recommendation_is_404_before_ttl_deletes_it(recommendation: ModuleType) -> None:
    rec_id = call(recommendation, "POST", "/recommendations", body=OILY).body["recommendation_id"]
    dynamodb().update_item(
        TableName="RecommendationsTable",
        Key={"pk": {"S": rec_id}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 1)}},
    )
    assert call(recommendation, "GET", f"/recommendations/{rec_id}").status == 404
    assert recommendation_exists("RecommendationsTable", rec_id) is False


def test_the_registrations_lookup_finds_live_recommendations_only(recommendation: ModuleType) -> None:
    rec_id = call(recommendation, "POST", "/recommendations", body=OILY).body["recommendation_id"]
    assert recommendation_exists("RecommendationsTable", rec_id) is True
    assert recommendation_exists("RecommendationsTable", "rec-0000000000000000000z") is False
    assert recommendation_exists("RecommendationsTable", "") is False


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({**OILY, "skin_type": "greasy"}, {"skin_type": "INVALID_CHOICE"}),
        ({**OILY, "concerns": ["acne", "wrinkles"]}, {"concerns.1": "INVALID_CHOICE"}),
        ({**OILY, "concerns": ["acne", "acne"]}, {"concerns": "DUPLICATE_ITEM"}),
        ({**OILY, "precautions": ["vegan"]}, {"precautions.0": "INVALID_CHOICE"}),
        ({**OILY, "name": "Chan Tai Man"}, {"name": "UNKNOWN_FIELD"}),
        ({**OILY, "habits": {"moisturises": "yes"}}, {"habits.moisturises": "INVALID_TYPE"}),
        ({**OILY, "habits": {"sleeps": True}}, {"habits.sleeps": "UNKNOWN_FIELD"}),
        ({**OILY, "concerns": "acne"}, {"concerns": "INVALID_TYPE"}),
        ({**OILY, "lang": "fr"}, {"lang": "INVALID_CHOICE"}),
        ({"concerns": []}, {"skin_type": "REQUIRED", "age_range": "REQUIRED"}),
    ],
)
def test_invalid_answers_are_a_field_level_422(
    recommendation: ModuleType, body: dict[str, Any], fields: dict[str, str]
) -> None:
    answer = call(recommendation, "POST", "/recommendations", body=body)
    assert answer.status == 422
    assert answer.error_code() == "VALIDATION_FAILED"
    assert answer.field_codes() == fields


def test_a_422_speaks_the_callers_language(recommendation: ModuleType) -> None:
    answer = call(recommendation, "POST", "/recommendations", body={**OILY, "skin_type": "greasy", "lang": "zh-HK"})
    assert answer.body["error"]["message"] == "部分資料需要修正。"
    assert answer.body["error"]["fields"][0]["message"].startswith("請從以下選項中選擇")


def test_malformed_json_is_400(recommendation: ModuleType) -> None:
    answer = call(
        recommendation,
        "POST",
        "/recommendations",
        raw_body=b'{"skin_type": "oily",',
        headers={"Content-Type": "application/json"},
    )
    assert answer.status == 400
    assert answer.error_code() == "MALFORMED_JSON"


def test_the_treatment_catalogue_in_both_languages(recommendation: ModuleType) -> None:
    english = call(recommendation, "GET", "/treatments", query={"lang": "en"})
    chinese = call(recommendation, "GET", "/treatments", headers={"Accept-Language": "zh-HK"})
    assert english.status == chinese.status == 200
    ids = [item["id"] for item in english.body["items"]]
    assert ids == [item["id"] for item in chinese.body["items"]]
    assert set(ids) == set(get_args(TreatmentId))
    assert (english.body["lang"], chinese.body["lang"]) == ("en", "zh-HK")
    assert english.body["items"][0]["name"] == "AHA Chemical Peel"
    assert chinese.body["items"][0]["name"] == "果酸煥膚"


def test_one_treatment_and_an_unknown_one(recommendation: ModuleType) -> None:
    found = call(recommendation, "GET", "/treatments/rf-tightening", query={"lang": "zh-HK"})
    assert found.status == 200
    assert found.body["id"] == "rf-tightening"
    assert found.body["name"] == "射頻緊緻 (RF)"
    assert "pregnant_or_breastfeeding" in found.body["contraindications"]
    missing = call(recommendation, "GET", "/treatments/botox", query={"lang": "zh-HK"})
    assert missing.status == 404
    assert missing.body == {"error": {"code": "NOT_FOUND", "message": "找不到相關內容。"}}


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("GET", "/recommendations", "POST"),
        ("DELETE", "/recommendations/rec-0000000000000000000z", "GET"),
        ("POST", "/treatments", "GET"),
        ("PUT", "/treatments/aha-peel", "GET"),
    ],
)
def test_a_wrong_method_is_405_with_allow(recommendation: ModuleType, method: str, path: str, allow: str) -> None:
    answer = call(recommendation, method, path)
    assert answer.status == 405
    assert answer.headers["allow"] == allow
    assert answer.error_code() == "METHOD_NOT_ALLOWED"


def test_throttled_storage_is_503_with_retry_after(recommendation: ModuleType) -> None:
    throttled = client_error("ProvisionedThroughputExceededException", "PutItem")
    call(recommendation, "GET", "/treatments")  # content cached
    with dynamodb_calls(fail=lambda _: throttled):
        answer = call(recommendation, "POST", "/recommendations", body={**OILY, "lang": "zh-HK"})
        read = call(recommendation, "GET", "/recommendations/rec-0000000000000000000z")
    assert answer.status == 503
    assert answer.error_code() == "SERVICE_UNAVAILABLE"
    assert answer.body["error"]["message"].startswith("系統繁忙")
    assert int(answer.headers["retry-after"]) >= 1
    assert read.status == 503


def test_a_warm_container_reads_no_content_from_dynamodb(recommendation: ModuleType) -> None:
    call(recommendation, "GET", "/treatments")
    with dynamodb_calls() as operations:
        call(recommendation, "POST", "/recommendations", body=OILY)
        call(recommendation, "GET", "/treatments/aha-peel")
    assert operations == ["PutItem"]

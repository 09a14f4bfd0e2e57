"""The pore questionnaire and the treatment catalogue over HTTP against the local stack."""

import pytest

from tests.support import LocalApi

pytestmark = pytest.mark.integration

AGEING = {
    "skin_type": "normal",
    "concerns": ["sagging", "enlarged_pores"],
    "pore_shape": "teardrop",
    "age_range": "45_plus",
    "habits": {"uses_sunscreen": False},
}


def test_a_recommendation_is_made_then_read_back_in_both_languages(local_stack: LocalApi) -> None:
    created = local_stack.request("POST", "/recommendations", {**AGEING, "lang": "en"})
    assert created.status == 200
    assert created.headers["content-type"].startswith("application/json")
    body = created.body
    assert body["top_types"] == ["aging"]
    assert body["pore_types"][0]["name"] == "Ageing Pores"
    assert {"rf-tightening", "microneedling-infusion"} <= {t["id"] for t in body["treatments"]}
    assert "carbon-laser" not in {t["id"] for t in body["treatments"]}

    rec_id = body["recommendation_id"]
    english = local_stack.request("GET", f"/recommendations/{rec_id}?lang=en")
    assert english.status == 200
    assert english.body == body
    chinese = local_stack.request("GET", f"/recommendations/{rec_id}", headers={"Accept-Language": "zh-HK"})
    assert chinese.status == 200
    assert chinese.body["lang"] == "zh-HK"
    assert chinese.body["pore_types"][0]["name"] == "老化型毛孔"
    assert [t["id"] for t in chinese.body["treatments"]] == [t["id"] for t in body["treatments"]]


def test_a_contraindication_and_an_unknown_id(local_stack: LocalApi) -> None:
    answer = local_stack.request(
        "POST", "/recommendations", {**AGEING, "precautions": ["sunburn"]}, headers={"Accept-Language": "zh-HK"}
    )
    assert answer.status == 200
    assert answer.body["treatments"] == []
    assert answer.body["needs_consultation"] is True
    assert answer.body["offer"]["eligible"] is False
    missing = local_stack.request("GET", "/recommendations/rec-0000000000000000000z?lang=zh-HK")
    assert missing.status == 404
    assert missing.error_code() == "RECOMMENDATION_NOT_FOUND"


def test_invalid_answers_are_422(local_stack: LocalApi) -> None:
    answer = local_stack.request("POST", "/recommendations", {**AGEING, "skin_type": "greasy", "extra": 1})
    assert answer.status == 422
    assert answer.field_codes() == {"skin_type": "INVALID_CHOICE", "extra": "UNKNOWN_FIELD"}


def test_the_treatment_catalogue(local_stack: LocalApi) -> None:
    english = local_stack.request("GET", "/treatments?lang=en")
    chinese = local_stack.request("GET", "/treatments", headers={"Accept-Language": "zh-HK"})
    assert english.status == chinese.status == 200
    assert len(english.body["items"]) == len(chinese.body["items"]) == 6
    assert chinese.body["lang"] == "zh-HK"
    one = local_stack.request("GET", "/treatments/acne-treatment?lang=en")
    assert one.status == 200
    assert one.body["trial_offer"] is True
    assert local_stack.request("GET", "/treatments/nothing-here").status == 404
    wrong = local_stack.request("DELETE", "/treatments")
    assert wrong.status == 405
    assert wrong.headers["allow"] == "GET"

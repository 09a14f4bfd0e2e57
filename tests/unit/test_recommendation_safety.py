"""Safety as rules: precautions, answer rules and weak evidence, whatever the scores."""

from typing import get_args

import pytest

from clinic.knowledge import Precaution, bundled_knowledge
from clinic.recommendation import Questionnaire, assess, new_recommendation, render, scoring_rules
from tests.eval import safety_violations

KB = bundled_knowledge()
RULES = scoring_rules()


@pytest.mark.parametrize("precaution", get_args(Precaution))
def test_each_consultation_text_says_as_much_as_the_catalogue_rules_out(precaution: str) -> None:
    ruled_out = [t.id for t in KB.treatments if precaution in t.contraindications]
    declared = RULES.consultation[precaution].rules_out  # type: ignore[index]
    assert declared == ("all" if len(ruled_out) == len(KB.treatments) else "some")
    answers = Questionnaire.model_validate({"skin_type": "oily", "age_range": "25_34", "precautions": [precaution]})
    english = render(KB, new_recommendation(KB, answers), "en")
    reason = english.consultation_reasons[0]
    assert not set(reason.treatments) & {t.id for t in english.treatments}
    if declared == "all":
        assert english.treatments == []
        assert not english.offer.eligible
        assert "free trial" in reason.text
    else:
        assert english.treatments
        assert "Left out for now" in reason.text


def test_someone_taking_isotretinoin_now_reads_a_text_written_for_them() -> None:
    text = RULES.consultation["isotretinoin_recent"].text
    assert "now" in text.en
    assert "正在" in text.zh_hk


def test_a_peel_last_week_closes_the_free_trial_and_every_procedure() -> None:
    answers = Questionnaire.model_validate(
        {"skin_type": "oily", "concerns": ["blackheads"], "age_range": "25_34", "precautions": ["recent_laser_or_peel"]}
    )
    result = assess(KB, answers)
    assert result.treatments == ()
    assert not result.offer_eligible


def test_age_alone_is_weak_evidence_answered_gently_and_honestly() -> None:
    answers = Questionnaire(skin_type="normal", age_range="45_plus")
    stored = new_recommendation(KB, answers)
    assert stored.assessment.weak_evidence
    first = KB.treatment(stored.assessment.treatments[0])
    assert first is not None
    assert first.gentle
    assert "little to go on" in render(KB, stored, "en").disclaimer
    assert "資料不多" in render(KB, stored, "zh-HK").disclaimer


def test_contradictory_answers_are_weak_evidence() -> None:
    answers = Questionnaire.model_validate({"skin_type": "dry", "concerns": ["oiliness"], "age_range": "25_34"})
    result = assess(KB, answers)
    assert result.weak_evidence
    assert "carbon-laser" not in result.treatments


def test_sagging_with_acne_keeps_acne_in_sight_and_no_needles() -> None:
    answers = Questionnaire.model_validate(
        {"skin_type": "normal", "concerns": ["sagging", "acne"], "age_range": "35_44"}
    )
    result = assess(KB, answers)
    assert set(result.top_types) == {"aging", "problematic"}
    assert "microneedling-infusion" not in result.treatments
    assert "fruit-vegetable-infusion" in result.treatments


def test_dehydrated_pores_get_hydration_before_exfoliation() -> None:
    answers = Questionnaire.model_validate(
        {"skin_type": "combination", "concerns": ["dullness", "dryness"], "pore_shape": "oval", "age_range": "25_34"}
    )
    result = assess(KB, answers)
    assert result.top_types[0] == "dehydrated"
    assert result.treatments[0] == "fruit-vegetable-infusion"
    assert result.treatments.index("fruit-vegetable-infusion") < result.treatments.index("aha-peel")


def test_the_safety_check_catches_an_engine_without_its_answer_rules() -> None:
    answers = Questionnaire.model_validate(
        {"skin_type": "normal", "concerns": ["sagging", "acne"], "pore_shape": "teardrop", "age_range": "45_plus"}
    )
    unsafe = RULES.model_copy(update={"answer_rules": ()})
    assert safety_violations(KB, answers, assess(KB, answers)) == []
    assert "microneedling offered on active acne" in safety_violations(KB, answers, assess(KB, answers, unsafe))

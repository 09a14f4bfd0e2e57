"""Questionnaire profiles written from the article's descriptions, and what each should get.

Each row is a person the article describes (its four pore types, six causes and five
treatments), with the top pore type(s) the article would name, causes that must be found,
treatments that must and must not be offered, and whether a consultation comes first.
After the table: how one result reads in each language, and the rules file's own checks.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import ValidationError

from clinic.knowledge import bundled_knowledge
from clinic.recommendation import (
    Assessment,
    Questionnaire,
    ReasonRef,
    ScoringRules,
    assess,
    is_recommendation_id,
    new_recommendation,
    render,
    scoring_rules,
)

KB = bundled_knowledge()
ALL = {"aha-peel", "carbon-laser", "microneedling-infusion", "rf-tightening",
       "fruit-vegetable-infusion", "acne-treatment"}  # fmt: skip


@dataclass(frozen=True)
class Profile:
    """A questionnaire and what the article says it should lead to."""

    name: str
    answers: dict[str, Any]
    top: tuple[str, ...]
    causes: frozenset[str] = frozenset()
    included: frozenset[str] = frozenset()
    excluded: frozenset[str] = frozenset()
    consultation: bool = False
    tips: frozenset[str] = frozenset()
    no_tips: frozenset[str] = frozenset()
    first: str | None = None


def profile(
    name: str,
    top: str | tuple[str, ...],
    *,
    causes: set[str] | None = None,
    included: set[str] | None = None,
    excluded: set[str] | None = None,
    consultation: bool = False,
    tips: set[str] | None = None,
    no_tips: set[str] | None = None,
    first: str | None = None,
    **answers: Any,
) -> Profile:
    """A row of the table (answers as keyword arguments)."""
    return Profile(
        name,
        answers,
        top if isinstance(top, tuple) else (top,),
        frozenset(causes or ()),
        frozenset(included or ()),
        frozenset(excluded or ()),
        consultation,
        frozenset(tips or ()),
        frozenset(no_tips or ()),
        first,
    )


PROFILES = [
    # Oily pores: "common in oily or combination skin, especially the T-zone; excess sebum and
    # dead skin cause blackheads and whiteheads" → oil control, exfoliation, pore cleansing.
    profile(
        "oily T-zone with blackheads in humid Hong Kong",
        "oily",
        tips={"deep-cleansing", "functional-skincare"},
        first="carbon-laser",
        causes={"excess_sebum", "recurring_blackheads_acne"},
        included={"carbon-laser", "aha-peel", "acne-treatment"},
        excluded={"rf-tightening", "microneedling-infusion"},
        skin_type="oily",
        concerns=["enlarged_pores", "blackheads", "oiliness"],
        pore_shape="round",
        age_range="25_34",
        lifestyle=["humid_climate"],
    ),
    profile(
        "combination skin, whiteheads, no weekly exfoliation",
        "oily",
        tips={"regular-exfoliation", "functional-skincare"},
        causes={"excess_sebum", "dead_skin_buildup"},
        included={"aha-peel", "carbon-laser"},
        excluded={"rf-tightening", "microneedling-infusion"},
        skin_type="combination",
        concerns=["whiteheads", "enlarged_pores"],
        pore_shape="round",
        age_range="under_25",
        habits={"exfoliates_weekly": False},
    ),
    profile(
        "oily skin, makeup left on, greasy food and stress",
        "oily",
        tips={"deep-cleansing"},
        causes={"insufficient_cleansing", "hormonal_lifestyle", "excess_sebum"},
        included={"carbon-laser", "aha-peel"},
        excluded={"rf-tightening"},
        skin_type="oily",
        concerns=["blackheads"],
        age_range="25_34",
        lifestyle=["greasy_food", "stress"],
        habits={"removes_makeup": False, "moisturises": True},
    ),
    profile(
        "combination skin with a shiny T-zone, pore shape unknown",
        "oily",
        causes={"excess_sebum"},
        included={"carbon-laser"},
        excluded={"rf-tightening", "microneedling-infusion"},
        skin_type="combination",
        concerns=["oiliness"],
        age_range="25_34",
    ),
    profile(
        "oily skin, dairy and poor sleep, hormonal oil",
        "oily",
        causes={"hormonal_lifestyle", "excess_sebum"},
        included={"carbon-laser", "aha-peel"},
        excluded={"rf-tightening"},
        skin_type="oily",
        concerns=["enlarged_pores", "whiteheads"],
        pore_shape="round",
        age_range="under_25",
        lifestyle=["dairy", "poor_sleep"],
    ),
    # Dehydrated pores: "often seen in normal or oily skin lacking deep hydration; surface oil
    # may mask inner dryness; rough, enlarged, oval-shaped pores with dull skin".
    profile(
        "normal skin, oval pores, dull and rough, no moisturiser",
        "dehydrated",
        tips={"hydration", "regular-exfoliation"},
        causes={"dead_skin_buildup"},
        included={"fruit-vegetable-infusion", "aha-peel", "microneedling-infusion"},
        excluded={"carbon-laser", "rf-tightening"},
        skin_type="normal",
        concerns=["dullness", "roughness"],
        pore_shape="oval",
        age_range="25_34",
        habits={"moisturises": False},
    ),
    profile(
        "dry skin, dryness and oval pores",
        "dehydrated",
        tips={"hydration"},
        first="fruit-vegetable-infusion",
        included={"fruit-vegetable-infusion"},
        excluded={"carbon-laser", "rf-tightening"},
        skin_type="dry",
        concerns=["dryness"],
        pore_shape="oval",
        age_range="25_34",
    ),
    profile(
        "oily surface hiding dryness underneath",
        "dehydrated",
        tips={"hydration"},
        causes={"excess_sebum"},
        included={"fruit-vegetable-infusion", "aha-peel"},
        excluded={"carbon-laser", "rf-tightening"},
        skin_type="oily",
        concerns=["dryness"],
        pore_shape="oval",
        age_range="25_34",
        habits={"moisturises": False},
    ),
    profile(
        "combination skin, oval pores, dull, no exfoliation",
        "dehydrated",
        causes={"dead_skin_buildup"},
        included={"aha-peel", "fruit-vegetable-infusion"},
        excluded={"rf-tightening"},
        skin_type="combination",
        concerns=["dullness"],
        pore_shape="oval",
        age_range="25_34",
        habits={"exfoliates_weekly": False},
    ),
    profile(
        "normal skin with nothing else to report",
        "dehydrated",
        included={"fruit-vegetable-infusion"},
        excluded={"carbon-laser", "rf-tightening"},
        skin_type="normal",
        age_range="25_34",
    ),
    # Ageing pores: "downward drooping or teardrop shapes, linked to collagen and elastin loss"
    # → collagen-stimulating, pore-tightening treatments (microneedling, RF).
    profile(
        "normal skin, teardrop pores and sagging at 45+",
        "aging",
        tips={"regular-exfoliation"},
        causes={"slow_renewal"},
        included={"rf-tightening", "microneedling-infusion"},
        excluded={"carbon-laser", "aha-peel", "fruit-vegetable-infusion"},
        skin_type="normal",
        concerns=["sagging", "enlarged_pores"],
        pore_shape="teardrop",
        age_range="45_plus",
    ),
    profile(
        "dry skin at 35-44, sagging, no sunscreen",
        "aging",
        causes={"slow_renewal"},
        included={"rf-tightening", "microneedling-infusion"},
        excluded={"carbon-laser"},
        skin_type="dry",
        concerns=["sagging"],
        age_range="35_44",
        habits={"uses_sunscreen": False},
    ),
    profile(
        "combination skin at 45+ with teardrop pores",
        "aging",
        causes={"slow_renewal"},
        included={"rf-tightening"},
        excluded={"carbon-laser", "fruit-vegetable-infusion"},
        skin_type="combination",
        concerns=["enlarged_pores"],
        pore_shape="teardrop",
        age_range="45_plus",
    ),
    profile(
        "teardrop pores at 35-44 with an irregular routine",
        "aging",
        causes={"slow_renewal", "hormonal_lifestyle"},
        included={"rf-tightening", "microneedling-infusion"},
        excluded={"carbon-laser"},
        skin_type="normal",
        pore_shape="teardrop",
        age_range="35_44",
        lifestyle=["irregular_routine"],
    ),
    # Problematic pores: "common in sensitive or acne-prone skin, with redness, inflammation
    # and recurring blemishes" → soothing, barrier repair; gentle treatments first.
    profile(
        "sensitive skin with redness and acne",
        "problematic",
        tips={"regular-masking"},
        first="fruit-vegetable-infusion",
        causes={"recurring_blackheads_acne"},
        included={"fruit-vegetable-infusion", "acne-treatment", "carbon-laser"},
        excluded={"rf-tightening", "aha-peel"},
        skin_type="sensitive",
        concerns=["redness", "acne"],
        age_range="under_25",
    ),
    profile(
        "sensitive skin with redness only",
        "problematic",
        tips={"regular-masking"},
        first="fruit-vegetable-infusion",
        included={"fruit-vegetable-infusion"},
        excluded={"rf-tightening", "aha-peel", "microneedling-infusion"},
        skin_type="sensitive",
        concerns=["redness"],
        age_range="25_34",
    ),
    profile(
        "combination skin, acne and redness, makeup left on",
        "problematic",
        causes={"recurring_blackheads_acne", "insufficient_cleansing"},
        included={"carbon-laser", "fruit-vegetable-infusion"},
        excluded={"rf-tightening"},
        skin_type="combination",
        concerns=["acne", "redness"],
        age_range="25_34",
        habits={"removes_makeup": False},
    ),
    profile(
        "normal skin with acne and acne scars",
        "problematic",
        causes={"recurring_blackheads_acne"},
        included={"carbon-laser", "acne-treatment"},
        excluded={"rf-tightening"},
        skin_type="normal",
        concerns=["acne", "acne_scars"],
        age_range="25_34",
        lifestyle=["stress"],
    ),
    # Mixed profiles: a second type within the margin of the first.
    profile(
        "acne-prone oily skin: oily and problematic",
        ("problematic", "oily"),
        causes={"recurring_blackheads_acne", "excess_sebum", "hormonal_lifestyle"},
        included={"carbon-laser", "acne-treatment"},
        excluded={"rf-tightening"},
        skin_type="oily",
        concerns=["acne", "acne_scars"],
        age_range="under_25",
        lifestyle=["stress", "poor_sleep"],
    ),
    profile(
        "oily skin that is starting to sag",
        ("oily", "aging"),
        causes={"excess_sebum", "slow_renewal"},
        included={"rf-tightening", "carbon-laser", "aha-peel"},
        skin_type="oily",
        concerns=["oiliness", "sagging"],
        age_range="35_44",
    ),
    profile(
        "dry skin that reddens: dehydrated and problematic",
        ("dehydrated", "problematic"),
        included={"fruit-vegetable-infusion"},
        excluded={"rf-tightening"},
        skin_type="dry",
        concerns=["redness"],
        age_range="25_34",
    ),
    profile(
        "combination skin with oval pores and blackheads",
        ("dehydrated", "oily"),
        causes={"recurring_blackheads_acne"},
        included={"aha-peel", "carbon-laser", "fruit-vegetable-infusion"},
        excluded={"rf-tightening"},
        skin_type="combination",
        concerns=["blackheads"],
        pore_shape="oval",
        age_range="25_34",
    ),
    # Contraindications: such answers route to a consultation instead of a procedure.
    profile(
        "oily skin, pregnant",
        "oily",
        included={"acne-treatment"},
        excluded={"aha-peel", "carbon-laser", "microneedling-infusion", "rf-tightening"},
        consultation=True,
        skin_type="oily",
        concerns=["blackheads", "oiliness"],
        pore_shape="round",
        age_range="25_34",
        precautions=["pregnant_or_breastfeeding"],
    ),
    profile(
        "ageing pores, breastfeeding",
        "aging",
        included={"acne-treatment"},
        excluded={"aha-peel", "carbon-laser", "microneedling-infusion", "rf-tightening"},
        consultation=True,
        skin_type="normal",
        concerns=["sagging"],
        pore_shape="teardrop",
        age_range="35_44",
        precautions=["pregnant_or_breastfeeding"],
    ),
    profile(
        "sensitive acne skin after isotretinoin",
        "problematic",
        no_tips={"regular-exfoliation", "functional-skincare"},
        excluded=ALL,
        consultation=True,
        skin_type="sensitive",
        concerns=["acne", "redness"],
        age_range="under_25",
        precautions=["isotretinoin_recent"],
    ),
    profile(
        "dehydrated skin, sunburnt",
        "dehydrated",
        tips={"hydration"},
        no_tips={"regular-exfoliation", "functional-skincare"},
        excluded=ALL,
        consultation=True,
        skin_type="dry",
        concerns=["dryness", "dullness"],
        pore_shape="oval",
        age_range="25_34",
        precautions=["sunburn"],
    ),
    profile(
        "problematic skin with an active infection",
        "problematic",
        excluded=ALL,
        consultation=True,
        skin_type="sensitive",
        concerns=["acne"],
        age_range="25_34",
        precautions=["active_infection"],
    ),
    profile(
        "ageing pores, laser treatment last week",
        "aging",
        no_tips={"regular-exfoliation"},
        excluded=ALL,
        consultation=True,
        skin_type="normal",
        concerns=["sagging"],
        pore_shape="teardrop",
        age_range="45_plus",
        precautions=["recent_laser_or_peel"],
    ),
    profile(
        "ageing pores on photosensitising medication",
        "aging",
        included={"rf-tightening", "acne-treatment"},
        excluded={"microneedling-infusion", "aha-peel", "carbon-laser"},
        consultation=True,
        skin_type="normal",
        concerns=["sagging"],
        pore_shape="teardrop",
        age_range="45_plus",
        precautions=["photosensitive_medication"],
    ),
    profile(
        "oily skin, pregnant and on photosensitising medication",
        "oily",
        included={"acne-treatment"},
        excluded={"aha-peel", "carbon-laser", "microneedling-infusion", "rf-tightening"},
        consultation=True,
        skin_type="oily",
        concerns=["oiliness"],
        age_range="25_34",
        precautions=["pregnant_or_breastfeeding", "photosensitive_medication"],
    ),
]


def _assess(row: Profile) -> Assessment:
    return assess(KB, Questionnaire.model_validate(row.answers))


@pytest.mark.parametrize("row", PROFILES, ids=[row.name for row in PROFILES])
def test_profile_from_the_article(row: Profile) -> None:
    result = _assess(row)
    assert result.top_types == row.top
    assert result.mixed is (len(row.top) > 1)
    assert row.causes <= {cause.id for cause in result.causes}
    assert row.included <= set(result.treatments)
    assert not row.excluded & set(result.treatments)
    assert result.needs_consultation is row.consultation
    assert row.tips <= set(result.tips)
    assert not row.no_tips & set(result.tips)
    if row.first:
        assert result.treatments[0] == row.first


def test_the_table_covers_every_pore_type_several_times_and_every_precaution() -> None:
    tops = [type_id for row in PROFILES for type_id in row.top if len(row.top) == 1]
    assert all(tops.count(t) >= 3 for t in ("dehydrated", "oily", "aging", "problematic"))
    assert sum(len(row.top) > 1 for row in PROFILES) >= 3
    given = {p for row in PROFILES for p in row.answers.get("precautions", [])}
    assert len(given) == 6


def _row(name: str) -> Profile:
    return next(row for row in PROFILES if row.name == name)


def test_a_result_explains_itself_in_english_and_in_chinese() -> None:
    answers = Questionnaire.model_validate(_row("sensitive skin with redness and acne").answers)
    stored = new_recommendation(KB, answers)
    english, chinese = render(KB, stored, "en"), render(KB, stored, "zh-HK")
    assert is_recommendation_id(english.recommendation_id)
    top = english.pore_types[0]
    assert (top.id, top.name, chinese.pore_types[0].name) == (
        "problematic",
        "Problematic Pores",
        "問題型毛孔",
    )
    assert [r.answer for r in top.reasons] == [
        "concerns=acne",
        "skin_type=sensitive",
        "concerns=redness",
    ]
    assert top.reasons[1].text.startswith("You said your skin is sensitive")
    assert chinese.pore_types[0].reasons[1].text.startswith("你表示自己屬敏感皮膚")
    laser = next(t for t in english.treatments if t.id == "carbon-laser")
    assert laser.why.startswith("Suggested for your problematic pores")
    assert "recurring blackheads and acne" in laser.why
    assert laser.cautions[0].startswith("You told us your skin is sensitive")
    assert laser.sessions.startswith("Usually 3")
    assert "問題型毛孔" in next(t.why for t in chinese.treatments if t.id == "carbon-laser")
    assert english.offer.eligible
    assert "not a diagnosis" in english.disclaimer


def test_each_precaution_is_explained_with_the_treatments_it_rules_out() -> None:
    answers = Questionnaire.model_validate(_row("oily skin, pregnant and on photosensitising medication").answers)
    stored = new_recommendation(KB, answers)
    english = render(KB, stored, "en").consultation_reasons
    chinese = render(KB, stored, "zh-HK").consultation_reasons
    assert [r.code for r in english] == ["pregnant_or_breastfeeding", "photosensitive_medication"]
    assert english[0].treatments == [
        "aha-peel",
        "carbon-laser",
        "microneedling-infusion",
        "rf-tightening",
    ]
    assert "pregnant or breastfeeding" in english[0].text
    assert "Carbon Laser" in english[0].text
    assert "懷孕或哺乳" in chinese[0].text
    assert "碳激光" in chinese[0].text


def test_no_evidence_at_all_falls_back_to_gentle_care() -> None:
    rules = scoring_rules().model_copy(update={"rules": ()})
    answers = Questionnaire(skin_type="normal", age_range="25_34")
    result = assess(KB, answers, rules)
    assert [(p.id, p.score) for p in result.pore_types] == [("dehydrated", 0.0)]
    assert result.pore_types[0].reasons == (ReasonRef(code="no_clear_signs", answer="skin_type=normal"),)
    assert result.causes == ()
    assert result.treatments[0] in {t.id for t in KB.treatments if t.gentle}
    assert len(result.tips) == 2
    stored = new_recommendation(KB, answers, rules)
    reason = render(KB, stored, "zh-HK", rules).pore_types[0].reasons[0]
    assert reason.text.startswith("你的答案未有明確指向")


def test_a_reason_code_dropped_from_the_rules_still_renders() -> None:
    answers = Questionnaire.model_validate(_row("dry skin, dryness and oval pores").answers)
    stored = new_recommendation(KB, answers)
    renamed = [rule.model_copy(update={"reason": f"old_{rule.reason}"}) for rule in scoring_rules().rules]
    rules = scoring_rules().model_copy(update={"rules": tuple(renamed)})
    reasons = render(KB, stored, "en", rules).pore_types[0].reasons
    assert reasons[0].text == f"Based on your answer {reasons[0].answer}."


def _raw_rules() -> dict[str, Any]:
    return scoring_rules().model_dump(mode="json", by_alias=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["rules"][0].update(when={"skin_type": "greasy"}), "unknown answer"),
        (lambda r: r["rules"][0].update(when={"skin_colour": "oily"}), "unknown answer"),
        (lambda r: r["rules"][0].update(when={"skin_type": "oily", "age_range": "35_44"}), "one"),
        (lambda r: r["rules"][1].update(reason=r["rules"][0]["reason"]), "unique"),
        (lambda r: r["rules"][0]["add"].update(pore_types={"oily": -1.0}), "greater than 0"),
        (lambda r: r["consultation"].pop("sunburn"), "every precaution"),
        (lambda r: r["lists"].pop("zh-HK"), "every language"),
    ],
)
def test_the_rules_file_refuses_rules_it_could_not_apply(change: Any, message: str) -> None:
    raw = _raw_rules()
    change(raw)
    with pytest.raises(ValidationError, match=message):
        ScoringRules.model_validate(raw)


def test_every_tip_the_rules_name_is_in_the_knowledge_base() -> None:
    rules = scoring_rules()
    named = {rule.tip for rule in rules.tips} | set(rules.default_tips)
    assert named <= {tip.id for tip in KB.tips}

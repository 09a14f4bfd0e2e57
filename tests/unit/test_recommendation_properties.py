"""Properties of the questionnaire engine over every kind of valid answer (Hypothesis)."""

import json
import re
from typing import Any, get_args

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from clinic.knowledge import LANGS, Precaution, bundled_knowledge
from clinic.recommendation import (
    AgeRange,
    Concern,
    LifestyleFactor,
    PoreShape,
    Questionnaire,
    Recommendation,
    RecommendedCause,
    RecommendedPoreType,
    SkinType,
    StoredRecommendation,
    answer_label,
    assess,
    new_recommendation,
    render,
    scoring_rules,
)
from clinic.recommendation.questionnaire import matches

KB = bundled_knowledge()
RULES = scoring_rules()
TREATMENTS = {t.id: t for t in KB.treatments}
CJK = re.compile(r"[\u3400-\u9fff]")
# Words that would promise a medical outcome, in either language.
PROMISES = re.compile(r"\b(cure[sd]?|guarantee[sd]?|permanent(ly)?|100 ?%)", re.IGNORECASE)
PROMISES_ZH = re.compile(r"保證|根治|永久|百分百")


def _subset(values: tuple[Any, ...]) -> st.SearchStrategy[list[Any]]:
    return st.lists(st.sampled_from(values), unique=True)


habits = st.fixed_dictionaries(
    {},
    optional={
        name: st.none() | st.booleans()
        for name in ("removes_makeup", "exfoliates_weekly", "moisturises", "uses_sunscreen")
    },
)
questionnaires = st.builds(
    Questionnaire.model_validate,
    st.fixed_dictionaries(
        {
            "skin_type": st.sampled_from(get_args(SkinType)),
            "age_range": st.sampled_from(get_args(AgeRange)),
        },
        optional={
            "concerns": _subset(get_args(Concern)),
            "pore_shape": st.sampled_from(get_args(PoreShape)),
            "lifestyle": _subset(get_args(LifestyleFactor)),
            "habits": habits,
            "precautions": _subset(get_args(Precaution)),
            "lang": st.sampled_from(LANGS),
        },
    ),
)


def _both(answers: Questionnaire) -> tuple[StoredRecommendation, dict[str, Recommendation]]:
    stored = new_recommendation(KB, answers)
    return stored, {lang: render(KB, stored, lang) for lang in LANGS}


def _texts(rec: Recommendation) -> list[str]:
    """Every user-facing text of a rendered recommendation."""
    texts = [rec.offer.name, rec.offer.summary, rec.disclaimer]
    scored: list[RecommendedPoreType | RecommendedCause] = [*rec.pore_types, *rec.causes]
    for item in scored:
        texts.append(item.name)
        texts.extend(reason.text for reason in item.reasons)
    for treatment in rec.treatments:
        texts.extend([treatment.name, treatment.why, treatment.sessions, *treatment.cautions])
    texts.extend(text for tip in rec.daily_tips for text in (tip.title, tip.text))
    texts.extend(reason.text for reason in rec.consultation_reasons)
    return texts


@settings(max_examples=200)
@given(questionnaires)
def test_every_questionnaire_gives_a_well_formed_ranked_result(answers: Questionnaire) -> None:
    rec = _both(answers)[1]["en"]
    assert re.fullmatch(r"rec-[0-9a-hjkmnp-tv-z]{20}", rec.recommendation_id)
    assert rec.pore_types, "at least one pore type"
    scores = [p.score for p in rec.pore_types]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= score <= 1 for score in scores)
    assert len({p.id for p in rec.pore_types}) == len(rec.pore_types)
    given_answers = {answer_label(field, value) for field, values in answers.given().items() for value in values}
    scored: list[RecommendedPoreType | RecommendedCause] = [*rec.pore_types, *rec.causes]
    for item in scored:
        assert item.reasons
        for reason in item.reasons:
            assert reason.answer in given_answers
            assert reason.text
    assert rec.top_types == [p.id for p in rec.pore_types[: len(rec.top_types)]]
    assert rec.mixed is (len(rec.top_types) > 1)
    assert 1 <= len(rec.top_types) <= 2
    assert 2 <= len(rec.daily_tips) <= 4
    assert len({t.id for t in rec.treatments}) == len(rec.treatments)
    kept = {
        treatment_id
        for rule in RULES.answer_rules
        if matches(rule.when, answers.given())
        for type_id in rule.keep_in_sight
        for treatment_id in RULES.first_line[type_id]
    }
    for treatment in rec.treatments:
        assert set(TREATMENTS[treatment.id].pore_types) & set(rec.top_types) or treatment.id in kept
    assert rec.offer.treatment == "acne-treatment"
    assert rec.offer.register_path == "/registrations"


@settings(max_examples=200)
@given(questionnaires)
def test_no_contraindicated_treatment_is_ever_suggested(answers: Questionnaire) -> None:
    rec = _both(answers)[1]["en"]
    given_precautions = set(answers.precautions)
    for treatment in rec.treatments:
        assert not set(TREATMENTS[treatment.id].contraindications) & given_precautions
    offer_blocked = set(TREATMENTS["acne-treatment"].contraindications) & given_precautions
    assert rec.offer.eligible == (not offer_blocked)


@settings(max_examples=200)
@given(questionnaires)
def test_a_consultation_is_needed_exactly_when_a_precaution_is_given(
    answers: Questionnaire,
) -> None:
    rec = _both(answers)[1]["en"]
    assert rec.needs_consultation is bool(answers.precautions)
    assert {reason.code for reason in rec.consultation_reasons} == set(answers.precautions)
    for reason in rec.consultation_reasons:
        ruled_out = {t for t, info in TREATMENTS.items() if reason.code in info.contraindications}
        assert set(reason.treatments) == ruled_out
        assert not ruled_out & {t.id for t in rec.treatments}


@settings(max_examples=150)
@given(questionnaires)
def test_sensitive_skin_gets_gentle_treatments_first_and_a_patch_test(
    answers: Questionnaire,
) -> None:
    assume(answers.skin_type == "sensitive" or "redness" in answers.concerns)
    rec = _both(answers)[1]["en"]
    gentle = [t.gentle for t in rec.treatments]
    assert gentle == sorted(gentle, reverse=True)
    assert all("small area" in t.cautions[0] for t in rec.treatments)


@settings(max_examples=150)
@given(questionnaires)
def test_both_languages_hold_the_same_result_with_every_text(answers: Questionnaire) -> None:
    _, by_lang = _both(answers)
    english, chinese = by_lang["en"], by_lang["zh-HK"]

    def skeleton(rec: Recommendation) -> dict[str, Any]:
        return {
            "types": [(p.id, p.score, [r.code for r in p.reasons]) for p in rec.pore_types],
            "causes": [(c.id, [r.answer for r in c.reasons]) for c in rec.causes],
            "treatments": [t.id for t in rec.treatments],
            "tips": [t.id for t in rec.daily_tips],
            "consultation": [c.code for c in rec.consultation_reasons],
            "offer": rec.offer.eligible,
        }

    assert skeleton(english) == skeleton(chinese)
    english_texts, chinese_texts = _texts(english), _texts(chinese)
    assert all(text.strip() for text in english_texts + chinese_texts)
    assert not any(CJK.search(text) for text in english_texts)
    assert all(CJK.search(text) for text in chinese_texts)
    assert not any(PROMISES.search(text) for text in english_texts)
    assert not any(PROMISES_ZH.search(text) for text in chinese_texts)


@settings(max_examples=100)
@given(questionnaires, st.randoms(use_true_random=False))
def test_the_result_depends_on_the_answers_not_their_order(answers: Questionnaire, random: Any) -> None:
    shuffled = answers.model_dump()
    for key in ("concerns", "lifestyle", "precautions"):
        random.shuffle(shuffled[key])
    assert assess(KB, Questionnaire.model_validate(shuffled)) == assess(KB, answers)


@settings(max_examples=100)
@given(questionnaires)
def test_a_stored_result_reads_back_identically(answers: Questionnaire) -> None:
    stored = new_recommendation(KB, answers)
    copy = StoredRecommendation.model_validate(json.loads(stored.model_dump_json()))
    assert copy == stored
    assert copy.answers.lang is None

"""The recommendation in one language: the response models and their rendering."""

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from clinic.knowledge import CauseId, KnowledgeBase, Lang, PoreTypeId, Precaution, Treatment, TreatmentId
from clinic.recommendation.assessment import Assessment, ConsultationRef, ReasonRef, StoredRecommendation
from clinic.recommendation.engine import trial_offer
from clinic.recommendation.rules import ScoringRules, scoring_rules

REGISTER_PATH = "/registrations"


class RecommendationReason(BaseModel):
    """Why a pore type or cause was found: the answer that led to it, explained."""

    code: str
    answer: str = Field(description="The answer as field=value, e.g. skin_type=oily")
    text: str


class RecommendedPoreType(BaseModel):
    """A pore type found in the answers."""

    id: PoreTypeId
    name: str
    score: Annotated[float, Field(ge=0, le=1)]
    reasons: list[RecommendationReason]


class RecommendedCause(BaseModel):
    """A likely cause of enlarged pores."""

    id: CauseId
    name: str
    score: Annotated[float, Field(ge=0, le=1)]
    reasons: list[RecommendationReason]


class RecommendedTreatment(BaseModel):
    """A suggested treatment, with why and what to keep in mind."""

    id: TreatmentId
    name: str
    why: str
    cautions: list[str]
    sessions: str
    gentle: bool


class DailyTip(BaseModel):
    """A daily skincare tip."""

    id: str
    title: str
    text: str


class ConsultationReason(BaseModel):
    """A precaution given, why it calls for a consultation, and the treatments it rules out."""

    code: Precaution
    text: str
    treatments: list[TreatmentId]


class RecommendationOffer(BaseModel):
    """The clinic's free-trial offer, and whether the answers allow it."""

    treatment: TreatmentId
    name: str
    summary: str
    eligible: bool
    register_path: str


class Recommendation(BaseModel):
    """The questionnaire's result in one language (``POST`` and ``GET /recommendations``)."""

    recommendation_id: str
    lang: Lang
    created_at: datetime
    pore_types: list[RecommendedPoreType] = Field(description="Ranked by score, highest first")
    top_types: list[PoreTypeId] = Field(description="The best type, two when the profile is mixed")
    mixed: bool = Field(description="True when a second type scores within the margin of the first")
    causes: list[RecommendedCause]
    treatments: list[RecommendedTreatment]
    daily_tips: list[DailyTip]
    needs_consultation: bool
    consultation_reasons: list[ConsultationReason]
    offer: RecommendationOffer
    disclaimer: str


def _reasons(refs: Iterable[ReasonRef], rules: ScoringRules, lang: Lang) -> list[RecommendationReason]:
    reasons = []
    for ref in refs:
        text = rules.reason_text(ref.code)
        reasons.append(
            RecommendationReason(
                code=ref.code,
                answer=ref.answer,
                text=text.get(lang) if text else rules.unknown_reason.get(lang).format(answer=ref.answer),
            )
        )
    return reasons


def _why(treatment: Treatment, assessment: Assessment, kb: KnowledgeBase, rules: ScoringRules, lang: Lang) -> str:
    """A sentence naming the person's pore types and causes this treatment addresses."""
    style = rules.lists[lang]
    type_names = {p.id: style.common(p.name.get(lang)) for p in kb.pore_types}
    cause_names = {c.id: style.common(c.name.get(lang)) for c in kb.causes}
    types = [type_names[p.id] for p in assessment.pore_types if p.id in treatment.pore_types]
    causes = [cause_names[c.id] for c in assessment.causes if c.id in treatment.causes]
    if causes:
        template = rules.why.types_and_causes.get(lang)
        return template.format(types=style.join(types), causes=style.join(causes))
    return rules.why.types_only.get(lang).format(types=style.join(types))


def render(
    kb: KnowledgeBase, stored: StoredRecommendation, lang: Lang, rules: ScoringRules | None = None
) -> Recommendation:
    """The stored recommendation with every text in ``lang``."""
    rules = rules or scoring_rules()
    result = stored.assessment
    pore_types = {p.id: p for p in kb.pore_types}
    causes = {c.id: c for c in kb.causes}
    treatments = [t for t in (kb.treatment(i) for i in result.treatments) if t is not None]
    tips = [tip for tip_id in result.tips for tip in kb.tips if tip.id == tip_id]
    patch_test = [rules.patch_test_caution.get(lang)] if result.sensitive else []
    offer = trial_offer(kb)
    return Recommendation(
        recommendation_id=stored.recommendation_id,
        lang=lang,
        created_at=stored.created_at,
        pore_types=[
            RecommendedPoreType(
                id=p.id,
                name=pore_types[p.id].name.get(lang),
                score=p.score,
                reasons=_reasons(p.reasons, rules, lang),
            )
            for p in result.pore_types
        ],
        top_types=list(result.top_types),
        mixed=result.mixed,
        causes=[
            RecommendedCause(
                id=c.id,
                name=causes[c.id].name.get(lang),
                score=c.score,
                reasons=_reasons(c.reasons, rules, lang),
            )
            for c in result.causes
        ],
        treatments=[
            RecommendedTreatment(
                id=t.id,
                name=t.name.get(lang),
                why=_why(t, result, kb, rules, lang),
                cautions=[*patch_test, *t.cautions.get(lang)],
                sessions=t.sessions.get(lang),
                gentle=t.gentle,
            )
            for t in treatments
        ],
        daily_tips=[DailyTip(id=tip.id, title=tip.title.get(lang), text=tip.text.get(lang)) for tip in tips],
        needs_consultation=result.needs_consultation,
        consultation_reasons=[_consultation_reason(ref, kb, rules, lang) for ref in result.consultation],
        offer=RecommendationOffer(
            treatment=offer.id,
            name=offer.name.get(lang),
            summary=offer.summary.get(lang),
            eligible=result.offer_eligible,
            register_path=REGISTER_PATH,
        ),
        disclaimer=(rules.weak_disclaimer if result.weak_evidence else rules.disclaimer).get(lang),
    )


def _consultation_reason(
    ref: ConsultationRef, kb: KnowledgeBase, rules: ScoringRules, lang: Lang
) -> ConsultationReason:
    names = [t.name.get(lang) for t in (kb.treatment(i) for i in ref.treatments) if t]
    text = rules.consultation[ref.precaution].text.get(lang)
    if len(names) == len(kb.treatments):
        text = rules.nothing_left.get(lang).format(reason=text)
    elif names:
        text = rules.left_out.get(lang).format(reason=text, treatments=rules.lists[lang].join(names))
    return ConsultationReason(code=ref.precaution, text=text, treatments=list(ref.treatments))

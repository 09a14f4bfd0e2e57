"""The pore questionnaire: its answers, the scoring engine and the rendered recommendation.

The engine is pure and deterministic: it interprets the rules of ``scoring_rules.json``
(each answer adds weighted evidence to pore types and causes, with a bilingual reason) and
the knowledge base (treatments, tips), and makes no I/O. Its result, an
:class:`Assessment`, holds only identifiers, scores and reason codes, so it is stored once
and rendered in either language whenever it is read.

Scores: a pore type's (or cause's) evidence divided by the larger of the strongest evidence
and the rules' ``saturation``, so scores lie in [0, 1], the strongest signal scores 1 once it
is clear enough, and weak answers keep low scores.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Annotated, Literal, Self, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from clinic.errors import NotFound
from clinic.i18n import LANG_FIELD_DESCRIPTION
from clinic.ids import RECOMMENDATION_ID, new_recommendation_id
from clinic.knowledge import (
    CauseId,
    KnowledgeBase,
    Lang,
    LocalText,
    PoreTypeId,
    Precaution,
    Slug,
    Treatment,
    TreatmentId,
)

SkinType = Literal["oily", "dry", "combination", "normal", "sensitive"]
Concern = Literal[
    "enlarged_pores",
    "blackheads",
    "whiteheads",
    "acne",
    "redness",
    "dullness",
    "dryness",
    "roughness",
    "sagging",
    "acne_scars",
    "oiliness",
]
PoreShape = Literal["round", "oval", "teardrop", "unsure"]
AgeRange = Literal["under_25", "25_34", "35_44", "45_plus"]
LifestyleFactor = Literal["poor_sleep", "stress", "greasy_food", "dairy", "humid_climate", "irregular_routine"]

REGISTER_PATH = "/registrations"


# --- the questionnaire ----------------------------------------------------------------------


class Habits(BaseModel):
    """Daily habits; an unanswered one (null) adds no evidence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    removes_makeup: StrictBool | None = None
    exfoliates_weekly: StrictBool | None = None
    moisturises: StrictBool | None = None
    uses_sunscreen: StrictBool | None = None


class Questionnaire(BaseModel):
    """The body of ``POST /recommendations``: the pore questionnaire's answers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    skin_type: SkinType
    concerns: list[Concern] = Field(default_factory=list, json_schema_extra={"uniqueItems": True})
    pore_shape: PoreShape = "unsure"
    age_range: AgeRange
    lifestyle: list[LifestyleFactor] = Field(default_factory=list, json_schema_extra={"uniqueItems": True})
    habits: Habits = Field(default_factory=Habits)
    precautions: list[Precaution] = Field(
        default_factory=list,
        json_schema_extra={"uniqueItems": True},
        description="Health conditions that rule some procedures out and call for a consultation",
    )
    lang: Lang | None = Field(None, description=LANG_FIELD_DESCRIPTION)

    @field_validator("concerns", "lifestyle", "precautions")
    @classmethod
    def _no_repeats(cls, values: list[str]) -> list[str]:
        if len(set(values)) != len(values):
            raise PydanticCustomError("DUPLICATE_ITEM", "Each value may be given only once.")
        return values

    def given(self) -> dict[str, tuple[str | bool, ...]]:
        """Every answered question (``habits.*`` dotted) with the value(s) given."""
        answers: dict[str, tuple[str | bool, ...]] = {
            "skin_type": (self.skin_type,),
            "concerns": tuple(self.concerns),
            "pore_shape": (self.pore_shape,),
            "age_range": (self.age_range,),
            "lifestyle": tuple(self.lifestyle),
        }
        for name, value in self.habits.model_dump().items():
            if value is not None:
                answers[f"habits.{name}"] = (value,)
        return answers


#: The questions a rule may look at, with the values each one accepts.
ANSWER_CHOICES: dict[str, tuple[str | bool, ...]] = {
    "skin_type": get_args(SkinType),
    "concerns": get_args(Concern),
    "pore_shape": get_args(PoreShape),
    "age_range": get_args(AgeRange),
    "lifestyle": get_args(LifestyleFactor),
    **{f"habits.{name}": (True, False) for name in Habits.model_fields},
}


def _one_known_answer(condition: dict[str, str | bool]) -> dict[str, str | bool]:
    if len(condition) != 1:
        raise ValueError("a condition names exactly one answer")
    ((field, value),) = condition.items()
    if field not in ANSWER_CHOICES or value not in ANSWER_CHOICES[field]:
        raise ValueError(f"unknown answer {field}={value!r}")
    return condition


#: One answer, e.g. ``{"skin_type": "oily"}`` or ``{"habits.moisturises": false}``.
Condition = Annotated[dict[str, str | bool], AfterValidator(_one_known_answer)]


def answer_label(field: str, value: str | bool) -> str:
    """An answer as reasons quote it: ``skin_type=oily``, ``habits.moisturises=false``."""
    shown = str(value).lower() if isinstance(value, bool) else value
    return f"{field}={shown}"


def _matches(condition: Mapping[str, str | bool], given: Mapping[str, tuple[str | bool, ...]]) -> str | None:
    """The answer label when ``condition`` holds for these answers, else None."""
    ((field, value),) = condition.items()
    return answer_label(field, value) if value in given.get(field, ()) else None


# --- the rules ------------------------------------------------------------------------------

Weight = Annotated[float, Field(gt=0)]


class _Rules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Evidence(_Rules):
    """What one answer adds to pore types and causes."""

    pore_types: dict[PoreTypeId, Weight] = Field(default_factory=dict)
    causes: dict[CauseId, Weight] = Field(default_factory=dict)


class ScoringRule(_Rules):
    """When an answer is given, add evidence and say why."""

    when: Condition
    add: Evidence
    reason: Slug
    text: LocalText


class Fallback(_Rules):
    """The gentle default when no answer points to any pore type."""

    pore_type: PoreTypeId
    reason: Slug
    text: LocalText


class TipRule(_Rules):
    """How strongly a daily tip fits each pore type and cause (weights times scores), and
    the precautions that rule it out (strong actives on fragile skin)."""

    tip: Slug
    pore_types: dict[PoreTypeId, Weight] = Field(default_factory=dict)
    causes: dict[CauseId, Weight] = Field(default_factory=dict)
    not_with: tuple[Precaution, ...] = ()


class WhyTemplates(_Rules):
    """Sentences saying why a treatment is suggested."""

    types_and_causes: LocalText
    types_only: LocalText


class ListStyle(_Rules):
    """How a language lists names in a sentence (separators kept verbatim, spaces included)."""

    separator: str
    last: str
    lowercase: bool = False

    def join(self, names: Iterable[str]) -> str:
        """``a, b and c``."""
        items = list(names)
        if len(items) < 2:
            return "".join(items)
        return self.separator.join(items[:-1]) + self.last + items[-1]

    def common(self, name: str) -> str:
        """A category's name as it reads mid-sentence (lower case in English)."""
        return name.lower() if self.lowercase else name


class ScoringRules(_Rules):
    """All the rules of the questionnaire (``scoring_rules.json``)."""

    version: str
    saturation: Weight
    mixed_margin: Annotated[float, Field(ge=0, le=1)]
    max_top_types: Annotated[int, Field(ge=1, le=4)]
    rules: tuple[ScoringRule, ...]
    fallback: Fallback
    unknown_reason: LocalText
    sensitive_when: tuple[Condition, ...]
    patch_test_caution: LocalText
    why: WhyTemplates
    lists: dict[Lang, ListStyle]
    tips: tuple[TipRule, ...]
    tip_threshold: Annotated[float, Field(ge=0)]
    max_tips: Annotated[int, Field(ge=2)]
    default_tips: tuple[Slug, ...] = Field(min_length=2)
    consultation: dict[Precaution, LocalText]
    left_out: LocalText
    disclaimer: LocalText

    @model_validator(mode="after")
    def _check(self) -> Self:
        """Reason codes are unique, and every precaution and language is covered."""
        codes = [rule.reason for rule in self.rules] + [self.fallback.reason]
        if len(codes) != len(set(codes)):
            raise ValueError("reason codes must be unique")
        if set(self.consultation) != set(get_args(Precaution)):
            raise ValueError("every precaution needs a consultation text")
        if set(self.lists) != set(get_args(Lang)):
            raise ValueError("lists needs every language")
        return self

    def reason_text(self, code: str) -> LocalText | None:
        """The bilingual text of a reason code, if the rules still have it."""
        if code == self.fallback.reason:
            return self.fallback.text
        return next((rule.text for rule in self.rules if rule.reason == code), None)


@cache
def scoring_rules() -> ScoringRules:
    """The rules shipped with the package."""
    text = (resources.files("clinic") / "scoring_rules.json").read_text(encoding="utf-8")
    return ScoringRules.model_validate_json(text)


# --- the language-independent result --------------------------------------------------------


class ReasonRef(BaseModel):
    """Which answer (``field=value``) added evidence, by reason code."""

    model_config = ConfigDict(frozen=True)

    code: str
    answer: str


class ScoredPoreType(BaseModel):
    """A pore type with its score and the reasons behind it."""

    model_config = ConfigDict(frozen=True)

    id: PoreTypeId
    score: float
    reasons: tuple[ReasonRef, ...]


class ScoredCause(BaseModel):
    """A cause with its score and the reasons behind it."""

    model_config = ConfigDict(frozen=True)

    id: CauseId
    score: float
    reasons: tuple[ReasonRef, ...]


class ConsultationRef(BaseModel):
    """A precaution given, and the catalogue's treatments it rules out."""

    model_config = ConfigDict(frozen=True)

    precaution: Precaution
    treatments: tuple[TreatmentId, ...]


class Assessment(BaseModel):
    """The questionnaire's result in identifiers, scores and reason codes only."""

    model_config = ConfigDict(frozen=True)

    rules_version: str
    pore_types: tuple[ScoredPoreType, ...]
    top_types: tuple[PoreTypeId, ...]
    mixed: bool
    causes: tuple[ScoredCause, ...]
    treatments: tuple[TreatmentId, ...]
    sensitive: bool
    tips: tuple[str, ...]
    needs_consultation: bool
    consultation: tuple[ConsultationRef, ...]
    offer_eligible: bool


class StoredRecommendation(BaseModel):
    """A recommendation as kept: its id, when it was made, the answers and the assessment."""

    model_config = ConfigDict(frozen=True)

    recommendation_id: str
    created_at: datetime
    answers: Questionnaire
    assessment: Assessment


# --- the engine -----------------------------------------------------------------------------

_Contribution = tuple[float, int, ReasonRef]


def _ranked(
    evidence: Mapping[str, float],
    contributions: Mapping[str, list[_Contribution]],
    saturation: float,
) -> list[tuple[str, float, tuple[ReasonRef, ...]]]:
    """``(id, score, reasons)`` with score > 0, by score desc then id; reasons strongest first."""
    scale = max([saturation, *evidence.values()])
    scored = [
        (key, round(value / scale, 3), tuple(ref for _, _, ref in sorted(contributions[key])))
        for key, value in evidence.items()
    ]
    return sorted(
        ((key, score, reasons) for key, score, reasons in scored if score > 0),
        key=lambda item: (-item[1], item[0]),
    )


def _top_types(pore_types: list[ScoredPoreType], rules: ScoringRules) -> tuple[PoreTypeId, ...]:
    """The best type, and the next ones whose score is within the mixed margin of it."""
    best = pore_types[0].score
    close = [p.id for p in pore_types if round(best - p.score, 3) <= rules.mixed_margin]
    return tuple(close[: rules.max_top_types])


def _fit(
    treatment: Treatment,
    type_scores: Mapping[PoreTypeId, float],
    cause_scores: Mapping[CauseId, float],
) -> float:
    """How well a treatment fits: the person's scores for its pore types and causes, summed."""
    total = sum(type_scores.get(p, 0.0) for p in treatment.pore_types)
    total += sum(cause_scores.get(c, 0.0) for c in treatment.causes)
    return round(total, 3)


def _tips(
    rules: ScoringRules,
    kb: KnowledgeBase,
    type_scores: Mapping[PoreTypeId, float],
    cause_scores: Mapping[CauseId, float],
    precautions: set[Precaution],
) -> tuple[str, ...]:
    """The best-fitting daily tips (at most ``max_tips``), topped up with the defaults to two;
    never one that a precaution rules out."""
    blocked = {rule.tip for rule in rules.tips if set(rule.not_with) & precautions}
    allowed = {tip.id for tip in kb.tips} - blocked
    relevance = []
    for position, rule in enumerate(rules.tips):
        value = sum(w * type_scores.get(p, 0.0) for p, w in rule.pore_types.items())
        value += sum(w * cause_scores.get(c, 0.0) for c, w in rule.causes.items())
        if rule.tip in allowed and round(value, 3) >= rules.tip_threshold:
            relevance.append((-round(value, 3), position, rule.tip))
    chosen = [tip for _, _, tip in sorted(relevance)][: rules.max_tips]
    for tip in rules.default_tips:
        if len(chosen) >= 2:
            break
        if tip in allowed and tip not in chosen:
            chosen.append(tip)
    return tuple(chosen)


def _score(answers: Questionnaire, rules: ScoringRules) -> tuple[list[ScoredPoreType], list[ScoredCause]]:
    """Every rule whose answer was given adds its evidence; both lists ranked, score > 0."""
    given = answers.given()
    type_evidence: dict[str, float] = defaultdict(float)
    cause_evidence: dict[str, float] = defaultdict(float)
    type_reasons: dict[str, list[_Contribution]] = defaultdict(list)
    cause_reasons: dict[str, list[_Contribution]] = defaultdict(list)
    for position, rule in enumerate(rules.rules):
        answer = _matches(rule.when, given)
        if answer is None:
            continue
        ref = ReasonRef(code=rule.reason, answer=answer)
        for type_id, weight in rule.add.pore_types.items():
            type_evidence[type_id] += weight
            type_reasons[type_id].append((-weight, position, ref))
        for cause_id, weight in rule.add.causes.items():
            cause_evidence[cause_id] += weight
            cause_reasons[cause_id].append((-weight, position, ref))
    pore_types = [
        ScoredPoreType.model_validate({"id": key, "score": score, "reasons": reasons})
        for key, score, reasons in _ranked(type_evidence, type_reasons, rules.saturation)
    ]
    causes = [
        ScoredCause.model_validate({"id": key, "score": score, "reasons": reasons})
        for key, score, reasons in _ranked(cause_evidence, cause_reasons, rules.saturation)
    ]
    return pore_types, causes


def _consultation(kb: KnowledgeBase, precautions: set[Precaution]) -> tuple[ConsultationRef, ...]:
    """One entry per precaution given (in the contract's order), with what it rules out."""
    return tuple(
        ConsultationRef(
            precaution=precaution,
            treatments=tuple(t.id for t in kb.treatments if precaution in t.contraindications),
        )
        for precaution in get_args(Precaution)
        if precaution in precautions
    )


def assess(kb: KnowledgeBase, answers: Questionnaire, rules: ScoringRules | None = None) -> Assessment:
    """Score the answers against the rules, then choose treatments, tips and the offer.

    Treatments: those whose pore types meet the top types, minus any a precaution rules
    out. Gentle ones come first for sensitive skin (or when nothing pointed to a type); then
    the procedures by fit, the gentler first when two fit equally; then the trial offer, whose
    fit would otherwise always lead, as it covers every pore type (it is also ``offer``).
    """
    rules = rules or scoring_rules()
    pore_types, causes = _score(answers, rules)
    fallback = not pore_types
    if fallback:
        reason = ReasonRef(code=rules.fallback.reason, answer=answer_label("skin_type", answers.skin_type))
        pore_types = [ScoredPoreType(id=rules.fallback.pore_type, score=0.0, reasons=(reason,))]
    top = _top_types(pore_types, rules)
    type_scores = {p.id: p.score for p in pore_types}
    cause_scores = {c.id: c.score for c in causes}
    given = answers.given()
    sensitive = any(_matches(condition, given) is not None for condition in rules.sensitive_when)
    precautions = set(answers.precautions)
    candidates = [
        t for t in kb.treatments if set(t.pore_types) & set(top) and not set(t.contraindications) & precautions
    ]
    gentle_first = sensitive or fallback
    candidates.sort(
        key=lambda t: (
            gentle_first and not t.gentle,
            t.trial_offer,
            -_fit(t, type_scores, cause_scores),
            not t.gentle,
            t.id,
        )
    )
    return Assessment(
        rules_version=rules.version,
        pore_types=tuple(pore_types),
        top_types=top,
        mixed=len(top) > 1,
        causes=tuple(causes),
        treatments=tuple(t.id for t in candidates),
        sensitive=sensitive,
        tips=_tips(rules, kb, type_scores, cause_scores, precautions),
        needs_consultation=bool(precautions),
        consultation=_consultation(kb, precautions),
        offer_eligible=not set(trial_offer(kb).contraindications) & precautions,
    )


def trial_offer(kb: KnowledgeBase) -> Treatment:
    """The clinic's free-trial treatment (the knowledge base holds exactly one)."""
    return next(t for t in kb.treatments if t.trial_offer)


def is_recommendation_id(value: str) -> bool:
    """Whether ``value`` has the shape of a recommendation id (``rec-`` + 20 base32)."""
    return RECOMMENDATION_ID.fullmatch(value) is not None


def new_recommendation(
    kb: KnowledgeBase, answers: Questionnaire, rules: ScoringRules | None = None
) -> StoredRecommendation:
    """A new recommendation for these answers, ready to be stored (the language is not kept)."""
    return StoredRecommendation(
        recommendation_id=new_recommendation_id(),
        created_at=datetime.now(UTC).replace(microsecond=0),
        answers=answers.model_copy(update={"lang": None}),
        assessment=assess(kb, answers, rules),
    )


class RecommendationNotFound(NotFound):
    """404: no recommendation with this id (never made, or expired)."""

    code = "RECOMMENDATION_NOT_FOUND"


# --- the answer, in one language ------------------------------------------------------------


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
        disclaimer=rules.disclaimer.get(lang),
    )


def _consultation_reason(
    ref: ConsultationRef, kb: KnowledgeBase, rules: ScoringRules, lang: Lang
) -> ConsultationReason:
    names = [t.name.get(lang) for t in (kb.treatment(i) for i in ref.treatments) if t]
    text = rules.consultation[ref.precaution].get(lang)
    if names:
        text = rules.left_out.get(lang).format(reason=text, treatments=rules.lists[lang].join(names))
    return ConsultationReason(code=ref.precaution, text=text, treatments=list(ref.treatments))


# --- the catalogue --------------------------------------------------------------------------


class CatalogueTreatment(BaseModel):
    """A treatment of the catalogue in one language."""

    id: TreatmentId
    name: str
    summary: str
    how_it_works: str
    benefits: str
    suits: str
    sessions: str
    downtime: str
    cautions: list[str]
    pore_types: list[PoreTypeId]
    causes: list[CauseId]
    gentle: bool
    trial_offer: bool
    contraindications: list[Precaution] = Field(
        description="Precautions that rule this treatment out until a consultation"
    )


class TreatmentCatalogue(BaseModel):
    """Every treatment, in the catalogue's order."""

    items: list[CatalogueTreatment]
    lang: Lang


def catalogue_entry(treatment: Treatment, lang: Lang) -> CatalogueTreatment:
    """One treatment as the catalogue shows it in ``lang``."""
    return CatalogueTreatment(
        id=treatment.id,
        name=treatment.name.get(lang),
        summary=treatment.summary.get(lang),
        how_it_works=treatment.how_it_works.get(lang),
        benefits=treatment.benefits.get(lang),
        suits=treatment.suits.get(lang),
        sessions=treatment.sessions.get(lang),
        downtime=treatment.downtime.get(lang),
        cautions=list(treatment.cautions.get(lang)),
        pore_types=list(treatment.pore_types),
        causes=list(treatment.causes),
        gentle=treatment.gentle,
        trial_offer=treatment.trial_offer,
        contraindications=list(treatment.contraindications),
    )


def catalogue(kb: KnowledgeBase, lang: Lang) -> TreatmentCatalogue:
    """The whole treatment catalogue in ``lang``."""
    return TreatmentCatalogue(items=[catalogue_entry(t, lang) for t in kb.treatments], lang=lang)

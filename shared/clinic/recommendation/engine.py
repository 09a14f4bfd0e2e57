"""The scoring engine: answers and rules in, a language-independent assessment out.

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
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import get_args

from clinic.ids import new_recommendation_id
from clinic.knowledge import CauseId, KnowledgeBase, PoreTypeId, Precaution, Treatment, TreatmentId
from clinic.recommendation.assessment import (
    Assessment,
    ConsultationRef,
    ReasonRef,
    ScoredCause,
    ScoredPoreType,
    StoredRecommendation,
)
from clinic.recommendation.questionnaire import Questionnaire, answer_label, matches
from clinic.recommendation.rules import ScoringRules, scoring_rules

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


def _score(
    answers: Questionnaire, rules: ScoringRules
) -> tuple[list[ScoredPoreType], list[ScoredCause], dict[str, float]]:
    """Every rule whose answer was given adds its evidence; both lists ranked, score > 0,
    and each pore type's evidence from signs of the skin alone (not age, lifestyle, habits)."""
    given = answers.given()
    signs: dict[str, float] = defaultdict(float)
    type_evidence: dict[str, float] = defaultdict(float)
    cause_evidence: dict[str, float] = defaultdict(float)
    type_reasons: dict[str, list[_Contribution]] = defaultdict(list)
    cause_reasons: dict[str, list[_Contribution]] = defaultdict(list)
    for position, rule in enumerate(rules.rules):
        answer = matches(rule.when, given)
        if answer is None:
            continue
        ref = ReasonRef(code=rule.reason, answer=answer)
        for type_id, weight in rule.add.pore_types.items():
            type_evidence[type_id] += weight
            signs[type_id] += weight if rule.sign else 0.0
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
    return pore_types, causes, signs


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


def _order(
    candidates: list[Treatment],
    in_sight: list[PoreTypeId],
    rules: ScoringRules,
    held_back: set[TreatmentId],
    gentle_first: bool,
    fit: Mapping[TreatmentId, float],
) -> list[Treatment]:
    """The suggestions in order, each step a rule of its own:

    1. gentle ones first when the evidence is weak or the skin sensitive;
    2. what a safety rule holds back (needling and peels on active acne or redness) last;
    3. the article's first-line treatments of the top types (then of the types an answer
       keeps in sight), taken in turn: the best type's first, the next type's first, …, so a
       mixed profile keeps each type's first line in sight;
    4. the other procedures by fit, the gentler first when two fit equally;
    5. the trial offer after them, since its fit would otherwise always lead (it covers every
       pore type, and it is also ``offer``).
    """
    lines = [rules.first_line[type_id] for type_id in in_sight]
    interleaved = [line[i] for i in range(max(map(len, lines))) for line in lines if i < len(line)]
    first_line = {treatment: rank for rank, treatment in reversed(list(enumerate(interleaved)))}
    return sorted(
        candidates,
        key=lambda t: (
            gentle_first and not t.gentle,
            t.id in held_back,
            first_line.get(t.id, len(first_line)),
            t.trial_offer,
            -fit[t.id],
            not t.gentle,
            t.id,
        ),
    )


def assess(kb: KnowledgeBase, answers: Questionnaire, rules: ScoringRules | None = None) -> Assessment:
    """Score the answers against the rules, then choose treatments, tips and the offer.

    Safety comes as rules, not weights: a precaution removes every treatment it rules out
    (the trial offer included); an answer rule removes or holds back treatments whatever
    they score. The evidence is weak when the best type rests on fewer signs of the skin
    than ``min_signs`` (age or habits alone) or the answers contradict each other; weak
    evidence, sensitive skin or no evidence at all put the gentle treatments first.
    Treatments: those whose pore types meet the top types, ordered by :func:`_order`.
    """
    rules = rules or scoring_rules()
    pore_types, causes, signs = _score(answers, rules)
    fallback = not pore_types
    if fallback:
        reason = ReasonRef(code=rules.fallback.reason, answer=answer_label("skin_type", answers.skin_type))
        pore_types = [ScoredPoreType(id=rules.fallback.pore_type, score=0.0, reasons=(reason,))]
    top = _top_types(pore_types, rules)
    type_scores = {p.id: p.score for p in pore_types}
    cause_scores = {c.id: c.score for c in causes}
    given = answers.given()
    sensitive = any(matches(condition, given) is not None for condition in rules.sensitive_when)
    contradictory = any(all(matches(c, given) for c in pair) for pair in rules.contradictions)
    weak = fallback or contradictory or signs.get(top[0], 0.0) < rules.min_signs
    precautions = set(answers.precautions)
    applied = [rule for rule in rules.answer_rules if matches(rule.when, given)]
    excluded = {t for rule in applied for t in rule.exclude}
    held_back = {t for rule in applied for t in rule.hold_back}
    in_sight = list(top) + [p for rule in applied for p in rule.keep_in_sight if p not in top]
    in_sight = list(dict.fromkeys(in_sight))
    kept = {t for type_id in in_sight[len(top) :] for t in rules.first_line[type_id]}
    candidates = [
        t
        for t in kb.treatments
        if (set(t.pore_types) & set(top) or t.id in kept)
        and not set(t.contraindications) & precautions
        and t.id not in excluded
    ]
    fit = {t.id: _fit(t, type_scores, cause_scores) for t in candidates}
    ordered = _order(candidates, in_sight, rules, held_back, sensitive or weak, fit)
    return Assessment(
        rules_version=rules.version,
        pore_types=tuple(pore_types),
        top_types=top,
        mixed=len(top) > 1,
        causes=tuple(causes),
        treatments=tuple(t.id for t in ordered),
        sensitive=sensitive,
        tips=_tips(rules, kb, type_scores, cause_scores, precautions),
        needs_consultation=bool(precautions),
        consultation=_consultation(kb, precautions),
        offer_eligible=not set(trial_offer(kb).contraindications) & precautions,
        weak_evidence=weak,
    )


def trial_offer(kb: KnowledgeBase) -> Treatment:
    """The clinic's free-trial treatment (the knowledge base holds exactly one)."""
    return next(t for t in kb.treatments if t.trial_offer)


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

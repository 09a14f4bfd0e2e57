"""A recommendation as kept: the language-independent assessment and the stored record.

Lightweight on purpose (pydantic models only): the recommendation store and the
registration's existence check import it without loading the scoring engine or its rules.
"""

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from clinic.errors import NotFound
from clinic.ids import RECOMMENDATION_ID
from clinic.knowledge import CauseId, PoreTypeId, Precaution, TreatmentId
from clinic.recommendation.questionnaire import Questionnaire


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
    weak_evidence: bool = False  # records kept before the rule existed read as False


class StoredRecommendation(BaseModel):
    """A recommendation as kept: its id, when it was made, the answers and the assessment."""

    model_config = ConfigDict(frozen=True)

    recommendation_id: str
    created_at: datetime
    answers: Questionnaire
    assessment: Assessment


def is_recommendation_id(value: str) -> bool:
    """Whether ``value`` has the shape of a recommendation id (``rec-`` + 20 base32)."""
    return RECOMMENDATION_ID.fullmatch(value) is not None


class RecommendationNotFound(NotFound):
    """404: no recommendation with this id (never made, or expired)."""

    code = "RECOMMENDATION_NOT_FOUND"

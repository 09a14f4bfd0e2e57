"""The pore questionnaire, as a package cut at its seams.

- :mod:`.questionnaire` — the answers (``Questionnaire``, ``Habits``, their enums) and the
  one-answer conditions rules are written in. A new question goes here (and in the rules).
- :mod:`.assessment` — the language-independent result and the stored record; lightweight,
  so the store and the registration's existence check import it alone.
- :mod:`.rules` — the models of ``scoring_rules.json`` and its loading. A new weight, reason
  text or safety rule is a change of that file, checked by these models.
- :mod:`.engine` — scoring and ``assess``: answers and rules in, an assessment out.
- :mod:`.rendering` — the response models and the rendering in one language.

The treatment catalogue is :mod:`clinic.treatments`. Names are re-exported here lazily
(PEP 562), so ``from clinic.recommendation import assess`` works while importing
``clinic.recommendation.assessment`` alone loads neither the engine nor the rules file.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names as the type checker sees them ("X as X": an explicit re-export)
    from clinic.recommendation.assessment import Assessment as Assessment
    from clinic.recommendation.assessment import ConsultationRef as ConsultationRef
    from clinic.recommendation.assessment import ReasonRef as ReasonRef
    from clinic.recommendation.assessment import RecommendationNotFound as RecommendationNotFound
    from clinic.recommendation.assessment import ScoredCause as ScoredCause
    from clinic.recommendation.assessment import ScoredPoreType as ScoredPoreType
    from clinic.recommendation.assessment import StoredRecommendation as StoredRecommendation
    from clinic.recommendation.assessment import is_recommendation_id as is_recommendation_id
    from clinic.recommendation.engine import assess as assess
    from clinic.recommendation.engine import new_recommendation as new_recommendation
    from clinic.recommendation.engine import trial_offer as trial_offer
    from clinic.recommendation.questionnaire import ANSWER_CHOICES as ANSWER_CHOICES
    from clinic.recommendation.questionnaire import AgeRange as AgeRange
    from clinic.recommendation.questionnaire import Concern as Concern
    from clinic.recommendation.questionnaire import Condition as Condition
    from clinic.recommendation.questionnaire import Habits as Habits
    from clinic.recommendation.questionnaire import LifestyleFactor as LifestyleFactor
    from clinic.recommendation.questionnaire import PoreShape as PoreShape
    from clinic.recommendation.questionnaire import Questionnaire as Questionnaire
    from clinic.recommendation.questionnaire import SkinType as SkinType
    from clinic.recommendation.questionnaire import answer_label as answer_label
    from clinic.recommendation.rendering import REGISTER_PATH as REGISTER_PATH
    from clinic.recommendation.rendering import ConsultationReason as ConsultationReason
    from clinic.recommendation.rendering import DailyTip as DailyTip
    from clinic.recommendation.rendering import Recommendation as Recommendation
    from clinic.recommendation.rendering import RecommendationOffer as RecommendationOffer
    from clinic.recommendation.rendering import RecommendationReason as RecommendationReason
    from clinic.recommendation.rendering import RecommendedCause as RecommendedCause
    from clinic.recommendation.rendering import RecommendedPoreType as RecommendedPoreType
    from clinic.recommendation.rendering import RecommendedTreatment as RecommendedTreatment
    from clinic.recommendation.rendering import render as render
    from clinic.recommendation.rules import ScoringRules as ScoringRules
    from clinic.recommendation.rules import scoring_rules as scoring_rules
    from clinic.treatments import CatalogueTreatment as CatalogueTreatment
    from clinic.treatments import TreatmentCatalogue as TreatmentCatalogue
    from clinic.treatments import catalogue as catalogue
    from clinic.treatments import catalogue_entry as catalogue_entry

_HOMES = {
    "clinic.recommendation.assessment": (
        "Assessment",
        "ConsultationRef",
        "ReasonRef",
        "RecommendationNotFound",
        "ScoredCause",
        "ScoredPoreType",
        "StoredRecommendation",
        "is_recommendation_id",
    ),
    "clinic.recommendation.engine": ("assess", "new_recommendation", "trial_offer"),
    "clinic.recommendation.questionnaire": (
        "ANSWER_CHOICES",
        "AgeRange",
        "Concern",
        "Condition",
        "Habits",
        "LifestyleFactor",
        "PoreShape",
        "Questionnaire",
        "SkinType",
        "answer_label",
    ),
    "clinic.recommendation.rendering": (
        "REGISTER_PATH",
        "ConsultationReason",
        "DailyTip",
        "Recommendation",
        "RecommendationOffer",
        "RecommendationReason",
        "RecommendedCause",
        "RecommendedPoreType",
        "RecommendedTreatment",
        "render",
    ),
    "clinic.recommendation.rules": ("ScoringRules", "scoring_rules"),
    "clinic.treatments": ("CatalogueTreatment", "TreatmentCatalogue", "catalogue", "catalogue_entry"),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    """Load a re-exported name from its home module on first use."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)

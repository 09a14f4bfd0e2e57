"""The questionnaire's rules (``scoring_rules.json``): their models and their loading.

Only the engine and the rendering import this module; the registration's lookup of a
recommendation does not, so it never reads the rules file.
"""

from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Annotated, Literal, Self, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from clinic.knowledge import CauseId, Lang, LocalText, PoreTypeId, Precaution, Slug, TreatmentId
from clinic.recommendation.questionnaire import Condition

Weight = Annotated[float, Field(gt=0)]


class _Rules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Evidence(_Rules):
    """What one answer adds to pore types and causes."""

    pore_types: dict[PoreTypeId, Weight] = Field(default_factory=dict)
    causes: dict[CauseId, Weight] = Field(default_factory=dict)


class ScoringRule(_Rules):
    """When an answer is given, add evidence and say why.

    ``sign``: whether the answer describes the skin itself (skin type, pore shape, a
    concern) rather than context (age, lifestyle, habits). A pore type found on context
    alone is weak evidence: the answer is then gentle-first.
    """

    when: Condition
    add: Evidence
    reason: Slug
    text: LocalText
    sign: bool = True


class AnswerRule(_Rules):
    """A rule on one answer, applied whatever the scores: ``exclude`` removes treatments,
    ``hold_back`` keeps them after every other suggestion (never first), ``keep_in_sight``
    keeps a pore type's first-line treatments among the suggestions even when that type
    scores below the top ones (acne is never ignored for sagging)."""

    when: Condition
    exclude: tuple[TreatmentId, ...] = ()
    hold_back: tuple[TreatmentId, ...] = ()
    keep_in_sight: tuple[PoreTypeId, ...] = ()
    why: str = Field(description="For the content review: the article's or the catalogue's reason")


class ConsultationText(_Rules):
    """What a precaution means for the person; ``rules_out`` says whether it leaves any
    treatment (``some``) or none (``all``), and a test holds the catalogue to it."""

    text: LocalText
    rules_out: Literal["all", "some"]


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
    first_line: dict[PoreTypeId, tuple[TreatmentId, ...]]
    answer_rules: tuple[AnswerRule, ...]
    min_signs: Weight
    contradictions: tuple[tuple[Condition, Condition], ...]
    consultation: dict[Precaution, ConsultationText]
    left_out: LocalText
    nothing_left: LocalText
    disclaimer: LocalText
    weak_disclaimer: LocalText

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
        if set(self.first_line) != set(get_args(PoreTypeId)):
            raise ValueError("first_line needs every pore type")
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

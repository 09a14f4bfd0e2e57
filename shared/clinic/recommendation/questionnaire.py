"""The pore questionnaire: its answers, their enums, and the one-answer conditions rules use."""

from collections.abc import Mapping
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, field_validator
from pydantic_core import PydanticCustomError

from clinic.knowledge import Lang, Precaution

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
    lang: Lang | None = Field(None, description="en or zh-HK (else Accept-Language, else en)")

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


def matches(condition: Mapping[str, str | bool], given: Mapping[str, tuple[str | bool, ...]]) -> str | None:
    """The answer label when ``condition`` holds for these answers, else None."""
    ((field, value),) = condition.items()
    return answer_label(field, value) if value in given.get(field, ()) else None

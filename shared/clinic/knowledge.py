"""The bilingual knowledge base: models of the content files and their loading.

The content files under ``content/`` are the single source of truth. ``infra/seed.py``
writes them to the content table; the functions read them back through
:mod:`clinic.content_store`. Identifiers are stable and the same in both languages.
"""

import json
from functools import cache
from importlib import resources
from typing import Annotated, Literal, Self, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Lang = Literal["en", "zh-HK"]
LANGS: tuple[Lang, ...] = ("en", "zh-HK")

PoreTypeId = Literal["dehydrated", "oily", "aging", "problematic"]
CauseId = Literal[
    "excess_sebum",
    "dead_skin_buildup",
    "insufficient_cleansing",
    "slow_renewal",
    "recurring_blackheads_acne",
    "hormonal_lifestyle",
]
TreatmentId = Literal[
    "aha-peel",
    "carbon-laser",
    "microneedling-infusion",
    "rf-tightening",
    "fruit-vegetable-infusion",
    "acne-treatment",
]
Precaution = Literal[
    "pregnant_or_breastfeeding",
    "isotretinoin_recent",
    "active_infection",
    "recent_laser_or_peel",
    "sunburn",
    "photosensitive_medication",
]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=64)]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class LocalText(_Frozen):
    """One text in both languages."""

    en: NonEmpty
    zh_hk: NonEmpty = Field(alias="zh-HK")

    def get(self, lang: Lang) -> str:
        """The text in ``lang``."""
        return self.en if lang == "en" else self.zh_hk


class LocalList(_Frozen):
    """A list of texts in both languages (the two lists need not be the same length)."""

    en: tuple[NonEmpty, ...]
    zh_hk: tuple[NonEmpty, ...] = Field(alias="zh-HK")

    def get(self, lang: Lang) -> tuple[str, ...]:
        """The texts in ``lang``."""
        return self.en if lang == "en" else self.zh_hk


class Faq(_Frozen):
    """One FAQ entry."""

    id: Slug
    question: LocalText
    answer: LocalText
    keywords: LocalList = LocalList(en=(), **{"zh-HK": ()})
    related: tuple[Slug, ...] = ()
    treatments: tuple[TreatmentId, ...] = ()


class Treatment(_Frozen):
    """A professional treatment or the clinic's trial offer."""

    id: TreatmentId
    trial_offer: bool = False
    name: LocalText
    summary: LocalText
    how_it_works: LocalText
    benefits: LocalText
    suits: LocalText
    sessions: LocalText
    downtime: LocalText
    cautions: LocalList
    pore_types: tuple[PoreTypeId, ...]
    causes: tuple[CauseId, ...]
    gentle: bool
    contraindications: tuple[Precaution, ...]


class PoreType(_Frozen):
    """One of the four kinds of enlarged pores."""

    id: PoreTypeId
    name: LocalText
    description: LocalText
    signs: LocalList
    care: LocalText


class Cause(_Frozen):
    """A cause of enlarged pores."""

    id: CauseId
    name: LocalText
    description: LocalText


class Tip(_Frozen):
    """A daily skincare tip."""

    id: Slug
    title: LocalText
    text: LocalText


class Branch(_Frozen):
    """A clinic branch that takes free-trial registrations."""

    id: Slug
    name: LocalText
    address: LocalText
    closed_weekdays: tuple[Annotated[int, Field(ge=0, le=6)], ...] = ()
    daily_capacity: Annotated[int, Field(ge=0)] | None = None


class Consent(_Frozen):
    """The registration's consent texts, versioned as a whole."""

    version: NonEmpty
    terms_url: NonEmpty
    privacy_url: NonEmpty
    terms_label: LocalText
    collection_statement: LocalText
    marketing_statement: LocalText


class Synonyms(_Frozen):
    """Groups of search terms that mean the same thing, across both languages, and the
    intent words that say what a question is about ("cancel", "price", 取消 …)."""

    groups: tuple[tuple[NonEmpty, ...], ...]
    intents: tuple[NonEmpty, ...] = ()


class KnowledgeBase(_Frozen):
    """All the clinic's content, as one immutable value."""

    faqs: tuple[Faq, ...]
    treatments: tuple[Treatment, ...]
    pore_types: tuple[PoreType, ...]
    causes: tuple[Cause, ...]
    tips: tuple[Tip, ...]
    branches: tuple[Branch, ...]
    consent: Consent
    synonyms: Synonyms

    @model_validator(mode="after")
    def _check_references(self) -> Self:
        """Every identifier of the contract is present once, and every reference resolves."""
        for field, ids in (
            ("treatments", get_args(TreatmentId)),
            ("pore_types", get_args(PoreTypeId)),
            ("causes", get_args(CauseId)),
        ):
            present = sorted(item.id for item in getattr(self, field))
            if present != sorted(ids):
                raise ValueError(f"{field} must hold exactly {sorted(ids)}, found {present}")
        for field in ("faqs", "tips", "branches"):
            items = [item.id for item in getattr(self, field)]
            if len(items) != len(set(items)):
                raise ValueError(f"{field} has duplicate ids")
        faq_ids = {faq.id for faq in self.faqs}
        for faq in self.faqs:
            unknown = set(faq.related) - faq_ids
            if unknown or faq.id in faq.related:
                raise ValueError(f"faq {faq.id} has bad related ids {sorted(unknown)}")
        if [t.id for t in self.treatments if t.trial_offer] != ["acne-treatment"]:
            raise ValueError("acne-treatment must be the one trial offer")
        return self

    def treatment(self, treatment_id: str) -> Treatment | None:
        """The treatment with this id, if any."""
        return next((t for t in self.treatments if t.id == treatment_id), None)

    def branch(self, branch_id: str) -> Branch | None:
        """The branch with this id, if any."""
        return next((b for b in self.branches if b.id == branch_id), None)

    def faq(self, faq_id: str) -> Faq | None:
        """The FAQ entry with this id, if any."""
        return next((f for f in self.faqs if f.id == faq_id), None)


#: The content files, by the KnowledgeBase field each one fills.
CONTENT_FILES = {name: f"{name}.json" for name in KnowledgeBase.model_fields}


def read_content_files() -> dict[str, object]:
    """The raw content of every file under ``content/``, by KnowledgeBase field."""
    folder = resources.files("clinic") / "content"
    return {field: json.loads((folder / file).read_text(encoding="utf-8")) for field, file in CONTENT_FILES.items()}


@cache
def bundled_knowledge() -> KnowledgeBase:
    """The knowledge base as shipped in the package (used by seeding and tests)."""
    return KnowledgeBase.model_validate(read_content_files())

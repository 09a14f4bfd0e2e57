"""The treatment catalogue (``GET /treatments``): each treatment in one language."""

from pydantic import BaseModel, Field

from clinic.knowledge import CauseId, KnowledgeBase, Lang, PoreTypeId, Precaution, Treatment, TreatmentId


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

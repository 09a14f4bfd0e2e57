"""Recommendation function: the pore questionnaire's scoring and the treatment catalogue."""

from clinic.startup import cold_start  # first: its import pauses the garbage collector (see there)

# isort: split
from typing import Annotated

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from clinic.api import LangQuery, create_app, openapi_responses
from clinic.content_store import knowledge
from clinic.errors import NotFound
from clinic.recommendation import (
    Questionnaire,
    Recommendation,
    RecommendationNotFound,
    new_recommendation,
    render,
)
from clinic.recommendation_store import DynamoRecommendations, RecommendationStore
from clinic.settings import require
from clinic.treatments import CatalogueTreatment, TreatmentCatalogue, catalogue, catalogue_entry

config = require("CONTENT_TABLE", "RECOMMENDATIONS_TABLE")
logger = Logger()
metrics = Metrics()
app = create_app()

RecommendationId = Annotated[str, Path(description="The recommendation_id from POST /recommendations (rec-…)")]
TreatmentIdPath = Annotated[str, Path(description="A treatment id, e.g. carbon-laser")]


def _store() -> RecommendationStore:
    return DynamoRecommendations(config.recommendations_table)


@app.post(
    "/recommendations",
    tags=["Recommendation"],
    summary="Score the pore questionnaire",
    responses=openapi_responses(200, "The recommendation, kept for later", 400, 413, 422, 503),
)
def create_recommendation(answers: Annotated[Questionnaire, Body()]) -> Recommendation:
    """Pore types, causes, treatments and tips for the answers; stored with one write."""
    kb = knowledge()
    recommendation = new_recommendation(kb, answers)
    _store().save(recommendation)
    metrics.add_metric(name="RecommendationCreated", unit=MetricUnit.Count, value=1)
    logger.info(
        "recommendation created",
        extra={
            "recommendation_id": recommendation.recommendation_id,
            "top_types": list(recommendation.assessment.top_types),
        },
    )
    return render(kb, recommendation, app.request_lang())


@app.get(
    "/recommendations/<id>",
    tags=["Recommendation"],
    summary="A recommendation made earlier",
    responses=openapi_responses(200, "The recommendation, in the request's language", 404, 422, 503),
)
def get_recommendation(id: RecommendationId, lang: LangQuery = None) -> Recommendation:
    """The stored recommendation, rendered in the request's language."""
    stored = _store().get(id)
    if stored is None:
        raise RecommendationNotFound()
    return render(knowledge(), stored, app.request_lang())


@app.get(
    "/treatments",
    tags=["Recommendation"],
    summary="The treatment catalogue",
    responses=openapi_responses(200, "Every treatment", 422),
)
def list_treatments(lang: LangQuery = None) -> TreatmentCatalogue:
    """Every treatment, the trial offer included, in the request's language."""
    return catalogue(knowledge(), app.request_lang())


@app.get(
    "/treatments/<id>",
    tags=["Recommendation"],
    summary="One treatment",
    responses=openapi_responses(200, "The treatment", 404, 422),
)
def get_treatment(id: TreatmentIdPath, lang: LangQuery = None) -> CatalogueTreatment:
    """The treatment with this id, in the request's language."""
    treatment = knowledge().treatment(id)
    if treatment is None:
        raise NotFound()
    return catalogue_entry(treatment, app.request_lang())


@cold_start
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, object], context: LambdaContext) -> dict[str, object]:
    """API Gateway entry point."""
    return app.resolve(event, context)

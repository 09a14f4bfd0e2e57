"""FAQ function: list, ranked bilingual search, one entry, and 'was this helpful?' votes."""

from clinic.startup import cold_start  # first: its import pauses the garbage collector (see there)

# isort: split
from typing import Annotated

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from clinic.api import LangQuery, create_app, openapi_responses
from clinic.content_store import knowledge
from clinic.errors import NotFound
from clinic.faq import FaqItem, FaqList, render, search_faqs
from clinic.feedback import DynamoFeedback, FeedbackAccepted, FeedbackIn, FeedbackStore
from clinic.settings import require

config = require("CONTENT_TABLE", "FEEDBACK_TABLE")
logger = Logger()
metrics = Metrics()
app = create_app()

FaqId = Annotated[str, Path(max_length=64, description="A FAQ id, e.g. does-it-hurt")]


@app.get(
    "/faqs",
    tags=["FAQ"],
    summary="List the FAQ, or search it",
    responses=openapi_responses(200, "The entries, ranked when searched", 422),
)
def list_faqs(
    q: Annotated[str | None, Query(max_length=200, description="Search words, any language")] = None,
    lang: LangQuery = None,
) -> FaqList:
    """Every entry in order, or with ``q`` the ranked, typo-tolerant search results."""
    result = search_faqs(knowledge(), q, app.request_lang())
    if q:
        metrics.add_metric(name="FaqSearches", unit=MetricUnit.Count, value=1)
        if not result.items:
            metrics.add_metric(name="FaqSearchesWithoutResult", unit=MetricUnit.Count, value=1)
    return result


@app.get(
    "/faqs/<id>",
    tags=["FAQ"],
    summary="One FAQ entry",
    responses=openapi_responses(200, "The entry", 404, 422),
)
def get_faq(id: FaqId, lang: LangQuery = None) -> FaqItem:
    """The entry with this id, in the request's language."""
    kb = knowledge()
    faq = kb.faq(id)
    if faq is None:
        raise NotFound()
    return render(kb, faq, app.request_lang())


@app.post(
    "/faqs/<id>/feedback",
    tags=["FAQ"],
    summary="Say whether an answer helped",
    status_code=202,
    responses=openapi_responses(202, "The vote was counted", 400, 404, 413, 422, 503),
)
def post_feedback(id: FaqId, feedback: Annotated[FeedbackIn, Body()]) -> FeedbackAccepted:
    """Count a helpful / not helpful vote (atomic counter); the reason is kept for a while."""
    if knowledge().faq(id) is None:
        raise NotFound()
    votes: FeedbackStore = DynamoFeedback(config.feedback_table)
    votes.record(id, feedback.helpful, feedback.reason)
    metrics.add_metric(name="FaqHelpful" if feedback.helpful else "FaqNotHelpful", unit=MetricUnit.Count, value=1)
    return FeedbackAccepted(id=id)


@cold_start
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, object], context: LambdaContext) -> dict[str, object]:
    """API Gateway entry point."""
    return app.resolve(event, context)

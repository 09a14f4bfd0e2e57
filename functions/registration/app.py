"""Registration function: the free-trial form's options, registrations, manage and cancel.

Each route wires the request to :mod:`clinic.registration` (the rules and use cases) and
:mod:`clinic.registration_store` (DynamoDB), and the outcome to the response.
"""

from clinic.startup import cold_start  # first: its import pauses the garbage collector (see there)

# isort: split
from datetime import UTC, datetime
from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from clinic.api import LangQuery, create_app, openapi_responses
from clinic.content_store import knowledge
from clinic.errors import Conflict, FieldProblem, ValidationFailed
from clinic.recommendation_lookup import recommendation_exists
from clinic.registration import (
    CancelOut,
    MarketingOptOutOut,
    RegistrationIn,
    RegistrationOptions,
    RegistrationOut,
    RegistrationView,
    booking_window,
    full_dates,
    owner_view,
    registration_options,
    registration_problems,
    service,
    today_in_hong_kong,
)
from clinic.registration_store import DynamoRegistrations
from clinic.settings import require
from clinic.token_secret import manage_token_secret

config = require(
    "CONTENT_TABLE", "REGISTRATIONS_TABLE", "RECOMMENDATIONS_TABLE", "MANAGE_TOKEN_SECRET", "STAFF_KEY_SECRET"
)
logger = Logger()
metrics = Metrics()
app = create_app()

Reference = Annotated[str, Path(max_length=20, description="PM-XXXX-XXXX")]
ManageToken = Annotated[str | None, Header(alias="X-Manage-Token", description="The manage token shown on creation")]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=r"^[\x21-\x7e]{1,255}$",
        description="A random UUID per submission, kept across its retries: a retry with the same key and "
        "body gets the stored answer (same reference, a working manage token).",
    ),
]
_OUTCOME_METRICS = {
    "created": "RegistrationCreated",
    "replayed": "RegistrationReplayed",
    "decoy": "RegistrationHoneypot",
}
_CONFLICT_METRICS = {"ALREADY_REGISTERED": "RegistrationDuplicate", "DATE_FULL": "RegistrationDateFull"}


def _store() -> DynamoRegistrations:
    return DynamoRegistrations(config.registrations_table)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _count(name: str) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)


@app.get(
    "/registration-options",
    tags=["Registration"],
    summary="What the registration form offers: dates, branches, periods, consent texts",
    responses=openapi_responses(200, "The form's options", 422, 503),
)
def get_options(
    treatment: Annotated[str, Query(max_length=64)] = "acne-treatment",
    lang: LangQuery = None,
) -> RegistrationOptions:
    """Min and max dates in Hong Kong time, public holidays, full dates and branches."""
    kb = knowledge()
    offered = kb.treatment(treatment)
    if offered is None or not offered.trial_offer:
        code = "UNKNOWN_TREATMENT" if offered is None else "TREATMENT_NOT_OFFERED"
        raise ValidationFailed([FieldProblem("treatment", code)])
    today = today_in_hong_kong()
    window = booking_window(today, config)
    taken = _store().taken([b.id for b in kb.branches], window.min_date, window.max_date)
    per_branch = full_dates(window, kb, taken, config)
    return registration_options(kb, treatment, app.request_lang(), today, window, per_branch, config)


@app.post(
    "/registrations",
    tags=["Registration"],
    summary="Register for a free trial (exactly once per phone and treatment)",
    responses=openapi_responses(201, "Registered; also a keyed retry of the same submission", 400, 409, 413, 422, 503),
)
def create_registration(
    form: Annotated[RegistrationIn, Body()], idempotency_key: IdempotencyKey = None
) -> Response[RegistrationOut]:
    """Validate, then one transaction: registration + trial claim + capacity (+ the key)."""
    kb = knowledge()
    problems = registration_problems(form, kb)
    if form.recommendation_id and not recommendation_exists(config.recommendations_table, form.recommendation_id):
        problems.append(FieldProblem("recommendation_id", "RECOMMENDATION_NOT_FOUND"))
    if problems:
        raise ValidationFailed(problems)
    try:
        registered = service.register(
            form,
            store=_store(),
            kb=kb,
            config=config,
            lang=app.request_lang(),  # query, body, Accept-Language: resolved once by clinic.api
            now=_now(),
            secret=b"" if form.is_bot else manage_token_secret(),
            idempotency_key=idempotency_key,
        )
    except Conflict as conflict:
        _count(_CONFLICT_METRICS.get(conflict.code, "RegistrationConflict"))
        raise
    _count(_OUTCOME_METRICS[registered.outcome])
    logger.info(f"registration {registered.outcome}", extra={"reference": registered.answer.reference})
    headers = {"Idempotent-Replayed": "true"} if registered.outcome == "replayed" else {}
    return Response(201, content_type="application/json", body=registered.answer, headers=headers)


@app.get(
    "/registrations/<reference>",
    tags=["Registration"],
    summary="A registration, with phone and email masked",
    responses=openapi_responses(200, "The registration", 404, 503),
)
def get_registration(
    reference: Reference, x_manage_token: ManageToken = None, lang: LangQuery = None
) -> RegistrationView:
    """Details for the manage page; an unknown reference and a wrong token look the same."""
    registration = service.authorised(_store(), reference, x_manage_token, _now())
    return owner_view(registration, knowledge(), app.request_lang())


@app.post(
    "/registrations/<reference>/cancel",
    tags=["Registration"],
    summary="Cancel a registration (frees the capacity and the person's trial)",
    responses=openapi_responses(200, "Cancelled (also when it already was)", 404, 503),
)
def cancel_registration(reference: Reference, x_manage_token: ManageToken = None) -> CancelOut:
    """Idempotent: cancelling a cancelled registration answers the same."""
    store, now = _store(), _now()
    registration = service.authorised(store, reference, x_manage_token, now)
    cancelled = service.cancel(store, registration, now)
    if cancelled is not registration:
        _count("RegistrationCancelled")
        logger.info("registration cancelled", extra={"reference": cancelled.reference})
    return CancelOut(reference=cancelled.reference, status=cancelled.status)


@app.post(
    "/registrations/<reference>/marketing-opt-out",
    tags=["Registration"],
    summary="Withdraw marketing consent, at once and free of charge (PDPO)",
    responses=openapi_responses(200, "Withdrawn (also when it already was)", 404, 503),
)
def opt_out_of_marketing(reference: Reference, x_manage_token: ManageToken = None) -> MarketingOptOutOut:
    """Recorded in the consent ledger; no promotional message reaches the person after it."""
    store, now = _store(), datetime.now(UTC)  # to the microsecond: the ledger is ordered by time
    registration = service.authorised(store, reference, x_manage_token, now)
    withdrawn = service.opt_out_of_marketing(store, registration, now)
    if withdrawn is not registration:
        _count("MarketingOptOut")
        logger.info("marketing consent withdrawn", extra={"reference": withdrawn.reference})
    return MarketingOptOutOut(reference=withdrawn.reference, marketing_consent=False)


@cold_start
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """API Gateway entry point."""
    return app.resolve(event, context)

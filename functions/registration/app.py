"""Registration function: the free-trial form's options, registrations, manage and cancel."""

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
from clinic.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from clinic.recommendation_store import DynamoRecommendations
from clinic.registration import (
    CancelOut,
    RegistrationIn,
    RegistrationOptions,
    RegistrationOut,
    RegistrationView,
    TreatmentRef,
    booking_window,
    branch_capacity,
    full_dates,
    mask_email,
    mask_phone,
    new_manage_token,
    new_reference,
    normalise_reference,
    registration_options,
    registration_problems,
    today_in_hong_kong,
)
from clinic.registration_store import (
    ConsentRecord,
    DynamoRegistrations,
    Registration,
    RegistrationStore,
    Replayed,
    expiry,
    token_hash,
    token_matches,
)
from clinic.settings import settings

logger = Logger()
metrics = Metrics()
app = create_app()

Reference = Annotated[str, Path(max_length=20, description="PM-XXXX-XXXX")]
ManageToken = Annotated[str | None, Header(alias="X-Manage-Token", description="The manage token shown on creation")]


def _store() -> RegistrationStore:
    return DynamoRegistrations(settings().registrations_table)


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
    kb, config = knowledge(), settings()
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
    responses=openapi_responses(201, "Registered", 400, 409, 413, 422, 503)
    | {200: {"description": "The same registration sent again: the stored one, without the manage token"}},
)
def create_registration(form: Annotated[RegistrationIn, Body()]) -> Response[RegistrationOut]:
    """Validate, then one transaction: registration + trial claim + one unit of capacity."""
    kb, config = knowledge(), settings()
    problems = registration_problems(form, kb)
    if form.recommendation_id and not DynamoRecommendations(config.recommendations_table).exists(
        form.recommendation_id
    ):
        problems.append(FieldProblem("recommendation_id", "RECOMMENDATION_NOT_FOUND"))
    if problems:
        raise ValidationFailed(problems)

    branch = kb.branch(form.branch)
    assert branch is not None  # checked by registration_problems
    token = new_manage_token()
    now = datetime.now(UTC).replace(microsecond=0)
    lang = app.request_lang()  # query, body, Accept-Language: resolved once by clinic.api
    registration = Registration(
        reference=new_reference(),
        status="pending_confirmation",
        name=form.name,
        phone=form.phone,
        email=form.email,
        treatment=form.treatment,
        branch=form.branch,
        preferred_date=form.preferred_date,
        preferred_period=form.preferred_period,
        lang=lang,
        recommendation_id=form.recommendation_id,
        source=form.source.model_dump() if form.source else None,
        consent=ConsentRecord(
            version=kb.consent.version,
            terms_accepted=form.agree_terms,
            terms_accepted_at=now,
            marketing_consent=form.marketing_consent,
            marketing_recorded_at=now,
            lang=lang,
        ),
        created_at=now,
        manage_token_hash=token_hash(token),
        expires_at=expiry(form.preferred_date, config.retention_days),
    )
    if form.is_bot:  # looks like success to the bot; nothing is stored
        _count("RegistrationHoneypot")
        return _answer(201, registration.answer(token))
    try:
        registration = _store().create(registration, branch_capacity(branch, config))
    except Replayed as replay:
        _count("RegistrationReplayed")
        logger.info("registration replayed", extra={"reference": replay.answer.reference})
        return _answer(200, replay.answer)
    except Conflict as conflict:
        _count("RegistrationDuplicate" if conflict.code == "ALREADY_REGISTERED" else "RegistrationDateFull")
        raise
    _count("RegistrationCreated")
    logger.info(
        "registration created",
        extra={
            "reference": registration.reference,
            "branch": registration.branch,
            "preferred_date": registration.preferred_date.isoformat(),
        },
    )
    return _answer(201, registration.answer(token))


def _answer(status: int, body: RegistrationOut) -> Response[RegistrationOut]:
    return Response(status_code=status, content_type="application/json", body=body)


def _authorised(reference: str, token: str | None) -> Registration:
    """The registration, if the reference exists and the token matches (else one same 404)."""
    normalised = normalise_reference(reference)
    registration = _store().get(normalised) if normalised else None
    if registration is None or not token_matches(registration, token):
        raise NotFound()
    return registration


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
    registration = _authorised(reference, x_manage_token)
    kb, lang_ = knowledge(), app.request_lang()
    treatment, branch = kb.treatment(registration.treatment), kb.branch(registration.branch)
    return RegistrationView(
        reference=registration.reference,
        status=registration.status,
        name=registration.name,
        phone=mask_phone(registration.phone),
        email=mask_email(registration.email),
        treatment=TreatmentRef(id=registration.treatment, name=treatment.name.get(lang_) if treatment else ""),
        branch=TreatmentRef(id=registration.branch, name=branch.name.get(lang_) if branch else ""),
        preferred_date=registration.preferred_date,
        preferred_period=registration.preferred_period,
        marketing_consent=registration.consent.marketing_consent,
        created_at=registration.created_at,
        cancelled_at=registration.cancelled_at,
    )


@app.post(
    "/registrations/<reference>/cancel",
    tags=["Registration"],
    summary="Cancel a registration (frees the capacity and the person's trial)",
    responses=openapi_responses(200, "Cancelled (also when it already was)", 404, 503),
)
def cancel_registration(reference: Reference, x_manage_token: ManageToken = None) -> CancelOut:
    """Idempotent: cancelling a cancelled registration answers the same."""
    registration = _authorised(reference, x_manage_token)
    if registration.status != "cancelled":
        registration = _store().cancel(registration, datetime.now(UTC).replace(microsecond=0))
        _count("RegistrationCancelled")
        logger.info("registration cancelled", extra={"reference": registration.reference})
    return CancelOut(reference=registration.reference, status=registration.status)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """API Gateway entry point."""
    return app.resolve(event, context)

"""Staff function: the clinic's back office behind the Cognito authorizer (every route).

List a branch's registrations by day, find one by reference or phone, read it with its
history, move it along the state machine, export a day as CSV. Each read and change is
recorded in the audit trail.
"""

from clinic.startup import cold_start  # first: its import pauses the garbage collector (see there)

# isort: split
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from clinic.api import create_app, openapi_responses
from clinic.content_store import knowledge
from clinic.knowledge import Lang
from clinic.privacy import DataRequestIn, DataRequestOut, DataRequests
from clinic.settings import require
from clinic.staff.access import StaffUser, user_from_claims
from clinic.staff.audit import DynamoAudit
from clinic.staff.keys import staff_key
from clinic.staff.models import RegistrationList, StaffRegistration, StaffRegistrationDetail, StatusChange
from clinic.staff.service import StaffService
from clinic.staff.store import DynamoStaffStore
from clinic.staff.transitions import StaffStatus

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.models import SecurityScheme

config = require(
    "CONTENT_TABLE", "REGISTRATIONS_TABLE", "RECOMMENDATIONS_TABLE", "MESSAGES_TABLE", "AUDIT_TABLE", "STAFF_KEY_SECRET"
)
logger = Logger()
metrics = Metrics()
app = create_app()

Reference = Annotated[str, Path(max_length=20, description="PM-XXXX-XXXX")]
Branch = Annotated[str | None, Query(max_length=64, description="Branch id; branch staff default to their own")]
Day = Annotated[date | None, Query(description="A day (YYYY-MM-DD, Hong Kong)")]
StatusFilter = Annotated[StaffStatus | None, Query()]
Search = Annotated[str | None, Query(max_length=40, description="A reference or a phone number in any writing")]
_STAFF_ERRORS = (401, 403, 422, 503)
STAFF_SECURITY: list[dict[str, list[str]]] = [{"StaffCognito": []}]
app.configure_openapi(title="Clinic staff API")


def security_schemes() -> "dict[str, SecurityScheme]":
    """The scheme of :data:`STAFF_SECURITY`, for the OpenAPI spec (API Gateway's Cognito
    authorizer enforces it before the function runs). Built when the spec is, not at INIT:
    Powertools' OpenAPI models cost a cold start tens of milliseconds."""
    from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn

    return {
        "StaffCognito": APIKey(
            name="Authorization",
            in_=APIKeyIn.header,
            description="An ID token of the staff user pool (`Bearer <token>` or bare); groups from `cognito:groups`.",
        )
    }


def _service() -> StaffService:
    kb = knowledge()
    return StaffService(
        DynamoStaffStore(config.registrations_table, config.recommendations_table),
        DynamoAudit(config.audit_table, config.audit_retention_days),
        staff_key,
        frozenset(branch.id for branch in kb.branches),
        rules_out={
            precaution: [t.id for t in kb.treatments if precaution in t.contraindications]
            for precaution in {p for t in kb.treatments for p in t.contraindications}
        },
    )


def _user() -> StaffUser:
    """The caller, from the claims API Gateway's authorizer put in the request context."""
    return user_from_claims(app.current_event.request_context.authorizer.claims)


@app.get(
    "/staff/registrations",
    tags=["Staff"],
    security=STAFF_SECURITY,
    summary="A branch's registrations by day, filtered, one page at a time",
    responses=openapi_responses(200, "A page of registrations", *_STAFF_ERRORS),
)
def list_registrations(
    branch: Branch = None,
    date: Day = None,
    status: StatusFilter = None,
    q: Search = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    lang: Annotated[Lang | None, Query()] = None,
) -> RegistrationList:
    """Sorted by date then creation; a manager names the branch, branch staff get their own."""
    return _service().page(_user(), branch, date, status, q, limit, cursor)


@app.get(
    "/staff/registrations/export",
    tags=["Staff"],
    security=STAFF_SECURITY,
    summary="The same list as CSV (UTF-8 with a byte-order mark, a header row)",
    responses=openapi_responses(200, "The CSV", *_STAFF_ERRORS)
    | {
        200: {
            "description": "UTF-8 CSV with a byte-order mark",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
def export_registrations(
    branch: Branch = None,
    date: Day = None,
    status: StatusFilter = None,
    q: Search = None,
    lang: Annotated[Lang | None, Query()] = None,
) -> Response[str]:
    """Every row the list would show, as a download."""
    user = _user()
    text = _service().export(user, branch, date, status, q)
    name = f"registrations-{branch or user.branch_for(None) or 'search'}-{date.isoformat() if date else 'all'}.csv"
    metrics.add_metric(name="StaffExport", unit=MetricUnit.Count, value=1)
    return Response(
        status_code=200,
        content_type="text/csv; charset=utf-8",
        body=text,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@app.get(
    "/staff/registrations/<reference>",
    tags=["Staff"],
    security=STAFF_SECURITY,
    summary="One registration with its history",
    responses=openapi_responses(200, "The registration and its history", 401, 403, 404, 503),
)
def get_registration(reference: Reference, lang: Annotated[Lang | None, Query()] = None) -> StaffRegistrationDetail:
    """Unmasked contact details, every status change with who made it and when."""
    return _service().detail(_user(), reference)


@app.post(
    "/staff/registrations/<reference>/status",
    tags=["Staff"],
    security=STAFF_SECURITY,
    summary="Move a registration along the state machine",
    responses=openapi_responses(200, "The registration with its new status", 401, 403, 404, 409, 422, 503),
)
def change_status(reference: Reference, change: Annotated[StatusChange, Body()]) -> StaffRegistration:
    """409 INVALID_TRANSITION for a move the machine forbids; 409 STALE_STATUS when someone
    else changed it first (reload and decide again). Cancelling frees the place and the trial."""
    user = _user()
    changed = _service().change(user, reference, change)
    metrics.add_metric(name=f"StaffStatus_{change.status}", unit=MetricUnit.Count, value=1)
    logger.info(
        "status changed", extra={"reference": changed.reference, "status": changed.status, "staff_user": user.username}
    )
    return changed


@app.post(
    "/staff/data-requests",
    tags=["Staff"],
    security=STAFF_SECURITY,
    summary="A personal-data request under the PDPO: access, correction, erasure, marketing opt-out (managers)",
    responses=openapi_responses(200, "Carried out and recorded", 401, 403, 409, 422, 503),
)
def data_request(request: Annotated[DataRequestIn, Body()]) -> DataRequestOut:
    """Carried out at once; an anonymised record (type, dates, by whom) shows the 40-day duty."""
    from clinic.privacy_store import DynamoPersonalData  # this route's alone: not on every cold start

    user = _user()
    store = DynamoPersonalData(
        config.registrations_table,
        config.recommendations_table,
        config.audit_table,
        config.audit_retention_days,
        staff_key(),
        config.messages_table,
    )
    answer = DataRequests(store).handle(user, request)
    metrics.add_metric(name=f"DataRequest_{request.type}", unit=MetricUnit.Count, value=1)
    logger.info("data request carried out", extra={"request_id": answer.request_id, "type": request.type})
    return answer


@cold_start
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """API Gateway entry point."""
    return app.resolve(event, context)

"""The requests the benchmark sends, as API Gateway events of the local stack's shape.

Routes come from template.yaml; a route with a sample below is measured with it, and a
function without any sample (a new one) is measured with a GET on each of its static paths,
so it shows up in the table before anyone writes it a sample.
"""

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import count
from typing import Any
from urllib.parse import urlsplit

from infra import cfn
from infra.local_stack import build_event

ORIGIN = "https://www.example-clinic.hk"  # the template's default AllowedOrigins
MANAGER_CLAIMS = {"cognito:username": "manager", "cognito:groups": "managers", "token_use": "id"}
QUESTIONNAIRE = {"skin_type": "oily", "age_range": "25_34", "concerns": ["blackheads", "enlarged_pores"]}


@dataclass(frozen=True)
class Request:
    """One HTTP request to the API."""

    method: str
    target: str  # path and query
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    claims: dict[str, str] | None = None  # what API Gateway's Cognito authorizer vouched for

    def event(self) -> dict[str, Any]:
        """The API Gateway REST proxy event for this request."""
        path = urlsplit(self.target).path
        route = next((r for r in cfn.routes() if r.pattern.match(path)), None)
        assert route is not None, f"no route in template.yaml for {path}"
        headers = {"Host": "api.bench", "Origin": ORIGIN, **self.headers}
        payload = b""
        if self.body is not None:
            payload = json.dumps(self.body).encode()
            headers["Content-Type"] = "application/json"
        return build_event(
            route,
            self.method,
            self.target,
            {k: [v] for k, v in headers.items()},
            payload,
            "198.51.100.7",
            "api.bench",
            self.claims,
        )


@dataclass(frozen=True)
class Sample:
    """A request to measure; ``make(i)`` is its i-th instance (fresh data where it must be)."""

    label: str
    make: Callable[[int], Request]
    expect: tuple[int, ...] = (200,)
    calls: int | None = None  # the DynamoDB round trips it should take, warm
    cold: bool = False  # the function's first request in the cold-start measurement
    count_first: Callable[[int], Request] | None = None  # sent just before, in the counting pass


class Form:
    """Registration forms for the open slots of the booking window (from registration-options)."""

    def __init__(self, options: dict[str, Any]) -> None:
        first, last = date.fromisoformat(options["min_date"]), date.fromisoformat(options["max_date"])
        closed = set(options.get("closed_dates", [])) | set(options.get("full_dates", []))
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        self.slots = [
            (branch["id"], day.isoformat())
            for day in days
            for branch in options["branches"]
            if day.weekday() not in branch.get("closed_weekdays", []) and day.isoformat() not in closed
        ]
        self._phones: Iterator[int] = count(61_000_000)

    def new(self, i: int) -> Request:
        """A new registration: its own phone number, a slot in turn, its own idempotency key."""
        branch, day = self.slots[i % len(self.slots)]
        body = {
            "name": "Bench Mark",
            "phone": str(next(self._phones)),
            "treatment": "acne-treatment",
            "branch": branch,
            "preferred_date": day,
            "agree_terms": True,
        }
        return Request("POST", "/registrations", body, {"Idempotency-Key": str(uuid.uuid4())})


def catalogue(form: Form | None) -> list[Sample]:
    """The v1 samples (registration ones only once the form's options are known)."""
    samples = [
        Sample("GET /faqs", lambda _: Request("GET", "/faqs?lang=en"), cold=True),
        Sample("GET /faqs?q=does it hurt", lambda _: Request("GET", "/faqs?q=does%20it%20hurt&lang=en"), calls=0),
        Sample("GET /faqs?q=痛 (zh-HK)", lambda _: Request("GET", "/faqs?q=%E7%97%9B&lang=zh-HK"), calls=0),
        Sample("GET /faqs/{id}", lambda _: Request("GET", "/faqs/does-it-hurt"), calls=0),
        Sample(
            "POST /faqs/{id}/feedback",
            lambda _: Request("POST", "/faqs/does-it-hurt/feedback", {"helpful": True}),
            expect=(202,),
        ),
        Sample(
            "GET /registration-options",
            lambda _: Request("GET", "/registration-options?treatment=acne-treatment&lang=en"),
            cold=True,
            calls=1,
        ),
        Sample("POST /recommendations", lambda _: Request("POST", "/recommendations", QUESTIONNAIRE), cold=True),
        Sample("GET /treatments", lambda _: Request("GET", "/treatments?lang=en"), calls=0),
        Sample("GET /treatments/{id}", lambda _: Request("GET", "/treatments/acne-treatment"), calls=0),
    ]
    day = (date.today() + timedelta(days=7)).isoformat()  # any day: the list is read, not booked
    samples += [
        Sample(
            "GET /staff/registrations (a branch's day)",
            lambda _: Request("GET", f"/staff/registrations?branch=causeway-bay&date={day}", claims=MANAGER_CLAIMS),
            cold=True,
        ),
        Sample(
            "GET /staff/registrations/export",
            lambda _: Request(
                "GET", f"/staff/registrations/export?branch=causeway-bay&date={day}", claims=MANAGER_CLAIMS
            ),
        ),
    ]
    if form is not None:
        replay = form.new(10**6)  # its slot and phone are used by nothing else
        samples += [
            Sample("POST /registrations (new)", form.new, expect=(201,), calls=1),
            Sample(
                "POST /registrations (replay)",
                lambda _: replay,
                expect=(201,),
                calls=1,
                count_first=lambda _: replay,
            ),
        ]
    return samples


def _served_by(function: str, request: Request) -> bool:
    path = urlsplit(request.target).path
    return any(r.function == function and r.pattern.match(path) for r in cfn.routes())


def samples_of(function: str, form: Form | None) -> list[Sample]:
    """The samples of one function: from the catalogue, else a GET on each static path."""
    own = [s for s in catalogue(form) if _served_by(function, s.make(0))]
    if own:
        return own
    static = sorted({r.path for r in cfn.routes() if r.function == function and "{" not in r.path})
    return [
        Sample(f"GET {path}", _get(path), expect=tuple(range(200, 500)), cold=n == 0) for n, path in enumerate(static)
    ]


def _get(path: str) -> Callable[[int], Request]:
    return lambda _: Request("GET", path)


def cold_sample(function: str, form: Form | None) -> Sample:
    """The request that finds the function cold: the page's first call to it."""
    own = samples_of(function, form)
    return next((s for s in own if s.cold), own[0])

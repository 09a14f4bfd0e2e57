"""What the registration function answers: the form's options, a new registration, the
owner's view of it (contact details masked) and a cancellation."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from clinic.knowledge import KnowledgeBase, Lang
from clinic.registration.calendar import BookingWindow, branch_capacity, dates_full_everywhere, public_holidays
from clinic.registration.form import PERIODS, Period
from clinic.registration.record import Registration, Status, mask_email, mask_phone
from clinic.settings import Settings


class TreatmentRef(BaseModel):
    """A treatment's (or a branch's) id and name."""

    id: str
    name: str


class RegistrationOut(BaseModel):
    """The answer to ``POST /registrations``."""

    reference: str = Field(examples=["PM-7K3D-Q9XA"])
    status: Status
    treatment: str
    branch: str
    preferred_date: date
    preferred_period: Period | None
    created_at: datetime
    manage_token: str | None = Field(
        description="Keep it: it opens the manage page. A retry with the same Idempotency-Key "
        "and body gets the same working token again; nothing else ever shows it."
    )


def created_answer(registration: Registration, manage_token: str | None) -> RegistrationOut:
    """The answer for a new registration (``manage_token`` None when it is stored)."""
    return RegistrationOut(
        reference=registration.reference,
        status=registration.status,
        treatment=registration.treatment,
        branch=registration.branch,
        preferred_date=registration.preferred_date,
        preferred_period=registration.preferred_period,
        created_at=registration.created_at,
        manage_token=manage_token,
    )


class RegistrationView(BaseModel):
    """A registration as its manage page shows it (contact details masked)."""

    reference: str
    status: Status
    name: str
    phone: str
    email: str | None
    treatment: TreatmentRef
    branch: TreatmentRef
    preferred_date: date
    preferred_period: Period | None
    marketing_consent: bool
    created_at: datetime
    cancelled_at: datetime | None = None


def owner_view(registration: Registration, kb: KnowledgeBase, lang: Lang) -> RegistrationView:
    """The registration as its owner sees it, names in ``lang``, phone and e-mail masked."""
    treatment, branch = kb.treatment(registration.treatment), kb.branch(registration.branch)
    return RegistrationView(
        reference=registration.reference,
        status=registration.status,
        name=registration.name,
        phone=mask_phone(registration.phone),
        email=mask_email(registration.email),
        treatment=TreatmentRef(id=registration.treatment, name=treatment.name.get(lang) if treatment else ""),
        branch=TreatmentRef(id=registration.branch, name=branch.name.get(lang) if branch else ""),
        preferred_date=registration.preferred_date,
        preferred_period=registration.preferred_period,
        marketing_consent=registration.consent.marketing_consent,
        created_at=registration.created_at,
        cancelled_at=registration.cancelled_at,
    )


class CancelOut(BaseModel):
    """The answer to a cancellation."""

    reference: str
    status: Status


class MarketingOptOutOut(BaseModel):
    """The answer to a withdrawal of marketing consent."""

    reference: str
    marketing_consent: bool = Field(description="Always false: no promotion is sent after this")


class BranchOption(BaseModel):
    """A branch as the form offers it."""

    id: str
    name: str
    address: str
    closed_weekdays: list[int] = Field(description="Monday=0 … Sunday=6")
    daily_capacity: int
    full_dates: list[date]


class ConsentTexts(BaseModel):
    """The consent texts the form shows, with their version."""

    version: str
    terms_url: str
    privacy_url: str
    terms_label: str
    collection_statement: str
    marketing_statement: str


class RegistrationOptions(BaseModel):
    """Everything the registration form needs."""

    treatment: TreatmentRef
    lang: Lang
    today: date
    min_date: date
    max_date: date
    closed_dates: list[date]
    full_dates: list[date]
    branches: list[BranchOption]
    periods: list[Period]
    consent: ConsentTexts


def registration_options(
    kb: KnowledgeBase,
    treatment_id: str,
    lang: Lang,
    today: date,
    window: BookingWindow,
    per_branch_full: dict[str, list[date]],
    config: Settings,
) -> RegistrationOptions:
    """The options of the form for one trial treatment."""
    treatment = kb.treatment(treatment_id)
    assert treatment is not None
    consent = kb.consent
    return RegistrationOptions(
        treatment=TreatmentRef(id=treatment.id, name=treatment.name.get(lang)),
        lang=lang,
        today=today,
        min_date=window.min_date,
        max_date=window.max_date,
        closed_dates=public_holidays(window),
        full_dates=dates_full_everywhere(window, kb, per_branch_full),
        branches=[
            BranchOption(
                id=branch.id,
                name=branch.name.get(lang),
                address=branch.address.get(lang),
                closed_weekdays=list(branch.closed_weekdays),
                daily_capacity=branch_capacity(branch, config),
                full_dates=per_branch_full[branch.id],
            )
            for branch in kb.branches
        ],
        periods=list(PERIODS),
        consent=ConsentTexts(
            version=consent.version,
            terms_url=consent.terms_url,
            privacy_url=consent.privacy_url,
            terms_label=consent.terms_label.get(lang),
            collection_statement=consent.collection_statement.get(lang),
            marketing_statement=consent.marketing_statement.get(lang),
        ),
    )

"""The free-trial registration domain. Where each kind of change goes:

- ``calendar``: the booking window, Hong Kong public holidays, opening days, capacity and
  full dates (a new closing rule goes here);
- ``form``: the form's fields and validators, and the rules that need the knowledge base
  (a new form rule goes here);
- ``record``: what a registration *is* — the stored record, its consent record, the trial
  claim key, manage tokens, the idempotency record, references and masking;
- ``answers``: what the API answers (options, a new registration, the owner's view);
- ``service``: the use cases (register exactly once, authorise, cancel) over the
  ``RegistrationStore`` protocol, implemented on DynamoDB by :mod:`clinic.registration_store`.

The names below are re-exported so that ``from clinic.registration import X`` keeps working.
"""

from clinic.registration.answers import (
    BranchOption,
    CancelOut,
    ConsentTexts,
    MarketingOptOutOut,
    RegistrationOptions,
    RegistrationOut,
    RegistrationView,
    TreatmentRef,
    created_answer,
    owner_view,
    registration_options,
)
from clinic.registration.calendar import (
    HOLIDAYS_FILE,
    HONG_KONG,
    BookingWindow,
    booking_window,
    branch_capacity,
    dates_full_everywhere,
    full_dates,
    is_open,
    public_holidays,
    today_in_hong_kong,
    window_problem,
)
from clinic.registration.form import (
    PERIODS,
    Period,
    RegistrationIn,
    Source,
    bookable_date,
    clean_name,
    email_address,
    hong_kong_mobile,
    must_be_true,
    registration_problems,
    web_url,
)
from clinic.registration.record import (
    REFERENCE_PATTERN,
    ConsentEvent,
    ConsentRecord,
    IdempotencyRecord,
    Registration,
    Status,
    claim_key,
    consent_subject,
    expiry,
    mask_email,
    mask_phone,
    new_reference,
    normalise_reference,
    token_hash,
    token_matches,
)

__all__ = [
    "HOLIDAYS_FILE",
    "HONG_KONG",
    "PERIODS",
    "REFERENCE_PATTERN",
    "BookingWindow",
    "BranchOption",
    "CancelOut",
    "ConsentEvent",
    "ConsentRecord",
    "ConsentTexts",
    "IdempotencyRecord",
    "MarketingOptOutOut",
    "Period",
    "Registration",
    "RegistrationIn",
    "RegistrationOptions",
    "RegistrationOut",
    "RegistrationView",
    "Source",
    "Status",
    "TreatmentRef",
    "bookable_date",
    "booking_window",
    "branch_capacity",
    "claim_key",
    "clean_name",
    "consent_subject",
    "created_answer",
    "dates_full_everywhere",
    "email_address",
    "expiry",
    "full_dates",
    "hong_kong_mobile",
    "is_open",
    "mask_email",
    "mask_phone",
    "must_be_true",
    "new_reference",
    "normalise_reference",
    "owner_view",
    "public_holidays",
    "registration_options",
    "registration_problems",
    "today_in_hong_kong",
    "token_hash",
    "token_matches",
    "web_url",
    "window_problem",
]

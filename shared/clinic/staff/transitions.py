"""The registration state machine staff work through (the contract's "Staff routes").

``pending_confirmation`` → ``confirmed`` → ``attended`` → ``converted``; ``confirmed`` →
``no_show``; ``pending_confirmation`` or ``confirmed`` → ``cancelled``. Nothing else.
"""

from typing import get_args

from clinic.errors import Conflict
from clinic.registration import Status

StaffStatus = Status
STATUSES: tuple[StaffStatus, ...] = get_args(Status)

TRANSITIONS: dict[str, frozenset[str]] = {
    "pending_confirmation": frozenset({"confirmed", "cancelled"}),
    "confirmed": frozenset({"attended", "no_show", "cancelled"}),
    "attended": frozenset({"converted"}),
    "converted": frozenset(),
    "no_show": frozenset(),
    "cancelled": frozenset(),
}

# Statuses in which the person still holds the place and their one trial.
ACTIVE = frozenset({"pending_confirmation", "confirmed"})


def next_statuses(status: str) -> list[str]:
    """Where a registration in ``status`` may go next, in the order of :data:`STATUSES`."""
    allowed = TRANSITIONS.get(status, frozenset())
    return [candidate for candidate in STATUSES if candidate in allowed]


def check_transition(current: str, target: str) -> None:
    """Raise 409 ``INVALID_TRANSITION`` unless ``current`` → ``target`` is allowed."""
    if target not in TRANSITIONS.get(current, frozenset()):
        raise Conflict("INVALID_TRANSITION", current=current, target=target)

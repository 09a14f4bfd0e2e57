"""Who is calling and what they may see: groups from the Cognito authorizer's claims.

Groups: ``managers`` (every branch) and ``branch-<branch id>`` (that branch only). API
Gateway's REST authorizer hands claims over as strings, ``cognito:groups`` comma-separated
(some set-ups show it as ``[a b]``); both writings are read.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from clinic.errors import ApiError

MANAGERS = "managers"
BRANCH_GROUP_PREFIX = "branch-"


class Unauthorized(ApiError):
    """401: no valid ID token (API Gateway answers this itself; the function checks again)."""

    status = 401
    code = "UNAUTHORIZED"


class Forbidden(ApiError):
    """403: a valid token without the group this request needs."""

    status = 403
    code = "FORBIDDEN"


@dataclass(frozen=True)
class StaffUser:
    """A signed-in staff member."""

    username: str
    groups: frozenset[str]

    @property
    def is_manager(self) -> bool:
        """Managers see every branch."""
        return MANAGERS in self.groups

    @property
    def branches(self) -> frozenset[str]:
        """The branches named by the user's ``branch-<id>`` groups."""
        return frozenset(g.removeprefix(BRANCH_GROUP_PREFIX) for g in self.groups if g.startswith(BRANCH_GROUP_PREFIX))

    def may_see(self, branch: str) -> bool:
        """Whether the user may read and change ``branch``'s registrations."""
        return self.is_manager or branch in self.branches

    def branch_for(self, requested: str | None) -> str | None:
        """The branch a list or export covers: the one asked for, if allowed; for branch
        staff who ask for none, their own. ``None`` only for a manager who asked for none.
        Raises :class:`Forbidden` for a branch the user may not see, or no group at all."""
        if requested is not None:
            if not self.may_see(requested):
                raise Forbidden()
            return requested
        if self.is_manager:
            return None
        if len(self.branches) == 1:
            return next(iter(self.branches))
        raise Forbidden()  # no staff group (or several branches): nothing to default to


def user_from_claims(claims: Mapping[str, object] | None) -> StaffUser:
    """The staff user the authorizer vouched for; :class:`Unauthorized` without one, and
    :class:`Forbidden` when the user belongs to no staff group."""
    if not claims:
        raise Unauthorized()
    username = str(claims.get("cognito:username") or claims.get("username") or "")
    if not username or claims.get("token_use", "id") != "id":
        raise Unauthorized()
    raw = claims.get("cognito:groups") or ""
    names = raw if isinstance(raw, list) else re.split(r"[,\s]+", str(raw).strip("[]"))
    groups = frozenset(str(name) for name in names if name)
    user = StaffUser(username, groups)
    if not user.is_manager and not user.branches:
        raise Forbidden()
    return user

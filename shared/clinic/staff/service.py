"""What the staff routes do, whatever the storage: branch rules, search, the state machine,
cursors and the audit trail. The handler only parses and answers; the store only stores.
"""

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any, Literal, Protocol

from clinic.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from clinic.registration import Registration, hong_kong_mobile, normalise_reference
from clinic.staff.access import Forbidden, StaffUser
from clinic.staff.audit import AuditEntry, AuditLog
from clinic.staff.cursor import decode_cursor, encode_cursor
from clinic.staff.export import render_csv
from clinic.staff.keys import phone_key
from clinic.staff.models import (
    HealthNote,
    HistoryEntry,
    RegistrationList,
    StaffRegistration,
    StaffRegistrationDetail,
    StatusChange,
)
from clinic.staff.transitions import check_transition, next_statuses

EXPORT_MAX_ROWS = 5000  # a day at a branch is tens; the cap only stops a runaway export
PAGE = 100


class StaffStore(Protocol):
    """Registrations as staff read and change them."""

    def branch_page(
        self, branch: str, day: date | None, status: str | None, limit: int, start: dict[str, str] | None
    ) -> tuple[list[Registration], dict[str, str] | None]:
        """Up to ``limit`` registrations of a branch (and day), in date then creation order,
        and the key to continue from (``None`` on the last page)."""
        ...

    def get(self, reference: str) -> Registration | None:
        """The registration with this reference."""
        ...

    def by_phone(self, key: str) -> list[Registration]:
        """Every registration whose phone has the index key ``key``."""
        ...

    def history(self, reference: str) -> tuple[Registration, list[HistoryEntry]] | None:
        """A registration and its history, oldest first."""
        ...

    def precautions(self, recommendation_id: str) -> list[str]:
        """The precautions of a linked questionnaire still held (none once it has expired)."""
        ...

    def change_status(self, registration: Registration, entry: HistoryEntry, audit: dict[str, Any]) -> Registration:
        """Move to ``entry.to`` if still in ``entry.from_``, with the history entry and the audit
        ``Put`` in the same transaction; 409 ``STALE_STATUS`` when someone moved it first.
        A cancellation also frees the place and the trial."""
        ...


def view(registration: Registration) -> StaffRegistration:
    """A stored registration as staff see it."""
    return StaffRegistration(
        reference=registration.reference,
        status=registration.status,
        name=registration.name,
        phone=registration.phone,
        email=registration.email,
        treatment=registration.treatment,
        branch=registration.branch,
        preferred_date=registration.preferred_date,
        preferred_period=registration.preferred_period,
        created_at=registration.created_at,
        marketing_consent=registration.consent.marketing_consent,
        lang=registration.lang,
        recommendation_id=registration.recommendation_id,
        next_statuses=next_statuses(registration.status),
    )


class StaffService:
    """The staff routes' rules over a :class:`StaffStore` and an :class:`AuditLog`."""

    def __init__(
        self,
        store: StaffStore,
        audit: AuditLog,
        secret: Callable[[], str],
        branches: frozenset[str],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        rules_out: Mapping[str, list[str]] | None = None,
    ) -> None:
        self.store = store
        self.audit = audit
        self.secret = secret  # fetched only by what needs it: a first page or a reference needs none
        self.branches = branches
        self.clock = clock
        self.rules_out = rules_out or {}

    def _now(self) -> datetime:
        return self.clock().replace(microsecond=0)

    def _branch(self, user: StaffUser, requested: str | None, required: bool) -> str | None:
        if requested is not None and requested not in self.branches:
            raise ValidationFailed(
                [FieldProblem("branch", "INVALID_CHOICE", expected=", ".join(sorted(self.branches)))]
            )
        branch = user.branch_for(requested)
        if branch is None and required:
            raise ValidationFailed([FieldProblem("branch", "BRANCH_REQUIRED")])
        return branch

    def _search(self, q: str) -> list[Registration]:
        """Find by reference (one GetItem) or by phone in any writing (the phone index)."""
        reference = normalise_reference(q)
        if reference:
            found = self.store.get(reference)
            return [found] if found else []
        try:
            phone = hong_kong_mobile(q)
        except ValueError:
            raise ValidationFailed([FieldProblem("q", "INVALID_SEARCH")]) from None
        return self.store.by_phone(phone_key(phone, self.secret()))

    def _filters(self, branch: str | None, day: date | None, status: str | None, q: str | None) -> dict[str, str]:
        """The filters as the audit trail records them (a search's text is personal: only its kind)."""
        filters = {"branch": branch or "*", "date": day.isoformat() if day else "*", "status": status or "*"}
        if q:
            filters["q"] = "reference" if normalise_reference(q) else "phone"
        return filters

    def _found(
        self, user: StaffUser, branch: str | None, day: date | None, status: str | None, q: str
    ) -> list[Registration]:
        """A search's answer (one page), within what the caller may see and the filters."""
        found = [
            r
            for r in self._search(q)
            if user.may_see(r.branch)
            and (branch is None or r.branch == branch)
            and (day is None or r.preferred_date == day)
            and (status is None or r.status == status)
        ]
        return sorted(found, key=lambda r: (r.preferred_date, r.created_at))

    def _record(
        self,
        user: StaffUser,
        action: Literal["list", "export"],
        rows: list[Registration],
        filters: dict[str, str],
    ) -> None:
        """The audit entry of a list or an export: who, when, which registrations, which filters."""
        self.audit.record(
            AuditEntry(
                at=self._now(),
                actor=user.username,
                action=action,
                references=[r.reference for r in rows],
                filters=filters,
            )
        )

    def page(
        self,
        user: StaffUser,
        branch: str | None,
        day: date | None,
        status: str | None,
        q: str | None,
        limit: int,
        cursor: str | None,
    ) -> RegistrationList:
        """A page of registrations (a search answers on one page)."""
        branch = self._branch(user, branch, required=not q)
        next_cursor: str | None = None
        if q:
            items = self._found(user, branch, day, status, q)
        else:
            assert branch is not None
            scope = f"{branch}|{day or ''}|{status or ''}"
            start = decode_cursor(cursor, scope, self.secret()) if cursor else None
            items, last = self.store.branch_page(branch, day, status, limit, start)
            next_cursor = encode_cursor(last, scope, self.secret()) if last else None
        self._record(user, "list", items, self._filters(branch, day, status, q))
        return RegistrationList(items=[view(r) for r in items], next_cursor=next_cursor)

    def export(self, user: StaffUser, branch: str | None, day: date | None, status: str | None, q: str | None) -> str:
        """The CSV of everything the same list would show, every page (followed by
        DynamoDB's own last key: no cursor to sign and check in between)."""
        branch = self._branch(user, branch, required=not q)
        if q:
            rows = self._found(user, branch, day, status, q)
        else:
            assert branch is not None
            rows, last = [], None
            while len(rows) < EXPORT_MAX_ROWS:
                items, last = self.store.branch_page(branch, day, status, PAGE, last)
                rows.extend(items)
                if last is None:
                    break
        self._record(user, "export", rows, self._filters(branch, day, status, q))
        return render_csv(view(r) for r in rows)

    def _visible(self, user: StaffUser, reference: str) -> tuple[Registration, list[HistoryEntry]]:
        normalised = normalise_reference(reference)
        found = self.store.history(normalised) if normalised else None
        if found is None:
            raise NotFound()
        if not user.may_see(found[0].branch):
            raise Forbidden()
        return found

    def detail(self, user: StaffUser, reference: str) -> StaffRegistrationDetail:
        """One registration with its history."""
        registration, history = self._visible(user, reference)
        self.audit.record(
            AuditEntry(at=self._now(), actor=user.username, action="read", references=[registration.reference])
        )
        return StaffRegistrationDetail(
            **view(registration).model_dump(), history=history, health_notes=self._health_notes(registration)
        )

    def _health_notes(self, registration: Registration) -> list[HealthNote]:
        """The linked questionnaire's precautions, each with the treatments it rules out."""
        if not registration.recommendation_id:
            return []
        return [
            HealthNote(precaution=precaution, rules_out=self.rules_out.get(precaution, []))
            for precaution in self.store.precautions(registration.recommendation_id)
        ]

    def change(self, user: StaffUser, reference: str, change: StatusChange) -> StaffRegistration:
        """Move a registration along the state machine (optimistic: 409 ``STALE_STATUS`` for
        the loser of a race, 409 ``INVALID_TRANSITION`` for a move the machine forbids)."""
        registration, _ = self._visible(user, reference)
        check_transition(registration.status, change.status)
        now = self._now()
        entry = HistoryEntry(at=now, by=user.username, from_=registration.status, to=change.status, note=change.note)
        audit = AuditEntry(
            at=now,
            actor=user.username,
            action="status_change",
            references=[registration.reference],
            change={"from": registration.status, "to": change.status},
        )
        try:
            changed = self.store.change_status(registration, entry, self.audit.item(audit))
        except Conflict as conflict:
            if conflict.code == "STALE_STATUS":
                current = self.store.get(registration.reference)
                conflict.params["current"] = current.status if current else "?"
            raise
        return view(changed)

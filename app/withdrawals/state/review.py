"""The console's review page (/review): exceptions to confirm with their evidence, employees'
disputes to answer. Thin: the rules are in app/withdrawals/services/review.py and
services/corrections.py."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.core.db import run_in_session
from app.core.errors import ValidationError
from app.core.i18n import t
from app.tenants.queries import scope_timezone
from app.ui.format import local_time
from app.ui.guard import caller, guarded
from app.ui.payload import ID_DIGITS, as_id, is_digits
from app.ui.session import actor_of
from app.withdrawals.queries import snapshot_evidence
from app.withdrawals.queries.snapshot_evidence import CameraCount, ImageLink, image_links
from app.withdrawals.services import corrections, review
from app.withdrawals.services.corrections import Counts

COUNT_PREFIX = "q_"  # form fields q_<slot id>_<item id>
QUEUE = 20


class EntryRow(TypedDict):
    name: str  # the form field
    label: str
    suggested: int


class SlotRow(TypedDict):
    slot: str
    before: str
    after: str
    change: str
    steady: bool


class CaseRow(TypedDict):
    id: int
    cabinet: str
    person: str
    at: str
    reason: str
    slots: list[SlotRow]
    entries: list[EntryRow]
    pictures: list[ImageLink]  # the camera's images of the visit (queries/snapshot_evidence.py)
    camera: list[CameraCount]


class DisputeRow(TypedDict):
    id: int
    cabinet: str
    person: str
    at: str
    text: str
    entries: list[EntryRow]


def counts_from(form: dict) -> Counts:
    """q_<slot>_<item> fields as counts; anything else in a count field is refused."""
    counts: Counts = {}
    for key, value in form.items():
        if not (isinstance(key, str) and key.startswith(COUNT_PREFIX)):
            continue
        parts = key[len(COUNT_PREFIX) :].split("_")
        text = str(value).strip()
        if (
            len(parts) != 2
            or not all(is_digits(p, ID_DIGITS) for p in parts)
            or not is_digits(text)
        ):
            raise ValidationError("error.not_a_count", field="quantity", row=key)
        counts[(int(parts[0]), int(parts[1]))] = int(text)
    return counts


def _entries(entries: list[review.Entry]) -> list[EntryRow]:
    return [
        EntryRow(
            name=f"{COUNT_PREFIX}{e.slot_id}_{e.item_id}",
            label=f"{e.slot} · {e.item} ({e.unit_g:g} g)",
            suggested=e.suggested,
        )
        for e in entries
    ]


class ReviewState(rx.State):
    cases: list[CaseRow] = []
    disputes: list[DisputeRow] = []
    loaded: bool = False

    @rx.event
    @guarded("withdrawal:read")
    async def load(self) -> None:
        principal = caller().principal
        locale = caller().locale

        def read(session):
            return (
                review.exception_queue(session=session, scope=principal.scope, limit=QUEUE),
                review.dispute_queue(session=session, scope=principal.scope, limit=QUEUE),
                scope_timezone(session=session, scope=principal.scope),
            )

        cases, disputes, timezone = await run_in_session(read)
        self.cases = case_rows(cases, locale, timezone)
        self.disputes = dispute_rows(disputes, timezone)
        self.loaded = True

    @rx.event
    @guarded("exception:resolve")
    async def resolve(self, form: dict):
        principal = caller().principal
        locale = caller().locale
        await run_in_session(
            corrections.resolve_exception,
            scope=principal.scope,
            door_session_id=as_id(form.get("case")),
            counts=counts_from(form),
            reason=str(form.get("reason") or "")[:300],
            actor=actor_of(self, principal),
        )
        await self.load()
        return rx.toast.success(t("review.resolved", locale))

    @rx.event
    @guarded("withdrawal:correct")
    async def settle(self, form: dict):
        principal = caller().principal
        locale = caller().locale
        await run_in_session(
            review.settle_dispute,
            scope=principal.scope,
            complaint_id=as_id(form.get("dispute")),
            answer=str(form.get("answer") or "")[:600],
            counts=counts_from(form),
            actor=actor_of(self, principal),
        )
        await self.load()
        return rx.toast.success(t("review.answered", locale))


def slot_rows(slots: list[review.SlotEvidence]) -> list[SlotRow]:
    """What each scale weighed before and after the visit and the change, to a tenth of a gram."""
    return [
        SlotRow(
            slot=s.slot,
            before=f"{s.before_g:.1f} g",
            after=f"{s.after_g:.1f} g",
            change=f"{s.after_g - s.before_g:+.1f} g",
            steady=s.stable,
        )
        for s in slots
    ]


def case_rows(cases: list[review.ExceptionCase], locale: str, timezone: str) -> list[CaseRow]:
    """The exceptions to confirm: when in the tenant's zone, why in the reader's language, the
    weights and the camera's evidence."""
    return [
        CaseRow(
            id=c.door_session_id,
            cabinet=c.cabinet,
            person=c.person,
            at=local_time(c.at, timezone),
            reason=review.reason_words(c.reason, locale),
            slots=slot_rows(c.slots),
            entries=_entries(c.entries),
            pictures=image_links(c.door_session_id, c.identification),
            camera=snapshot_evidence.camera_counts(c.identification),
        )
        for c in cases
    ]


def dispute_rows(disputes: list[review.DisputeCase], timezone: str) -> list[DisputeRow]:
    """The employees' disputes to answer, raised in the tenant's zone."""
    return [
        DisputeRow(
            id=d.complaint.id,
            cabinet=d.complaint.cabinet,
            person=d.complaint.person,
            at=local_time(d.complaint.created_at, timezone),
            text=d.complaint.text,
            entries=_entries(d.entries),
        )
        for d in disputes
    ]

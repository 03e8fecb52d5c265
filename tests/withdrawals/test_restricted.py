"""Items that need an approval: taken without one (or beyond it) they are still recorded — they
are gone — but flagged on the session and raised to the admins."""

from __future__ import annotations

from sqlmodel import Session, select

from app.alerts.models import Alert
from app.withdrawals.services.commit import commit
from tests.withdrawals.test_corrections import _door, _world


def _restricted(session: Session, approval: dict | None):
    tenant, cabinet, person, things, _rule = _world(session)
    (a1, pen), (a2, pad) = things["A1"], things["A2"]
    pad.requires_approval = True
    door = _door(session, tenant, cabinet, person)
    if approval is not None:
        door.identification = {"approval": approval | {"request": 1}}
    commit(session, cabinet, door, [(a1, pen, 1), (a2, pad, 2)])
    alerts = session.exec(select(Alert).where(Alert.cabinet_id == cabinet.id)).all()
    return door, pad, alerts


def test_taken_without_an_approval_is_flagged(session: Session) -> None:
    door, pad, alerts = _restricted(session, None)
    assert door.identification["restricted_without_approval"] == [
        {"item": pad.id, "name": pad.name, "quantity": 2}
    ]
    assert [a.kind for a in alerts] == ["restricted_taken"]


def test_an_approval_covers_what_it_says(session: Session) -> None:
    door, _pad, _ = _restricted(session, {"item": None, "quantity": 1})
    assert door.identification["restricted_without_approval"][0]["quantity"] == 1
    door, _pad, alerts = _restricted(session, {"item": None, "quantity": 2})
    assert "restricted_without_approval" not in door.identification and alerts == []

"""Two people badge at the same cabinet at the same moment (PostgreSQL, two transactions): one
door session opens and gets the unlock, the other is refused as busy — never two open doors."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session, select

from app.cabinets.models import DeviceCommand
from app.org.models import User
from app.withdrawals.models import DoorSession
from app.withdrawals.services import sessions
from tests.factories import make_cabinet, make_tenant


@pytest.mark.dialects("postgresql")
def test_two_badges_at_once_open_one_door(engine) -> None:
    with Session(engine, expire_on_commit=False) as setup:
        tenant = make_tenant(setup)
        cabinet = make_cabinet(setup, tenant)
        cabinet.is_online = True
        setup.add_all(
            [
                User(tenant_id=tenant.id, name="甲", badge_card_no="CARD0001"),
                User(tenant_id=tenant.id, name="乙", badge_card_no="CARD0002"),
            ]
        )
        setup.commit()
    first = Session(engine)
    outcome_first = sessions.on_card(
        session=first, cabinet=first.get(type(cabinet), cabinet.id), body={"card": "CARD0001"}
    )
    second_outcome = []

    def second_badge() -> None:  # waits on the first's uncommitted row, then sees it
        with Session(engine) as second:
            outcome = sessions.on_card(
                session=second,
                cabinet=second.get(type(cabinet), cabinet.id),
                body={"card": "CARD0002"},
            )
            second.commit()
            second_outcome.append(outcome)

    racer = threading.Thread(target=second_badge)
    racer.start()
    racer.join(0.5)
    assert racer.is_alive()  # blocked by the one-open-door index, not let through
    first.commit()
    first.close()
    racer.join(10)
    assert outcome_first.status == "unlocking"
    assert second_outcome[0].status == "refused" and second_outcome[0].reason == "cabinet_busy"
    with Session(engine) as check:
        doors = check.exec(select(DoorSession).where(DoorSession.cabinet_id == cabinet.id)).all()
        commands = check.exec(
            select(DeviceCommand).where(DeviceCommand.cabinet_id == cabinet.id)
        ).all()
        assert len(doors) == 1 and len(commands) == 1

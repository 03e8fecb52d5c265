"""One unresolved alert per root cause, also when two jobs raise it at the same moment."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session, select

from app.alerts.models import Alert
from app.alerts.service import raise_once
from tests.factories import make_tenant


@pytest.mark.dialects("postgresql")
def test_two_raisers_at_once_make_one_alert(engine) -> None:
    with Session(engine) as setup:
        tenant_id = make_tenant(setup).id
        setup.commit()
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def raise_it() -> None:
        try:
            with Session(engine) as session:
                barrier.wait()
                raise_once(
                    session=session,
                    tenant_id=tenant_id,
                    kind="alarm_tamper",
                    root_key="alarm:tamper:cabinet:1:slot:-",
                    message_key="alert.alarm_tamper",
                    params={"cabinet": "x", "code": "y", "slot": "-"},
                )
                session.commit()
        except BaseException as failed:
            errors.append(failed)

    threads = [threading.Thread(target=raise_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert errors == []
    with Session(engine) as check:
        (alert,) = check.exec(select(Alert).where(Alert.tenant_id == tenant_id)).all()
        assert alert.occurrences == 4

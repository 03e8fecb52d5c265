"""The console's review page (/review) in Chromium at 1440×900: a tenant admin confirms a visit
the scales could not settle, looking at its evidence, and answers an employee's dispute with a
corrected count; both land in the ledger.

Runs after the all-handlers test on purpose: it changes tenant A's rows."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from app.cabinets.models import Cabinet, Slot
from app.core.db import make_engine
from app.core.tenancy import TenantScope
from app.inventory.models import PlanogramEntry
from app.items.models import Item
from app.org.models import User
from app.withdrawals.models import DoorSession, Withdrawal, WithdrawalLine
from app.withdrawals.services import complaints
from tests.browser.conftest import RunningApp, screenshot, sign_in

DISPUTE = "只拿了一个，记录多了一个"


def _prepare(app: RunningApp) -> tuple[int, int]:
    """An exception at CAB-XY-001 (slot A1 lost one unit's weight, unsteady) and a dispute
    about the demo employee's latest recorded visit; their ids."""
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine, expire_on_commit=False) as session:
            cabinet = session.exec(select(Cabinet).where(Cabinet.code == "CAB-XY-001")).one()
            person = session.exec(
                select(User).where(User.tenant_id == cabinet.tenant_id, User.phone == "13800138000")
            ).one()
            _slot, item = session.exec(
                select(Slot, Item)
                .join(PlanogramEntry, PlanogramEntry.slot_id == Slot.id)
                .join(Item, Item.id == PlanogramEntry.item_id)
                .where(Slot.cabinet_id == cabinet.id, Slot.code == "A1")
            ).one()
            before = 2_000_000
            after = before - round(item.unit_weight_g * 1000)
            exception = DoorSession(
                tenant_id=cabinet.tenant_id,
                cabinet_id=cabinet.id,
                user_id=person.id,
                auth_method="card",
                status="exception",
                closed_at=datetime.now(UTC),
                readings_after={
                    "A1": {"slot": "A1", "before_mg": before, "after_mg": after, "stable": False}
                },
                identification={"status": "exception", "reason": "weight_unstable"},
            )
            session.add(exception)
            session.flush()
            visited = session.exec(
                select(Withdrawal)
                .where(
                    Withdrawal.user_id == person.id,
                    Withdrawal.door_session_id.is_not(None),
                    Withdrawal.total_qty >= 2,
                    Withdrawal.status == "committed",
                )
                .order_by(Withdrawal.id.desc())
            ).first()
            complaints.complain(
                session=session,
                scope=TenantScope.single(cabinet.tenant_id),
                person=person,
                door_session_id=visited.door_session_id,
                text=DISPUTE,
            )
            session.commit()
            return exception.id, visited.id
    finally:
        engine.dispose()


def test_confirm_an_exception_and_answer_a_dispute(browser, running_app: RunningApp) -> None:
    exception_id, withdrawal_id = _prepare(running_app)
    context, page = sign_in(browser, running_app, "xy_admin")
    page.goto(running_app.url + "/review")
    page.wait_for_selector('#review[data-loaded="true"]')
    case = page.locator(f'.review-case[data-case="{exception_id}"]')
    assert "A1" in case.inner_text() and "称重读数不稳" in case.inner_text()
    assert case.locator("input[type=number]").input_value() == "1"  # 96 g lost, 96 g a unit
    dispute = page.locator(".review-dispute", has_text=DISPUTE)
    screenshot(page, "console-review-1440")

    counts = dispute.locator("input[type=number]")
    values = [int(counts.nth(n).input_value()) for n in range(counts.count())]
    assert sum(values) >= 2, values  # something to give back without emptying the withdrawal
    lower = max(range(len(values)), key=lambda n: values[n])
    counts.nth(lower).fill(str(values[lower] - 1))
    dispute.locator("textarea").fill("核对后确为少拿一个，已退回")
    dispute.get_by_role("button", name="答复").click()
    page.wait_for_selector("text=已答复")
    case.locator("input[name=reason]").fill("按监控确认拿了 1 个")
    case.get_by_role("button", name="确认并入账").click()
    page.wait_for_selector("text=已入账")
    assert page.locator(".review-dispute", has_text=DISPUTE).count() == 0
    context.close()

    engine = make_engine(f"sqlite:///{running_app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            corrected = session.get(Withdrawal, withdrawal_id)
            assert corrected.status == "corrected"
            quantities = session.exec(
                select(WithdrawalLine.quantity).where(WithdrawalLine.withdrawal_id == withdrawal_id)
            ).all()
            assert sum(quantities) == corrected.total_qty
            door = session.get(DoorSession, exception_id)
            assert door.status == "committed"
            resolved = session.exec(
                select(Withdrawal).where(Withdrawal.door_session_id == exception_id)
            ).one()
            assert resolved.source == "manual" and resolved.total_qty == 1
    finally:
        engine.dispose()

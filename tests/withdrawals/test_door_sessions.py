"""A withdrawal end to end on the device side: a person badges at a simulated cabinet, the cloud
checks them and unlocks, they take items off the scales, the door closes, the readings are
identified against the planogram and stock, and one withdrawal with its lines and ledger
movements is committed; an unknown card opens nothing."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from app.alerts.models import Alert
from app.approvals.models import ApprovalFlow, ApprovalStep, Decision
from app.approvals.services.approvals import ask
from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.auth.services.passwords import hash_secret
from app.cabinets.models import Cabinet, DeviceCommand, DeviceMessage, Slot
from app.cabinets.services.lease import sync_lease
from app.core.bus import get_bus, tenant_channel
from app.core.db import run_in_session, session_scope
from app.core.errors import PermissionDeniedError, ValidationError
from app.core.tenancy import TenantScope
from app.inventory.models import MovementKind, Stock, StockMovement
from app.inventory.services.inventory import reconcile_ledger, record_movement
from app.items.models import Item
from app.org.models import DepartmentManager, User
from app.tenants.models import ProviderStaff, ProviderStaffTenant, Tenant
from app.withdrawals.models import DoorSession, Withdrawal, WithdrawalLine
from app.withdrawals.services.sessions import decide_and_open, start_restock
from app.workorders.models import WorkOrder, WorkOrderLine
from hardware.simulator.employees import badge, keypad, open_take_close
from hardware.simulator.fleet import MODELS, STOCK, UNIT_G
from tests.factories import (
    make_account,
    make_department,
    make_planogram_entry,
    make_quota_rule,
    make_service_provider,
)
from tests.hardware.harness import (
    embedded_broker,
    powered,
    provisioned,
    running_gateway,
    simulated,
    until,
)

CARD = "C0012345"
TOLERANCE_G = {"A1": 0.2, "A2": 0.6, "A3": 1.2}
MINIMUM = {"A1": 10, "A2": 2, "A3": 5}


def _stocked_cabinet(cabinet_id: int) -> dict[str, int]:
    """Slots A1–A3 as the simulator builds them, one item each, stocked; a person with a card."""
    item_of_slot = {}
    with session_scope() as session:
        cabinet = session.get(Cabinet, cabinet_id)
        for unit, slot_code in enumerate(UNIT_G, start=1):
            slot = Slot(
                tenant_id=cabinet.tenant_id,
                cabinet_id=cabinet.id,
                code=slot_code,
                scale_unit=unit,
                scale_channel=1,
            )
            item = Item(
                tenant_id=cabinet.tenant_id,
                sku=f"{cabinet.code}-{slot_code}",
                name=f"{MODELS[slot_code]} item",
                unit_weight_g=UNIT_G[slot_code],
                weight_tolerance_g=TOLERANCE_G[slot_code],
                unit_cost_cents=100 * unit,
                # the tape rolls carry RFID tags (the simulator's EPCs start E200)
                rfid_tagged=slot_code == "A3",
                epc_prefix="E200" if slot_code == "A3" else None,
            )
            session.add_all([slot, item])
            session.flush()
            make_planogram_entry(
                session, slot, item, min_qty=MINIMUM[slot_code], par_qty=STOCK[slot_code]
            )
            record_movement(
                session=session,
                tenant_id=cabinet.tenant_id,
                cabinet_id=cabinet.id,
                slot_id=slot.id,
                item_id=item.id,
                kind=MovementKind.adjustment,
                quantity_delta=STOCK[slot_code],
                reason="initial load",
            )
            item_of_slot[slot_code] = item.id
        session.add(User(tenant_id=cabinet.tenant_id, name="王芳", badge_card_no=CARD))
    return item_of_slot


async def test_badge_take_close_commits_one_withdrawal(tmp_path) -> None:
    identity, cabinet_id = provisioned()
    items = _stocked_cabinet(cabinet_id)
    tenant_id = _cabinet(cabinet_id).tenant_id
    async with (
        embedded_broker() as (port, config),
        running_gateway(config) as (_gw, jobs),
        get_bus().subscribe(tenant_channel(tenant_id, "door")) as door_events,
    ):
        cabinet = simulated(identity, ("127.0.0.1", port), tmp_path, heartbeat_s=1)
        async with powered(cabinet):
            await until(lambda: _cabinet(cabinet_id).is_online)
            assert await badge(cabinet, "NOBODY01", wait_s=3) is None  # refused: no unlock
            door = await badge(cabinet, CARD, wait_s=15)
            assert door is not None and door["by"] == {"method": "card", "ref": CARD}
            await open_take_close(cabinet, door, {"A1": 3, "A3": 1}, unit_g=UNIT_G)
            await until(lambda: _door_status(cabinet_id) == "committed")
            await jobs.drain(10)
            # each change announced on the bus once committed, for the phone and the consoles
            heard = [(await asyncio.wait_for(anext(door_events), 5)).data for _ in range(3)]
    assert [e["status"] for e in heard] == ["unlocking", "open", "committed"]
    with session_scope() as session:
        door_row = session.exec(
            select(DoorSession).where(DoorSession.cabinet_id == cabinet_id)
        ).one()
        rfid = [r for r in door_row.identification["readings"] if r["source"] == "rfid"]
        assert rfid == [  # the tape roll's tag left with it: RFID agreed with the scale
            {
                "source": "rfid",
                "status": "identified",
                "counts": {str(items["A3"]): 1},
                "candidates": [],
            }
        ]
    assert {(e["cabinet"], e["door"]) for e in heard} == {(cabinet_id, heard[0]["door"])}
    with session_scope() as session:
        (withdrawal,) = session.exec(select(Withdrawal).where(Withdrawal.cabinet_id == cabinet_id))
        lines = session.exec(
            select(WithdrawalLine).where(WithdrawalLine.withdrawal_id == withdrawal.id)
        ).all()
        assert {line.item_id: line.quantity for line in lines} == {items["A1"]: 3, items["A3"]: 1}
        assert withdrawal.total_qty == 4 and withdrawal.total_cost_cents == 3 * 100 + 300
        stock = {
            s.item_id: s.quantity
            for s in session.exec(select(Stock).where(Stock.cabinet_id == cabinet_id))
        }
        assert stock == {items["A1"]: 37, items["A2"]: 10, items["A3"]: 5}
        assert reconcile_ledger(session=session, scope=TenantScope.single(tenant_id)) == []


def _only_door(cabinet_id: int) -> DoorSession:
    with session_scope() as session:
        return session.exec(select(DoorSession).where(DoorSession.cabinet_id == cabinet_id)).one()


def _cabinet(cabinet_id: int) -> Cabinet:
    with session_scope() as session:
        return session.get(Cabinet, cabinet_id)


def _door_status(cabinet_id: int, *, newest: bool = False) -> str | None:
    with session_scope() as session:
        statement = select(DoorSession).where(DoorSession.cabinet_id == cabinet_id)
        if newest:
            statement = statement.order_by(DoorSession.id.desc())
        door = session.exec(statement).first()
        return door.status if door else None


async def test_a_tag_misread_against_the_scale_is_an_exception_not_a_guess(tmp_path) -> None:
    identity, cabinet_id = provisioned()
    _stocked_cabinet(cabinet_id)
    async with embedded_broker() as (port, config), running_gateway(config):
        cabinet = simulated(identity, ("127.0.0.1", port), tmp_path, heartbeat_s=1)
        async with powered(cabinet):
            await until(lambda: _cabinet(cabinet_id).is_online)
            door = await badge(cabinet, CARD, wait_s=15)

            async def misread() -> None:  # a second tag goes unread while the door is open
                await asyncio.sleep(0.2)
                cabinet.tags["A3"].pop()

            missed = asyncio.create_task(misread())
            await open_take_close(cabinet, door, {"A3": 1}, unit_g=UNIT_G, hold_s=0.5)
            await missed
            await until(lambda: _door_status(cabinet_id) == "exception")
    with session_scope() as session:
        door_row = session.exec(
            select(DoorSession).where(DoorSession.cabinet_id == cabinet_id)
        ).one()
        assert door_row.identification["reason"] == "sources_disagree"
        assert not session.exec(select(Withdrawal).where(Withdrawal.cabinet_id == cabinet_id)).all()


async def test_card_and_pin_at_the_keypad_wrong_pins_lock_and_the_pin_is_not_kept(
    tmp_path,
) -> None:
    identity, cabinet_id = provisioned()
    _stocked_cabinet(cabinet_id)
    tenant_id = _cabinet(cabinet_id).tenant_id
    with session_scope() as session:
        person = session.exec(
            select(User).where(User.badge_card_no == CARD, User.tenant_id == tenant_id)
        ).one()
        person.employee_no, person.pin_hash = "E0042", hash_secret("482915")
    async with embedded_broker() as (port, config), running_gateway(config):
        cabinet = simulated(identity, ("127.0.0.1", port), tmp_path, heartbeat_s=1)
        async with powered(cabinet):
            await until(lambda: _cabinet(cabinet_id).is_online)
            assert await keypad(cabinet, "E0042", "000000", wait_s=3) is None
            door = await keypad(cabinet, "E0042", "482915")  # employee number and PIN
            assert door is not None and door["by"] == {"method": "pin", "ref": "E0042"}
            await open_take_close(cabinet, door, {"A2": 1}, unit_g=UNIT_G)
            await until(lambda: _door_status(cabinet_id) == "committed")
            for _ in range(4):  # five wrong PINs in 15 minutes (one above)
                assert await keypad(cabinet, CARD, "111111", wait_s=2) is None
            assert await keypad(cabinet, CARD, "482915", wait_s=3) is None  # locked
    with session_scope() as session:
        stored = session.exec(
            select(DeviceMessage).where(
                DeviceMessage.cabinet_id == cabinet_id, DeviceMessage.type == "auth.pin"
            )
        ).all()
        assert len(stored) == 7 and {m.payload["body"]["pin"] for m in stored} == {"******"}
        wrong = session.exec(select(AuditLog).where(AuditLog.action == "door.pin_refused")).all()
        assert len([w for w in wrong if w.entity_id == str(person.id)]) == 5


async def test_nothing_taken_commits_the_session_without_a_withdrawal(tmp_path) -> None:
    identity, cabinet_id = provisioned()
    _stocked_cabinet(cabinet_id)
    async with embedded_broker() as (port, config), running_gateway(config):
        cabinet = simulated(identity, ("127.0.0.1", port), tmp_path, heartbeat_s=1)
        async with powered(cabinet):
            await until(lambda: _cabinet(cabinet_id).is_online)
            door = await badge(cabinet, CARD, wait_s=15)
            await open_take_close(cabinet, door, {}, unit_g=UNIT_G)
            await until(lambda: _door_status(cabinet_id) == "committed")
            await asyncio.sleep(0.2)
    with session_scope() as session:
        assert (
            session.exec(select(Withdrawal).where(Withdrawal.cabinet_id == cabinet_id)).all() == []
        )


async def test_a_low_slot_opens_exactly_one_replenishment_order(tmp_path) -> None:
    identity, cabinet_id = provisioned()
    items = _stocked_cabinet(cabinet_id)
    heard: list[dict] = []
    async with (
        embedded_broker() as (port, config),
        running_gateway(config),
        get_bus().subscribe(tenant_channel(_cabinet(cabinet_id).tenant_id, "alert")) as events,
    ):
        listening = asyncio.create_task(_collect(events, heard))
        cabinet = simulated(identity, ("127.0.0.1", port), tmp_path, heartbeat_s=1)
        async with powered(cabinet):
            await until(lambda: _cabinet(cabinet_id).is_online)
            for visit in range(3):  # 6 rolls of tape → 5 → 4 (below 5: order) → 3 (same order)
                door = await badge(cabinet, CARD, wait_s=15)
                await open_take_close(cabinet, door, {"A3": 1}, unit_g=UNIT_G)
                await until(lambda n=visit: _committed(cabinet_id) == n + 1)
            await until(lambda: len(heard) == 2)
        listening.cancel()
    # one low-stock alert for the consoles, announced live: raised, then repeated
    assert [(e["kind"], e["change"]) for e in heard] == [
        ("low_stock", "raised"),
        ("low_stock", "repeated"),
    ]
    with session_scope() as session:
        (alert,) = session.exec(select(Alert).where(Alert.cabinet_id == cabinet_id)).all()
        assert (alert.kind, alert.status, alert.occurrences) == ("low_stock", "open", 2)
        assert alert.params["quantity"] == 3 and alert.id == heard[0]["id"]
    with session_scope() as session:
        orders = session.exec(select(WorkOrder).where(WorkOrder.cabinet_id == cabinet_id)).all()
        assert len(orders) == 1 and orders[0].kind == "replenishment"
        (line,) = session.exec(
            select(WorkOrderLine).where(WorkOrderLine.work_order_id == orders[0].id)
        ).all()
        assert (line.item_id, line.quantity_requested) == (items["A3"], 6 - 4)
        assert "A3" in orders[0].title


async def _collect(events, into: list[dict]) -> None:
    async for event in events:
        into.append(event.data)


def _committed(cabinet_id: int) -> int:
    with session_scope() as session:
        return len(
            session.exec(
                select(DoorSession).where(
                    DoorSession.cabinet_id == cabinet_id, DoorSession.status == "committed"
                )
            ).all()
        )


async def test_an_offline_visit_on_the_lease_is_recorded_when_the_cabinet_is_back(
    tmp_path,
) -> None:
    identity, cabinet_id = provisioned()
    items = _stocked_cabinet(cabinet_id)
    async with embedded_broker() as (port, config), running_gateway(config):
        cabinet = simulated(identity, ("127.0.0.1", port), tmp_path, heartbeat_s=1)
        async with powered(cabinet):
            await until(lambda: _cabinet(cabinet_id).is_online)
            with session_scope() as session:
                tenant_id = session.get(Cabinet, cabinet_id).tenant_id
                sync_lease(
                    session=session,
                    scope=TenantScope.single(tenant_id),
                    cabinet_id=cabinet_id,
                    actor=Actor(account_id=None, name="test"),
                )
            await until(lambda: cabinet.outbox.setting("lease") is not None)
            cabinet.set_network(False)  # the office network is down
            door = await badge(cabinet, CARD, wait_s=0.5)
            assert door is not None and door["by"]["method"] == "lease_card"
            await open_take_close(cabinet, door, {"A2": 2}, unit_g=UNIT_G)
            await asyncio.sleep(3.5)  # replayed later, the badge is history: no unlock for it
            cabinet.set_network(True)
            await until(lambda: _door_status(cabinet_id) == "committed", 20)
    with session_scope() as session:
        (door_row,) = session.exec(select(DoorSession).where(DoorSession.cabinet_id == cabinet_id))
        assert door_row.auth_method == "offline_card"
        (withdrawal,) = session.exec(select(Withdrawal).where(Withdrawal.cabinet_id == cabinet_id))
        (line,) = session.exec(
            select(WithdrawalLine).where(WithdrawalLine.withdrawal_id == withdrawal.id)
        )
        assert (line.item_id, line.quantity) == (items["A2"], 2)
        unlocks = session.exec(
            select(DeviceCommand).where(
                DeviceCommand.cabinet_id == cabinet_id, DeviceCommand.kind == "unlock"
            )
        ).all()
        assert unlocks == []


async def test_over_quota_the_door_stays_shut_until_an_approval_opens_it(tmp_path) -> None:
    identity, cabinet_id = provisioned()
    _stocked_cabinet(cabinet_id)
    with session_scope() as session:
        tenant_id = session.get(Cabinet, cabinet_id).tenant_id
        person = session.exec(
            select(User).where(User.badge_card_no == CARD, User.tenant_id == tenant_id)
        ).one()
        make_quota_rule(
            session,
            person.tenant_id,
            name="每日 2 件",
            subject_kind="user",
            subject_id=person.id,
            period="day",
            limit_value=2,
            over_policy="require_approval",
        )
    async with embedded_broker() as (port, config), running_gateway(config):
        cabinet = simulated(identity, ("127.0.0.1", port), tmp_path, heartbeat_s=1)
        async with powered(cabinet):
            await until(lambda: _cabinet(cabinet_id).is_online)
            door = await badge(cabinet, CARD, wait_s=15)
            await open_take_close(cabinet, door, {"A1": 3}, unit_g=UNIT_G)  # one over
            await until(lambda: _door_status(cabinet_id) == "committed")
            assert await badge(cabinet, CARD, wait_s=3) is None  # needs an approval now
            # asked at the cabinet; the manager approves; the door opens for them at once
            request_id, manager_id = _ask_for_more(cabinet_id, person.id)
            approved = await run_in_session(
                decide_and_open,
                scope=TenantScope.single(tenant_id),
                request_id=request_id,
                approver=_user(manager_id),
                decision=Decision.approve,
            )
            assert approved[0].status == "used"
            await asyncio.wait_for(cabinet.unlocked.wait(), 10)
            door = {"session": cabinet.unlock.session, "by": cabinet.unlock.by}
            await open_take_close(cabinet, door, {"A2": 1}, unit_g=UNIT_G)
            await until(lambda: _door_status(cabinet_id, newest=True) == "committed")
    with session_scope() as session:
        first, second = session.exec(
            select(DoorSession).where(DoorSession.cabinet_id == cabinet_id).order_by(DoorSession.id)
        ).all()
        (over,) = first.identification["over_quota"]
        assert (over["used"], over["limit"], over["policy"]) == (3, 2, "require_approval")
        assert second.identification["approval"]["request"] == request_id
        assert second.auth_method == "qr" and second.user_id == person.id


def _ask_for_more(cabinet_id: int, person_id: int) -> tuple[int, int]:
    """An over-quota flow approved by the department's manager; the person asks from the cabinet."""
    with session_scope() as session:
        tenant_id = session.get(Cabinet, cabinet_id).tenant_id
        department = make_department(session, tenant_id, "行政部")
        department.path = f"/{department.id}/"
        person = session.get(User, person_id)
        person.department_id = department.id
        manager = User(tenant_id=tenant_id, name="李经理", department_id=department.id)
        flow = ApprovalFlow(tenant_id=tenant_id, name="超额领用", trigger="over_quota")
        session.add_all([manager, flow])
        session.flush()
        session.add_all(
            [
                DepartmentManager(
                    tenant_id=tenant_id, department_id=department.id, user_id=manager.id
                ),
                ApprovalStep(
                    tenant_id=tenant_id,
                    flow_id=flow.id,
                    step_no=1,
                    approver_kind="department_manager",
                ),
            ]
        )
        session.flush()
        request = ask(session=session, requester=person, reason="培训用", cabinet_id=cabinet_id)
        return request.id, manager.id


def _user(user_id: int) -> User:
    with session_scope() as session:
        return session.get(User, user_id)


def _provider_staff(cabinet_id: int) -> int:
    """A service provider serving the cabinet's tenant, and one of its staff."""
    with session_scope() as session:
        cabinet = session.get(Cabinet, cabinet_id)
        provider = make_service_provider(session, f"SP{cabinet.code}", "办公伙伴服务")
        account = make_account(
            session, f"staff-{cabinet.code}", display_name="赵师傅", kind="provider"
        )
        session.get(Tenant, cabinet.tenant_id).provider_id = provider.id
        staff = ProviderStaff(provider_id=provider.id, account_id=account.id, name="赵师傅")
        session.add(staff)
        session.flush()
        session.add(ProviderStaffTenant(tenant_id=cabinet.tenant_id, staff_id=staff.id))
        return staff.id


async def test_a_restock_by_the_provider_closes_the_replenishment_order(tmp_path) -> None:
    identity, cabinet_id = provisioned()
    items = _stocked_cabinet(cabinet_id)
    staff_id = _provider_staff(cabinet_id)
    async with embedded_broker() as (port, config), running_gateway(config):
        cabinet = simulated(identity, ("127.0.0.1", port), tmp_path, heartbeat_s=1)
        async with powered(cabinet):
            await until(lambda: _cabinet(cabinet_id).is_online)
            door = await badge(cabinet, CARD, wait_s=15)
            await open_take_close(cabinet, door, {"A3": 2}, unit_g=UNIT_G)  # 6 → 4: below 5
            await until(lambda: _committed(cabinet_id) == 1)
            cabinet.unlocked.clear()
            with session_scope() as session:
                tenant_id = session.get(Cabinet, cabinet_id).tenant_id
                start_restock(
                    session=session,
                    scope=TenantScope.single(tenant_id),
                    cabinet_id=cabinet_id,
                    staff_id=staff_id,
                    actor=Actor(account_id=None, name="赵师傅"),
                )
            await asyncio.wait_for(cabinet.unlocked.wait(), 15)
            restock = {"session": cabinet.unlock.session, "by": cabinet.unlock.by}
            await open_take_close(cabinet, restock, {"A3": -2}, unit_g=UNIT_G)  # two put in
            await until(lambda: _committed(cabinet_id) == 2)
    with session_scope() as session:
        (order,) = session.exec(select(WorkOrder).where(WorkOrder.cabinet_id == cabinet_id))
        assert order.status == "done" and order.door_session_id is not None
        (line,) = session.exec(select(WorkOrderLine).where(WorkOrderLine.work_order_id == order.id))
        assert (line.quantity_requested, line.quantity_done) == (2, 2)
        stock = session.exec(
            select(Stock).where(Stock.cabinet_id == cabinet_id, Stock.item_id == items["A3"])
        ).one()
        assert stock.quantity == 6
        kinds = [
            m.kind
            for m in session.exec(
                select(StockMovement)
                .where(StockMovement.cabinet_id == cabinet_id)
                .order_by(StockMovement.id)
            )
        ]
        assert kinds[-2:] == ["withdrawal", "restock"]
        assert reconcile_ledger(session=session, scope=TenantScope.single(tenant_id)) == []
        (alert,) = session.exec(select(Alert).where(Alert.cabinet_id == cabinet_id))
        assert (alert.kind, alert.status) == ("low_stock", "resolved")


def test_only_staff_serving_the_tenant_may_restock_and_only_an_online_free_cabinet() -> None:
    _, cabinet_id = provisioned()
    _, other_cabinet_id = provisioned()
    staff_id = _provider_staff(cabinet_id)  # serves the first cabinet's tenant only
    actor = Actor(account_id=None, name="赵师傅")
    with session_scope() as session:
        other = session.get(Cabinet, other_cabinet_id)
        other.is_online = True
        with pytest.raises(PermissionDeniedError):
            start_restock(
                session=session,
                scope=TenantScope.single(other.tenant_id),
                cabinet_id=other.id,
                staff_id=staff_id,
                actor=actor,
            )
        mine = session.get(Cabinet, cabinet_id)
        with pytest.raises(ValidationError) as offline:
            start_restock(
                session=session,
                scope=TenantScope.single(mine.tenant_id),
                cabinet_id=mine.id,
                staff_id=staff_id,
                actor=actor,
            )
        assert offline.value.key == "cabinet.offline"
        mine.is_online = True
        start_restock(
            session=session,
            scope=TenantScope.single(mine.tenant_id),
            cabinet_id=mine.id,
            staff_id=staff_id,
            actor=actor,
        )
        with pytest.raises(ValidationError) as busy:
            start_restock(
                session=session,
                scope=TenantScope.single(mine.tenant_id),
                cabinet_id=mine.id,
                staff_id=staff_id,
                actor=actor,
            )
        assert busy.value.key == "cabinet.busy"

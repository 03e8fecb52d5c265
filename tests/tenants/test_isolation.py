"""Cross-tenant isolation through the services, for every tenant-owned model.

On the demo world (plus a row for each table the demo leaves empty), the people of tenant B and
of a provider that does not manage tenant A try to read, list, count, update and delete each of
tenant A's rows with the scope their own session resolves to. None of it may succeed, while the
same calls inside tenant A's own scope do (so the test can tell the difference).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import and_
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Session, SQLModel, select

from app.alerts.service import raise_once
from app.apikeys.models import ApiIdempotency, ApiKey
from app.approvals.models import ApprovalAction, ApprovalFlow, ApprovalRequest
from app.audit.services.records import IMMUTABLE_FIELDS, Actor, delete_scoped, update_scoped
from app.auth.models import Account
from app.auth.services.auth import sign_in
from app.auth.services.principal import Principal, resolve_principal
from app.cabinets.models import (
    Cabinet,
    CabinetRefusal,
    CabinetSnapshot,
    DeviceCommand,
    DeviceMessage,
    LanController,
)
from app.core.errors import NotFoundError
from app.core.tenancy import TenantScope, get_scoped, scoped_count, scoped_select
from app.demo.services.catalogue import DEMO_PASSWORD
from app.demo.services.demo import seed_demo
from app.models import TENANT_OWNED_MODELS
from app.notify.models import AlertDelivery, AlertRoute
from app.org.models import OrgSyncRun, OrgSyncSettings, User
from app.quotas.models import QuotaRule, QuotaUsage
from app.reports.models import ReportDelivery, ReportRun, ReportSubscription
from app.sms.models import SmsMessage, SmsSettings
from app.sso.models import ImApp, SsoIssuer
from app.tenants.models import Tenant
from app.webhooks.models import WebhookAttempt, WebhookDelivery
from app.webhooks.services.webhooks import emit
from app.withdrawals.models import Complaint, DoorSession
from tests.webhooks.world import subscribe

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
OUTSIDER = Actor(account_id=None, name="outsider")


def _first(session: Session, model: type[SQLModel], tenant_id: int):
    return session.exec(select(model).where(model.tenant_id == tenant_id)).first()


def _fill_tables_the_demo_leaves_empty(session: Session, tenant: Tenant) -> None:
    """One row in tenant A for each tenant-owned table the demo world does not fill yet."""
    t = tenant.id
    cabinet = _first(session, Cabinet, t)
    user = _first(session, User, t)
    flow = _first(session, ApprovalFlow, t)
    rule = _first(session, QuotaRule, t)
    account = session.exec(select(Account)).first()
    request = ApprovalRequest(tenant_id=t, flow_id=flow.id, requester_id=user.id, reason="需要")
    run = ReportRun(
        tenant_id=t, report_type="consumption", period_start=NOW - timedelta(days=1), period_end=NOW
    )
    alert = raise_once(
        session=session, tenant_id=t, kind="cabinet_offline", root_key="offline:iso",
        message_key="alert.cabinet_offline", params={}, cabinet_id=cabinet.id,
    )  # fmt: skip
    api_key = ApiKey(tenant_id=t, name="ERP", prefix="iso00001", secret_hash="0" * 64)
    session.add_all([request, run, api_key])
    subscribe(session, t, "https://erp.example.com/hooks", ["cabinet.online"])
    event = emit(session, t, "cabinet.online", cabinet.id, {"n": 1}, NOW)
    delivery = _first(session, WebhookDelivery, t)
    assert event is not None and delivery is not None
    session.add_all(
        [
            ApprovalAction(
                tenant_id=t,
                request_id=request.id,
                step_no=1,
                approver_id=user.id,
                decision="approve",
            ),
            DeviceCommand(
                tenant_id=t,
                command_id="cmd-iso-1",
                cabinet_id=cabinet.id,
                kind="unlock",
                expires_at=NOW + timedelta(minutes=1),
            ),
            DeviceMessage(
                tenant_id=t,
                cabinet_id=cabinet.id,
                message_id="msg-iso-1",
                boot_id="boot-1",
                seq=1,
                type="heartbeat",
                device_ts=NOW,
            ),
            QuotaUsage(
                tenant_id=t, rule_id=rule.id, holder_id=user.id, period_start=date(2020, 1, 1)
            ),
            Complaint(
                tenant_id=t,
                door_session_id=_first(session, DoorSession, t).id,
                user_id=user.id,
                text="只拿了一个",
            ),
            ReportSubscription(
                tenant_id=t,
                account_id=account.id,
                report_type="consumption",
                target="a@example.com",
            ),
            ReportDelivery(tenant_id=t, run_id=run.id, channel="email"),
            AlertDelivery(
                tenant_id=t,
                route_id=_first(session, AlertRoute, t).id,
                alert_id=alert.id,
                kind="raised",
                channel="email",
            ),
            CabinetRefusal(tenant_id=t, cabinet_id=cabinet.id, code="bad_signature"),
            LanController(tenant_id=t, cabinet_id=cabinet.id, host="10.20.0.15"),
            CabinetSnapshot(
                tenant_id=t,
                cabinet_id=cabinet.id,
                snapshot_id="snap-iso-1",
                phase="manual",
                camera="cam0",
                content_type="image/png",
                bytes=98,
                sha256="0" * 64,
                path="snapshots/iso/snap-iso-1.png",
                taken_at=NOW,
            ),
            SmsSettings(
                tenant_id=t,
                sdk_app_id="1400000001",
                sign_name="测试",
                secret_id="AKID-iso",
                secret_key_ciphertext="v1:iso",
            ),
            SmsMessage(
                tenant_id=t, phone="13900000000", purpose="alert", template_id="1", status="sent"
            ),
            WebhookAttempt(tenant_id=t, delivery_id=delivery.id, status_code=500),
            SsoIssuer(
                tenant_id=t,
                issuer="https://idp.example.com",
                client_id="cabinet-cloud",
                client_secret_ciphertext="v1:iso",
            ),
            ImApp(
                tenant_id=t, kind="wecom", app_id="ww-iso", agent_id="1", secret_ciphertext="v1:iso"
            ),
            OrgSyncSettings(tenant_id=t, enabled=True, first_applied_at=NOW),
            OrgSyncRun(tenant_id=t, trigger="preview", dry_run=True, status="succeeded", counts={}),
            ApiIdempotency(
                tenant_id=t,
                api_key_id=api_key.id,
                idempotency_key="iso-1",
                request_hash="0" * 64,
                status_code=200,
                body="{}",
            ),
        ]
    )
    session.flush()


def _principal(session: Session, login: str) -> Principal:
    signed = sign_in(session=session, login=login, password=DEMO_PASSWORD, ip="10.0.0.9", now=NOW)
    principal = resolve_principal(session=session, session_id=signed.session_id, now=NOW)
    assert principal is not None
    return principal


def _a_mutable_field(model: type[SQLModel]) -> str | None:
    keys = {c.name for c in model.__table__.primary_key.columns}
    return next((n for n in model.model_fields if n not in IMMUTABLE_FIELDS | keys), None)


def _identity(row: SQLModel) -> int | tuple:
    """The row's primary key as session.get takes it (a tuple for link tables)."""
    key = sa_inspect(row).identity
    return key[0] if len(key) == 1 else key


def _is_row(model: type[SQLModel], identity: int | tuple):
    values = identity if isinstance(identity, tuple) else (identity,)
    return and_(*(c == v for c, v in zip(model.__table__.primary_key.columns, values, strict=True)))


@pytest.fixture
def world(session: Session) -> tuple[Tenant, dict[str, TenantScope]]:
    seed_demo(session=session, now=NOW)
    tenant_a = session.exec(select(Tenant).where(Tenant.code == "TN-XY")).one()
    _fill_tables_the_demo_leaves_empty(session, tenant_a)
    outsiders = {
        "tenant admin of B": _principal(session, "ht_admin").scope,
        "admin of a provider not serving A": _principal(session, "yj_admin").scope,
    }
    for scope in outsiders.values():
        assert not scope.allows(tenant_a.id) and scope.tenant_ids
    session.commit()
    return tenant_a, outsiders


def test_no_read_list_update_or_delete_crosses_tenants(session: Session, world) -> None:
    tenant_a, outsiders = world
    assert len(TENANT_OWNED_MODELS) >= 30
    crossed: list[str] = []
    for model in TENANT_OWNED_MODELS:
        row = _first(session, model, tenant_a.id)
        assert row is not None, f"tenant A has no {model.__tablename__} row to attack"
        row_id = _identity(row)
        # The control: inside tenant A's own scope the same lookups find the row.
        assert get_scoped(session, model, row_id, TenantScope.single(tenant_a.id)) is not None
        field = _a_mutable_field(model)
        for who, scope in outsiders.items():
            tag = f"{model.__tablename__} by {who}"
            if get_scoped(session, model, row_id, scope) is not None:
                crossed.append(f"read {tag}")
            listed = session.exec(scoped_select(model, scope).where(_is_row(model, row_id))).all()
            if listed or scoped_count(session, model, scope, _is_row(model, row_id)):
                crossed.append(f"list {tag}")
            before = session.get(model, row_id).model_dump()
            try:
                changes = {field: before[field]} if field else {}
                update_scoped(session, model, row_id, scope, changes, actor=OUTSIDER)
                crossed.append(f"update {tag}")
            except NotFoundError:
                pass
            try:
                delete_scoped(session, model, row_id, scope, actor=OUTSIDER)
                crossed.append(f"delete {tag}")
            except NotFoundError:
                pass
            session.expire_all()
            assert session.get(model, row_id).model_dump() == before, tag
    assert not crossed, crossed


def test_a_change_may_not_move_a_row_to_another_tenant(session: Session, world) -> None:
    tenant_a, _ = world
    own = TenantScope.single(tenant_a.id)
    user = _first(session, User, tenant_a.id)
    other = session.exec(select(Tenant).where(Tenant.code == "TN-HT")).one()
    from app.core.errors import ValidationError

    with pytest.raises(ValidationError):
        update_scoped(session, User, user.id, own, {"tenant_id": other.id}, actor=OUTSIDER)
    renamed = update_scoped(session, User, user.id, own, {"name": "新名字"}, actor=OUTSIDER)
    assert renamed.name == "新名字" and renamed.tenant_id == tenant_a.id


async def test_the_rest_api_shows_and_changes_nothing_across_tenants(engine, session, world):
    """The same on /api/v1: a key of tenant B, holding every scope, sees none of tenant A's rows
    in any list and cannot move A's work orders (they look absent)."""
    import httpx

    from app.api.v1 import build_v1
    from app.api.v1.context import ApiSettings
    from app.apikeys.service import SCOPES, create_key
    from app.workorders.models import WorkOrder
    from tests.api.v1.test_routes import READS

    tenant_a, _ = world
    tenant_b = session.exec(select(Tenant).where(Tenant.code == "TN-HT")).one()
    keys = {}
    for tenant in (tenant_a, tenant_b):
        _, keys[tenant.id] = create_key(
            session=session, scope=TenantScope.single(tenant.id), tenant_id=tenant.id,
            name="iso", scopes=list(SCOPES), expires_at=None, actor=OUTSIDER, now=NOW,
        )  # fmt: skip
    session.commit()
    app = build_v1(ApiSettings(engine=engine, buckets=None, now=lambda: NOW))
    seen: dict[int, dict[str, set]] = {}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        for tenant_id, key in keys.items():
            auth = {"Authorization": f"Bearer {key}"}
            for path in READS:
                response = await http.get(f"{path}?limit=200&status=all", headers=auth)
                assert response.status_code == 200, (path, response.text)
                rows = response.json()["data"]
                seen.setdefault(tenant_id, {})[path] = {
                    r.get("id", r.get("entry_id")) for r in rows
                }
        order = _first(session, WorkOrder, tenant_a.id)
        moved = await http.post(
            f"/work-orders/{order.id}/status", json={"status": "done"},
            headers={"Authorization": f"Bearer {keys[tenant_b.id]}"},
        )  # fmt: skip
    assert moved.status_code == 404
    session.expire_all()
    assert session.get(WorkOrder, order.id).status == order.status
    for path in READS:
        assert not seen[tenant_a.id][path] & seen[tenant_b.id][path], path
    assert all(seen[tenant_a.id][p] for p in ("/items", "/people", "/cabinets", "/withdrawals"))

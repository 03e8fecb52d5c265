"""Every event handler of every state, sent through Reflex's real event processing.

Runs against the product as `make run` serves it: a websocket client (as the browser's, but
crafting the messages itself) invokes each handler as (a) an anonymous visitor, (b) an employee
of tenant A and (c) the tenant admin of tenant B. Each handler must be on the public allow-list
of tests/handlers.py (which the handlers' own declarations agree with: tests/ui/
test_every_handler_declares.py) or refuse; whatever it does, no reply to an outsider may carry
tenant A's data and no call may change tenant A's rows. Handlers added later are enumerated
here automatically.
"""

from __future__ import annotations

import hashlib
import inspect
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlmodel import Session

from app.approvals.models import ApprovalRequest
from app.cabinets.models import Cabinet
from app.cabinets.services.commands import prepare_sends
from app.cabinets.services.presence import sweep_presence
from app.core.db import make_engine
from app.models import TENANT_OWNED_MODELS
from app.org.models import Department, PhoneWhitelist, User
from app.tenants.models import Tenant
from app.withdrawals.models import DoorSession
from app.withdrawals.services import closing
from tests.browser.conftest import RunningApp
from tests.browser.sockets import Caller, cookie_for, refused
from tests.handlers import PUBLIC, SELF_SERVICE, Handler, all_handlers

# Sign-in and refusals are audited, by design; the alert routing job logs its messages (and
# their retries) on its own clock, whoever is calling.
UNCHANGING_EXEMPT = {"audit_log", "alert_delivery"}


@dataclass
class TenantA:
    id: int
    markers: list[str]  # strings only tenant A's data contains
    row_ids: dict[str, int]  # an id of one of tenant A's rows, by the parameter names that take it


# Which of tenant A's rows a handler parameter of this name is aimed at.
ID_PARAMETERS: dict[str, type] = {
    "person_id": User,
    "user_id": User,
    "department_id": Department,
    "source_id": Department,
    "target_id": Department,
    "entry_id": PhoneWhitelist,
    "request_id": ApprovalRequest,
    "door_session_id": DoorSession,
}


def _tenant_a(app: RunningApp) -> TenantA:
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    with Session(engine) as session:
        tenant = session.exec(select(Tenant).where(Tenant.code == "TN-XY")).scalar_one()
        cabinets = session.exec(select(Cabinet).where(Cabinet.tenant_id == tenant.id)).scalars()
        phones = session.exec(
            select(User.phone).where(User.tenant_id == tenant.id, User.phone.is_not(None))
        ).scalars()
        markers = [tenant.name, *(c.code for c in cabinets), *phones]
        row_ids = {}
        for name, model in ID_PARAMETERS.items():
            row = session.exec(select(model.id).where(model.tenant_id == tenant.id)).first()
            row_ids[name] = row[0] if row else tenant.id
    engine.dispose()
    return TenantA(id=tenant.id, markers=markers, row_ids=row_ids)


def _tenant_a_fingerprint(app: RunningApp, tenant_id: int) -> str:
    """A hash of every tenant-owned row of tenant A (and the tenant row itself)."""
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for model in TENANT_OWNED_MODELS:
            table = model.__tablename__
            if table in UNCHANGING_EXEMPT:
                continue
            rows = conn.execute(
                text(f'SELECT * FROM "{table}" WHERE tenant_id = :t ORDER BY 1'), {"t": tenant_id}
            )
            digest.update(repr((table, rows.fetchall())).encode())
        digest.update(
            repr(
                conn.execute(
                    text("SELECT * FROM tenant WHERE id = :t"), {"t": tenant_id}
                ).fetchall()
            ).encode()
        )
    engine.dispose()
    return digest.hexdigest()


def _settle(app: RunningApp) -> None:
    """Bring forward what the app's clock-driven jobs still have to do for earlier tests'
    cabinets (a screen's auth.result expiring 15 s on, an unlock never opened ending, a silent
    cabinet going offline), so that none of it lands between the two fingerprints."""
    later = datetime.now(UTC) + timedelta(days=1)
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            prepare_sends(session=session, now=later)  # every waiting command expires
            closing.sweep(session=session, now=later)
            sweep_presence(session=session, now=later)
            session.commit()
    finally:
        engine.dispose()


def _argument(param: inspect.Parameter, tenant_a: TenantA) -> Any:
    """A plausible argument aimed at tenant A: ids are tenant A's, other values neutral."""
    annotation = str(param.annotation)
    if param.name in tenant_a.row_ids:
        return tenant_a.row_ids[param.name]
    if "int" in annotation:
        return tenant_a.id
    if "dict" in annotation:
        return {"tenant_id": tenant_a.id, "id": tenant_a.id}
    if "list" in annotation:
        return [tenant_a.id]
    if "bool" in annotation:
        return True
    return str(tenant_a.id)


@pytest.fixture(scope="module")
def tenant_a(running_app: RunningApp) -> TenantA:
    return _tenant_a(running_app)


def test_every_handler_is_public_or_refuses_each_outsider(
    running_app: RunningApp, tenant_a: TenantA
) -> None:
    handlers = all_handlers()
    assert len(handlers) >= 15, [h.key for h in handlers]
    stale = set(PUBLIC) - {h.key for h in handlers}
    assert not stale, f"allow-list names handlers that no longer exist: {stale}"

    callers = [
        Caller("anonymous", cookie_for(running_app, None)),
        Caller("employee of tenant A", cookie_for(running_app, "xy_employee")),
        Caller("tenant admin of tenant B", cookie_for(running_app, "ht_admin")),
    ]
    _settle(running_app)
    before = _tenant_a_fingerprint(running_app, tenant_a.id)
    failures: list[str] = []
    try:
        for caller in callers:
            caller.connect(running_app.url)

        def attack(caller: Caller) -> list[str]:  # one thread per caller: independent sockets
            found = []
            for handler in handlers:
                payload = {p.name: _argument(p, tenant_a) for p in handler.parameters}
                found += _judge(handler, caller, caller.call(handler.event_name, payload), tenant_a)
            return found

        with ThreadPoolExecutor(len(callers)) as pool:
            for found in pool.map(attack, callers):
                failures += found
    finally:
        for caller in callers:
            caller.client.disconnect()

    assert not failures, "\n".join(failures)
    assert _tenant_a_fingerprint(running_app, tenant_a.id) == before, "tenant A's data changed"


def _judge(handler: Handler, caller: Caller, reply: str, tenant_a: TenantA) -> list[str]:
    problems = []
    anonymous = caller.name == "anonymous"
    insider = caller.name == "employee of tenant A"
    if not insider:
        leaked = [m for m in tenant_a.markers if m and m in reply]
        if leaked:
            problems.append(
                f"{handler.key} as {caller.name}: reply carries tenant A's {leaked[:3]}"
            )
    if handler.key in PUBLIC:
        return problems
    if anonymous and not refused(reply):
        problems.append(f"{handler.key} as anonymous: not refused: {reply[:300]}")
    if insider and handler.key not in SELF_SERVICE and not refused(reply):
        problems.append(f"{handler.key} as {caller.name}: not refused: {reply[:300]}")
    return problems


def test_a_refused_handler_body_never_runs(running_app: RunningApp, tenant_a: TenantA) -> None:
    """Switching to tenant A as B's admin is refused and B's session stays on B."""
    caller = Caller("tenant admin of tenant B", cookie_for(running_app, "ht_admin"))
    caller.connect(running_app.url)
    try:
        name = next(h.event_name for h in all_handlers() if h.key == "SessionState.select_tenant")
        reply = caller.call(name, {"value": str(tenant_a.id)})
        assert "access-refused" in reply
        hydrate = next(h.event_name for h in all_handlers() if h.key == "State.hydrate")
        state = caller.call(hydrate, {})
        assert not any(m in state for m in tenant_a.markers)
    finally:
        caller.client.disconnect()

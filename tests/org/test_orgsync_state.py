"""The org sync page's handlers authorize themselves: each one, called as a crafted websocket
message would call it, refuses a visitor and a signed-in person without `org:sync` before it
reads or changes anything; the tenant admin role carries the permission."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlmodel import select

from app.api.cookies import ACCESS_COOKIE
from app.auth.services.auth import sign_in
from app.auth.services.catalogue import BUILTIN_ROLES
from app.core import migrations
from app.core.config import get_settings
from app.core.db import session_scope
from app.org.models import OrgSyncRun
from app.org.state.org_sync import SYNC, OrgSyncState
from app.ui.session import AccessRefused, require
from tests.factories import make_tenant
from tests.sso.conftest import PASSWORD, add_person

PAYLOADS = {"save_schedule": ({"enabled": "on", "interval_hours": "1"},)}


@pytest.fixture(scope="module", autouse=True)
def _migrated() -> None:
    migrations.upgrade(get_settings().database_url)


class Caller:
    """What a handler sees of the websocket that sent the event: its cookie, nothing else."""

    def __init__(self, cookie: str) -> None:
        self.router = SimpleNamespace(
            headers=SimpleNamespace(cookie=cookie),
            page=SimpleNamespace(raw_path="/org-sync", path="/org-sync"),
            session=SimpleNamespace(client_ip="10.0.0.7"),
            url=SimpleNamespace(origin=""),
        )
        self.preview_run_id, self.busy = 1, False  # as if a plan had been shown

    async def get_state(self, _state: type) -> None:
        raise LookupError("no state tree: the locale falls back to the cookie")


def _caller(role: str) -> tuple[Caller, int]:
    with session_scope() as session:
        tenant_id = make_tenant(session).id
    _, username, _ = add_person(tenant_id, role=role)
    with session_scope() as session:
        signed = sign_in(session=session, login=username, password=PASSWORD, ip="10.0.0.7")
    return Caller(f"{ACCESS_COOKIE}={signed.access_token}"), tenant_id


async def _call(name: str, caller: Caller) -> None:
    handler = OrgSyncState.event_handlers[name].fn
    result = handler(caller, *PAYLOADS.get(name, ()))
    if hasattr(result, "__anext__"):  # a handler that yields: its first step
        await result.__anext__()
    else:
        await result


def _handlers() -> list[str]:
    return sorted(name for name in OrgSyncState.event_handlers if name != "setvar")


def test_every_handler_of_the_page_is_checked_here() -> None:
    assert _handlers() == ["apply", "load", "preview", "save_schedule"]


@pytest.mark.parametrize("name", _handlers())
async def test_a_person_without_org_sync_is_refused(name: str) -> None:
    employee, tenant_id = _caller("employee")
    with pytest.raises(AccessRefused) as refused:
        await _call(name, employee)
    assert refused.value.params == {"permission": SYNC}
    with pytest.raises(AccessRefused) as visitor:
        await _call(name, Caller(""))
    assert not visitor.value.signed_in
    with session_scope() as session:  # nothing was run for the employee's tenant
        assert not session.exec(select(OrgSyncRun).where(OrgSyncRun.tenant_id == tenant_id)).all()


async def test_the_tenant_admin_holds_org_sync() -> None:
    admin, tenant_id = _caller("tenant_admin")
    principal = await require(admin, SYNC)  # the same caller, the permission held
    assert principal.active_tenant_id == tenant_id
    roles = {role.code: role.permissions for role in BUILTIN_ROLES}
    assert SYNC in roles["tenant_admin"] and SYNC not in roles["department_manager"]

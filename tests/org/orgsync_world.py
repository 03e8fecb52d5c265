"""A company with a WeCom app, its directory as the stand-in serves it, and short ways to run a
sync: a dry run and the apply of that very plan, at a fixed moment."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
from sqlmodel import Session, select

from app.audit.services.records import Actor
from app.core.tenancy import TenantScope
from app.org.models import Department, OrgSyncRun, SyncTrigger, User
from app.org.services import directory_sync as svc
from app.org.services.directory_flows import WecomAccess
from app.org.services.wecom_directory import Directory, DirectoryDepartment, DirectoryMember
from app.sso.services.im_service import save_im_app
from app.tenants.models import Tenant
from tests.factories import make_tenant
from tests.sso.wecom_standin import WecomStandIn

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ADMIN = Actor(account_id=None, name="管理员")
SECRET = "app-secret"


def company(session: Session, match_field: str = "employee_no") -> tuple[Tenant, WecomStandIn]:
    """A tenant whose WeCom app is set up, and the stand-in of that company's WeCom."""
    tenant = make_tenant(session)
    corp_id = f"ww{uuid.uuid4().hex[:14]}"
    save_im_app(
        session=session,
        scope=TenantScope.platform(),
        tenant_id=tenant.id,
        kind="wecom",
        typed={"corp_id": corp_id, "agent_id": "1000002", "secret": SECRET,
               "match_field": match_field},
        actor=ADMIN,
    )  # fmt: skip
    session.commit()
    standin = WecomStandIn(
        corp_id=corp_id, agent_id="1000002", secret=SECRET, trusted_domain="app.test"
    )
    return tenant, standin


def access(standin: WecomStandIn) -> WecomAccess:
    return WecomAccess(standin.endpoints, httpx.ASGITransport(standin.app))


class Router(httpx.AsyncBaseTransport):
    """Several companies' WeCom behind one transport (the job reaches them all): a call goes
    to the stand-in of its corpid, or of the access token it carries."""

    def __init__(self, standins: list[WecomStandIn]) -> None:
        self.standins = standins
        self.transports = {s.corp_id: httpx.ASGITransport(s.app) for s in standins}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        corp = params.get("corpid") or next(
            (s.corp_id for s in self.standins if params.get("access_token") in s.tokens),
            self.standins[0].corp_id,  # an unknown token: that stand-in says it expired
        )
        return await self.transports[corp].handle_async_request(request)

    @property
    def access(self) -> WecomAccess:
        return WecomAccess(self.standins[0].endpoints, self)


def dept(id_: int, name: str, parent: int = 1) -> dict:
    """A department as department/list answers it."""
    return {"id": id_, "name": name, "parentid": parent, "order": 100}


def member(userid: str, name: str, *departments: int, **fields) -> dict:
    """A member as user/list answers it (status 1 unless told)."""
    return {"userid": userid, "name": name, "department": list(departments), "status": 1, **fields}


def serve(standin: WecomStandIn, departments: list[dict], members: list[dict]) -> None:
    standin.departments = [dept(1, "总公司", 0), *departments]
    standin.members = {m["userid"]: m for m in members}


def as_directory(standin: WecomStandIn) -> Directory:
    """What fetch_directory would read from the stand-in (for planning without the network)."""
    return Directory(
        tuple(DirectoryDepartment(d["id"], d["name"], d["parentid"]) for d in standin.departments),
        tuple(
            DirectoryMember(
                m["userid"], m["name"], tuple(m["department"]), m.get("main_department"),
                m.get("mobile"), m.get("email"), m["status"],
            )
            for m in standin.members.values()
        ),
    )  # fmt: skip


def plan(session: Session, tenant: Tenant, standin: WecomStandIn):
    return svc.plan_for(
        session=session, scope=TenantScope.single(tenant.id), tenant_id=tenant.id,
        directory=as_directory(standin),
    )  # fmt: skip


def preview(session: Session, tenant: Tenant, standin: WecomStandIn, now: datetime = NOW):
    run, planned = svc.record_preview(
        session=session, scope=TenantScope.single(tenant.id), tenant_id=tenant.id,
        directory=as_directory(standin), actor=ADMIN, started_at=now, now=now,
    )  # fmt: skip
    session.commit()
    return run, planned


def apply(
    session: Session, tenant: Tenant, standin: WecomStandIn, run: OrgSyncRun, now: datetime = NOW
):
    done = svc.apply_directory(
        session=session, scope=TenantScope.single(tenant.id), tenant_id=tenant.id,
        directory=as_directory(standin), actor=ADMIN, trigger=SyncTrigger.manual,
        started_at=now, now=now, preview_run_id=run.id,
    )  # fmt: skip
    session.commit()
    return done


def sync_once(session: Session, tenant: Tenant, standin: WecomStandIn, now: datetime = NOW):
    """A dry run, then its apply: what an admin does on the page."""
    run, _ = preview(session, tenant, standin, now)
    return apply(session, tenant, standin, run, now)


def departments(session: Session, tenant: Tenant) -> dict[str, Department]:
    session.expire_all()
    rows = session.exec(select(Department).where(Department.tenant_id == tenant.id))
    return {d.name: d for d in rows}


def people(session: Session, tenant: Tenant) -> dict[str, User]:
    session.expire_all()
    return {u.name: u for u in session.exec(select(User).where(User.tenant_id == tenant.id))}

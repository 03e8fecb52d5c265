"""A service provider's API key (issue 20 item 2): it reaches every company the provider serves
— and only those, as they are when the call comes — reads across them or narrowed by
`?tenant=<code>`, and must name the company of a change; a suspended company drops out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.apikeys.service import SCOPES, create_key, revoke_key
from app.audit.models import AuditLog
from app.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from app.core.tenancy import TenantScope
from app.items.models import Item
from app.tenants.models import ServiceProvider, Tenant, TenantStatus
from app.workorders.models import WorkOrder
from tests.api.v1.conftest import ADMIN, NOW, _side, bearer
from tests.api.v1.test_routes import ITEM
from tests.factories import make_service_provider


@pytest.fixture
def served(session: Session):
    """Provider P serves companies A and B; company C is someone else's."""
    provider = make_service_provider(session, "P-KEYS", "服务商甲")
    a, b, c = _side(session, "甲企业"), _side(session, "乙企业"), _side(session, "丙企业")
    for side in (a, b):
        session.get(Tenant, side.tenant_id).provider_id = provider.id
    _, key = create_key(
        session=session, scope=TenantScope.of(set()), tenant_id=None, provider_id=provider.id,
        name="现场系统", scopes=list(SCOPES), expires_at=None, actor=ADMIN,
        now=NOW - timedelta(days=1),
    )  # fmt: skip
    session.commit()
    return provider, key, a, b, c


def _code(session: Session, tenant_id: int) -> str:
    return session.get(Tenant, tenant_id).code


async def test_a_provider_key_reads_across_the_companies_it_serves_only(
    session: Session, client, served
) -> None:
    _, key, a, b, c = served
    listed = await client.get("/work-orders", headers=bearer(key))
    assert listed.status_code == 200, listed.text
    ids = {row["id"] for row in listed.json()["data"]}
    assert ids == {a.ids["order"], b.ids["order"]}  # never C's
    names = {row["tenant"] for row in listed.json()["data"]}
    assert names == {session.get(Tenant, s.tenant_id).name for s in (a, b)}  # whose each is
    narrowed = await client.get(
        "/work-orders", params={"tenant": _code(session, b.tenant_id)}, headers=bearer(key)
    )
    assert [row["id"] for row in narrowed.json()["data"]] == [b.ids["order"]]
    foreign = await client.get(
        "/work-orders", params={"tenant": _code(session, c.tenant_id)}, headers=bearer(key)
    )
    assert foreign.status_code == 422 and foreign.json()["errors"][0]["field"] == "tenant"


async def test_a_provider_key_names_the_company_of_a_change(
    session: Session, client, served
) -> None:
    _, key, a, _, c = served
    unnamed = await client.put("/items/SKU-P", json=ITEM, headers=bearer(key))
    assert unnamed.status_code == 422 and "tenant=" in unnamed.json()["detail"]
    assert session.exec(select(Item).where(Item.sku == "SKU-P")).first() is None
    code = _code(session, a.tenant_id)
    created = await client.put(
        "/items/SKU-P", params={"tenant": code}, json=ITEM, headers=bearer(key)
    )
    assert created.status_code == 201, created.text
    session.expire_all()
    assert session.exec(select(Item.tenant_id).where(Item.sku == "SKU-P")).one() == a.tenant_id
    elsewhere = await client.put(
        "/items/SKU-P", params={"tenant": _code(session, c.tenant_id)}, json=ITEM,
        headers=bearer(key),
    )  # fmt: skip
    assert elsewhere.status_code == 422
    assert session.exec(select(Item).where(Item.sku == "SKU-P")).all()[0].tenant_id == a.tenant_id


async def test_a_provider_key_moves_a_served_work_order_once(
    session: Session, client, served
) -> None:
    _, key, _, b, c = served
    headers = {**bearer(key), "Idempotency-Key": "move-1"}
    path = f"/work-orders/{b.ids['order']}/status"
    first = await client.post(path, json={"status": "in_progress"}, headers=headers)
    again = await client.post(path, json={"status": "in_progress"}, headers=headers)
    assert first.status_code == 200, first.text
    assert again.json() == first.json() and again.headers.get("idempotent-replayed") == "true"
    session.expire_all()
    assert session.get(WorkOrder, b.ids["order"]).status == "in_progress"
    other = await client.post(
        f"/work-orders/{c.ids['order']}/status", json={"status": "in_progress"},
        headers=bearer(key),
    )  # fmt: skip
    assert other.status_code == 404
    assert session.get(WorkOrder, c.ids["order"]).status == "open"


async def test_the_reach_is_read_on_each_call(session: Session, client, served) -> None:
    provider, key, a, _, c = served
    session.get(Tenant, a.tenant_id).status = TenantStatus.suspended.value
    session.get(Tenant, c.tenant_id).provider_id = provider.id  # a new company signed
    session.commit()
    listed = await client.get("/work-orders", headers=bearer(key))
    ids = {row["id"] for row in listed.json()["data"]}
    assert a.ids["order"] not in ids and c.ids["order"] in ids


async def test_a_suspended_providers_key_is_refused(session: Session, client, served) -> None:
    provider, key, _, _, _ = served
    session.get(ServiceProvider, provider.id).status = "suspended"
    session.commit()
    refused = await client.get("/work-orders", headers=bearer(key))
    assert refused.status_code == 401 and refused.json()["code"] == "apikeys.provider_suspended"


async def test_a_tenant_key_cannot_name_another_company(session: Session, client, served) -> None:
    _, _, a, b, _ = served
    own = await client.get(
        "/items", params={"tenant": _code(session, a.tenant_id)}, headers=bearer(a.key)
    )
    assert own.status_code == 200
    other = await client.get(
        "/items", params={"tenant": _code(session, b.tenant_id)}, headers=bearer(a.key)
    )
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "tenant"


def test_a_key_has_exactly_one_owner_and_only_its_provider_revokes_it(
    session: Session, served
) -> None:
    provider, _, a, _, _ = served
    for owners in ({"tenant_id": None, "provider_id": None},
                   {"tenant_id": a.tenant_id, "provider_id": provider.id}):  # fmt: skip
        with pytest.raises(ValidationError):
            create_key(session=session, scope=TenantScope.platform(), name="x",
                       scopes=["items:read"], expires_at=None, actor=ADMIN, now=NOW,
                       **owners)  # fmt: skip
    key, _ = create_key(
        session=session, scope=TenantScope.of(set()), tenant_id=None, provider_id=provider.id,
        name="第二把", scopes=["workorders:read"], expires_at=None, actor=ADMIN, now=NOW,
    )  # fmt: skip
    tenant_scope = TenantScope.single(a.tenant_id)  # a company admin of a served company
    with pytest.raises((NotFoundError, PermissionDeniedError)):
        revoke_key(session=session, scope=tenant_scope, key_id=key.id, actor=ADMIN)
    revoke_key(session=session, scope=tenant_scope, key_id=key.id, actor=ADMIN,
               provider_id=provider.id)  # fmt: skip
    audited = session.exec(
        select(AuditLog).where(AuditLog.entity == "api_key", AuditLog.entity_id == str(key.id))
    ).all()
    assert {e.action for e in audited} == {"api_key.create", "api_key.revoke"}
    assert all("secret" not in str(e.after) and "hash" not in str(e.after) for e in audited)


async def test_a_key_lists_the_companies_it_reaches_by_the_code_tenant_names(
    session: Session, client, served
) -> None:
    """Found by a client written from docs/api.md alone: no call said which codes `?tenant=`
    takes, so a company's key could not even name its own."""
    _, key, a, b, c = served
    reached = await client.get("/companies", headers=bearer(key))
    assert reached.status_code == 200, reached.text
    codes = [row["code"] for row in reached.json()["data"]]
    assert codes == sorted(_code(session, s.tenant_id) for s in (a, b))
    own = (await client.get("/companies", headers=bearer(c.key))).json()["data"]
    company = session.get(Tenant, c.tenant_id)
    assert own == [{"code": company.code, "name": company.name, "status": company.status}]
    narrowed = await client.get(
        "/work-orders", params={"tenant": own[0]["code"]}, headers=bearer(c.key)
    )
    assert narrowed.status_code == 200
    session.get(Tenant, b.tenant_id).status = TenantStatus.suspended.value
    session.commit()
    later = (await client.get("/companies", headers=bearer(key))).json()["data"]
    assert [row["code"] for row in later] == [_code(session, a.tenant_id)]
    assert (await client.get("/companies")).status_code == 401

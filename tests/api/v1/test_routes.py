"""Every route of /api/v1 through the served edge and mount: what it returns, which scope it
needs (a key without it gets 403), and that another tenant's rows are invisible or refused."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from app.apikeys.service import SCOPES
from app.audit.models import AuditLog
from app.items.models import Item, Tag
from app.org.models import Department, User
from app.workorders.models import WorkOrder
from tests.api.v1.conftest import bearer, key_with

PROBLEM = "application/problem+json"
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00")  # as the webhooks write it
READS = {
    "/items": "items:read",
    "/departments": "departments:read",
    "/people": "people:read",
    "/cabinets": "cabinets:read",
    "/stock": "stock:read",
    "/withdrawals": "withdrawals:read",
    "/withdrawals/corrections": "withdrawals:read",
    "/work-orders": "workorders:read",
    "/quota-usage": "quotas:read",
}
ITEM = {
    "name": "订书钉",
    "unit_weight_g": 30,
    "unit_cost_cents": 450,
    "type": "文具",
    "tags": ["常用"],
}
WRITES = [
    ("PUT", "/items/SKU-NEW", ITEM, "items:write"),
    ("PUT", "/departments/D-2", {"name": "财务部"}, "departments:write"),
    ("PUT", "/people/P-2", {"name": "李娜"}, "people:write"),
    ("POST", "/people/P-1/disable", None, "people:write"),
    ("POST", "/work-orders/{order}/status", {"status": "in_progress"}, "workorders:write"),
]


@pytest.mark.dialects("sqlite")
@pytest.mark.parametrize("path", READS)
async def test_each_list_reads_only_the_keys_tenant(client, world, path) -> None:
    a, b = world
    mine = await client.get(path, headers=bearer(a.key))
    theirs = await client.get(path, headers=bearer(b.key))
    assert mine.status_code == theirs.status_code == 200, mine.text
    ids = {r.get("id", r.get("entry_id")) for r in mine.json()["data"]}
    other = {r.get("id", r.get("entry_id")) for r in theirs.json()["data"]}
    assert not ids & other
    if path != "/withdrawals/corrections":  # the world has none yet
        assert ids and other
    stamps = [v for r in mine.json()["data"] for k, v in r.items() if k.endswith("_at") and v]
    assert all(STAMP.fullmatch(v) for v in stamps), stamps  # one way of writing time
    if path == "/stock":  # a row names its cabinet, slot and item by the ids the API uses
        (row,) = mine.json()["data"]
        assert (row["cabinet_id"], row["slot_id"], row["item_id"]) == (
            a.ids["cabinet"], a.ids["slot"], a.ids["item"],
        )  # fmt: skip


@pytest.mark.dialects("sqlite")
@pytest.mark.parametrize("path", READS)
async def test_a_list_needs_its_scope(session: Session, client, world, path) -> None:
    a, _ = world
    others = [s for s in SCOPES if s != READS[path]]
    response = await client.get(path, headers=bearer(key_with(session, a, *others)))
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "api.scope_missing"
    assert READS[path] in response.json()["detail"]


@pytest.mark.dialects("sqlite")
@pytest.mark.parametrize(("method", "path", "body", "scope"), WRITES)
async def test_a_write_needs_its_scope(session, client, world, method, path, body, scope) -> None:
    a, _ = world
    key = key_with(session, a, *[s for s in SCOPES if s != scope])
    path = path.format(order=a.ids["order"])
    response = await client.request(method, path, json=body, headers=bearer(key))
    assert response.status_code == 403, response.text
    granted = await client.request(method, path, json=body, headers=bearer(a.key))
    assert granted.status_code in (200, 201), granted.text


async def test_an_item_is_created_then_updated_by_sku(session: Session, client, world) -> None:
    a, b = world
    created = await client.put("/items/SKU-NEW", json=ITEM, headers=bearer(a.key))
    assert created.status_code == 201, created.text
    assert created.json()["type"] == "文具" and created.json()["tags"] == ["常用"]
    changed = await client.put(
        "/items/SKU-NEW", json={**ITEM, "unit_cost_cents": 500, "tags": []}, headers=bearer(a.key)
    )
    assert changed.status_code == 200 and changed.json()["id"] == created.json()["id"]
    item = session.exec(select(Item).where(Item.sku == "SKU-NEW")).one()
    assert (item.tenant_id, item.unit_cost_cents) == (a.tenant_id, 500)
    assert session.exec(select(Tag).where(Tag.tenant_id == a.tenant_id)).one().name == "常用"
    audited = session.exec(select(AuditLog.action).where(AuditLog.entity == "item")).all()
    assert "item.create" in audited and "item.update" in audited
    # the same SKU in tenant B is B's own item
    again = await client.put("/items/SKU-NEW", json=ITEM, headers=bearer(b.key))
    assert again.status_code == 201 and again.json()["id"] != created.json()["id"]


async def test_an_item_refused_by_the_rules_names_the_field(client, world) -> None:
    a, _ = world
    body = {**ITEM, "unit_weight_g": 10, "weight_tolerance_g": 6}
    response = await client.put("/items/SKU-BAD", json=body, headers=bearer(a.key))
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["errors"] == [{"field": "weight_tolerance_g", "code": "error.validation"}]
    assert {"type", "title", "status", "detail"} <= problem.keys() and problem["status"] == 422


async def test_a_malformed_body_is_a_problem_naming_the_field(client, world) -> None:
    a, _ = world
    response = await client.put("/items/X", json={"name": "x"}, headers=bearer(a.key))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "unit_weight_g"


@pytest.mark.dialects("sqlite")
async def test_a_body_that_is_not_json_is_named_the_body(client, world) -> None:
    """Found by a client written from docs/api.md alone: the field was "1" (the character
    where decoding failed)."""
    a, _ = world
    headers = {**bearer(a.key), "content-type": "application/json", "accept-language": "en"}
    sent = await client.put("/items/SKU-X", content=b"{not json", headers=headers)
    assert sent.status_code == 422
    assert sent.json()["errors"][0]["field"] == "body"
    assert "not valid JSON" in sent.json()["detail"]


@pytest.mark.dialects("sqlite")
async def test_a_refusal_names_the_field_as_the_resource_knows_it(client, world) -> None:
    """Found by a client written from docs/api.md alone: an item without a name was refused
    naming 姓名 (a person's name)."""
    a, _ = world
    item = {k: v for k, v in ITEM.items() if k != "name"}
    missing = await client.put("/items/SKU-X", json=item, headers=bearer(a.key))
    assert missing.json()["errors"][0]["field"] == "name"
    assert "物品名称" in missing.json()["detail"] and "姓名" not in missing.json()["detail"]
    person = await client.put("/people/P-9", json={}, headers=bearer(a.key))
    assert "姓名" in person.json()["detail"]


async def test_a_field_the_api_does_not_know_is_refused_not_ignored(client, world) -> None:
    a, _ = world
    body = {"name": "财务部", "is_active": False}  # departments are not switched off this way
    response = await client.put("/departments/D-9", json=body, headers=bearer(a.key))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "is_active"


async def test_departments_and_people_are_kept_by_external_id(session, client, world) -> None:
    a, _ = world
    h = bearer(a.key)
    top = await client.put("/departments/D-2", json={"name": "财务部"}, headers=h)
    sub = await client.put(
        "/departments/D-3", json={"name": "出纳", "parent_external_id": "D-2"}, headers=h
    )
    assert top.status_code == sub.status_code == 201, sub.text
    assert sub.json()["parent_id"] == top.json()["id"]
    renamed = await client.put("/departments/D-2", json={"name": "财务中心"}, headers=h)
    assert renamed.status_code == 200 and renamed.json()["id"] == top.json()["id"]
    person = {"name": "李娜", "employee_no": "E-9", "department_external_id": "D-3"}
    created = await client.put("/people/P-2", json=person, headers=h)
    assert created.status_code == 201, created.text
    assert created.json()["department_id"] == sub.json()["id"]
    unknown = await client.put(
        "/people/P-3", json={"name": "王", "department_external_id": "nope"}, headers=h
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0] == {"field": "department", "code": "org.unknown_department"}
    off = await client.post("/people/P-2/disable", headers=h)
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert off.json()["department_external_id"] == "D-3"  # as the list shows it
    assert session.exec(select(User).where(User.external_id == "P-2")).one().is_active is False
    assert session.exec(select(Department).where(Department.external_id == "D-2")).one().name == (
        "财务中心"
    )


async def test_another_tenants_rows_cannot_be_changed(session, client, world) -> None:
    a, b = world
    h = bearer(a.key)
    order = await client.post(
        f"/work-orders/{b.ids['order']}/status", json={"status": "done"}, headers=h
    )
    assert order.status_code == 404 and order.headers["content-type"] == PROBLEM
    assert order.json()["code"] == "api.not_found"
    assert "WorkOrder" not in order.text and str(b.ids["order"]) not in order.json()["detail"]
    # B's person P-1 and department D-1 are not A's: A's own P-1 is the one touched
    await client.post("/people/P-1/disable", headers=h)
    people = {u.tenant_id: u.is_active for u in session.exec(select(User))}
    assert people == {a.tenant_id: False, b.tenant_id: True}
    stock = await client.get(f"/stock?cabinet_id={b.ids['cabinet']}", headers=h)
    assert stock.json()["data"] == []
    cut = await client.get(f"/withdrawals?cabinet_id={b.ids['cabinet']}", headers=h)
    assert cut.json()["data"] == []


async def test_a_work_order_moves_on_with_the_consoles_rules(session, client, world) -> None:
    a, _ = world
    path = f"/work-orders/{a.ids['order']}/status"
    h = bearer(a.key)
    assert (await client.post(path, json={"status": "in_progress"}, headers=h)).status_code == 200
    no_reason = await client.post(path, json={"status": "cancelled"}, headers=h)
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    done = await client.post(path, json={"status": "done"}, headers=h)
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert STAMP.fullmatch(done.json()["closed_at"])
    again = await client.post(path, json={"status": "done"}, headers=h)
    assert again.status_code == 422
    assert session.get(WorkOrder, a.ids["order"]).status == "done"


async def test_without_a_key_or_with_a_wrong_one_it_is_401(client, world) -> None:
    a, _ = world
    none = await client.get("/items")
    wrong = await client.get("/items", headers=bearer(a.key[:-2] + "xx"))
    for response in (none, wrong):
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
        assert response.headers["content-type"] == PROBLEM
    english = await client.get("/items", headers={"Accept-Language": "en"})
    assert "Authorization: Bearer" in english.json()["detail"]


async def test_an_unknown_path_is_a_404_problem(client, world) -> None:
    a, _ = world
    response = await client.get("/nothing-here", headers=bearer(a.key))
    assert response.status_code == 404 and response.headers["content-type"] == PROBLEM


async def test_the_openapi_document_and_the_docs_page(client) -> None:
    document = (await client.get("/openapi.json")).json()
    assert document["openapi"].startswith("3.")
    assert document["paths"]["/items/{sku}"]["put"]["x-scopes"] == ["items:write"]
    answers = document["paths"]["/withdrawals"]["get"]["responses"]
    assert {"200", "401", "403", "422", "429"} <= answers.keys()
    problem = {"$ref": "#/components/schemas/Problem"}
    assert answers["429"]["content"]["application/problem+json"]["schema"] == problem
    assert "detail" in document["components"]["schemas"]["Problem"]["properties"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            assert ("Idempotency-Key" in headers) == (method in ("post", "put")), (method, path)
            if method == "put":  # upserts answer 201 when they create
                assert "201" in operation["responses"], path
    page = await client.get("/docs")
    assert page.status_code == 200 and "/api/v1/withdrawals" in page.text
    assert "cdn" not in page.text.lower()


@pytest.mark.dialects("sqlite")
async def test_a_person_is_not_put_into_a_disabled_department(session, client, world) -> None:
    a, _ = world
    department = session.exec(select(Department).where(Department.tenant_id == a.tenant_id)).one()
    department.is_active = False
    session.commit()
    body = {"name": "新人", "department_external_id": department.external_id}
    refused = await client.put("/people/P-NEW", json=body, headers=bearer(a.key))
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "org.department_disabled"
    assert refused.json()["errors"][0]["field"] == "department"
    assert session.exec(select(User).where(User.external_id == "P-NEW")).first() is None

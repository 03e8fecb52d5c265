"""/departments and /people: the org kept in step by an HR system, by external id
(app/org/services/sync.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import Field

from app.api.v1.context import ApiCaller, Body, require_scope, run
from app.api.v1.idempotency import write
from app.api.v1.paging import Cursor, Limit, Page, page
from app.core.paging import decode_id
from app.org.models import Department
from app.org.services import sync

router = APIRouter(tags=["organisation"])
ExternalId = Annotated[str, Path(max_length=64, description="the id your system knows it by")]


class DepartmentIn(Body):
    name: str = Field(max_length=60)
    parent_external_id: str | None = Field(None, max_length=64)


class PersonIn(Body):
    name: str = Field(max_length=60)
    employee_no: str | None = Field(None, max_length=32)
    phone: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=120)
    badge_card_no: str | None = Field(None, max_length=32)
    department_external_id: str | None = Field(None, max_length=64)
    is_active: bool = True


def _department(d) -> dict:
    return {
        "id": d.id,
        "external_id": d.external_id,
        "name": d.name,
        "parent_id": d.parent_id,
        "is_active": d.is_active,
    }


def _person(u, department_external_id: str | None) -> dict:
    return {
        "id": u.id,
        "external_id": u.external_id,
        "name": u.name,
        "employee_no": u.employee_no,
        "department_id": u.department_id,
        "department_external_id": department_external_id,
        "is_active": u.is_active,
    }


@router.get("/departments", response_model=Page, summary="List departments")
async def departments(
    request: Request,
    who: Annotated[ApiCaller, Depends(require_scope("departments:read"))],
    limit: Limit = 100,
    cursor: Cursor = None,
):
    rows, after = await run(
        request, sync.departments_of, scope=who.scope, after_id=decode_id(cursor), limit=limit
    )
    return page([_department(d) for d in rows], after)


def _upsert_department(*, session, who: ApiCaller, external_id: str, body: DepartmentIn):
    department, created = sync.upsert_department(
        session=session, scope=who.scope, tenant_id=who.target_tenant, external_id=external_id,
        name=body.name, parent_external_id=body.parent_external_id, actor=who.actor,
    )  # fmt: skip
    return _department(department), created


@router.put("/departments/{external_id}", summary="Create or update a department")
async def put_department(
    request: Request,
    body: DepartmentIn,
    who: Annotated[ApiCaller, Depends(require_scope("departments:write"))],
    external_id: ExternalId,
):
    return await write(request, who, _upsert_department, external_id=external_id, body=body)


@router.get("/people", response_model=Page, summary="List people")
async def people(
    request: Request,
    who: Annotated[ApiCaller, Depends(require_scope("people:read"))],
    limit: Limit = 100,
    cursor: Cursor = None,
):
    rows, externals, after = await run(
        request, sync.people_of, scope=who.scope, after_id=decode_id(cursor), limit=limit
    )
    return page([_person(u, externals.get(u.department_id)) for u in rows], after)


def _upsert_person(*, session, who: ApiCaller, external_id: str, body: PersonIn):
    person, created = sync.upsert_person(
        session=session, scope=who.scope, tenant_id=who.target_tenant, external_id=external_id,
        spec=sync.PersonSpec(**body.model_dump()), actor=who.actor,
    )  # fmt: skip
    return _person(person, body.department_external_id), created


@router.put("/people/{external_id}", summary="Create or update a person")
async def put_person(
    request: Request,
    body: PersonIn,
    who: Annotated[ApiCaller, Depends(require_scope("people:write"))],
    external_id: ExternalId,
):
    return await write(request, who, _upsert_person, external_id=external_id, body=body)


def _disable(*, session, who: ApiCaller, external_id: str):
    person = sync.disable_person(
        session=session, scope=who.scope, tenant_id=who.target_tenant, external_id=external_id,
        actor=who.actor,
    )  # fmt: skip
    department = session.get(Department, person.department_id) if person.department_id else None
    return _person(person, department.external_id if department else None), False


@router.post("/people/{external_id}/disable", summary="Switch a person off")
async def disable_person(
    request: Request,
    who: Annotated[ApiCaller, Depends(require_scope("people:write"))],
    external_id: ExternalId,
):
    return await write(request, who, _disable, external_id=external_id)

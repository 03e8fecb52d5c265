"""Names with control or text-direction characters are refused on every path that stores one:
the forms' services, the people and whitelist imports (row by row), self-registration, and, as
the last line, any flush of a declared name column (tenants, cabinets: no form writes those)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import text
from sqlmodel import Session, select

from app.audit.services.records import Actor
from app.auth.models import Account
from app.core.errors import ValidationError
from app.core.tenancy import TenantScope
from app.items.services import console as items
from app.org.models import Department, PhoneWhitelist, User
from app.org.services import importer
from app.org.services.departments import create_department, rename_department
from app.org.services.users import UserFields, create_user, update_user
from app.registration.models import VerificationCode
from app.registration.services.registration import register, request_code
from app.registration.services.sender import set_sender
from app.registration.services.whitelist import ImportRowError, add_whitelist, import_whitelist
from app.tenants.models import Tenant
from tests.factories import make_cabinet, make_tenant

ADMIN = Actor(account_id=None, name="管理员")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RLO = "\u202e"  # shows "李娜gpj.exe" as "李娜exe.jpg"
BAD_NAMES = [f"李娜{RLO}gpj.exe", "张\x00伟", "王芳\r\n=HYPERLINK()", "赵\t磊", "刘\u2066洋"]


def _refused(call, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        call()
    assert (caught.value.key, caught.value.params.get("field")) == ("error.unsafe_text", field)


@pytest.mark.parametrize("bad", BAD_NAMES)
def test_the_people_form_refuses_a_bad_name_on_create_and_update(session: Session, bad) -> None:
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)

    def create(name: str) -> User:
        fields = UserFields(name=name)
        return create_user(
            session=session, scope=scope, tenant_id=tenant.id, fields=fields, actor=ADMIN
        )

    _refused(lambda: create(bad), "name")
    person = create("李娜")
    _refused(
        lambda: update_user(
            session=session, scope=scope, user_id=person.id, fields=UserFields(bad), actor=ADMIN
        ),
        "name",
    )
    assert session.exec(select(User.name)).all() == ["李娜"]


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_people_import_names_each_row_with_a_bad_name(session: Session) -> None:
    tenant = make_tenant(session)
    header = ["工号", "姓名", "手机号"]
    files = {
        "people.xlsx": _xlsx([header, ["E1", "王芳", ""], ["E2", f"李娜{RLO}gpj.exe", ""]]),
        "people.csv": '工号,姓名,手机号\nE1,王芳,\nE2,"张\x00伟",\n'.encode(),
    }
    for filename, data in files.items():
        with pytest.raises(importer.ImportRejected) as rejected:
            importer.commit_import(
                session=session,
                scope=TenantScope.single(tenant.id),
                tenant_id=tenant.id,
                rows=importer.read_table(filename, data),
                actor=ADMIN,
            )
        errors = [(e.row, e.column, e.key) for e in rejected.value.plan.errors]
        assert errors == [(3, "name", "error.unsafe_text")], filename
    assert session.exec(select(User)).all() == []


def test_the_whitelist_refuses_a_bad_name_added_or_imported(session: Session) -> None:
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)
    _refused(
        lambda: add_whitelist(
            session=session,
            scope=scope,
            tenant_id=tenant.id,
            phone="13900000001",
            name=f"李娜{RLO}",
            actor=ADMIN,
        ),
        "name",
    )
    rows = [{"phone": "13900000002", "name": "王芳"}, {"phone": "13900000003", "name": "张\n伟"}]
    result = import_whitelist(
        session=session, scope=scope, tenant_id=tenant.id, rows=rows, actor=ADMIN
    )
    assert result.errors == (ImportRowError(3, "name", "whitelist.name_unsafe"),)
    assert session.exec(select(PhoneWhitelist)).all() == []


class _Sender:
    code = ""

    def send(self, phone: str, code: str) -> None:
        self.code = code


def test_self_registration_refuses_a_bad_display_name(session: Session, engine) -> None:
    VerificationCode.__table__.create(engine, checkfirst=True)
    tenant = make_tenant(session)
    add_whitelist(
        session=session,
        scope=TenantScope.single(tenant.id),
        tenant_id=tenant.id,
        phone="13912345678",
        actor=ADMIN,
    )
    sender = _Sender()
    previous = set_sender(sender)
    try:
        request_code(session=session, phone="13912345678", ip="10.0.0.1", now=NOW)
        arguments = {"phone": "13912345678", "code": sender.code, "password": "secret123"}
        _refused(
            lambda: register(session=session, display_name=f"HR{RLO}", now=NOW, **arguments),
            "name",
        )
        assert register(session=session, display_name="李娜", now=NOW, **arguments)
    finally:
        set_sender(previous)
    assert session.exec(select(Account.display_name)).all() == ["李娜"]


def test_departments_and_items_refuse_a_bad_name(session: Session) -> None:
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)

    def department(name: str) -> Department:
        return create_department(
            session=session, scope=scope, tenant_id=tenant.id, name=name, actor=ADMIN
        )

    _refused(lambda: department("销售\n部"), "department")
    sales = department("销售部")
    _refused(
        lambda: rename_department(
            session=session, scope=scope, department_id=sales.id, name=f"{RLO}部", actor=ADMIN
        ),
        "department",
    )

    def item(**overrides) -> None:
        fields = {
            "sku": "PEN-01",
            "name": "中性笔",
            "type_id": None,
            "unit": "支",
            "unit_weight_g": 10.5,
            "weight_tolerance_g": 0.4,
            "unit_cost_cents": 250,
            "requires_approval": False,
            "is_active": True,
        }
        items.save_item(
            session=session,
            scope=scope,
            tenant_id=tenant.id,
            item_id=None,
            fields=items.ItemFields(**(fields | overrides)),
            actor=ADMIN,
        )

    _refused(lambda: item(name=f"A4纸{RLO}"), "item")
    _refused(lambda: item(sku="PEN\x0001"), "sku")
    _refused(lambda: item(unit="支\t个"), "unit")


def test_a_flush_refuses_a_bad_tenant_or_cabinet_name_whoever_writes_it(session: Session) -> None:
    """No form writes tenants or cabinets yet: the declared columns are checked at flush."""
    session.add(Tenant(code="T-BAD", name=f"星月{RLO}科技"))
    _refused(session.flush, "tenant")
    session.rollback()

    cabinet = make_cabinet(session, make_tenant(session))
    cabinet.name = "一楼\n茶水间"
    _refused(session.flush, "cabinet")
    session.rollback()


def test_an_old_row_with_a_bad_name_can_still_be_changed_otherwise(session: Session) -> None:
    """Only what a flush writes is checked: a legacy name does not freeze the row."""
    tenant = make_tenant(session)
    person = User(tenant_id=tenant.id, name="旧名")
    session.add(person)
    session.flush()
    session.execute(
        text("UPDATE app_user SET name = :n WHERE id = :i"), {"n": "旧\t名", "i": person.id}
    )
    session.expire(person)
    person.is_active = False
    session.flush()
    assert person.name == "旧\t名"

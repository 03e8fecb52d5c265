"""Phone whitelist and self-registration, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.auth.models import Account, AccountKind, Role, RoleGrant
from app.auth.services.auth import sign_in
from app.auth.services.passwords import verify_secret
from app.core.errors import DomainError, NotFoundError, PermissionDeniedError, ValidationError
from app.core.model_base import as_utc
from app.core.tenancy import TenantScope
from app.org.models import PhoneWhitelist, User
from app.org.services.validation import normalise_phone
from app.registration.models import VerificationCode
from app.registration.services.registration import (
    CodeRejectedError,
    CompanyChoice,
    CompanyChoiceNeeded,
    register,
    request_code,
)
from app.registration.services.sender import LoggingSender, set_sender
from app.registration.services.whitelist import (
    ImportRowError,
    add_whitelist,
    import_whitelist,
    list_whitelist,
    remove_whitelist,
)
from app.tenants.models import Tenant
from tests.factories import make_department, make_tenant

NOW = datetime.now(UTC).replace(microsecond=0)
ADMIN = Actor(account_id=None, name="企业管理员", ip="10.0.0.9")
PHONE = "13912345678"
PASSWORD = "secret123"


class FakeSender:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, phone: str, code: str) -> None:
        self.sent.append((phone, code))

    @property
    def last_code(self) -> str:
        return self.sent[-1][1]


@pytest.fixture
def session(engine: Engine, session: Session) -> Session:
    """The shared session, with the (not yet migrated) verification_code table created."""
    VerificationCode.__table__.create(engine, checkfirst=True)
    return session


@pytest.fixture
def sender() -> Iterator[FakeSender]:
    fake = FakeSender()
    previous = set_sender(fake)
    yield fake
    set_sender(previous)


def _list(session: Session, tenant: Tenant, phone: str = PHONE, **extra) -> PhoneWhitelist:
    return add_whitelist(
        session=session,
        scope=TenantScope.single(tenant.id),
        tenant_id=tenant.id,
        phone=phone,
        actor=ADMIN,
        **extra,
    )


def _actions(session: Session, action: str) -> list[AuditLog]:
    return list(session.exec(select(AuditLog).where(AuditLog.action == action)))


def _register(session: Session, code: str, **extra) -> Account:
    arguments = {"password": PASSWORD, "ip": "10.0.0.1", **extra}
    return register(session=session, phone=PHONE, code=code, **arguments)


# --- phones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["13912345678", "139 1234 5678", "139-1234-5678", "+86 139 1234 5678", "8613912345678"],
)
def test_mainland_mobile_numbers_are_normalised(raw: str) -> None:
    assert normalise_phone(raw) == "13912345678"


@pytest.mark.parametrize("raw", ["", None, "12912345678", "1391234567", "139123456789", "abc"])
def test_other_numbers_are_refused(raw: str | None) -> None:
    with pytest.raises(ValidationError) as caught:
        normalise_phone(raw)
    assert caught.value.params == {"field": "phone"}


# --- whitelist administration ---------------------------------------------------------------


def test_whitelist_add_list_remove_is_audited_and_tenant_scoped(session: Session) -> None:
    tenant_a, tenant_b = make_tenant(session), make_tenant(session)
    scope_a, scope_b = TenantScope.single(tenant_a.id), TenantScope.single(tenant_b.id)
    sales = make_department(session, tenant_a, "销售部")
    entry = _list(session, tenant_a, "139 1234 5678", name="李娜", department_id=sales.id)
    assert (entry.phone, entry.name, entry.department_id) == (PHONE, "李娜", sales.id)
    created = _actions(session, "phone_whitelist.create")
    assert len(created) == 1 and created[0].tenant_id == tenant_a.id
    assert created[0].actor_name == ADMIN.name

    with pytest.raises(DomainError) as caught:
        _list(session, tenant_a, PHONE)
    assert caught.value.key == "whitelist.phone_already_listed"
    _list(session, tenant_b, PHONE)  # another tenant may list the same phone
    other = make_department(session, tenant_b, "财务部")
    with pytest.raises(ValidationError):
        _list(session, tenant_a, "13900000001", department_id=other.id)

    # Tenant B's admin can neither see, remove nor add to tenant A's list.
    assert [e.tenant_id for e in list_whitelist(session=session, scope=scope_b).entries] == [
        tenant_b.id
    ]
    with pytest.raises(NotFoundError):
        remove_whitelist(session=session, scope=scope_b, entry_id=entry.id, actor=ADMIN)
    with pytest.raises(PermissionDeniedError):
        add_whitelist(
            session=session, scope=scope_b, tenant_id=tenant_a.id, phone="13900000002", actor=ADMIN
        )
    assert session.get(PhoneWhitelist, entry.id) is not None

    remove_whitelist(session=session, scope=scope_a, entry_id=entry.id, actor=ADMIN)
    assert list_whitelist(session=session, scope=scope_a).entries == []
    deleted = _actions(session, "phone_whitelist.delete")
    assert len(deleted) == 1 and deleted[0].before["phone"] == PHONE


def test_whitelist_search_and_keyset_pages(session: Session) -> None:
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)
    for i, name in enumerate(["王芳", "王强", "刘洋"]):
        _list(session, tenant, f"1380000000{i}", name=name)
    first = list_whitelist(session=session, scope=scope, limit=2)
    assert [e.name for e in first.entries] == ["王芳", "王强"] and first.next_after_id is not None
    second = list_whitelist(session=session, scope=scope, after_id=first.next_after_id, limit=2)
    assert [e.name for e in second.entries] == ["刘洋"] and second.next_after_id is None
    assert [e.name for e in list_whitelist(session=session, scope=scope, search="王").entries] == [
        "王芳",
        "王强",
    ]
    found = list_whitelist(session=session, scope=scope, search="0000-0002").entries
    assert [e.name for e in found] == ["刘洋"]
    assert list_whitelist(session=session, scope=scope, search="%").entries == []


def test_import_with_bad_rows_changes_nothing_and_reports_them(session: Session) -> None:
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)
    _list(session, tenant, "13800000000")
    sales = make_department(session, tenant, "销售部", code="S01")
    rows = [
        {"phone": "13800000001", "name": "王芳", "department": "S01"},
        {"phone": "12345", "name": "坏号码"},
        {"phone": "138-0000-0001", "name": "重复"},
        {"phone": "13800000000"},
        {"phone": "  ", "name": "无号码"},
        {"phone": "13800000005", "department": "不存在的部门"},
        {"phone": "13800000006", "name": "名" * 61},
    ]
    result = import_whitelist(
        session=session, scope=scope, tenant_id=tenant.id, rows=rows, actor=ADMIN
    )
    assert not result.ok and result.created == 0
    assert result.errors == (
        ImportRowError(3, "phone", "whitelist.phone_invalid"),
        ImportRowError(4, "phone", "whitelist.phone_duplicate_in_file"),
        ImportRowError(5, "phone", "whitelist.phone_already_listed"),
        ImportRowError(6, "phone", "whitelist.phone_required"),
        ImportRowError(7, "department", "whitelist.department_unknown"),
        ImportRowError(8, "name", "whitelist.name_too_long"),
    )
    assert len(list_whitelist(session=session, scope=scope).entries) == 1
    assert len(_actions(session, "phone_whitelist.create")) == 1

    good = [rows[0], {"phone": "+86 138 0000 0002", "name": "刘洋", "department": "销售部"}]
    result = import_whitelist(
        session=session, scope=scope, tenant_id=tenant.id, rows=good, actor=ADMIN
    )
    assert result.ok and result.created == 2
    entries = list_whitelist(session=session, scope=scope).entries
    assert [(e.phone, e.department_id) for e in entries[1:]] == [
        ("13800000001", sales.id),
        ("13800000002", sales.id),
    ]
    assert len(_actions(session, "phone_whitelist.create")) == 3
    with pytest.raises(PermissionDeniedError):
        import_whitelist(
            session=session,
            scope=TenantScope.single(tenant.id + 1000),
            tenant_id=tenant.id,
            rows=good,
            actor=ADMIN,
        )


# --- verification codes -------------------------------------------------------------------------


def test_only_a_listed_phone_is_sent_a_code_and_it_is_stored_hashed(
    session: Session, sender: FakeSender
) -> None:
    _list(session, make_tenant(session))
    request_code(session=session, phone="+86 139-1234-5678", ip="10.0.0.1", now=NOW)
    assert len(sender.sent) == 1 and sender.sent[0][0] == PHONE
    assert re.fullmatch(r"\d{6}", sender.last_code)
    row = session.exec(select(VerificationCode).where(VerificationCode.phone == PHONE)).one()
    assert row.code_hash != sender.last_code and verify_secret(sender.last_code, row.code_hash)
    assert as_utc(row.expires_at) == NOW + timedelta(minutes=10)

    # An unlisted phone returns the same way, sends nothing, and is rate limited the same way.
    request_code(session=session, phone="13700000000", ip="10.0.0.2", now=NOW)
    assert len(sender.sent) == 1
    for phone in (PHONE, "13700000000"):
        with pytest.raises(DomainError) as caught:
            request_code(session=session, phone=phone, ip="10.0.0.3", now=NOW)
        assert caught.value.key == "register.too_many"


def _too_many(session: Session, phone: str, ip: str, now: datetime) -> int:
    with pytest.raises(DomainError) as caught:
        request_code(session=session, phone=phone, ip=ip, now=now)
    assert caught.value.key == "register.too_many"
    return caught.value.params["seconds"]


def test_rate_limits_per_phone(session: Session) -> None:
    request_code(session=session, phone=PHONE, ip="10.0.0.1", now=NOW)
    assert _too_many(session, PHONE, "10.0.0.2", NOW + timedelta(seconds=20)) == 40
    for minute in range(1, 5):
        request_code(
            session=session, phone=PHONE, ip="10.0.0.1", now=NOW + timedelta(minutes=minute)
        )
    # Five in the last hour: wait until the first one is an hour old.
    assert _too_many(session, PHONE, "10.0.0.1", NOW + timedelta(minutes=10)) == 50 * 60
    request_code(session=session, phone=PHONE, ip="10.0.0.1", now=NOW + timedelta(minutes=60))


def test_rate_limit_per_ip(session: Session) -> None:
    for i in range(20):
        request_code(
            session=session, phone=f"1370000{i:04d}", ip="10.0.0.7", now=NOW + timedelta(seconds=i)
        )
    assert _too_many(session, "13800009999", "10.0.0.7", NOW + timedelta(minutes=30)) == 30 * 60
    request_code(
        session=session, phone="13800009999", ip="10.0.0.8", now=NOW + timedelta(minutes=30)
    )


def test_wrong_codes_count_and_a_code_dies_after_five(session: Session, sender: FakeSender) -> None:
    _list(session, make_tenant(session))
    request_code(session=session, phone=PHONE, ip="10.0.0.1", now=NOW)
    right = sender.last_code
    wrong = "000000" if right != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(CodeRejectedError) as caught:
            _register(session, wrong, now=NOW)
        assert caught.value.key == "register.code_wrong"
        assert caught.value.params == {"attempts_left": left}
    for code in (wrong, right):
        with pytest.raises(CodeRejectedError) as caught:
            _register(session, code, now=NOW)
        assert caught.value.key == "register.code_exhausted"

    request_code(session=session, phone=PHONE, ip="10.0.0.1", now=NOW + timedelta(minutes=2))
    with pytest.raises(CodeRejectedError) as caught:
        _register(session, sender.last_code, now=NOW + timedelta(minutes=13))
    assert caught.value.key == "register.code_expired"
    request_code(session=session, phone=PHONE, ip="10.0.0.1", now=NOW + timedelta(minutes=14))
    assert _register(session, sender.last_code, now=NOW + timedelta(minutes=15)).phone == PHONE


def test_a_wrong_attempt_survives_when_the_caller_commits_on_the_refusal(
    session: Session, engine: Engine, sender: FakeSender
) -> None:
    _list(session, make_tenant(session))
    request_code(session=session, phone=PHONE, ip="10.0.0.1", now=NOW)
    with pytest.raises(CodeRejectedError):
        _register(session, "abcdef", now=NOW)
    session.commit()
    with Session(engine) as fresh:
        assert fresh.exec(select(VerificationCode.attempts)).one() == 1


def test_an_unlisted_phone_cannot_register(session: Session, sender: FakeSender) -> None:
    request_code(session=session, phone=PHONE, ip="10.0.0.1", now=NOW)
    assert sender.sent == []
    with pytest.raises(CodeRejectedError) as caught:
        _register(session, "123456", now=NOW)
    assert caught.value.key == "register.code_wrong"  # same answer as a listed phone's typo


# --- registration ---------------------------------------------------------------------------


def test_register_creates_account_person_and_grant_and_the_employee_can_sign_in(
    session: Session, sender: FakeSender
) -> None:
    tenant = make_tenant(session)
    sales = make_department(session, tenant, "销售部")
    entry = _list(session, tenant, name="李娜", department_id=sales.id)
    request_code(session=session, phone=PHONE, ip="10.0.0.1", now=NOW)
    with pytest.raises(ValidationError) as caught:
        _register(session, sender.last_code, now=NOW, password="onlyletters")
    assert caught.value.params == {"field": "password"}
    assert session.exec(select(VerificationCode.attempts)).one() == 0  # no attempt spent

    account = _register(session, sender.last_code, now=NOW)
    assert (account.username, account.phone, account.display_name, account.kind) == (
        PHONE,
        PHONE,
        "李娜",
        AccountKind.tenant.value,
    )
    user = session.exec(select(User).where(User.account_id == account.id)).one()
    assert (user.tenant_id, user.name, user.phone, user.department_id) == (
        tenant.id,
        "李娜",
        PHONE,
        sales.id,
    )
    grant = session.exec(select(RoleGrant).where(RoleGrant.account_id == account.id)).one()
    assert (grant.scope, grant.tenant_id) == ("tenant", tenant.id)
    assert session.get(Role, grant.role_id).code == "employee"
    assert entry.registered_user_id == user.id
    assert session.exec(select(VerificationCode.used_at)).one() is not None
    (registered,) = _actions(session, "account.register")
    assert (registered.tenant_id, registered.actor_account_id) == (tenant.id, account.id)

    signed = sign_in(session=session, login=PHONE, password=PASSWORD, ip="10.0.0.1")
    assert signed.account.id == account.id

    request_code(session=session, phone=PHONE, ip="10.0.0.1", now=NOW + timedelta(minutes=5))
    with pytest.raises(DomainError) as caught:
        _register(session, sender.last_code, now=NOW + timedelta(minutes=5))
    assert caught.value.key == "register.already_registered"


def test_register_binds_the_tenants_existing_person(session: Session, sender: FakeSender) -> None:
    tenant = make_tenant(session)
    person = User(tenant_id=tenant.id, name="赵磊", phone=PHONE, employee_no="E-1")
    session.add(person)
    session.flush()
    _list(session, tenant)
    request_code(session=session, phone=PHONE, ip="10.0.0.1", now=NOW)
    account = _register(session, sender.last_code, now=NOW, display_name="磊")
    assert account.display_name == "磊" and person.account_id == account.id
    assert len(session.exec(select(User)).all()) == 1
    assert len(_actions(session, "app_user.update")) == 1


def test_a_phone_listed_by_two_tenants_registers_with_the_company_the_person_picks(
    session: Session, sender: FakeSender
) -> None:
    star, sea = make_tenant(session, "星月科技"), make_tenant(session, "海天贸易")
    _list(session, star, name="星月的李娜")
    sea_entry = _list(session, sea, name="海天的李娜")
    request_code(session=session, phone=PHONE, ip="10.0.0.1", now=NOW)

    with pytest.raises(CompanyChoiceNeeded) as caught:
        _register(session, sender.last_code, now=NOW)
    assert caught.value.key == "register.choose_company"
    assert sorted(caught.value.choices, key=lambda c: c.tenant_id) == [
        CompanyChoice(star.id, star.name),
        CompanyChoice(sea.id, sea.name),
    ]
    assert session.exec(select(Account)).all() == []
    # A company that does not list the phone is no choice: the same question again.
    with pytest.raises(CompanyChoiceNeeded):
        _register(session, sender.last_code, now=NOW, tenant_id=make_tenant(session).id)

    account = _register(session, sender.last_code, now=NOW, tenant_id=sea.id)
    user = session.exec(select(User).where(User.account_id == account.id)).one()
    assert (user.tenant_id, user.name) == (sea.id, "海天的李娜")
    assert sea_entry.registered_user_id == user.id
    grant = session.exec(select(RoleGrant).where(RoleGrant.account_id == account.id)).one()
    assert grant.tenant_id == sea.id
    assert session.exec(select(VerificationCode.used_at)).one() is not None


def test_the_companies_are_named_only_once_the_code_is_proven(
    session: Session, sender: FakeSender
) -> None:
    _list(session, make_tenant(session))
    _list(session, make_tenant(session))
    request_code(session=session, phone=PHONE, ip="10.0.0.1", now=NOW)
    wrong = "000000" if sender.last_code != "000000" else "111111"
    with pytest.raises(CodeRejectedError) as caught:
        _register(session, wrong, now=NOW)
    assert caught.value.key == "register.code_wrong" and not hasattr(caught.value, "choices")
    # Nor for a phone whose code was never sent (nobody lists it).
    request_code(session=session, phone="13700000000", ip="10.0.0.2", now=NOW)
    with pytest.raises(CodeRejectedError):
        register(session=session, phone="13700000000", code=wrong, password=PASSWORD, now=NOW)


def test_logs_never_show_the_phone_in_clear(
    session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    previous = set_sender(LoggingSender())
    try:
        caplog.set_level(logging.DEBUG)
        _list(session, make_tenant(session))
        request_code(session=session, phone=PHONE, ip="10.0.0.1", now=NOW)
        code = re.search(r": (\d{6})$", caplog.text, re.MULTILINE)
        assert code is not None and "139****5678" in caplog.text
        with pytest.raises(CodeRejectedError):
            _register(session, "999999" if code.group(1) != "999999" else "888888", now=NOW)
        _register(session, code.group(1), now=NOW)
    finally:
        set_sender(previous)
    assert PHONE not in caplog.text


def test_a_suspended_tenants_list_does_not_count(session: Session, sender: FakeSender) -> None:
    tenant = make_tenant(session)
    _list(session, tenant)
    tenant.status = "suspended"
    session.flush()
    request_code(session=session, phone=PHONE, ip="10.0.0.1", now=NOW)
    assert sender.sent == []

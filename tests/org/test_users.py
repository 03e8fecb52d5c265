"""People: validated forms, uniqueness per tenant, PINs hashed, disabling ends sign-in."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.auth.models import AccountKind, AuthSession
from app.auth.services.auth import sign_in
from app.auth.services.passwords import hash_secret, verify_secret
from app.core.errors import DomainError, ValidationError
from app.core.tenancy import TenantScope
from app.org.services import users as svc
from app.org.services.users import UserFields
from tests.factories import make_account, make_department, make_tenant

ADMIN = Actor(account_id=None, name="admin")


def test_fields_are_cleaned_and_duplicates_refused_within_a_tenant(session: Session) -> None:
    tenant, other = make_tenant(session), make_tenant(session)
    scope = TenantScope.single(tenant.id)
    user = svc.create_user(
        session=session,
        scope=scope,
        tenant_id=tenant.id,
        fields=UserFields(
            name=" 王芳 ",
            phone="+86 139-0000-1111",
            email="WF@Example.com",
            badge_card_no="C0FFEE01",
        ),
        actor=ADMIN,
    )
    assert (user.name, user.phone, user.email) == ("王芳", "13900001111", "wf@example.com")
    with pytest.raises(DomainError) as dup:
        svc.create_user(
            session=session,
            scope=scope,
            tenant_id=tenant.id,
            fields=UserFields(name="李雷", phone="13900001111"),
            actor=ADMIN,
        )
    assert dup.value.params["field"] == "phone"
    # the same phone in another tenant is another person
    svc.create_user(
        session=session,
        scope=TenantScope.single(other.id),
        tenant_id=other.id,
        fields=UserFields(name="李雷", phone="13900001111"),
        actor=ADMIN,
    )
    for bad in (
        UserFields(name=""),
        UserFields(name="x", phone="12345"),
        UserFields(name="x", email="no-at"),
        UserFields(name="x", badge_card_no="!!"),
    ):
        with pytest.raises(ValidationError):
            svc.create_user(
                session=session, scope=scope, tenant_id=tenant.id, fields=bad, actor=ADMIN
            )


def test_pin_is_stored_hashed_and_never_audited_in_clear(session: Session) -> None:
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)
    user = svc.create_user(
        session=session,
        scope=scope,
        tenant_id=tenant.id,
        fields=UserFields(name="赵敏"),
        actor=ADMIN,
    )
    with pytest.raises(ValidationError):
        svc.set_pin(session=session, scope=scope, user_id=user.id, pin="1111", actor=ADMIN)
    svc.set_pin(session=session, scope=scope, user_id=user.id, pin="482915", actor=ADMIN)
    assert verify_secret("482915", user.pin_hash) and "482915" not in user.pin_hash
    entry = session.exec(select(AuditLog).where(AuditLog.action == "app_user.update")).one()
    assert entry.after == {"pin_hash": "<changed>"}


def _person_with_account(session: Session, username: str, name: str):
    """A person of a new tenant who can sign in with password Secret123."""
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)
    account = make_account(
        session,
        username,
        display_name=name,
        password_hash=hash_secret("Secret123"),
        kind=AccountKind.tenant.value,
    )
    fields = UserFields(name=name)
    user = svc.create_user(
        session=session, scope=scope, tenant_id=tenant.id, fields=fields, actor=ADMIN
    )
    user.account_id = account.id
    session.flush()
    return scope, user


def test_disabling_a_person_ends_their_sessions_and_sign_in(session: Session) -> None:
    scope, user = _person_with_account(session, "zhaomin", "赵敏")
    signed = sign_in(session=session, login="zhaomin", password="Secret123", ip="10.1.1.1")
    svc.set_user_active(session=session, scope=scope, user_id=user.id, active=False, actor=ADMIN)
    assert session.get(AuthSession, signed.session_id).revoked_at is not None
    with pytest.raises(DomainError):
        sign_in(session=session, login="zhaomin", password="Secret123", ip="10.1.1.1")


def test_reset_password_checks_strength_and_revokes_sessions(session: Session) -> None:
    scope, user = _person_with_account(session, "lilei", "李雷")
    signed = sign_in(session=session, login="lilei", password="Secret123", ip="10.1.1.2")
    with pytest.raises(ValidationError):
        svc.reset_password(
            session=session, scope=scope, user_id=user.id, new_password="short", actor=ADMIN
        )
    svc.reset_password(
        session=session, scope=scope, user_id=user.id, new_password="NewPass2026", actor=ADMIN
    )
    assert session.get(AuthSession, signed.session_id).revoked_at is not None
    assert sign_in(session=session, login="lilei", password="NewPass2026", ip="10.1.1.2")


def test_list_is_a_filtered_keyset_page(session: Session) -> None:
    tenant, other = make_tenant(session), make_tenant(session)
    scope = TenantScope.single(tenant.id)
    for n in range(7):
        svc.create_user(
            session=session,
            scope=scope,
            tenant_id=tenant.id,
            fields=UserFields(name=f"员工{n}", employee_no=f"E{n:03d}"),
            actor=ADMIN,
        )
    svc.create_user(
        session=session,
        scope=TenantScope.single(other.id),
        tenant_id=other.id,
        fields=UserFields(name="员工X"),
        actor=ADMIN,
    )
    first = svc.list_users(session=session, scope=scope, limit=3)
    second = svc.list_users(session=session, scope=scope, limit=3, after_id=first.next_after)
    third = svc.list_users(session=session, scope=scope, limit=3, after_id=second.next_after)
    names = [u.name for page in (first, second, third) for u in page.rows]
    assert names == [f"员工{n}" for n in range(6, -1, -1)] and third.next_after is None
    assert [u.name for u in svc.list_users(session=session, scope=scope, search="E003").rows] == [
        "员工3"
    ]


def test_nobody_is_placed_in_a_disabled_department(session: Session) -> None:
    """Found by a client written from docs/api.md alone: the API put a person into a disabled
    department (and a crafted console form could too), which disabling one otherwise forbids."""
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)
    closed = make_department(session, tenant, "旧部门")
    closed.is_active = False
    session.flush()
    with pytest.raises(ValidationError) as refused:
        svc.create_user(
            session=session,
            scope=scope,
            tenant_id=tenant.id,
            fields=UserFields(name="王芳", department_id=closed.id),
            actor=ADMIN,
        )
    assert refused.value.key == "org.department_disabled"
    assert refused.value.params == {"field": "department", "name": "旧部门"}
    person = svc.create_user(
        session=session, scope=scope, tenant_id=tenant.id, fields=UserFields(name="王芳"),
        actor=ADMIN,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        svc.update_user(
            session=session,
            scope=scope,
            user_id=person.id,
            fields=UserFields(name="王芳", department_id=closed.id),
            actor=ADMIN,
        )

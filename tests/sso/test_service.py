"""The SSO rules on both databases: the issuer settings (secret kept encrypted, audited without
it, one tenant's only), mapping a verified identity to a person, and the sealed flow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.services.records import SYSTEM
from app.auth.models import Account, AccountKind
from app.cabinets.services.credentials import decrypt_secret
from app.core.errors import DomainError, PermissionDeniedError, ValidationError
from app.core.tenancy import TenantScope
from app.org.models import User
from app.sso.services import sso as service
from app.sso.services.oidc import Flow
from tests.factories import make_account, make_tenant

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TYPED = {
    "issuer": "https://login.acme.example/realms/acme/",
    "client_id": "cabinet-cloud",
    "client_secret": "very-secret",
    "match_field": "phone",
    "claim": "phone_number",
    "sso_only": "on",
}


def _save(session: Session, tenant_id: int, scope: TenantScope | None = None, **changes):
    return service.save_issuer(
        session=session,
        scope=scope or TenantScope.single(tenant_id),
        tenant_id=tenant_id,
        typed={**TYPED, **changes},
        actor=SYSTEM,
        now=NOW,
    )


def test_the_client_secret_is_stored_encrypted_and_never_audited(session: Session) -> None:
    tenant = make_tenant(session)
    row = _save(session, tenant.id)
    assert row.issuer == "https://login.acme.example/realms/acme"  # trailing slash dropped
    assert "very-secret" not in row.client_secret_ciphertext
    assert decrypt_secret(row.client_secret_ciphertext) == b"very-secret"
    entries = session.exec(select(AuditLog).where(AuditLog.action == "sso.settings")).all()
    assert len(entries) == 1 and "very-secret" not in str(entries[0].after)
    assert entries[0].after["client_secret_changed"] is True
    view = service.issuer_view(session, tenant.id)
    assert "very-secret" not in str(view) and view["has_secret"] == "yes"
    assert view["sso_only"] == "on" and view["company"] == tenant.code


def test_a_blank_secret_keeps_the_stored_one_but_a_first_save_needs_one(session: Session) -> None:
    tenant = make_tenant(session)
    with pytest.raises(ValidationError) as refused:
        _save(session, tenant.id, client_secret="")
    assert refused.value.params["field"] == "client_secret"
    first = _save(session, tenant.id).client_secret_ciphertext
    row = _save(session, tenant.id, client_secret="", sso_only="")
    assert row.client_secret_ciphertext == first and row.sso_only is False


@pytest.mark.dialects("sqlite")  # validation only: no need to pay for a PostgreSQL database
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("issuer", "http://idp.acme.example"),  # not TLS, not this machine
        ("issuer", "https://idp.acme.example/?tenant=1"),
        ("claim", "email; drop"),
        ("match_field", "nickname"),
        ("client_id", ""),
    ],
)
def test_bad_settings_are_refused_by_field(session: Session, field: str, value: str) -> None:
    tenant = make_tenant(session)
    with pytest.raises(ValidationError) as refused:
        _save(session, tenant.id, **{field: value})
    assert refused.value.params["field"] == field


def test_one_tenant_cannot_set_anothers_identity_provider(session: Session) -> None:
    mine, theirs = make_tenant(session), make_tenant(session)
    with pytest.raises(PermissionDeniedError):
        _save(session, theirs.id, scope=TenantScope.single(mine.id))


def _person(session: Session, tenant_id: int, *, active: bool = True, account: bool = True):
    login = None
    if account:
        login = make_account(
            session, f"p{tenant_id}_{active}", display_name="李雷", kind=AccountKind.tenant.value
        )
    user = User(
        tenant_id=tenant_id,
        name="李雷",
        phone="13800138000",
        employee_no="E-7",
        account_id=login.id if login else None,
        is_active=active,
    )
    session.add(user)
    session.flush()
    return user


def _sign_in(session: Session, tenant_id: int, claims: dict):
    return service.sign_in(
        session=session, tenant_id=tenant_id, claims=claims, ip="10.0.0.1", now=NOW
    )


def test_a_phone_claim_is_normalised_before_it_is_matched(session: Session) -> None:
    tenant = make_tenant(session)
    _save(session, tenant.id)
    user = _person(session, tenant.id)
    signed = _sign_in(session, tenant.id, {"sub": "x", "phone_number": "+86 138-0013-8000"})
    assert signed.account.id == user.account_id


def test_employee_numbers_match_only_inside_the_tenant(session: Session) -> None:
    tenant, other = make_tenant(session), make_tenant(session)
    _save(session, tenant.id, match_field="employee_no", claim="employee_id")
    _person(session, other.id)  # the same employee number, another company
    with pytest.raises(DomainError) as refused:
        _sign_in(session, tenant.id, {"sub": "x", "employee_id": "E-7"})
    assert refused.value.key == "sso.unknown_person"


@pytest.mark.parametrize(
    ("active", "account", "key"),
    [(False, True, "sso.unknown_person"), (True, False, "sso.no_account")],
)
def test_no_account_is_ever_made_by_a_sign_in(
    session: Session, active: bool, account: bool, key: str
) -> None:
    tenant = make_tenant(session)
    _save(session, tenant.id)
    _person(session, tenant.id, active=active, account=account)
    accounts = len(session.exec(select(Account)).all())
    with pytest.raises(DomainError) as refused:
        _sign_in(session, tenant.id, {"sub": "x", "phone_number": "13800138000"})
    assert refused.value.key == key
    assert len(session.exec(select(Account)).all()) == accounts


def test_a_token_without_the_mapped_claim_is_refused(session: Session) -> None:
    tenant = make_tenant(session)
    _save(session, tenant.id)
    with pytest.raises(DomainError) as refused:
        _sign_in(session, tenant.id, {"sub": "x", "email": "li@acme.example"})
    assert refused.value.key == "sso.no_claim"


def test_a_flow_is_readable_only_untouched_and_in_time() -> None:
    flow = Flow(
        "T1", "state", "nonce", "v" * 64, "/", int((NOW + timedelta(minutes=10)).timestamp())
    )
    sealed = flow.seal()
    assert Flow.unseal(sealed, NOW) == flow
    assert Flow.unseal(sealed, NOW + timedelta(minutes=11)) is None
    assert Flow.unseal(sealed[:-4] + "AAAA", NOW) is None
    assert Flow.unseal("v1:" + "A" * 40, NOW) is None
    assert Flow.unseal(None, NOW) is None

"""A company's workplace IM apps (WeCom, DingTalk, Feishu) on both databases: each kind's own
fields checked by name, the secret kept encrypted and never shown or audited, one app per kind
and tenant, no tenant reaching another's, what the phone's sign-in page offers, and the member
record mapped to a person by the field the company chose."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.services.records import SYSTEM
from app.auth.models import AccountKind
from app.cabinets.services.credentials import decrypt_secret
from app.core.errors import DomainError, PermissionDeniedError, ValidationError
from app.core.tenancy import TenantScope
from app.org.models import User
from app.sso.models import ImApp
from app.sso.services.im_service import im_config, im_kinds, im_row, im_view, save_im_app, sign_in
from app.sso.services.oidc import SsoRefused
from app.tenants.models import Tenant, TenantStatus
from tests.factories import make_account, make_tenant

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TYPED = {
    "wecom": {"corp_id": "ww0123abcd", "agent_id": "1000002", "secret": "wecom-secret"},
    "dingtalk": {"client_id": "dingabc123", "corp_id": "ding9f50b15b", "secret": "dt-secret"},
    "feishu": {"app_id": "cli_a5d611352af9", "tenant_key": "736588c92lxf175d", "secret": "fs-s"},
}


def _save(session: Session, tenant_id: int, kind: str, scope: TenantScope | None = None, **typed):
    return save_im_app(
        session=session,
        scope=scope or TenantScope.single(tenant_id),
        tenant_id=tenant_id,
        kind=kind,
        typed={**TYPED[kind], **typed},
        actor=SYSTEM,
        now=NOW,
    )


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu"])
def test_each_ims_secret_is_stored_encrypted_and_never_shown_or_audited(
    session: Session, kind: str
) -> None:
    tenant = make_tenant(session)
    secret = TYPED[kind]["secret"]
    row = _save(session, tenant.id, kind)
    assert row.kind == kind and secret not in row.secret_ciphertext
    assert decrypt_secret(row.secret_ciphertext) == secret.encode()
    view = im_view(session, tenant.id, kind)
    assert secret not in str(view) and view["has_secret"] == "yes"
    assert {k: view[k] for k in TYPED[kind] if k != "secret"} == {
        k: v for k, v in TYPED[kind].items() if k != "secret"
    }
    entries = session.exec(
        select(AuditLog).where(
            AuditLog.action == f"sso.{kind}_settings", AuditLog.tenant_id == tenant.id
        )
    ).all()
    assert len(entries) == 1 and secret not in str(entries[0].after)
    assert entries[0].after["secret_changed"] is True and entries[0].entity == "im_app"


def test_a_blank_secret_keeps_the_stored_one_but_a_first_save_needs_one(session: Session) -> None:
    tenant = make_tenant(session)
    with pytest.raises(ValidationError) as refused:
        _save(session, tenant.id, "feishu", secret="")
    assert refused.value.params["field"] == "secret"
    first = _save(session, tenant.id, "feishu")
    again = _save(session, tenant.id, "feishu", secret="", tenant_key="")
    assert again.id == first.id and again.org_id == ""
    assert decrypt_secret(again.secret_ciphertext) == b"fs-s"


@pytest.mark.dialects("sqlite")  # validation only
@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        ("wecom", "corp_id", "ww 01"),
        ("wecom", "agent_id", ""),
        ("wecom", "match_field", "job_no"),  # WeCom has no separate 工号 field
        ("wecom", "match_field", "email"),
        ("dingtalk", "client_id", ""),
        ("dingtalk", "corp_id", "ding<script>"),
        ("dingtalk", "client_id", "d" * 65),
        ("dingtalk", "match_field", "job_no"),
        ("feishu", "app_id", ""),
        ("feishu", "tenant_key", "key with spaces"),
        ("feishu", "secret", "s" * 129),
        ("feishu", "match_field", "email"),
    ],
)
def test_bad_settings_are_refused_by_the_fields_own_name(
    session: Session, kind: str, field: str, value: str
) -> None:
    tenant = make_tenant(session)
    with pytest.raises(ValidationError) as refused:
        _save(session, tenant.id, kind, **{field: value})
    assert refused.value.params["field"] == field


@pytest.mark.dialects("sqlite")
def test_an_unknown_kind_of_im_is_refused(session: Session) -> None:
    tenant = make_tenant(session)
    with pytest.raises(ValidationError) as refused:
        save_im_app(
            session=session,
            scope=TenantScope.single(tenant.id),
            tenant_id=tenant.id,
            kind="slack",
            typed={"app_id": "x", "secret": "y"},
            actor=SYSTEM,
        )
    assert refused.value.params["field"] == "kind"


@pytest.mark.dialects("sqlite")
def test_the_optional_organisation_may_be_left_blank(session: Session) -> None:
    tenant = make_tenant(session)
    assert _save(session, tenant.id, "dingtalk", corp_id="").org_id == ""
    assert _save(session, tenant.id, "feishu", tenant_key="", match_field="job_no").org_id == ""


def test_one_app_per_kind_and_tenant_and_none_reached_from_another_tenant(
    session: Session,
) -> None:
    mine, theirs = make_tenant(session), make_tenant(session)
    for kind in ("feishu", "wecom"):
        _save(session, mine.id, kind)
    _save(session, mine.id, "wecom", agent_id="1000009")  # replaces, does not add
    rows = session.exec(select(ImApp).where(ImApp.tenant_id == mine.id)).all()
    assert sorted((r.kind, r.agent_id) for r in rows) == [("feishu", ""), ("wecom", "1000009")]
    with pytest.raises(PermissionDeniedError):
        _save(session, theirs.id, "dingtalk", scope=TenantScope.single(mine.id))
    assert im_row(session, theirs.id, "wecom") is None
    assert im_view(session, theirs.id, "wecom")["has_secret"] == ""
    assert im_kinds(session=session, tenant_code=mine.code) == ["wecom", "feishu"]
    assert im_kinds(session=session, tenant_code=theirs.code) == []
    assert im_kinds(session=session, tenant_code="NO-SUCH") == []


def _suspend(session: Session, tenant_id: int) -> None:
    tenant = session.get(Tenant, tenant_id)
    tenant.status = TenantStatus.suspended.value
    session.add(tenant)
    session.flush()


def test_a_suspended_company_offers_no_im_sign_in(session: Session) -> None:
    tenant = make_tenant(session)
    _save(session, tenant.id, "dingtalk")
    config = im_config(session=session, tenant_code=tenant.code, kind="dingtalk")
    assert (config.app_id, config.org_id, config.secret) == (
        "dingabc123",
        "ding9f50b15b",
        "dt-secret",
    )
    with pytest.raises(SsoRefused) as refused:
        im_config(session=session, tenant_code=tenant.code, kind="feishu")
    assert refused.value.key == "sso.not_configured"
    _suspend(session, tenant.id)
    assert im_kinds(session=session, tenant_code=tenant.code) == []
    with pytest.raises(SsoRefused) as refused:
        im_config(session=session, tenant_code=tenant.code, kind="dingtalk")
    assert refused.value.key == "sso.not_configured"


def _employee(session: Session, tenant_id: int) -> User:
    account = make_account(
        session, f"im{tenant_id}", display_name="韩梅梅", kind=AccountKind.tenant.value
    )
    person = User(
        tenant_id=tenant_id,
        name="韩梅梅",
        phone="13800138000",
        employee_no="E-9",
        account_id=account.id,
    )
    session.add(person)
    session.flush()
    return person


@pytest.mark.parametrize(
    ("match_field", "claims"),
    [
        ("employee_no", {"user_id": "E-9", "employee_no": "x", "union_id": "on_1"}),
        ("job_no", {"user_id": "5d9bd", "employee_no": "E-9", "union_id": "on_1"}),
        ("phone", {"user_id": "5d9bd", "mobile": "+8613800138000", "union_id": "on_1"}),
    ],
)
def test_a_feishu_member_is_matched_by_the_field_the_company_chose(
    session: Session, match_field: str, claims: dict
) -> None:
    tenant = make_tenant(session)
    _save(session, tenant.id, "feishu", match_field=match_field)
    person = _employee(session, tenant.id)
    signed = sign_in(
        session=session, tenant_id=tenant.id, kind="feishu", claims=claims, ip="10.0.0.1", now=NOW
    )
    assert signed.account.id == person.account_id


def test_a_member_record_without_the_matched_field_is_refused_and_audited(
    session: Session,
) -> None:
    tenant = make_tenant(session)
    _save(session, tenant.id, "feishu", match_field="job_no")
    _employee(session, tenant.id)
    with pytest.raises(DomainError) as refused:  # the app was not granted the 工号 field
        sign_in(
            session=session,
            tenant_id=tenant.id,
            kind="feishu",
            claims={"user_id": "E-9", "union_id": "on_1"},
            ip="10.0.0.1",
            now=NOW,
        )
    assert refused.value.key == "sso.no_claim"
    entry = session.exec(
        select(AuditLog).where(
            AuditLog.action == "auth.sso_refused", AuditLog.tenant_id == tenant.id
        )
    ).one()
    assert entry.entity == "im_app" and entry.after["subject"] == "on_1"

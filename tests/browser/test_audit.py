"""The audit page: a tenant admin sees full values; a provider admin sees them masked."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlmodel import Session

from app.audit.services import audit
from app.audit.services.records import Actor, update_scoped
from app.cabinets.models import Cabinet
from app.core.db import make_engine
from app.core.tenancy import TenantScope
from app.items.models import Item
from app.org.models import User
from app.org.services.users import UserFields, create_user
from app.tenants.models import Tenant
from tests.browser.conftest import RunningApp, at_path, screenshot, sign_in

PHONE = "13955556666"


def _person_created_in_tenant_xy(app: RunningApp) -> None:
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            tenant = session.exec(select(Tenant).where(Tenant.code == "TN-XY")).scalar_one()
            create_user(
                session=session,
                scope=TenantScope.single(tenant.id),
                tenant_id=tenant.id,
                fields=UserFields(name="审计测试", phone=PHONE, badge_card_no="AUDIT0001"),
                actor=Actor(account_id=None, name="审计员"),
            )
            session.commit()
    finally:
        engine.dispose()


def _changes_in_tenant_xy(app: RunningApp) -> None:
    """An item's price changed by a person, and a wrong PIN refused by a cabinet."""
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            tenant = session.exec(select(Tenant).where(Tenant.code == "TN-XY")).scalar_one()
            item = session.exec(select(Item).where(Item.tenant_id == tenant.id)).scalars().first()
            cabinet = (
                session.exec(select(Cabinet).where(Cabinet.tenant_id == tenant.id))
                .scalars()
                .first()
            )
            person = session.exec(select(User).where(User.tenant_id == tenant.id)).scalars().first()
            scope = TenantScope.single(tenant.id)
            actor = Actor(account_id=None, name="审计员")
            update_scoped(
                session,
                Item,
                item.id,
                scope,
                {"unit_cost_cents": item.unit_cost_cents + 1},
                actor=actor,
            )
            audit.record(
                session=session,
                action="door.pin_refused",
                entity="app_user",
                entity_id=person.id,
                tenant_id=tenant.id,
                actor_name=f"cabinet {cabinet.code}",
                after={"cabinet": cabinet.code},
            )
            session.commit()
    finally:
        engine.dispose()


def _open_audit(browser, app: RunningApp, login: str, **kwargs):
    context, page = sign_in(browser, app, login, **kwargs)
    page.goto(app.url + "/audit")
    page.wait_for_url(at_path(app, "/audit"))
    page.wait_for_selector('#audit[data-loaded="true"]', timeout=60_000)
    return context, page


def test_audit_shows_changes_masked_for_viewers_without_unmask(browser, running_app) -> None:
    _person_created_in_tenant_xy(running_app)

    context, page = _open_audit(browser, running_app, "xy_admin")
    page.fill("#audit-actor", "审计员")
    page.click("#audit-filter")
    page.wait_for_function(
        "p => document.querySelector('#audit-table').innerText.includes(p)", arg=PHONE
    )
    assert page.locator("#audit-unmasked").count() == 1
    table = page.inner_text("#audit-table")
    assert "新建" in table and "人员 审计测试" in table
    assert page.locator("#audit-table .audit-diff").count() >= 1
    screenshot(page, "audit-unmasked-zh-CN-1440x900")
    context.close()

    context, page = _open_audit(browser, running_app, "hx_admin")  # provider admin: no unmask
    page.fill("#audit-actor", "审计员")
    page.click("#audit-filter")
    page.wait_for_function(
        "() => document.querySelector('#audit-table').innerText.includes('139****6666')"
    )
    text = page.inner_text("#audit-table")
    assert PHONE not in text and "AUD*****0001" not in text.replace("AUDIT0001", "")
    assert "AUDIT0001" not in text
    assert page.locator("#audit-masked").count() == 1
    screenshot(page, "audit-masked-zh-CN-1440x900")
    page.click("#lang-switch")
    page.wait_for_selector("text=Sensitive values masked")
    page.wait_for_selector("#audit-table >> text=person 审计测试")  # the rows follow the switch
    screenshot(page, "audit-masked-en-1440x900")
    context.close()


def test_sign_ins_and_failures_are_in_the_audit_log(browser, running_app) -> None:
    import httpx

    httpx.post(f"{running_app.url}/api/auth/login", json={"login": "lm_admin", "password": "x"})
    context, page = _open_audit(browser, running_app, "lm_admin", width=390, height=844)
    page.select_option("#audit-action", "auth.")
    page.click("#audit-filter")
    page.wait_for_selector("text=登录失败")
    assert "登录" in page.inner_text("#audit-table")
    # on a phone each entry is a card whose cells are labelled with their column
    assert page.locator("#audit-table td[data-label='操作人']").first.is_visible()
    screenshot(page, "audit-sign-ins-zh-CN-390x844")
    context.close()


def test_audit_in_english_reads_as_sentences_with_a_diff_table(browser, running_app) -> None:
    """Names, not "#7"; a field | before | after table, not JSON; no internal actor names."""
    _changes_in_tenant_xy(running_app)
    context, page = sign_in(browser, running_app, "xy_admin", landed=None)
    context.add_cookies([{"name": "locale", "value": "en", "url": running_app.url}])
    page.goto(running_app.url + "/audit")
    page.wait_for_selector("html[lang='en']", state="attached")
    page.wait_for_selector('#audit[data-loaded="true"]', timeout=60_000)
    page.wait_for_selector("#audit-table .audit-diff")
    screenshot(page, "audit-sentences-en-1440x900")
    diff = page.locator("#audit-table .audit-diff").first
    assert diff.is_visible()
    assert diff.locator(".audit-diff-head").all_inner_texts() == ["Field", "Before", "After"]
    text = page.inner_text("#audit-table")
    assert "refused a wrong PIN of" in text and "Cabinet CAB-XY-" in text
    assert "changed" in text and "unit cost (cents)" in text
    assert "{" not in text and '":' not in text
    for internal in ("door sessions", "cabinet screen", "device_command", "app_user"):
        assert internal not in text
    targets = page.locator("#audit-table .audit-target").all_inner_texts()
    missing = [t for t in targets if re.search(r"#\d+", t)]
    assert not missing, missing  # every target in the demo still exists, so each has a name
    context.close()

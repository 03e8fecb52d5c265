"""Signing a new customer with no database work (issue 19): in Chromium the platform operator
creates a service provider and a tenant, each with its first administrator; the tenant's admin
signs in with the password the operator gave, registers a cabinet, and a simulated cabinet
started from the downloaded bundle alone comes online; the provider's admin sees the tenant;
suspending the tenant shows on its row."""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from app.cabinets.models import Cabinet
from app.core.db import make_engine
from hardware.simulator.fleet import spec_from_bundle
from hardware.simulator.run import FleetOptions
from tests.browser.conftest import RunningApp, at_path, powered_in_thread, screenshot, sign_in
from tests.browser.powered import until
from tests.browser.provisioning import download_bundle, open_registration, register

PASSWORD = "Welcome2027"


def _online(app: RunningApp, code: str) -> bool:
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            cabinet = session.exec(select(Cabinet).where(Cabinet.code == code)).first()
            return bool(cabinet and cabinet.is_online)
    finally:
        engine.dispose()


def _own_sign_in(browser, app: RunningApp, username: str, landed: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(app.url + "/login")
    page.fill("#login", username)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector(landed, timeout=60_000)
    return context, page


def _first_admin(page, prefix: str, name: str, username: str) -> None:
    page.fill(f"#{prefix}-admin_name", name)
    page.fill(f"#{prefix}-admin_username", username)
    page.fill(f"#{prefix}-admin_password", PASSWORD)


def test_the_operator_onboards_a_provider_and_a_tenant_whose_admin_provisions_a_cabinet(
    browser, running_app: RunningApp, tmp_path
) -> None:
    tag = uuid.uuid4().hex[:4].upper()
    provider_code, tenant_code = f"SP-{tag}", f"TN-{tag}"
    operator, page = sign_in(browser, running_app, "operator")
    page.click('[data-nav="/platform/providers"]')  # offered in the sidebar
    page.wait_for_selector('#providers[data-loaded="true"]', timeout=30_000)
    page.click("#provider-new")
    page.fill("#provider-code", provider_code.lower())  # upper-cased by the service
    page.fill("#provider-name", f"远航办公服务{tag}")
    page.fill("#provider-contact_name", "周敏")
    _first_admin(page, "provider", "周敏", f"sp_{tag.lower()}")
    page.click("#provider-save")
    page.wait_for_selector("#provider-created", timeout=15_000)
    assert f"sp_{tag.lower()}" in page.inner_text("#provider-created")
    assert page.locator(f'.provider-row[data-code="{provider_code}"]').count() == 1
    screenshot(page, "platform-providers-1440")

    page.click('[data-nav="/platform/tenants"]')
    page.wait_for_selector('#tenants[data-loaded="true"]', timeout=30_000)
    page.click("#tenant-new")
    page.fill("#tenant-code", tenant_code)
    page.fill("#tenant-name", f"启明医疗{tag}")
    page.select_option("#tenant-provider_id", label=f"远航办公服务{tag}")
    page.fill("#tenant-contract_start", "2026-12-01")
    page.fill("#tenant-contract_end", "2026-11-30")  # before it starts: refused, field named
    _first_admin(page, "tenant", "孙悦", f"tn_{tag.lower()}")
    page.click("#tenant-save")
    page.wait_for_selector("#tenant-form-error", timeout=15_000)
    assert "合同结束日期" in page.inner_text("#tenant-form-error")
    page.fill("#tenant-contract_end", "2027-11-30")
    page.click("#tenant-save")
    page.wait_for_selector("#tenant-created", timeout=15_000)
    row = page.locator(f'.tenant-row[data-code="{tenant_code}"]')
    assert "试用" in row.inner_text() and f"远航办公服务{tag}" in row.inner_text()
    screenshot(page, "platform-tenants-1440")

    # the new tenant's admin: own password, own console, a cabinet registered and powered
    admin, console = _own_sign_in(
        browser, running_app, f"tn_{tag.lower()}", '#home[data-loaded="true"]'
    )
    open_registration(console, running_app)
    cabinet_code = f"CAB-{tag}-01"
    register(console, cabinet_code, "一楼领用柜")
    bundle = download_bundle(console, tmp_path)
    spec, broker = spec_from_bundle(bundle)
    options = FleetOptions(broker=broker, outbox_dir=tmp_path, visits_per_min=0, heartbeat_s=2)
    with powered_in_thread(spec, options, seed=5):
        until(lambda: _online(running_app, cabinet_code), 30, "the new cabinet never came online")
    screenshot(console, "tenant-admin-first-cabinet-1440")

    # the provider's admin sees the tenant they now serve, and their own staff page
    provider_admin, staff = _own_sign_in(browser, running_app, f"sp_{tag.lower()}", "#console-main")
    staff.goto(running_app.url + "/provider/staff")
    staff.wait_for_selector('#staff[data-loaded="true"]', timeout=30_000)
    assert f"sp_{tag.lower()}" in staff.inner_text("#staff-table")
    screenshot(staff, "provider-staff-1440")

    # suspended: its row says so (the refusals themselves are unit-tested)
    page.locator(f'.tenant-row[data-code="{tenant_code}"] .tenant-edit').click()
    page.select_option("#tenant-status", "suspended")
    page.click("#tenant-save")
    page.wait_for_function(
        "([code]) => (document.querySelector(`.tenant-row[data-code='${code}']`)?.innerText"
        " || '').includes('已停用')",
        arg=[tenant_code],
        timeout=15_000,
    )
    assert at_path(running_app, "/platform/tenants").match(page.url)
    for context in (operator, admin, provider_admin):
        context.close()

"""The departments page as a tenant admin uses it: create, rename, a name clash, move, disable."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from app.core.db import make_engine
from app.org.models import Department
from app.tenants.models import Tenant
from tests.browser.conftest import RunningApp, at_path, screenshot, sign_in

DEMO_TOPS = ("总经办", "财务部", "人力资源部", "研发中心", "市场部", "行政部")


def _departments(app: RunningApp) -> dict[str, Department]:
    """Tenant TN-XY's departments by name, as the database holds them now."""
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine, expire_on_commit=False) as session:
            tenant = session.exec(select(Tenant).where(Tenant.code == "TN-XY")).scalar_one()
            rows = session.exec(select(Department).where(Department.tenant_id == tenant.id))
            return {row.name: row for row in rows.scalars()}
    finally:
        engine.dispose()


def _open_departments(browser, app: RunningApp, **kwargs):
    context, page = sign_in(browser, app, "xy_admin", **kwargs)
    page.goto(app.url + "/departments")
    page.wait_for_url(at_path(app, "/departments"))
    page.wait_for_selector('#departments[data-loaded="true"]', timeout=60_000)
    return context, page


def _row(page, name: str):
    return page.locator(f'#dept-tree tbody tr[data-dept="{name}"]')


def _submit_and_close(page) -> None:
    page.click("#dept-save")
    page.wait_for_selector("#dept-dialog", state="detached")


def test_a_tenant_admin_builds_and_changes_the_tree(browser, running_app: RunningApp) -> None:
    context, page = _open_departments(browser, running_app)
    before = _departments(running_app)
    tree = page.inner_text("#dept-tree")
    for name in (*DEMO_TOPS, "前端组", "后端组", "测试组"):
        assert name in tree, name
    assert page.locator("#dept-tree tbody tr").count() == len(before)
    assert "启用" in _row(page, "研发中心").inner_text()
    screenshot(page, "departments-zh-CN-1440x900")

    # create a sub-department under 研发中心
    rnd = before["研发中心"]
    page.click("#dept-new")
    page.fill("#dept-name", "智能硬件组")
    page.select_option("#dept-parent", value=str(rnd.id))
    _submit_and_close(page)
    _row(page, "智能硬件组").wait_for()
    created = _departments(running_app)["智能硬件组"]
    assert created.parent_id == rnd.id and created.path == f"{rnd.path}{created.id}/"
    assert created.is_active

    # rename it
    _row(page, "智能硬件组").locator('button[data-action="rename"]').click()
    assert page.input_value("#dept-name") == "智能硬件组"
    page.fill("#dept-name", "硬件组")
    _submit_and_close(page)
    _row(page, "硬件组").wait_for()
    after = _departments(running_app)
    assert "智能硬件组" not in after and after["硬件组"].id == created.id

    # a sibling already has the name: the dialog says so, in Chinese, and nothing changes
    _row(page, "硬件组").locator('button[data-action="rename"]').click()
    page.fill("#dept-name", "前端组")
    page.click("#dept-save")
    page.wait_for_selector("#dept-error")
    assert "同一上级下已有部门「前端组」" in page.inner_text("#dept-error")
    screenshot(page, "departments-name-clash-zh-CN-1440x900")
    page.click("#dept-cancel")
    page.wait_for_selector("#dept-dialog", state="detached")
    assert _departments(running_app)["硬件组"].id == created.id

    # move it to the top level
    _row(page, "硬件组").locator('button[data-action="move"]').click()
    assert page.input_value("#dept-parent") == str(rnd.id)
    page.select_option("#dept-parent", value="")
    _submit_and_close(page)
    page.wait_for_function(
        "() => !document.querySelector('#dept-tree tbody tr[data-dept=\"硬件组\"] svg')"
        "?.classList.contains('lucide-corner-down-right')"
    )
    moved = _departments(running_app)["硬件组"]
    assert moved.parent_id is None and moved.path == f"/{created.id}/"

    # disable it (no one works there)
    row = _row(page, "硬件组")
    row.locator('button[data-action="toggle"]').click()
    page.wait_for_selector('#dept-tree tbody tr[data-dept="硬件组"][data-active="false"]')
    assert "停用" in row.locator(".dept-status").inner_text()
    assert _departments(running_app)["硬件组"].is_active is False

    # a department with people cannot be disabled: a translated toast, nothing changes
    _row(page, "研发中心").locator('button[data-action="toggle"]').click()
    page.wait_for_selector("text=仍有在职人员")
    assert _departments(running_app)["研发中心"].is_active is True

    # merge a new department into 行政部: a target is required, then the source is disabled
    page.click("#dept-new")
    page.fill("#dept-name", "临时组")
    _submit_and_close(page)
    _row(page, "临时组").locator('button[data-action="merge"]').click()
    assert "临时组" in page.inner_text("#dept-dialog-hint")
    page.click("#dept-save")
    page.wait_for_selector("#dept-error")
    assert "请选择要合并到的部门" in page.inner_text("#dept-error")
    target = before["行政部"]
    page.select_option("#dept-target", value=str(target.id))
    _submit_and_close(page)
    page.wait_for_selector('#dept-tree tbody tr[data-dept="临时组"][data-active="false"]')
    assert _departments(running_app)["临时组"].is_active is False

    # the page in English
    page.click("#lang-switch")
    page.wait_for_selector("text=New department")
    header = page.inner_text("#dept-tree thead")
    assert "Department name" in header and "People" in header
    assert "Disabled" in row.locator(".dept-status").inner_text()
    assert "Rename" in _row(page, "研发中心").inner_text()
    screenshot(page, "departments-en-1440x900")
    context.close()


def test_the_tree_on_a_phone(browser, running_app: RunningApp) -> None:
    context, page = _open_departments(browser, running_app, width=390, height=844)
    assert "研发中心" in page.inner_text("#dept-tree")
    # the page itself does not scroll sideways; the table does, inside its box
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(page, "departments-zh-CN-390x844")
    context.close()

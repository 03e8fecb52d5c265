"""The role matrix: built-ins read-only, a custom role made from a template and edited."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from app.auth.models import Permission, Role, RolePermission
from app.core.db import make_engine
from tests.browser.conftest import RunningApp, at_path, screenshot, sign_in


def _granted(app: RunningApp, role_name: str) -> set[str]:
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            role = session.exec(select(Role).where(Role.name == role_name)).scalar_one()
            return set(
                session.exec(
                    select(Permission.code)
                    .join(RolePermission, RolePermission.permission_id == Permission.id)
                    .where(RolePermission.role_id == role.id)
                ).scalars()
            )
    finally:
        engine.dispose()


def test_a_tenant_admin_makes_a_role_from_a_template_and_ticks_cells(
    browser, running_app: RunningApp
) -> None:
    context, page = sign_in(browser, running_app, "xy_admin")
    page.goto(running_app.url + "/roles")
    page.wait_for_url(at_path(running_app, "/roles"))
    page.wait_for_selector('#roles[data-loaded="true"]', timeout=60_000)
    matrix = page.inner_text("#role-matrix")
    assert "企业管理员" in matrix and "员工" in matrix and "查看完整敏感信息" in matrix
    built_in_cell = page.locator("[id^='cell-'][id$='-user-read']").first
    assert built_in_cell.is_disabled()

    page.click("#role-new")
    page.fill("#role-name", "仓管员")
    page.select_option("#role-template", label="部门主管")
    page.click("#role-save")
    page.wait_for_selector("text=仓管员")
    assert "approval:decide" in _granted(running_app, "仓管员")

    column = page.locator("th", has_text="仓管员")
    assert column.count() == 1
    role_cells = page.locator("[id$='-stock-adjust']")
    editable = [
        c for c in (role_cells.nth(i) for i in range(role_cells.count())) if not c.is_disabled()
    ]
    assert len(editable) == 1
    editable[0].click()
    page.wait_for_function(
        "id => document.getElementById(id).getAttribute('data-state') === 'checked'",
        arg=editable[0].get_attribute("id"),
    )
    assert "stock:adjust" in _granted(running_app, "仓管员")
    screenshot(page, "roles-matrix-zh-CN-1440x900")

    page.click("#lang-switch")
    page.wait_for_selector("text=Tenant admin")
    screenshot(page, "roles-matrix-en-1440x900")
    context.close()

"""The people page as a tenant admin uses it: the form, a bad import, a file past the row cap,
a 10k-row import."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlmodel import Session

from app.core.db import make_engine
from app.org.models import User
from app.tenants.models import Tenant
from tests.browser.conftest import RunningApp, at_path, screenshot, sign_in
from tests.upload_files import people_csv


def _people_count(app: RunningApp) -> int:
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            tenant = session.exec(select(Tenant).where(Tenant.code == "TN-XY")).scalar_one()
            return session.exec(
                select(func.count()).select_from(User).where(User.tenant_id == tenant.id)
            ).scalar_one()
    finally:
        engine.dispose()


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return path


def _open_people(browser, app: RunningApp, **kwargs):
    context, page = sign_in(browser, app, "xy_admin", **kwargs)
    page.goto(app.url + "/people")
    page.wait_for_url(at_path(app, "/people"))
    page.wait_for_selector('#people[data-loaded="true"]', timeout=60_000)
    return context, page


def test_the_person_form_names_the_wrong_field(browser, running_app: RunningApp) -> None:
    context, page = _open_people(browser, running_app)
    assert page.locator("#people-table tbody tr").count() == 20  # one page, not the table
    before = _people_count(running_app)
    pager = page.inner_text("#people-total")  # how many match, which page of how many
    assert f"共 {before} 条" in pager and f"第 1/{-(-before // 20)} 页" in pager
    page.select_option("#people-size", "50")  # 50 a page: back to page 1, 50 rows
    page.wait_for_function("document.querySelectorAll('#people-table tbody tr').length === 50")
    assert f"第 1/{-(-before // 50)} 页" in page.inner_text("#people-total")
    page.click("#people-new")
    page.fill("#person-name", "测试新人")
    page.fill("#person-phone", "12345")
    page.click("#person-save")
    page.wait_for_selector("#person-error")
    assert "手机号格式不正确" in page.inner_text("#person-error")
    screenshot(page, "people-form-error-zh-CN-1440x900")
    page.fill("#person-phone", "13911112222")
    page.click("#person-save")
    page.wait_for_selector("#person-error", state="detached")
    page.fill("#people-search", "13911112222")
    page.press("#people-search", "Enter")
    page.wait_for_function("() => document.querySelectorAll('#people-table tbody tr').length === 1")
    assert "测试新人" in page.inner_text("#people-table")
    assert _people_count(running_app) == before + 1
    context.close()


def test_an_import_with_bad_rows_shows_each_error_and_imports_nothing(
    browser, running_app: RunningApp, tmp_path: Path
) -> None:
    bad = _xlsx(
        tmp_path / "bad.xlsx",
        [
            ["工号", "姓名", "手机号", "邮箱", "部门", "工卡号"],
            ["N001", "王小明", "13700000001", "", "研发中心", ""],
            ["N002", "", "13700000002", "", "", ""],
            ["N003", "李小红", "123", "", "不存在的部门", ""],
            ["N004", "赵小刚", "13700000001", "x@", "", ""],
        ],
    )
    before = _people_count(running_app)
    for locale, expected in (("zh-CN", "与第 2 行重复"), ("en", "Same as row 2")):
        context, page = _open_people(browser, running_app, locale=locale)
        if locale == "en":
            page.click("#lang-switch")
            page.wait_for_selector("text=Import")
        page.click("#people-import")
        page.set_input_files("#people-import-file input[type=file]", str(bad))
        page.wait_for_selector("#import-errors")
        text = page.inner_text("#import-errors")
        assert expected in text and "3" in text and "5" in text
        assert page.locator("#import-errors tbody tr").count() == 5
        assert page.is_disabled("#import-commit")
        screenshot(page, f"people-import-errors-{locale}-1440x900")
        context.close()
    assert _people_count(running_app) == before


def test_a_file_past_the_row_cap_is_refused_with_the_reason(
    browser, running_app: RunningApp, tmp_path: Path
) -> None:
    """A 9 MB CSV of ~120,000 rows: refused while it is read, with the cap named."""
    many = tmp_path / "many.csv"
    people_csv(many, size=9 * 1024 * 1024, encoding="gb18030")
    before = _people_count(running_app)
    context, page = _open_people(browser, running_app)
    page.click("#people-import")
    page.set_input_files("#people-import-file input[type=file]", str(many))
    page.wait_for_selector("#import-file-error", timeout=60_000)
    assert "一次最多导入 20000 行" in page.inner_text("#import-file-error")
    assert page.locator("#import-summary").count() == 0
    context.close()
    assert _people_count(running_app) == before


def test_ten_thousand_people_import_with_progress(
    browser, running_app: RunningApp, tmp_path: Path
) -> None:
    rows = [["工号", "姓名", "手机号", "部门"]]
    rows += [[f"M{n:05d}", f"导入员工{n}", f"136{n:08d}", "研发中心"] for n in range(10_000)]
    big = _xlsx(tmp_path / "big.xlsx", rows)
    before = _people_count(running_app)
    context, page = _open_people(browser, running_app)
    page.click("#people-import")
    page.set_input_files("#people-import-file input[type=file]", str(big))
    page.wait_for_selector("#import-summary", timeout=120_000)
    assert "10000" in page.inner_text("#import-summary")
    page.click("#import-commit")
    page.wait_for_selector("#import-progress", timeout=30_000)
    screenshot(page, "people-import-progress-zh-CN-1440x900")
    page.wait_for_selector("text=导入完成", timeout=180_000)
    assert _people_count(running_app) == before + 10_000
    screenshot(page, "people-import-done-zh-CN-1440x900")
    context.close()


def test_an_admin_sets_roles_pin_and_password_of_a_person(browser, running_app: RunningApp) -> None:
    from app.auth.models import Account, Role, RoleGrant

    context, page = _open_people(browser, running_app)
    page.fill("#people-search", "13800138000")  # the demo employee, who has an account
    page.press("#people-search", "Enter")
    page.wait_for_function("() => document.querySelectorAll('#people-table tbody tr').length === 1")
    page.locator("[id^='person-access-']").first.click()
    page.wait_for_selector("#access-role-employee")
    assert page.get_attribute("#access-role-employee", "data-state") == "checked"
    page.click("#access-role-department_manager")
    page.wait_for_selector("text=角色已更新")
    page.fill("#access-pin", "1111")
    page.click("#access-pin-save")
    page.wait_for_selector("text=PIN 应为 4–8 位数字")
    page.fill("#access-pin", "482915")
    page.click("#access-pin-save")
    page.wait_for_selector("text=开柜 PIN 已更新")
    screenshot(page, "people-access-zh-CN-1440x900")

    engine = make_engine(f"sqlite:///{running_app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            account = session.exec(
                select(Account).where(Account.phone == "13800138000")
            ).scalar_one()
            held = set(
                session.exec(
                    select(Role.code)
                    .join(RoleGrant, RoleGrant.role_id == Role.id)
                    .where(RoleGrant.account_id == account.id)
                ).scalars()
            )
            user = session.exec(select(User).where(User.account_id == account.id)).scalar_one()
    finally:
        engine.dispose()
    assert held == {"employee", "department_manager"}
    assert user.pin_hash and "482915" not in user.pin_hash
    page.click("#access-role-department_manager")  # back as it was, for the other tests
    page.wait_for_function(
        "() => document.querySelector('#access-role-department_manager')"
        ".getAttribute('data-state') === 'unchecked'"
    )
    context.close()

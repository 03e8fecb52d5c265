"""The approvals page as a tenant admin sees it: an employee's request waiting, the flows with
their steps, in Chinese and in English. This module runs after the all-handlers test: it changes
tenant A's rows."""

from __future__ import annotations

from sqlmodel import Session, select

from app.approvals.services.approvals import ask
from app.auth.models import Account
from app.core.db import make_engine
from app.org.models import User
from tests.browser.conftest import RunningApp, at_path, screenshot, sign_in


def _employee_asks(app: RunningApp, reason: str) -> None:
    """xy_employee asks for more, as from the phone (this module changes tenant A's rows)."""
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            person = session.exec(
                select(User)
                .join(Account, Account.id == User.account_id)
                .where(Account.username == "xy_employee")
            ).one()
            ask(session=session, requester=person, reason=reason)
            session.commit()
    finally:
        engine.dispose()


def test_requests_and_flows(browser, running_app: RunningApp) -> None:
    _employee_asks(running_app, "季度盘点需要多领 20 支笔")
    context, page = sign_in(browser, running_app, "xy_admin")
    page.goto(running_app.url + "/approvals")
    page.wait_for_url(at_path(running_app, "/approvals"))
    page.wait_for_selector('#approvals[data-loaded="true"]', timeout=60_000)
    row = page.locator("#approval-table .request-row", has_text="季度盘点需要多领 20 支笔")
    row.wait_for(timeout=10_000)
    assert "审批中" in row.inner_text()
    flows = page.inner_text("#approval-flows")
    assert "部门主管" in flows
    screenshot(page, "approvals-1440")
    page.click("#lang-switch")
    page.wait_for_function(
        "() => document.querySelector('#approval-flows')?.innerText.includes('Department manager')"
    )
    screenshot(page, "approvals-en-1440")
    context.close()


def test_a_new_flow_and_an_edit(browser, running_app: RunningApp) -> None:
    """An admin creates a two-step flow in the dialog, is told which field is wrong, then edits
    the flow's steps; the list shows the steps in order."""
    context, page = sign_in(browser, running_app, "xy_admin")
    page.goto(running_app.url + "/approvals")
    page.wait_for_selector('#approvals[data-loaded="true"]', timeout=60_000)
    page.click("#flow-new")
    page.fill("#flow-name", "高值物品领用审批")  # the demo already has a flow of that name
    page.select_option("#flow-trigger", "amount")
    page.fill("#flow-amount", "300")
    page.select_option("#flow-step2", label="企业管理员")
    page.click("#flow-save")
    page.wait_for_selector("#flow-error")
    assert "高值物品领用审批" in page.inner_text("#flow-error")
    page.fill("#flow-name", "大额领用")
    screenshot(page, "approvals-flow-form-1440")
    page.click("#flow-save")
    row = page.locator("#approval-flows .flow-row", has_text="大额领用")
    row.wait_for(timeout=10_000)
    page.wait_for_function(
        "() => ![...document.querySelectorAll('[role=dialog]')].some(d => d.offsetParent)"
    )
    text = row.inner_text()
    assert "≥ ¥300.00" in text and text.index("部门主管") < text.index("企业管理员"), text
    row.locator(".flow-edit").click()
    page.wait_for_selector("#flow-name")
    assert page.input_value("#flow-name") == "大额领用"
    assert page.input_value("#flow-step1") == "department_manager"
    page.select_option("#flow-step1", "none")  # now only the tenant admin decides
    page.click("#flow-save")
    page.wait_for_function(
        """() => [...document.querySelectorAll('#approval-flows .flow-row')].some(
            r => r.innerText.includes('大额领用') && !r.innerText.includes('部门主管'))"""
    )
    screenshot(page, "approvals-flows-edited-1440")
    context.close()

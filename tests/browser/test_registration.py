"""Phone whitelist → self-registration on the phone → sign-in, as people do it."""

from __future__ import annotations

import re
import time

from sqlalchemy import select
from sqlmodel import Session

from app.auth.models import Account
from app.core.db import make_engine
from app.org.models import User
from app.tenants.models import Tenant
from tests.browser.conftest import RunningApp, at_path, screenshot, sign_in

PHONE = "13712340000"
PASSWORD = "Welcome2026"


def _code_from_log(app: RunningApp, masked: str, timeout_s: float = 15) -> str:
    deadline = time.monotonic() + timeout_s
    pattern = re.compile(rf"Verification code for {re.escape(masked)}: (\d{{6}})")
    while time.monotonic() < deadline:
        found = pattern.findall(app.log())
        if found:
            return found[-1]
        time.sleep(0.3)
    raise AssertionError(f"no code for {masked} in the log")


def _add_phone(page, phone: str, name: str, *, opened: bool = False) -> None:
    """Through the whitelist page's add dialog; the phone then shows in the table."""
    if not opened:
        page.click("#wl-new")
    page.fill("#wl-phone", phone)
    page.fill("#wl-name", name)
    page.click("#wl-add")
    page.locator("#wl-add-dialog").wait_for(state="detached")
    page.wait_for_function(
        "p => document.querySelector('#wl-table').innerText.includes(p)", arg=phone
    )


def _registered(app: RunningApp) -> tuple[Account | None, User | None]:
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            account = session.exec(
                select(Account).where(Account.phone == PHONE)
            ).scalar_one_or_none()
            user = session.exec(select(User).where(User.phone == PHONE)).scalar_one_or_none()
            return account, user
    finally:
        engine.dispose()


def test_a_listed_phone_registers_and_signs_in(browser, running_app: RunningApp) -> None:
    context, page = sign_in(browser, running_app, "xy_admin")
    page.goto(running_app.url + "/whitelist")
    page.wait_for_selector('#whitelist[data-loaded="true"]', timeout=60_000)
    page.click("#wl-new")
    page.fill("#wl-phone", "12345")
    page.click("#wl-add")  # not a mobile number: the phone is named
    page.wait_for_selector("#wl-add-error")
    assert page.inner_text("#wl-add-error").startswith("手机号")
    assert "* 手机号" in page.inner_text("#wl-add-dialog")
    screenshot(page, "whitelist-add-error-zh-CN-1440x900")
    _add_phone(page, PHONE, "新同事", opened=True)
    screenshot(page, "whitelist-zh-CN-1440x900")
    context.close()

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.goto(running_app.url + "/m/register")
    page.fill("#reg-phone", "13800009999")  # not listed: the same answer, and no code is sent
    page.click("#reg-send")
    page.wait_for_selector("#reg-message")
    unlisted_reply = page.inner_text("#reg-message")
    assert "138****9999" not in running_app.log()

    page.fill("#reg-phone", PHONE)
    page.click("#reg-send")
    page.wait_for_selector("#reg-code")
    assert page.inner_text("#reg-message") == unlisted_reply
    code = _code_from_log(running_app, "137****0000")
    assert PHONE not in running_app.log()  # the log never carries the phone in clear
    page.fill("#reg-code", "000000" if code != "000000" else "111111")
    page.fill("#reg-password", PASSWORD)
    page.click("#reg-submit")
    page.wait_for_selector("text=验证码错误")
    screenshot(page, "register-wrong-code-zh-CN-390x844")
    page.fill("#reg-code", code)
    page.click("#reg-submit")
    page.wait_for_url(re.compile(r".*/login/?\?registered=" + PHONE))
    page.wait_for_selector("#login-registered")
    assert page.input_value("#login") == PHONE
    account, user = _registered(running_app)
    assert account is not None and user is not None and user.account_id == account.id
    assert user.name == "新同事"

    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(at_path(running_app, "/m"))  # an employee: their own page
    page.wait_for_selector('#my-phone[data-loaded="true"]')
    context.close()


TWO_COMPANIES_PHONE = "13712340001"


def _whitelist(browser, app: RunningApp, admin: str, phone: str, name: str) -> None:
    context, page = sign_in(browser, app, admin)
    page.goto(app.url + "/whitelist")
    page.wait_for_selector('#whitelist[data-loaded="true"]', timeout=60_000)
    _add_phone(page, phone, name)
    context.close()


def _tenant_of(app: RunningApp, phone: str) -> tuple[str | None, str | None]:
    """(the tenant code of the person registered with `phone`, their name)."""
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            row = session.exec(
                select(Tenant.code, User.name)
                .join(User, User.tenant_id == Tenant.id)
                .join(Account, Account.id == User.account_id)
                .where(Account.phone == phone)
            ).first()
            return (row[0], row[1]) if row else (None, None)
    finally:
        engine.dispose()


def test_a_phone_two_companies_list_picks_its_company_after_the_code(
    browser, running_app: RunningApp
) -> None:
    _whitelist(browser, running_app, "xy_admin", TWO_COMPANIES_PHONE, "星月的新同事")
    _whitelist(browser, running_app, "ht_admin", TWO_COMPANIES_PHONE, "海天的新同事")

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.goto(running_app.url + "/m/register")
    page.fill("#reg-phone", TWO_COMPANIES_PHONE)
    page.click("#reg-send")
    page.wait_for_selector("#reg-code")
    code = _code_from_log(running_app, "137****0001")

    # A wrong code reveals nothing about which companies list the phone.
    page.fill("#reg-code", "000000" if code != "000000" else "111111")
    page.fill("#reg-password", PASSWORD)
    page.click("#reg-submit")
    page.wait_for_selector("text=验证码错误")
    assert page.locator("#reg-company").count() == 0
    assert "海天贸易集团" not in page.content() and "星月科技有限公司" not in page.content()

    page.fill("#reg-code", code)
    page.click("#reg-submit")
    page.wait_for_selector("#reg-company")
    assert "请选择您所在的企业" in page.inner_text("#reg-message")
    options = page.locator(".reg-company-option").all_inner_texts()
    assert sorted(options) == sorted(["星月科技有限公司", "海天贸易集团"]), options
    assert _tenant_of(running_app, TWO_COMPANIES_PHONE) == (None, None)  # nothing created yet
    screenshot(page, "register-choose-company-zh-CN-390x844")

    page.click(".reg-company-option >> text=海天贸易集团")
    page.click("#reg-submit")
    page.wait_for_url(re.compile(r".*/login/?\?registered=" + TWO_COMPANIES_PHONE))
    assert _tenant_of(running_app, TWO_COMPANIES_PHONE) == ("TN-HT", "海天的新同事")

    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(at_path(running_app, "/m"))
    page.wait_for_selector('#my-phone[data-loaded="true"]')
    context.close()


def test_the_registration_page_in_english(browser, running_app: RunningApp) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(running_app.url + "/m/register")
    page.click("#lang-switch")
    page.wait_for_selector("text=Employee sign-up")
    page.fill("#reg-phone", "12345")
    page.click("#reg-send")
    page.wait_for_selector("text=Not a valid mainland mobile number")
    screenshot(page, "register-en-390x844")
    context.close()


FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _whitelist_page(browser, app: RunningApp, **size):
    context, page = sign_in(browser, app, "xy_admin", **size)
    page.goto(app.url + "/whitelist")
    page.wait_for_selector('#whitelist[data-loaded="true"]', timeout=60_000)
    return context, page


def test_the_whitelist_hands_out_its_registration_link_and_qr(
    browser, running_app: RunningApp
) -> None:
    context, page = _whitelist_page(browser, running_app)
    # one toolbar: search, add, import and the link side by side
    tops = [
        page.locator(selector).bounding_box()["y"]
        for selector in ("#wl-search", "#wl-new", "#whitelist-file", "#wl-link")
    ]
    assert max(tops) - min(tops) < 12, tops
    page.click("#wl-link")
    card = page.locator("#wl-link-dialog .wl-qr-card")
    card.wait_for()
    expected = running_app.url + "/m/register"
    link = page.locator("#wl-link-url")
    assert link.inner_text() == expected and link.get_attribute("href") == expected
    assert "星月科技有限公司" in card.inner_text()
    qr = page.locator("#wl-qr")
    assert qr.evaluate("img => img.tagName") == "IMG"
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.decode().then(() => img.naturalWidth)") > 100
    page.wait_for_timeout(300)  # the dialog's own transition, for the screenshot
    screenshot(page, "whitelist-link-zh-CN-1440x900")

    # printing shows the card alone
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => getComputedStyle(document.querySelector('#wl-copy')).visibility"""
    )
    shown = page.evaluate("""() => getComputedStyle(document.querySelector('#wl-qr')).visibility""")
    assert (hidden, shown) == ("hidden", "visible")
    page.emulate_media(media="screen")

    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("#wl-copy")
    page.wait_for_selector("text=链接已复制")
    assert page.evaluate("() => navigator.clipboard.readText()") == expected
    page.click("#wl-link-close")
    card.wait_for(state="detached")
    assert page.evaluate(FITS)

    _add_phone(page, "13712349999", "临时")  # removing asks first
    row = page.locator("#wl-table tr", has_text="13712349999")
    row.locator(".wl-remove").click()
    page.wait_for_selector("#wl-remove-confirm")
    screenshot(page, "whitelist-remove-confirm-zh-CN-1440x900")
    page.click("#wl-remove-confirm")
    row.wait_for(state="detached")
    context.close()

    context, page = _whitelist_page(browser, running_app, width=390, height=844)
    assert page.evaluate(FITS)
    page.click("#wl-link")
    page.locator("#wl-qr").wait_for()
    page.wait_for_timeout(300)
    assert page.evaluate(FITS)
    screenshot(page, "whitelist-link-zh-CN-390x844")
    page.click("#wl-link-close")
    page.click("#lang-switch")
    page.wait_for_selector("#wl-link:has-text('Registration link')")
    page.click("#wl-link")
    page.wait_for_selector("#wl-link-dialog:has-text('Employee self-registration')")
    page.wait_for_timeout(300)
    assert page.evaluate(FITS)
    screenshot(page, "whitelist-link-en-390x844")
    context.close()

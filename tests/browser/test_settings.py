"""A tenant admin's policies page: a policy out of its range is held by the form (the service
refuses it too, naming it: tests/tenants/test_policies.py); a valid one is saved and shown after
a reload; the company's own SMS sender is saved with its SecretKey stored encrypted, never shown
again, and kept when the field is left empty."""

from __future__ import annotations

from sqlmodel import Session, select

from app.core.db import make_engine
from app.sms.models import SmsSettings
from tests.browser.conftest import RunningApp, screenshot, sign_in


def _stored_key(app: RunningApp) -> str | None:
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            row = session.exec(select(SmsSettings)).first()
            return row.secret_key_ciphertext if row else None
    finally:
        engine.dispose()


def _open(page, app: RunningApp) -> None:
    page.goto(app.url + "/settings")
    page.wait_for_selector('#settings[data-loaded="true"]', timeout=60_000)
    page.wait_for_selector("#policy-door_open_limit_s")


def test_an_admin_sets_the_companys_policies_and_sms_sender(
    browser, running_app: RunningApp
) -> None:
    context, page = sign_in(browser, running_app, "ht_admin")
    _open(page, running_app)
    page.fill("#policy-door_open_limit_s", "5")  # below 60 s: the browser holds the form
    page.fill("#policy-max_per_visit", "12")
    page.click("#policy-save")
    assert page.evaluate("!document.querySelector('#policy-door_open_limit_s').checkValidity()")
    assert not page.is_visible("#policy-saved")
    page.fill("#policy-door_open_limit_s", "600")
    page.click("#policy-save")
    page.wait_for_selector("#policy-saved", timeout=10_000)

    page.fill("#sms-sdk_app_id", "1400123456")
    page.fill("#sms-sign_name", "海天贸易")
    page.fill("#sms-secret_id", "AKIDexample000000000000000000000000")
    page.fill("#sms-template_alert", "200002")
    page.click("#sms-save")  # the first save needs the SecretKey
    page.wait_for_selector("#sms-error", timeout=10_000)
    assert "SecretKey" in page.inner_text("#sms-error")
    page.fill("#sms-secret_key", "a-secret-key-typed-once")
    page.click("#sms-save")
    page.wait_for_selector("#sms-saved", timeout=10_000)
    stored = _stored_key(running_app)
    assert stored and "a-secret-key-typed-once" not in stored  # encrypted

    _open(page, running_app)  # after a reload: what was saved, the key never shown
    assert page.input_value("#policy-door_open_limit_s") == "600"
    assert page.input_value("#policy-max_per_visit") == "12"
    assert page.input_value("#sms-sdk_app_id") == "1400123456"
    assert page.input_value("#sms-secret_key") == ""
    assert "a-secret-key-typed-once" not in page.content()
    page.fill("#sms-sign_name", "海天贸易集团")
    page.click("#sms-save")  # the key left empty: kept
    page.wait_for_selector("#sms-saved", timeout=10_000)
    assert _stored_key(running_app) == stored
    screenshot(page, "settings-1440")
    context.close()

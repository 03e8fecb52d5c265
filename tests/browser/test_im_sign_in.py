"""What a company admin and its employees see of the workplace IMs (issue 20 item 4) in the
product as `make run` serves it: the admin saves the company's DingTalk app on the settings page;
on the phone's sign-in page, typing the company code shows a DingTalk button whose link leaves for
DingTalk's own authorization page with the app's key and this site's registered callback. The
org sync page says WeCom is not set up until it is, then offers a dry run, whose failure to reach
WeCom (no internet here) is said in the page's words — nothing applied, nothing crashed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from tests.browser.conftest import RunningApp, screenshot, sign_in

COMPANY = "TN-HT"


def _save_card(page, kind: str, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.fill(f"#{kind}-{name}", value)
    page.click(f"#{kind}-save")
    page.wait_for_selector(f"#{kind}-saved", timeout=15_000)


def _settings(page, app: RunningApp) -> None:
    page.goto(app.url + "/settings")
    page.wait_for_selector('#settings[data-loaded="true"]', timeout=60_000)


def test_an_employee_finds_the_dingtalk_sign_in_the_admin_set_up(
    browser, running_app: RunningApp
) -> None:
    context, page = sign_in(browser, running_app, "ht_admin")
    _settings(page, running_app)
    _save_card(
        page,
        "dingtalk",
        {"client_id": "dingappkey0001", "secret": "a-dingtalk-app-secret-typed-once"},
    )
    context.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = phone.new_page()
    page.goto(running_app.url + "/m/login")
    page.wait_for_selector("#im-company", timeout=60_000)
    page.fill("#im-company", COMPANY)
    page.wait_for_selector("#im-dingtalk", timeout=15_000)
    assert not page.is_visible("#im-feishu")  # not set up by this company
    screenshot(page, "phone-im-sign-in")
    href = page.get_attribute("#im-dingtalk", "href")
    assert href == f"/auth/dingtalk/{COMPANY}/start", href
    phone.close()

    leave = httpx.get(running_app.url + href, follow_redirects=False)
    assert leave.status_code == 303, leave.text
    target = urlsplit(leave.headers["location"])
    query = parse_qs(target.query)
    assert (target.scheme, target.netloc) == ("https", "login.dingtalk.com")
    assert query["client_id"] == ["dingappkey0001"] and query["state"][0]
    assert query["redirect_uri"] == [running_app.url + "/auth/dingtalk/callback"]


def test_the_org_sync_page_waits_for_wecom_then_says_it_cannot_reach_it(
    browser, running_app: RunningApp
) -> None:
    context, page = sign_in(browser, running_app, "lm_admin")
    page.goto(running_app.url + "/org-sync")
    page.wait_for_selector('#org-sync[data-loaded="true"]', timeout=60_000)
    page.wait_for_selector("#orgsync-no-source", timeout=15_000)
    _settings(page, running_app)
    _save_card(
        page,
        "wecom",
        {"corp_id": "ww0123456789abcdef", "agent_id": "1000002", "secret": "a-wecom-secret-1"},
    )
    page.goto(running_app.url + "/org-sync")
    page.wait_for_selector('#org-sync[data-loaded="true"]', timeout=60_000)
    assert not page.is_visible("#orgsync-no-source")
    page.click("#orgsync-preview")
    page.wait_for_selector("#orgsync-error", timeout=45_000)  # WeCom is out of reach here
    assert page.inner_text("#orgsync-error").strip()
    assert not page.is_visible("#orgsync-apply")  # nothing to apply without a plan
    screenshot(page, "org-sync-unreachable")
    context.close()

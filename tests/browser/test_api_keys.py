"""A service provider's admin makes the provider's own API key on /api-keys (issue 20 item 2):
the key is shown once, listed as the provider's, and through the served `/api/v1` it lists the
companies it reaches, reads the cabinets of every company that provider serves and none of
another provider's; a change without `?tenant=` is refused naming it. Revoking asks first, and
the key is refused at once."""

from __future__ import annotations

import httpx

from tests.api.v1.test_routes import ITEM
from tests.browser.conftest import RunningApp, screenshot, sign_in

SERVED = ("CAB-XY-", "CAB-HT-")  # 华信 (SP-HX) serves 星月科技 and 海天贸易; 绿木 is 优集's
NAME = "现场工单系统"


def test_a_providers_admin_makes_a_key_for_every_company_it_serves(
    browser, running_app: RunningApp
) -> None:
    context, page = sign_in(browser, running_app, "hx_admin")
    key = _make_key(page, running_app)
    api, bearer = running_app.url + "/api/v1", {"Authorization": f"Bearer {key}"}

    companies = httpx.get(f"{api}/companies", headers=bearer)
    assert [c["code"] for c in companies.json()["data"]] == ["TN-HT", "TN-XY"], companies.text
    cabinets = httpx.get(f"{api}/cabinets", params={"limit": 200}, headers=bearer)
    assert cabinets.status_code == 200, cabinets.text
    codes = [c["code"] for c in cabinets.json()["data"]]
    assert all(code.startswith(SERVED) for code in codes), codes
    assert {prefix for prefix in SERVED if any(c.startswith(prefix) for c in codes)} == set(SERVED)
    unnamed = httpx.put(f"{api}/items/SKU-PROVIDER", json=ITEM, headers=bearer)
    assert unnamed.status_code == 422 and unnamed.json()["code"] == "api.tenant_required"
    named = httpx.put(
        f"{api}/items/SKU-PROVIDER", params={"tenant": "TN-HT"}, json=ITEM, headers=bearer
    )
    assert named.status_code == 201, named.text
    foreign = httpx.get(f"{api}/cabinets", params={"tenant": "TN-LM"}, headers=bearer)
    assert foreign.status_code == 422 and foreign.json()["errors"][0]["field"] == "tenant"

    _revoke(page)
    refused = httpx.get(f"{api}/companies", headers=bearer)
    assert refused.status_code == 401, refused.text
    context.close()


def _make_key(page, running_app: RunningApp) -> str:
    page.goto(running_app.url + "/api-keys")
    page.wait_for_selector('#api-keys[data-loaded="true"]', timeout=60_000)
    page.click("#apikey-new")
    page.wait_for_selector("#apikey-dialog")
    page.fill("#apikey-name", NAME)
    page.select_option("#apikey-owner", "provider")
    page.click("#apikey-dialog label:has-text('cabinets:read')")
    page.click("#apikey-dialog label:has-text('items:write')")
    page.click("#apikey-save")
    page.wait_for_selector("#apikey-plaintext", timeout=15_000)
    key = page.inner_text("#apikey-plaintext").strip()
    assert key.startswith("cck_")
    row = page.locator(".apikey-row", has_text=NAME)
    assert "华信办公服务有限公司" in row.inner_text()  # listed as the provider's own
    screenshot(page, "api-keys-provider")
    return key


def _revoke(page) -> None:
    """One click asks first, naming the key; only the red button revokes it."""
    row = page.locator(".apikey-row", has_text=NAME)
    row.locator(".apikey-revoke").click()
    confirm = page.wait_for_selector("#apikey-revoke-confirm", timeout=15_000)
    assert NAME in page.inner_text("[role=alertdialog]")
    screenshot(page, "api-keys-revoke-confirm")
    confirm.click()
    page.wait_for_function(
        "name => [...document.querySelectorAll('.apikey-row')].some(r =>"
        " r.innerText.includes(name) && !r.querySelector('.apikey-revoke'))",
        arg=NAME,
        timeout=15_000,
    )

"""What every workplace IM sign-in (WeCom, DingTalk, Feishu) does alike, end to end through the
real routes against each IM's stand-in: the state bound to the phone's browser, a suspended
company or one without that IM turned away, people who left or whose account is off refused,
a wrong app secret refused with the IM's own error code in the company's audit log."""

from __future__ import annotations

import pytest

from app.api.cookies import ACCESS_COOKIE
from tests.sso.conftest import deactivate, make_employee, refusal, refusals, suspend
from tests.sso.im_companies import COMPANIES

KINDS = pytest.mark.parametrize("kind", list(COMPANIES))


@KINDS
async def test_a_forged_state_is_refused(phone, kind: str) -> None:
    company = COMPANIES[kind]()
    client = phone(company.standin)
    start = await client.get(f"/auth/{kind}/{company.code}/start")
    approved = await client.get(start.headers["location"])
    forged = approved.headers["location"].replace("state=", "state=x")
    assert refusal(await client.get(forged)) == "sso.refused"
    assert not client.cookies.get(ACCESS_COOKIE)
    assert refusals(company.employee.tenant_id)[0]["reason"] == "state"


@KINDS
async def test_a_callback_opened_in_another_browser_is_refused(phone, kind: str) -> None:
    company = COMPANIES[kind]()
    start = await phone(company.standin).get(f"/auth/{kind}/{company.code}/start")
    approved = await phone(company.standin).get(start.headers["location"])
    other_browser = phone(company.standin)  # no flow cookie: the callback is not its own
    assert refusal(await other_browser.get(approved.headers["location"])) == "sso.refused"
    assert not other_browser.cookies.get(ACCESS_COOKIE)


@KINDS
async def test_a_suspended_company_cannot_start_or_finish_a_sign_in(phone, kind: str) -> None:
    company = COMPANIES[kind]()
    client = phone(company.standin)
    start = await client.get(f"/auth/{kind}/{company.code}/start")
    approved = await client.get(start.headers["location"])
    suspend(company.employee.tenant_id)  # while the person was away at the IM
    assert refusal(await client.get(approved.headers["location"])) == "sso.not_configured"
    again = await client.get(f"/auth/{kind}/{company.code}/start")
    assert refusal(again) == "sso.not_configured"
    assert not client.cookies.get(ACCESS_COOKIE)


@KINDS
async def test_a_company_without_that_im_offers_no_sign_in_with_it(phone, kind: str) -> None:
    company = COMPANIES[kind]()
    other_kind = "feishu" if kind == "wecom" else "wecom"
    other = make_employee(
        other_kind, {"corp_id": "ww1", "agent_id": "1", "app_id": "c", "secret": "s"}
    )
    start = await phone(company.standin).get(f"/auth/{kind}/{other.company}/start")
    assert refusal(start) == "sso.not_configured"
    unknown = await phone(company.standin).get(f"/auth/{kind}/NO-SUCH-CO/start")
    assert refusal(unknown) == "sso.not_configured"


@KINDS
@pytest.mark.parametrize(
    ("account_too", "key"), [(False, "sso.unknown_person"), (True, "sso.no_account")]
)
async def test_a_person_who_left_or_whose_account_is_off_is_refused(
    phone, kind: str, account_too: bool, key: str
) -> None:
    company = COMPANIES[kind]()
    deactivate(company.employee.account_id, account_too=account_too)
    client = phone(company.standin)
    assert refusal(await company.sign_in(client)) == key
    assert not client.cookies.get(ACCESS_COOKIE)
    [entry] = refusals(company.employee.tenant_id)
    assert entry["refusal"] == key and entry["entity"] == "im_app" and entry["subject"]


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("wecom", "wecom_gettoken_40001"),
        ("dingtalk", "dingtalk_usertoken_invalidClientIdOrSecret"),
        ("feishu", "feishu_token_20002"),
    ],
)
async def test_a_wrong_app_secret_is_refused_with_the_ims_code_audited(
    phone, kind: str, reason: str
) -> None:
    company = COMPANIES[kind](secret="the-real-one")
    client = phone(company.standin)
    assert refusal(await company.sign_in(client)) == "sso.refused"
    assert not client.cookies.get(ACCESS_COOKIE)
    [entry] = refusals(company.employee.tenant_id)
    assert entry["reason"] == reason and entry["entity"] == "im_app"

"""Employees sign in on the phone with WeCom (企业微信), end to end against a local stand-in of
WeCom's documented OAuth endpoints: matched by userid or mobile, outsiders and strangers refused,
the app's access token reused and renewed (what all IMs share: test_im_doors.py)."""

from __future__ import annotations

import httpx
import pytest

from app.api.cookies import ACCESS_COOKIE
from tests.sso.conftest import login_methods, refusal
from tests.sso.im_companies import wecom_company as _company


async def test_an_employee_signs_in_with_wecom_by_userid(phone) -> None:
    company = _company()
    client = phone(company.standin)
    done = await company.sign_in(client)
    assert done.status_code == 303 and done.headers["location"] == "/m"
    assert client.cookies.get(ACCESS_COOKIE)
    assert login_methods(company.employee.account_id) == ["wecom"]


async def test_a_company_matching_by_mobile_signs_the_mobiles_owner_in(phone) -> None:
    company = _company(match_field="phone")
    company.standin.members[company.employee.employee_no]["userid"] = (
        "zhangsan"  # userid is not the no.
    )
    client = phone(company.standin)
    done = await company.sign_in(client, next="/m/cabinet/CAB-1")
    assert done.headers["location"] == "/m/cabinet/CAB-1"
    assert client.cookies.get(ACCESS_COOKIE)


async def test_the_apps_token_is_reused_and_renewed_when_wecom_expires_it(phone) -> None:
    company = _company()
    client = phone(company.standin)
    assert (await company.sign_in(client)).headers["location"] == "/m"
    assert (await company.sign_in(phone(company.standin))).headers["location"] == "/m"
    assert company.standin.gettoken_calls == 1
    company.standin.expire_tokens()
    assert (await company.sign_in(phone(company.standin))).headers["location"] == "/m"
    assert company.standin.gettoken_calls == 2


@pytest.mark.parametrize("who", ["outsider", "stranger"])
async def test_outsiders_and_unknown_members_are_refused(phone, who: str) -> None:
    company = _company()
    if who == "outsider":
        company.standin.signs_in = None  # a WeCom user from outside the company
    else:
        company.standin.members["lisi"] = {"userid": "lisi", "name": "李四", "mobile": ""}
        company.standin.signs_in = "lisi"  # a member the cloud has no person for
    client = phone(company.standin)
    assert refusal(await company.sign_in(client)) == "sso.unknown_person"
    assert not client.cookies.get(ACCESS_COOKIE)


async def test_the_authorization_link_is_the_one_wecom_documents(phone) -> None:
    company = _company()
    start = await phone(company.standin).get(f"/auth/wecom/{company.code}/start")
    url = httpx.URL(start.headers["location"])
    assert str(url).endswith("#wechat_redirect")
    assert dict(url.params) == {
        "appid": company.standin.corp_id,
        "redirect_uri": "https://app.test/auth/wecom/callback",
        "response_type": "code",
        "scope": "snsapi_base",
        "state": url.params["state"],
        "agentid": "1000002",
    }

"""Employees sign in on the phone with DingTalk (钉钉), end to end through the real routes against
a local stand-in of DingTalk's documented OAuth endpoints: matched by userid or mobile, people
outside the organisation or signing in as another one refused, as strangers, the app's token
reused and renewed (what all IMs share: test_im_doors.py)."""

from __future__ import annotations

import httpx
import pytest

from app.api.cookies import ACCESS_COOKIE
from tests.sso.conftest import login_methods, refusal, refusals
from tests.sso.im_companies import CALLBACK
from tests.sso.im_companies import dingtalk_company as _company


async def test_an_employee_signs_in_with_dingtalk_by_userid(phone) -> None:
    company = _company()
    client = phone(company.standin)
    done = await company.sign_in(client)
    assert done.status_code == 303 and done.headers["location"] == "/m"
    assert client.cookies.get(ACCESS_COOKIE)
    assert login_methods(company.employee.account_id) == ["dingtalk"]


async def test_a_company_matching_by_mobile_signs_the_mobiles_owner_in(phone) -> None:
    company = _company(match_field="phone")
    company.standin.members[company.standin.signs_in] = "manager4521"  # userid is not the no.
    client = phone(company.standin)
    done = await company.sign_in(client, next="/m/cabinet/CAB-1")
    assert done.headers["location"] == "/m/cabinet/CAB-1"
    assert client.cookies.get(ACCESS_COOKIE)


async def test_the_authorization_link_is_the_one_dingtalk_documents(phone) -> None:
    for corp_id, scope in (("", "openid"), ("dingcorp42", "openid corpid")):
        company = _company(corp_id=corp_id)
        start = await phone(company.standin).get(f"/auth/dingtalk/{company.code}/start")
        params = dict(httpx.URL(start.headers["location"]).params)
        assert params == {
            "redirect_uri": CALLBACK.format(kind="dingtalk"),
            "response_type": "code",
            "client_id": company.standin.client_id,
            "scope": scope,
            "state": params["state"],
            "prompt": "consent",
            **({"corpId": corp_id} if corp_id else {}),
        }


async def test_the_apps_token_is_reused_and_renewed_when_dingtalk_expires_it(phone) -> None:
    company = _company()
    assert (await company.sign_in(phone(company.standin))).headers["location"] == "/m"
    assert (await company.sign_in(phone(company.standin))).headers["location"] == "/m"
    assert company.standin.app_token_calls == 1
    company.standin.expire_tokens()  # getbyunionid now answers 40014
    assert (await company.sign_in(phone(company.standin))).headers["location"] == "/m"
    assert company.standin.app_token_calls == 2


@pytest.mark.parametrize("who", ["outsider", "stranger"])
async def test_outsiders_and_unknown_members_are_refused(phone, who: str) -> None:
    company = _company()
    if who == "outsider":  # a DingTalk account that is not in the app's organisation
        del company.standin.members[company.standin.signs_in]
    else:  # a member the cloud has no person for
        company.standin.members[company.standin.signs_in] = "lisi"
    client = phone(company.standin)
    assert refusal(await company.sign_in(client)) == "sso.unknown_person"
    assert not client.cookies.get(ACCESS_COOKIE)


async def test_a_member_signing_in_as_another_organisation_is_refused(phone) -> None:
    company = _company(corp_id="dingcorp42")
    company.standin.chooses_corp = "dingother"
    assert refusal(await company.sign_in(phone(company.standin))) == "sso.refused"
    assert refusals(company.employee.tenant_id)[0]["reason"] == "dingtalk_corp"


async def test_an_employee_number_of_another_company_signs_no_one_in(phone) -> None:
    ours, theirs = _company(), _company()
    # their DingTalk member carries our employee's number: our company does not know them
    theirs.standin.members[theirs.standin.signs_in] = ours.employee.employee_no
    client = phone(theirs.standin)
    assert refusal(await theirs.sign_in(client)) == "sso.unknown_person"
    assert login_methods(ours.employee.account_id) == []

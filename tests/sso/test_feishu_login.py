"""Employees sign in on the phone with Feishu (飞书), end to end through the real routes against a
local stand-in of Feishu's documented OAuth endpoints (PKCE, the v2 token endpoint, user_info):
matched by user_id, the directory's 工号 or mobile, another company's Feishu refused by its
tenant key, strangers refused, Feishu's error codes turned into refusals, an unavailable Feishu
told apart (what all IMs share: test_im_doors.py)."""

from __future__ import annotations

import httpx
import pytest

from app.api.cookies import ACCESS_COOKIE
from tests.sso.conftest import login_methods, refusal, refusals
from tests.sso.im_companies import CALLBACK
from tests.sso.im_companies import feishu_company as _company


def _user(company) -> dict:
    """The user_info Feishu holds for the person approving on the phone."""
    return company.standin.users[company.standin.signs_in]


async def test_an_employee_signs_in_with_feishu_by_user_id(phone) -> None:
    company = _company()
    client = phone(company.standin)
    done = await company.sign_in(client)
    assert done.status_code == 303 and done.headers["location"] == "/m"
    assert client.cookies.get(ACCESS_COOKIE)
    assert login_methods(company.employee.account_id) == ["feishu"]


@pytest.mark.parametrize("match_field", ["job_no", "phone"])
async def test_a_company_matching_by_job_no_or_mobile_signs_its_owner_in(
    phone, match_field: str
) -> None:
    company = _company(match_field=match_field)
    _user(company)["user_id"] = "5d9bdxxx"  # Feishu's own user_id is not the employee number
    if match_field == "phone":
        _user(company)["employee_no"] = "another"
    client = phone(company.standin)
    done = await company.sign_in(client, next="/m/cabinet/CAB-1")
    assert done.headers["location"] == "/m/cabinet/CAB-1"
    assert client.cookies.get(ACCESS_COOKIE)


@pytest.mark.parametrize(
    ("match_field", "scope"),
    [
        ("employee_no", "contact:user.employee_id:readonly"),
        ("job_no", "contact:user.employee:readonly"),
        ("phone", "contact:user.phone:readonly"),
    ],
)
async def test_the_authorization_link_asks_for_the_matched_field_with_pkce(
    phone, match_field: str, scope: str
) -> None:
    company = _company(match_field=match_field)
    start = await phone(company.standin).get(f"/auth/feishu/{company.code}/start")
    params = dict(httpx.URL(start.headers["location"]).params)
    assert params == {
        "client_id": company.standin.app_id,
        "response_type": "code",
        "redirect_uri": CALLBACK.format(kind="feishu"),
        "scope": scope,
        "state": params["state"],
        "code_challenge": params["code_challenge"],
        "code_challenge_method": "S256",
    }
    assert len(params["code_challenge"]) == 43  # a SHA-256, base64url without padding


async def test_a_person_of_another_feishu_tenant_is_refused(phone) -> None:
    company = _company()
    _user(company)["tenant_key"] = "someone-elses-tenant"
    client = phone(company.standin)
    assert refusal(await company.sign_in(client)) == "sso.refused"
    assert not client.cookies.get(ACCESS_COOKIE)
    [entry] = refusals(company.employee.tenant_id)
    assert entry["reason"] == "feishu_tenant_key" and entry["entity"] == "im_app"


async def test_without_a_tenant_key_the_feishu_app_alone_decides(phone) -> None:
    company = _company(tenant_key="")
    _user(company)["tenant_key"] = "whatever-feishu-says"
    assert (await company.sign_in(phone(company.standin))).headers["location"] == "/m"


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ("resigned", "feishu_user_info_20021"),
        ("declines", "denied_access_denied"),
    ],
)
async def test_feishus_refusals_are_refusals_with_their_code(
    phone, setup: str, reason: str
) -> None:
    company = _company()
    if setup == "resigned":
        company.standin.resigned.add(company.standin.signs_in)
    company.standin.declines = setup == "declines"
    client = phone(company.standin)
    assert refusal(await company.sign_in(client)) == "sso.refused"
    assert not client.cookies.get(ACCESS_COOKIE)
    assert refusals(company.employee.tenant_id)[0]["reason"] == reason


async def test_an_unavailable_feishu_is_told_apart_from_a_refusal(phone) -> None:
    company = _company()
    company.standin.unavailable = True
    assert refusal(await company.sign_in(phone(company.standin))) == "sso.unreachable"


@pytest.mark.parametrize(
    ("case", "key"),
    [
        ("stranger", "sso.unknown_person"),
        ("field_withheld", "sso.no_claim"),
    ],
)
async def test_people_the_company_cannot_name_are_refused(phone, case: str, key: str) -> None:
    company = _company()
    if case == "stranger":  # a colleague on Feishu the cloud has no person for
        _user(company)["user_id"] = "wangwu"
    else:  # Feishu sends no user_id (the app was not granted it)
        _user(company).pop("user_id")
    client = phone(company.standin)
    assert refusal(await company.sign_in(client)) == key
    assert not client.cookies.get(ACCESS_COOKIE)

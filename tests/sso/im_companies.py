"""Companies set up to sign in with a workplace IM, each with an employee the IM's stand-in knows
as a member (id = their employee number, their mobile): the same company for every test of
that IM, whatever the test then changes on either side."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from tests.sso.conftest import Employee, StandIn, im_sign_in, make_employee
from tests.sso.dingtalk_standin import LOGIN, DingtalkStandIn
from tests.sso.feishu_standin import ACCOUNTS, FeishuStandIn
from tests.sso.wecom_standin import OAUTH, WecomStandIn

CALLBACK = "https://app.test/auth/{kind}/callback"
TENANT_KEY = "736588c92lxf175d"


@dataclass(frozen=True)
class ImCompany:
    employee: Employee
    standin: StandIn
    authorize: str  # the IM's authorization page

    @property
    def code(self) -> str:
        return self.employee.company

    async def sign_in(self, client: httpx.AsyncClient, **query: str) -> httpx.Response:
        """Start on the phone, approve at the IM, come back: the callback's answer."""
        return await im_sign_in(client, self.standin.kind, self.code, self.authorize, **query)


def wecom_company(match_field: str = "employee_no", *, secret: str = "app-secret") -> ImCompany:
    corp_id = f"ww{uuid.uuid4().hex[:14]}"
    typed = {"corp_id": corp_id, "agent_id": "1000002", "secret": "app-secret"}
    employee = make_employee("wecom", typed, match_field)
    standin = WecomStandIn(
        corp_id=corp_id, agent_id="1000002", secret=secret, trusted_domain="app.test"
    )
    no = employee.employee_no
    standin.members[no] = {"userid": no, "name": "员工", "mobile": employee.phone}
    standin.signs_in = no
    return ImCompany(employee, standin, OAUTH + "/connect/oauth2/authorize")


def dingtalk_company(
    match_field: str = "employee_no", *, corp_id: str = "", secret: str = "dt-secret"
) -> ImCompany:
    client_id = f"ding{uuid.uuid4().hex[:12]}"
    typed = {"client_id": client_id, "corp_id": corp_id, "secret": "dt-secret"}
    employee = make_employee("dingtalk", typed, match_field)
    standin = DingtalkStandIn(
        client_id=client_id,
        client_secret=secret,
        corp_id=corp_id or "ding9f50b15b",
        redirect_uris=[CALLBACK.format(kind="dingtalk")],
    )
    union_id = f"union-{employee.employee_no}"
    standin.people[union_id] = {
        "nick": "员工",
        "unionId": union_id,
        "openId": f"open-{employee.employee_no}",
        "mobile": employee.phone,
        "stateCode": "86",
    }
    standin.members[union_id] = employee.employee_no
    standin.signs_in = union_id
    return ImCompany(employee, standin, LOGIN + "/oauth2/auth")


def feishu_company(
    match_field: str = "employee_no", *, tenant_key: str = TENANT_KEY, secret: str = "fs-secret"
) -> ImCompany:
    app_id = f"cli_{uuid.uuid4().hex[:12]}"
    typed = {"app_id": app_id, "tenant_key": tenant_key, "secret": "fs-secret"}
    employee = make_employee("feishu", typed, match_field)
    standin = FeishuStandIn(
        app_id=app_id, app_secret=secret, redirect_uris=[CALLBACK.format(kind="feishu")]
    )
    open_id = f"ou_{uuid.uuid4().hex[:12]}"
    standin.users[open_id] = {
        "name": "员工",
        "open_id": open_id,
        "union_id": f"on_{open_id}",
        "user_id": employee.employee_no,
        "employee_no": employee.employee_no,
        "mobile": "+86" + employee.phone,
        "tenant_key": TENANT_KEY,
    }
    standin.signs_in = open_id
    return ImCompany(employee, standin, ACCOUNTS + "/open-apis/authen/v1/authorize")


COMPANIES: dict[str, Callable[..., ImCompany]] = {
    "wecom": wecom_company,
    "dingtalk": dingtalk_company,
    "feishu": feishu_company,
}

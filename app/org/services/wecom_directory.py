"""Reading a company's WeCom (企业微信) directory for the org sync, through the self-built app the
tenant already signs its employees in with: the same access-token cache and error handling as
the sign-in (app/sso/services/wecom.py `call_api`). Async, no database; transport and endpoints
injectable.

The calls, per WeCom's server API (通讯录管理):
- `GET /cgi-bin/department/list?access_token` — every department in the app's visible range,
  `department: [{id, name, parentid, order}]`; the company's root has parentid 0.
- `GET /cgi-bin/user/list?access_token&department_id=ID` — once per department: its members,
  `userlist: [{userid, name, department[], main_department, mobile, email, status}]`, status
  1 active, 2 disabled, 4 not yet activated, 5 quit. A member of several departments comes
  back once per department (kept once).

Why `user/list` rather than `user/list_id` + `user/get`: `list_id` answers only to the
contacts-sync (通讯录同步) secret, not to the app's, and gives ids alone, so every member would
cost one more `user/get` call; `user/list` gives the same record as `user/get`, a department
at a time. Since 2022-06-20 WeCom leaves `mobile` and `email` out of both for apps created after
that date: a field WeCom leaves out is "not told" (None here), never "cleared".

Anything malformed fails the whole fetch: a directory read in part would look like people
leaving the company.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeGuard

import httpx

from app.core.errors import DomainError
from app.sso.services.im import ImConfig
from app.sso.services.oidc import HTTP_TIMEOUT_S, SsoRefused
from app.sso.services.wecom import WecomEndpoints, call_api

MEMBER_STATUSES = {1: "active", 2: "disabled", 4: "not_activated", 5: "quit"}


@dataclass(frozen=True)
class DirectoryDepartment:
    id: int
    name: str
    parent_id: int  # 0: this is the company's root


@dataclass(frozen=True)
class DirectoryMember:
    userid: str
    name: str
    departments: tuple[int, ...]
    main_department: int | None
    mobile: str | None  # None: WeCom did not say (see the module's note)
    email: str | None
    status: int  # a key of MEMBER_STATUSES


@dataclass(frozen=True)
class Directory:
    """What WeCom says the company is: its departments and its members."""

    departments: tuple[DirectoryDepartment, ...]
    members: tuple[DirectoryMember, ...]


class DirectoryUnavailable(DomainError):
    """WeCom could not be read (refused, unreachable or answered nonsense); `reason` names the
    call and WeCom's errcode, e.g. `wecom_department_list_60011`."""

    key = "orgsync.unavailable"


def _malformed(step: str) -> DirectoryUnavailable:
    return DirectoryUnavailable(reason=f"wecom_{step}_malformed")


def _whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _departments(body: dict[str, Any]) -> list[DirectoryDepartment]:
    rows = body.get("department")
    if not isinstance(rows, list):
        raise _malformed("department_list")
    departments = []
    for row in rows:
        if not isinstance(row, dict):
            raise _malformed("department_list")
        id_, name, parent = row.get("id"), row.get("name"), row.get("parentid", 0)
        if not (_whole(id_) and id_ > 0 and isinstance(name, str) and _whole(parent)):
            raise _malformed("department_list")
        departments.append(DirectoryDepartment(id_, name, parent))
    return departments


def _optional_text(row: dict[str, Any], field: str) -> str | None:
    value = row.get(field)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _malformed("user_list")
    return value


def _member(row: Any) -> DirectoryMember:
    if not isinstance(row, dict):
        raise _malformed("user_list")
    userid, name, departments = row.get("userid"), row.get("name"), row.get("department", [])
    status, main = row.get("status", 1), row.get("main_department")
    if (
        not isinstance(userid, str)
        or not userid
        or not isinstance(name, str)
        or not isinstance(departments, list)
        or not all(_whole(d) for d in departments)
        or status not in MEMBER_STATUSES
        or (main is not None and not _whole(main))
    ):
        raise _malformed("user_list")
    return DirectoryMember(
        userid=userid,
        name=name,
        departments=tuple(departments),
        main_department=main,
        mobile=_optional_text(row, "mobile"),
        email=_optional_text(row, "email"),
        status=status,
    )


async def fetch_directory(
    *,
    config: ImConfig,
    endpoints: WecomEndpoints,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Directory:
    """The whole directory the app may see, or DirectoryUnavailable."""
    members: dict[str, DirectoryMember] = {}
    try:
        async with httpx.AsyncClient(transport=transport, timeout=HTTP_TIMEOUT_S) as client:
            body = await call_api(client, config, endpoints, "department/list", {})
            departments = _departments(body)
            for department in departments:
                body = await call_api(
                    client, config, endpoints, "user/list", {"department_id": str(department.id)}
                )
                rows = body.get("userlist")
                if not isinstance(rows, list):
                    raise _malformed("user_list")
                for row in rows:
                    member = _member(row)
                    members.setdefault(member.userid, member)
    except SsoRefused as refused:
        raise DirectoryUnavailable(reason=str(refused.params.get("reason", ""))) from None
    return Directory(tuple(departments), tuple(members.values()))

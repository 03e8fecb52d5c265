"""The demo's sign-ins, as `make run` prints them, and what a seed reports."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.demo.services import catalogue as cat


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    description: str


@dataclass
class DemoSummary:
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)


def demo_logins() -> list[DemoLogin]:
    """The accounts `make run` prints; all share the demo password."""
    described = (
        ("operator", "平台运营 platform operator"),
        ("hx_admin", "服务商管理员 provider admin (华信)"),
        ("hx_staff", "服务商业务员 provider staff (华信)"),
        ("yj_admin", "服务商管理员 provider admin (优集)"),
        ("xy_admin", "企业管理员 tenant admin (星月科技)"),
        ("xy_manager", "部门主管 department manager (星月科技 研发中心)"),
        ("xy_employee", "员工 employee (星月科技), also phone 13800138000"),
        ("ht_admin", "企业管理员 tenant admin (海天贸易)"),
        ("lm_admin", "企业管理员 tenant admin (绿木设计)"),
        ("by_admin", "企业管理员 tenant admin (北垣咨询, suspended: reads only)"),
    )
    return [DemoLogin(u, cat.DEMO_PASSWORD, d) for u, d in described]

"""The org sync from WeCom, planned and applied: departments created, renamed, moved and
disabled; people created, brought in line and disabled; existing people matched by employee
number or mobile; nothing outside the directory touched; a dry run reviewed before an apply."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.core.errors import DomainError
from app.core.model_base import as_utc
from app.core.tenancy import TenantScope
from app.org.models import OrgSyncRun, User
from app.org.queries import plan_groups, summary
from app.org.services import users
from app.org.services.departments import create_department
from app.org.services.directory_sync import save_schedule, settings_of
from app.org.services.sync import upsert_department
from app.org.services.users import UserFields
from tests.org.orgsync_world import (
    ADMIN,
    NOW,
    apply,
    company,
    departments,
    dept,
    member,
    people,
    plan,
    preview,
    serve,
    sync_once,
)

SALES, EAST, RD, TEST = 2, 3, 4, 5


def _acme(standin) -> None:
    serve(
        standin,
        [
            dept(SALES, "销售部"),
            dept(EAST, "华东区", SALES),
            dept(RD, "研发部"),
            dept(TEST, "测试组", RD),
        ],
        [
            member("zhangwei", "张伟", EAST, mobile="+86 138 0000 0001", email="ZW@acme.cn"),
            member("lina", "李娜", RD, TEST, main_department=TEST, mobile="13800000002"),
            member("boss", "王总", 1),
            member("newbie", "赵新", RD, status=4),  # invited, not activated yet: works there
            member("gone", "钱离", RD, status=5),  # quit: never created
        ],
    )


def test_a_first_sync_builds_the_tree_and_the_people_and_a_second_plans_nothing(
    session: Session,
) -> None:
    tenant, standin = company(session)
    _acme(standin)
    _, planned = preview(session, tenant, standin)
    counts = planned.counts()
    assert (counts["dept_new"], counts["person_new"], counts["person_disabled"]) == (4, 4, 0)
    sync_once(session, tenant, standin)

    tree, staff = departments(session, tenant), people(session, tenant)
    assert set(tree) == {"销售部", "华东区", "研发部", "测试组"}  # the root is the company itself
    assert tree["销售部"].parent_id is None and tree["华东区"].parent_id == tree["销售部"].id
    assert tree["测试组"].path == f"/{tree['研发部'].id}/{tree['测试组'].id}/"
    assert tree["华东区"].external_id == f"wecom:{EAST}"
    zhang = staff["张伟"]
    assert (zhang.employee_no, zhang.phone, zhang.email) == (
        "zhangwei",
        "13800000001",
        "zw@acme.cn",
    )
    assert zhang.department_id == tree["华东区"].id and zhang.external_id == "wecom:zhangwei"
    assert staff["李娜"].department_id == tree["测试组"].id  # the main department
    assert staff["王总"].department_id is None  # a member of the root only
    assert staff["赵新"].is_active and "钱离" not in staff
    assert as_utc(settings_of(session, tenant.id).first_applied_at) == NOW

    again = plan(session, tenant, standin)
    assert again.is_empty and again.counts()["person_new"] == 0


def test_departments_are_renamed_moved_restored_and_disabled(session: Session) -> None:
    tenant, standin = company(session)
    _acme(standin)
    sync_once(session, tenant, standin)
    standin.departments = [
        d for d in standin.departments if d["id"] != TEST
    ]  # 测试组 gone from WeCom
    for d in standin.departments:
        if d["id"] == EAST:
            d["name"], d["parentid"] = "华东大区", RD  # renamed and moved under 研发部
    standin.members["lina"]["department"] = [RD]
    standin.members["lina"].pop("main_department")

    planned = plan(session, tenant, standin)
    counts = planned.counts()
    assert (counts["dept_renamed"], counts["dept_moved"], counts["dept_disabled"]) == (1, 1, 1)
    assert counts["person_changed"] == 1 and not planned.blocked
    run, _ = preview(session, tenant, standin)
    apply(session, tenant, standin, run)

    tree = departments(session, tenant)
    assert "华东区" not in tree and tree["华东大区"].parent_id == tree["研发部"].id
    assert tree["华东大区"].path == f"/{tree['研发部'].id}/{tree['华东大区'].id}/"
    assert not tree["测试组"].is_active  # disabled, never deleted
    assert people(session, tenant)["李娜"].department_id == tree["研发部"].id

    standin.departments.append(dept(TEST, "测试组", RD))  # back in WeCom: enabled again
    assert plan(session, tenant, standin).counts()["dept_enabled"] == 1
    sync_once(session, tenant, standin)
    assert departments(session, tenant)["测试组"].is_active


def test_people_are_brought_in_line_and_disabled_when_they_leave(session: Session) -> None:
    tenant, standin = company(session)
    _acme(standin)
    sync_once(session, tenant, standin)
    m = standin.members
    m["zhangwei"].update(name="张伟伟", department=[SALES], email="zhang@acme.cn")
    m["zhangwei"].pop("mobile")  # WeCom no longer tells the mobile: ours is kept
    m["lina"]["status"] = 2  # disabled in WeCom
    del m["newbie"]  # gone from the directory

    planned = plan(session, tenant, standin)
    (changed,) = planned.people
    assert {c.field: (c.before, c.after) for c in changed.changes} == {
        "name": ("张伟", "张伟伟"),
        "department": ("华东区", "销售部"),
        "email": ("zw@acme.cn", "zhang@acme.cn"),
    }
    reasons = {d.name: d.reason for d in planned.person_disables}
    assert reasons == {"李娜": "disabled", "赵新": "left"}
    sync_once(session, tenant, standin)

    staff, tree = people(session, tenant), departments(session, tenant)
    zhang = staff["张伟伟"]
    assert zhang.phone == "13800000001" and zhang.department_id == tree["销售部"].id
    assert not staff["李娜"].is_active and not staff["赵新"].is_active  # kept, switched off
    m["lina"]["status"] = 1
    assert [c.field for c in plan(session, tenant, standin).people[0].changes] == ["is_active"]


def test_existing_people_are_matched_by_employee_number_and_kept_fields_survive(
    session: Session,
) -> None:
    tenant, standin = company(session)
    _acme(standin)
    own = TenantScope.single(tenant.id)
    sales = create_department(
        session=session, scope=own, tenant_id=tenant.id, name="销售部", actor=ADMIN
    )
    zhang = users.create_user(
        session=session, scope=own, tenant_id=tenant.id, actor=ADMIN,
        fields=UserFields(name="张 伟", employee_no="zhangwei", badge_card_no="CARD0001"),
    )  # fmt: skip
    session.commit()

    planned = plan(session, tenant, standin)
    assert planned.counts()["dept_linked"] == 1 and planned.counts()["person_new"] == 3
    assert [(p.user_id, p.link) for p in planned.people if p.user_id] == [(zhang.id, True)]
    sync_once(session, tenant, standin)

    staff = people(session, tenant)
    assert "张 伟" not in staff and staff["张伟"].id == zhang.id  # the same person, linked
    assert staff["张伟"].badge_card_no == "CARD0001"  # what WeCom does not know is kept
    assert departments(session, tenant)["销售部"].id == sales.id  # adopted, not duplicated
    assert len(staff) == 4


def test_with_phone_matching_people_are_matched_by_mobile(session: Session) -> None:
    tenant, standin = company(session, match_field="phone")
    _acme(standin)
    person = users.create_user(
        session=session, scope=TenantScope.single(tenant.id), tenant_id=tenant.id, actor=ADMIN,
        fields=UserFields(name="李娜", employee_no="E1002", phone="13800000002"),
    )  # fmt: skip
    session.commit()
    sync_once(session, tenant, standin)
    lina = people(session, tenant)["李娜"]
    assert lina.id == person.id and lina.external_id == "wecom:lina"
    assert lina.employee_no == "E1002"  # their own number, not the userid


def test_people_and_departments_not_from_the_directory_are_left_alone(session: Session) -> None:
    tenant, standin = company(session)
    _acme(standin)
    own = TenantScope.single(tenant.id)
    sync_once(session, tenant, standin)
    tree = departments(session, tenant)
    visitor = users.create_user(
        session=session, scope=own, tenant_id=tenant.id, actor=ADMIN,
        fields=UserFields(name="访客", department_id=tree["测试组"].id),
    )  # fmt: skip
    upsert_department(
        session=session, scope=own, tenant_id=tenant.id, external_id="HR-9", name="行政部",
        parent_external_id=None, actor=ADMIN,
    )  # fmt: skip
    session.commit()
    standin.departments = [d for d in standin.departments if d["id"] != TEST]
    standin.members["lina"]["department"] = [RD]
    standin.members["lina"].pop("main_department")

    planned = plan(session, tenant, standin)
    assert not planned.dept_disables  # 测试组 still has someone in it
    assert [(n.subject, n.key) for n in planned.skipped] == [
        ("测试组", "orgsync.skip.dept_has_people")
    ]
    sync_once(session, tenant, standin)
    tree, staff = departments(session, tenant), people(session, tenant)
    assert staff["访客"].is_active and staff["访客"].department_id == visitor.department_id
    assert tree["测试组"].is_active and tree["行政部"].is_active


def test_clashes_skip_a_person_and_block_a_department(session: Session) -> None:
    tenant, standin = company(session)
    _acme(standin)
    own = TenantScope.single(tenant.id)
    users.create_user(
        session=session, scope=own, tenant_id=tenant.id, actor=ADMIN,
        fields=UserFields(name="别人", phone="13800000001"),
    )  # fmt: skip
    session.commit()
    planned = plan(session, tenant, standin)
    assert [(n.subject, n.params) for n in planned.skipped] == [
        ("张伟", {"field": "phone", "value": "13800000001"})
    ]
    assert not planned.blocked

    upsert_department(
        session=session, scope=own, tenant_id=tenant.id, external_id="HR-1", name="研发部",
        parent_external_id=None, actor=ADMIN,
    )  # fmt: skip
    session.commit()
    run, planned = preview(session, tenant, standin)
    assert [n.key for n in planned.blockers] == ["orgsync.block.name_taken"]
    before = len(departments(session, tenant))
    with pytest.raises(DomainError) as refused:
        apply(session, tenant, standin, run)
    session.rollback()
    assert refused.value.key == "orgsync.blocked"
    assert len(departments(session, tenant)) == before


def test_an_apply_needs_the_plan_just_reviewed(session: Session) -> None:
    tenant, standin = company(session)
    _acme(standin)
    with pytest.raises(DomainError) as refused:
        apply(session, tenant, standin, OrgSyncRun(id=0))
    assert refused.value.key == "orgsync.preview_first"
    session.rollback()

    old, _ = preview(session, tenant, standin, NOW - timedelta(minutes=16))
    with pytest.raises(DomainError) as refused:
        apply(session, tenant, standin, old)
    assert refused.value.key == "orgsync.stale"  # reviewed too long ago
    session.rollback()

    run, _ = preview(session, tenant, standin)
    standin.members["boss"]["name"] = "王董"  # the directory changed since the review
    with pytest.raises(DomainError) as refused:
        apply(session, tenant, standin, run)
    assert refused.value.key == "orgsync.stale"
    session.rollback()
    assert session.exec(select(User).where(User.tenant_id == tenant.id)).first() is None

    run, _ = preview(session, tenant, standin)
    apply(session, tenant, standin, run)
    with pytest.raises(DomainError):  # a dry run is applied once
        apply(session, tenant, standin, run)


def test_an_apply_is_audited_as_one_run_with_each_change(session: Session) -> None:
    tenant, standin = company(session)
    _acme(standin)
    run, _ = sync_once(session, tenant, standin)
    entries = list(session.exec(select(AuditLog).where(AuditLog.tenant_id == tenant.id)))
    (summary,) = [e for e in entries if e.action == "org_sync_run.apply"]
    assert summary.entity_id == str(run.id) and summary.actor_name == ADMIN.name
    assert summary.after["person_new"] == 4 and summary.after["dept_new"] == 4
    created = [e for e in entries if e.action in ("app_user.create", "department.create")]
    assert len(created) == 8 and {e.actor_name for e in created} == {ADMIN.name}


def test_the_schedule_is_set_only_after_a_first_apply(session: Session) -> None:
    tenant, standin = company(session)
    _acme(standin)
    own = TenantScope.single(tenant.id)
    actor = Actor(account_id=None, name="管理员")
    schedule = {"session": session, "scope": own, "tenant_id": tenant.id, "actor": actor}
    with pytest.raises(DomainError) as refused:
        save_schedule(**schedule, enabled=True, interval_hours=12, now=NOW)
    assert refused.value.key == "orgsync.first_sync_needed"
    sync_once(session, tenant, standin)
    with pytest.raises(DomainError) as refused:
        save_schedule(**schedule, enabled=True, interval_hours=0, now=NOW)
    assert refused.value.key == "orgsync.bad_interval"
    saved = save_schedule(**schedule, enabled=True, interval_hours=12, now=NOW)
    assert saved.enabled and saved.interval_hours == 12
    with pytest.raises(DomainError):  # another tenant's scope may not
        save_schedule(
            **(schedule | {"scope": TenantScope.single(tenant.id + 1)}),
            enabled=False, interval_hours=12, now=NOW,
        )  # fmt: skip


def test_the_page_shows_a_plan_grouped_in_the_readers_language(session: Session) -> None:
    tenant, standin = company(session)
    _acme(standin)
    sync_once(session, tenant, standin)
    standin.members["zhangwei"]["name"] = "张伟伟"
    standin.members["lina"]["status"] = 5
    standin.departments[1]["name"] = "销售中心"
    groups = {g.key: g for g in plan_groups(plan(session, tenant, standin), "en")}
    assert set(groups) == {"dept_renamed", "person_changed", "person_disabled"}
    assert groups["dept_renamed"].rows == [("销售中心", "销售部 → 销售中心")]
    assert groups["person_changed"].rows == [("张伟伟", "Name: 张伟 → 张伟伟")]
    assert groups["person_disabled"].rows == [("李娜", "Has left the company in WeCom")]
    line = summary({"person_new": 3, "dept_disabled": 1}, "zh-CN")
    assert "人员：新增 3" in line and "停用 1" in line

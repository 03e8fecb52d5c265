"""The audit log read as sentences: names looked up (one query per kind), verbs and kinds
translated, system actors named, the changed fields as before/after rows, secrets hidden."""

from __future__ import annotations

from sqlalchemy import event
from sqlmodel import Session

from app.audit.queries import entry_views
from app.audit.services import audit
from app.audit.services.audit import AuditFilters, list_audit
from app.audit.services.records import SYSTEM, Actor, delete_scoped, record_created, update_scoped
from app.core.tenancy import TenantScope
from app.items.models import Item
from app.org.models import User
from tests.factories import make_cabinet, make_item, make_tenant, make_user


def _views(session: Session, tenant_id: int, locale: str):
    page = list_audit(
        session=session, scope=TenantScope.single(tenant_id), filters=AuditFilters(), unmask=False
    )
    return entry_views(session, page.entries, locale)


def test_entries_name_the_person_the_thing_and_the_changed_fields(session: Session) -> None:
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)
    admin = Actor(account_id=None, name="管理员甲")
    item = make_item(session, tenant, name="中性笔 0.5mm 黑")
    record_created(session, item, actor=admin)
    update_scoped(session, Item, item.id, scope, {"unit_cost_cents": 320}, actor=admin)
    pen = make_item(session, tenant, name="作废的笔")
    record_created(session, pen, actor=admin)
    delete_scoped(session, Item, pen.id, scope, actor=admin)

    english = _views(session, tenant.id, "en")
    deleted, gone_created, changed, created = english
    assert (changed.actor, changed.verb, changed.target) == (
        "管理员甲",
        "changed",
        "item 中性笔 0.5mm 黑",
    )
    assert [(c.field, c.after) for c in changed.changes] == [("unit cost (cents)", "320")]
    assert created.verb == "created" and created.target == "item 中性笔 0.5mm 黑"
    assert deleted.verb == "deleted" and deleted.target == f"item #{pen.id}"  # gone: its id
    assert gone_created.target == f"item #{pen.id}"
    assert all("{" not in c.before + c.after for v in english for c in v.changes)

    chinese = _views(session, tenant.id, "zh-CN")
    assert (chinese[2].verb, chinese[2].target) == ("修改", "物品 中性笔 0.5mm 黑")
    assert chinese[2].changes[0].field == "单价(分)"


def test_system_actors_cabinets_and_unknown_actions_read_as_words(session: Session) -> None:
    tenant = make_tenant(session)
    cabinet = make_cabinet(session, tenant)
    person = make_user(session, tenant, name="王芳")
    for action, actor_name, entity, entity_id in (
        ("door.pin_refused", f"cabinet {cabinet.code}", "app_user", person.id),
        ("cabinet.command", SYSTEM.name, "device_command", 999_999),
        ("weird_thing.did_stuff", "door sessions", "mystery_table", 5),
    ):
        audit.record(
            session=session,
            action=action,
            entity=entity,
            entity_id=entity_id,
            tenant_id=tenant.id,
            actor_name=actor_name,
            after={"cabinet": cabinet.code, "is_active": False},
        )
    unknown, command, refused = _views(session, tenant.id, "en")
    assert refused.actor == f"Cabinet {cabinet.code}"
    assert refused.verb == "refused a wrong PIN of" and refused.target == "person 王芳"
    assert command.actor == "System" and command.verb == "sent a command"
    assert unknown.actor == "System (door sessions)"
    assert unknown.verb == "weird thing did stuff" and unknown.target == "mystery table #5"
    assert ("active", "—", "no") in {(c.field, c.before, c.after) for c in unknown.changes}
    assert _views(session, tenant.id, "zh-CN")[1].actor == "系统"


def test_secrets_stay_hidden_and_names_cost_one_query_per_kind(session: Session) -> None:
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)
    admin = Actor(account_id=None, name="管理员甲")
    people = [make_user(session, tenant, name=f"员工{n}") for n in range(5)]
    for person in people:
        update_scoped(session, User, person.id, scope, {"pin_hash": "x" * 20}, actor=admin)
    for n in range(5):
        record_created(session, make_item(session, tenant, name=f"物品{n}"), actor=admin)
    page = list_audit(session=session, scope=scope, filters=AuditFilters(), unmask=True)

    statements: list[str] = []
    engine = session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        views = entry_views(session, page.entries, "en")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(statements) == 2  # the people, the items (no account actors on this page)
    pins = [c for v in views for c in v.changes if c.field == "PIN"]
    assert len(pins) == 5 and {c.after for c in pins} == {"changed (hidden)"}
    assert all("x" * 20 not in c.before + c.after for c in pins)
    assert {v.target for v in views if v.verb == "changed"} == {f"person 员工{n}" for n in range(5)}


def test_statuses_roles_and_permissions_are_words_not_codes(session: Session) -> None:
    tenant = make_tenant(session)
    changes = (
        ("approval.decide", "approval_request", {"status": "pending"}, {"status": "approved"}),
        ("role.grant", "account", {"roles": ["employee"]}, {"roles": ["employee", "tenant_admin"]}),
        ("role.update", "role", {"item:write": False}, {"item:write": True}),
    )
    for action, entity, before, after in changes:
        audit.record(
            session=session,
            action=action,
            entity=entity,
            entity_id=1,
            tenant_id=tenant.id,
            actor_name="管理员甲",
            before=before,
            after=after,
        )
    permission, roles, decision = _views(session, tenant.id, "en")
    assert [(c.field, c.before, c.after) for c in decision.changes] == [
        ("status", "pending", "approved")
    ]
    assert roles.changes[0].after == "Employee, Tenant admin"
    assert roles.verb == "changed the roles of"
    (change,) = permission.changes
    assert ":" not in change.field and (change.before, change.after) == ("no", "yes")
    zh = _views(session, tenant.id, "zh-CN")
    assert (zh[2].changes[0].before, zh[2].changes[0].after) == ("待处理", "已批准")
    assert zh[1].changes[0].after == "员工, 企业管理员"

"""The audit page's rows without a browser: each entry to the second in the tenant's zone, its
tenant by name, its words and changes as the read model wrote them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.audit.queries import Change, EntryView
from app.audit.services.audit import AuditEntry, AuditPage
from app.audit.state.audit import ACTION_GROUPS, EXACT_ACTION, audit_rows

AT = datetime(2026, 2, 28, 16, 0, 1, tzinfo=UTC)  # 00:00:01 on 1 March in Shanghai


def _entry(entry_id: int, tenant_id: int | None) -> AuditEntry:
    return AuditEntry(
        entry_id, AT, tenant_id, "Admin", "item.update", "item", "4", None, None, "10.0.0.1"
    )


def test_an_entry_is_shown_to_the_second_in_the_tenants_zone_with_its_tenant() -> None:
    page = AuditPage(entries=[_entry(1, 3), _entry(2, None), _entry(3, 99)], next_after=None)
    views = [
        EntryView(1, "Admin", "changed", "Pen", [Change("price", "1.00", "2.00")]),
        EntryView(2, "System", "signed in", "", []),
        EntryView(3, "Admin", "deleted", "Pad", []),
    ]
    first, platform, unknown = audit_rows(page, views, {3: "ACME"}, "Asia/Shanghai")
    assert first == {
        "id": 1,
        "time": "2026-03-01 00:00:01",
        "tenant": "ACME",
        "actor": "Admin",
        "action": "changed",
        "target": "Pen",
        "changes": [{"field": "price", "before": "1.00", "after": "2.00"}],
        "ip": "10.0.0.1",
    }
    assert platform["tenant"] == "—" and unknown["tenant"] == "—"


def test_the_views_must_match_the_entries() -> None:
    page = AuditPage(entries=[_entry(1, 3)], next_after=None)
    with pytest.raises(ValueError):
        audit_rows(page, [], {}, "UTC")


@pytest.mark.parametrize(
    ("action", "allowed"),
    [
        ("auth.login", True),
        ("item.", True),
        ("", True),
        ("Auth.login", False),
        ("a.b.c", False),
        ("x" * 41 + ".y", False),
    ],
)
def test_an_action_filter_is_a_group_or_one_action(action: str, allowed: bool) -> None:
    assert (action in ACTION_GROUPS or EXACT_ACTION.fullmatch(action) is not None) is allowed

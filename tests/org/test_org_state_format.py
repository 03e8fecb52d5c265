"""The organisation pages without a browser: people and departments as their tables show them,
the import's refused rows and the sync history in the reader's language and the tenant's time,
and the forms' ids, parents and schedule refused naming the field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core.errors import ValidationError
from app.core.i18n import t
from app.org.models import User
from app.org.queries import RunView
from app.org.services.departments import DepartmentNode
from app.org.services.importer import RowError
from app.org.services.users import UserPage
from app.org.state.departments import TOP, _parent_choice, _subtree
from app.org.state.departments import _rows as department_rows
from app.org.state.org_sync import _interval, run_rows
from app.org.state.people import _int_or_none, _rows
from app.org.state.people_import import MAX_ERRORS_SHOWN, error_rows

RAN = datetime(2026, 9, 30, 18, 5, tzinfo=UTC)  # 02:05 on 1 October in Shanghai
COUNTS = dict.fromkeys(
    (
        "dept_new",
        "dept_renamed",
        "dept_moved",
        "dept_disabled",
        "person_new",
        "person_changed",
        "person_disabled",
    ),
    1,
)


def _tree() -> list[DepartmentNode]:
    return [
        DepartmentNode(1, None, "HQ", "HQ", 0, True, 3),
        DepartmentNode(2, 1, "Sales", "HQ › Sales", 1, True, 2),
        DepartmentNode(3, 2, "East", "HQ › Sales › East", 2, False, 0),
        DepartmentNode(4, 1, "Finance", "HQ › Finance", 1, True, 1),
    ]


def test_a_person_row_shows_blanks_for_what_is_missing() -> None:
    users = [
        User(
            id=1,
            tenant_id=1,
            name="Li Lei",
            employee_no="E1",
            phone="138",
            department_id=2,
            pin_hash="h",
        ),
        User(id=2, tenant_id=1, name="Han Mei", is_active=False),
    ]
    full, bare = _rows(UserPage(rows=users, next_after=None, departments={2: "Sales"}))
    assert full == {
        "id": 1,
        "employee_no": "E1",
        "name": "Li Lei",
        "phone": "138",
        "email": "",
        "department_id": "2",
        "department": "Sales",
        "badge_card_no": "",
        "active": True,
        "has_pin": True,
    }
    assert (bare["department_id"], bare["department"], bare["active"], bare["has_pin"]) == (
        "",
        "",
        False,
        False,
    )


@pytest.mark.parametrize(
    ("value", "found"),
    [("12", 12), ("", None), ("any", None), ("-1", None), (12, None), (None, None)],
)
def test_a_department_filter_is_an_id_or_none(value: object, found: int | None) -> None:
    assert _int_or_none(value) == found  # type: ignore[arg-type]


def test_the_department_tree_and_one_branch() -> None:
    rows = department_rows(_tree())
    assert rows[0] == {
        "id": 1,
        "parent_id": 0,
        "name": "HQ",
        "depth": 0,
        "active": True,
        "people": 3,
    }
    assert _subtree(rows, 2) == {2, 3} and _subtree(rows, 1) == {1, 2, 3, 4}
    assert _subtree(rows, 4) == {4} and _subtree(rows, 99) == set()


@pytest.mark.parametrize(("value", "parent"), [(TOP, None), (None, None), ("7", 7), (7, 7)])
def test_the_parent_select_is_the_top_or_an_id(value: object, parent: int | None) -> None:
    assert _parent_choice(value) == parent


@pytest.mark.parametrize("value", ["top", "-1", True, ["7"], {"id": 7}])
def test_a_bad_parent_is_refused_naming_the_field(value: object) -> None:
    with pytest.raises(ValidationError) as refused:
        _parent_choice(value)
    assert refused.value.params["field"] == "id"


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_refused_import_row_names_its_column_and_why(locale: str) -> None:
    errors = [
        RowError(row=n, column="phone", key="error.required", params={"field": "phone"})
        for n in range(2, 300)
    ]
    rows = error_rows(errors, locale)
    assert len(rows) == MAX_ERRORS_SHOWN
    assert rows[0] == {
        "row": 2,
        "column": t("field.phone", locale),
        "reason": t("error.required", locale, field="phone"),
    }
    assert t("field.phone", locale) in rows[0]["reason"]


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_sync_run_is_shown_in_the_tenants_time_and_the_readers_language(locale: str) -> None:
    done = RunView(1, "schedule", "succeeded", RAN, RAN, COUNTS, "", {}, "")
    failed = RunView(
        2, "manual", "failed", RAN, RAN, {}, "error.required", {"field": "phone"}, "Admin"
    )
    first, second = run_rows([done, failed], locale, "Asia/Shanghai")
    assert first["at"] == "2026-10-01 02:05"
    assert first["trigger"] == t("orgsync.trigger.schedule", locale)
    assert first["summary"] == t("orgsync.summary", locale, **COUNTS) and first["error"] == ""
    assert second["summary"] == "" and second["error"] == t("error.required", locale, field="phone")
    assert second["actor"] == "Admin"


@pytest.mark.parametrize(
    ("enabled", "on"), [("on", True), ("TRUE", True), ("1", True), ("", False), (None, False)]
)
def test_the_schedule_is_on_or_off_every_so_many_hours(enabled: object, on: bool) -> None:
    assert _interval({"enabled": enabled, "interval_hours": " 24 "}) == (on, 24)


@pytest.mark.parametrize("hours", ["0", "169", "-1", "1.5", "", None, ["24"]])
def test_a_bad_interval_is_refused_naming_the_field(hours: object) -> None:
    with pytest.raises(ValidationError) as refused:
        _interval({"enabled": "on", "interval_hours": hours})
    assert refused.value.key == "orgsync.bad_interval"
    assert refused.value.params["field"] == "interval_hours"


def test_a_huge_interval_is_refused_naming_the_field() -> None:
    """Past int()'s 4,300-digit limit: still the field named, not a bare ValueError."""
    with pytest.raises(ValidationError):
        _interval({"interval_hours": "9" * 5000})


@pytest.mark.parametrize("form", [None, [], "on", 24])
def test_a_payload_that_is_no_form_is_refused_naming_the_field(form: object) -> None:
    with pytest.raises(ValidationError) as refused:
        _interval(form)
    assert refused.value.params["field"] == "interval_hours"

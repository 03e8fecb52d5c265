"""The platform's and a tenant's admin pages without a browser: the tenant and provider dialogs'
input, the policies' input in typed units, the staff rows and the providers' choices."""

from __future__ import annotations

from datetime import date

import pytest

from app.core.errors import ValidationError
from app.inventory.services.stocktake import APPROVAL
from app.tenants.services.staff import StaffView
from app.tenants.state.providers import provider_fields
from app.tenants.state.settings import POLICIES, _values, policy_line
from app.tenants.state.staff import staff_rows
from app.tenants.state.tenants import day, first_admin, provider_choices, tenant_fields

TYPED = {policy.key: str(policy.default // scale) for policy, _, scale in POLICIES}


def test_a_day_is_an_iso_date_or_nothing() -> None:
    assert day({"d": "2026-03-04"}, "d") == date(2026, 3, 4)
    assert day({"d": "2026-03-04T10:00"}, "d") == date(2026, 3, 4)
    assert day({"d": "  "}, "d") is None and day({}, "d") is None and day({"d": None}, "d") is None


@pytest.mark.parametrize("typed", ["04/03/2026", "2026-02-30", "soon", ["2026-03-04"], True])
def test_a_bad_day_is_refused_naming_the_field(typed: object) -> None:
    with pytest.raises(ValidationError) as refused:
        day({"contract_end": typed}, "contract_end")
    assert refused.value.params["field"] == "contract_end"


def test_the_tenant_dialog_becomes_its_fields() -> None:
    fields = tenant_fields(
        {
            "code": "acme" * 20,
            "name": "ACME",
            "provider_id": "3",
            "timezone": "Europe/Berlin",
            "locale": "en",
            "contract_start": "2026-01-01",
            "contract_end": "",
            "status": "active",
        }
    )
    assert fields.code == ("acme" * 20)[:40] and fields.provider_id == 3
    assert fields.contract_start == date(2026, 1, 1) and fields.contract_end is None
    assert tenant_fields({"provider_id": None}).provider_id is None


@pytest.mark.parametrize("provider", ["x", "-2", True, [3]])
def test_a_bad_provider_is_refused(provider: object) -> None:
    with pytest.raises(ValidationError) as refused:
        tenant_fields({"provider_id": provider})
    assert refused.value.params["field"] == "id"


def test_the_first_admin_and_the_provider_are_cut_to_their_columns() -> None:
    admin = first_admin({"admin_name": "A" * 99, "admin_username": "boss", "admin_phone": ""})
    assert admin.name == "A" * 80 and admin.phone is None and admin.password == ""
    assert first_admin({"admin_phone": 13800000000}).phone == "13800000000"
    provider = provider_fields({"code": "p1", "contact_phone": ["138"], "name": None})
    assert (provider.code, provider.contact_phone, provider.name) == ("p1", "['138']", "None")


def test_the_providers_are_offered_by_id() -> None:
    rows = [{"id": 4, "name": "Supply Co"}]
    assert provider_choices(rows) == [{"id": "4", "name": "Supply Co"}]


def test_a_policy_is_shown_in_typed_units() -> None:
    line = policy_line(APPROVAL, "policy.unit.yuan", 100, 123_456)
    assert line == {
        "key": APPROVAL.key,
        "value": "1234",
        "low": 0,
        "high": 1_000_000,
        "default": 500,
        "unit": "policy.unit.yuan",
    }


def test_the_typed_policies_are_stored_in_their_units() -> None:
    values = _values(TYPED | {APPROVAL.key: "12"})
    assert values[APPROVAL] == 1200 and set(values) == {policy for policy, _, _ in POLICIES}


@pytest.mark.parametrize("typed", ["", "-1", "1.5", "1e3", "9" * 13, None, [5], True])
def test_a_bad_policy_value_is_refused_naming_the_policy(typed: object) -> None:
    with pytest.raises(ValidationError) as refused:
        _values(TYPED | {APPROVAL.key: typed})
    assert refused.value.params["field"] == APPROVAL.key


def test_a_staff_member_serves_the_tenants_named() -> None:
    staff = [StaffView(1, "Wang", "wang", None, "staff", True, (3, 9))]
    assert staff_rows(staff, {3: "ACME"}) == [
        {
            "id": 1,
            "name": "Wang",
            "username": "wang",
            "phone": "",
            "role": "staff",
            "active": True,
            "serves": ["ACME"],
            "tenant_ids": ["3", "9"],
        }
    ]

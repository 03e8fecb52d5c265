"""The quotas page without a browser: the rules' rows (a cost in yuan), the dialog's choices, a
rule as the dialog starts, and the typed rule refused naming the field."""

from __future__ import annotations

import pytest

from app.core.errors import ValidationError
from app.quotas.services.console import RuleView
from app.quotas.state.quotas import (
    NEW_RULE,
    _as_form,
    _fields,
    _limit,
    _picked,
    rule_choices,
    rule_lines,
)


def _rule(**changes: object) -> RuleView:
    fields: dict = {
        "id": 2,
        "name": "Pens",
        "subject_kind": "user",
        "subject": "Li Lei",
        "target_kind": "item",
        "target": "Pen",
        "period": "month",
        "limit_kind": "cost",
        "limit_value": 123456,
        "over_policy": "block",
        "is_active": True,
        "subject_id": 8,
        "target_id": 5,
        "used": True,
    }
    return RuleView(**(fields | changes))


def test_a_cost_limit_is_shown_in_yuan_and_a_count_in_units() -> None:
    cost, count = rule_lines([_rule(), _rule(id=3, limit_kind="count", limit_value=1500)])
    assert cost["limit"] == "1,234.56" and count["limit"] == "1500"
    assert (cost["active"], cost["used"], cost["subject"]) == (True, True, "Li Lei")


def test_a_rule_starts_the_dialog_as_it_is_typed() -> None:
    form = _as_form(_rule())
    assert form["limit_value"] == "1234.56" and (form["subject"], form["target"]) == ("8", "5")
    blank = _as_form(_rule(limit_kind="count", limit_value=7, subject_id=None, target_id=None))
    assert (blank["limit_value"], blank["subject"], blank["target"]) == ("7", "", "")
    assert set(form) == set(NEW_RULE)


def test_the_dialog_offers_each_kind_and_the_people_rules_name() -> None:
    rules = [_rule(), _rule(id=3, subject_kind="department", subject="Sales", subject_id=4)]
    choices = rule_choices(rules, {"department": [(4, "Sales")], "item": [(5, "Pen")]})
    assert choices == {
        "department": [{"id": "4", "name": "Sales"}],
        "item": [{"id": "5", "name": "Pen"}],
        "user": [{"id": "8", "name": "Li Lei"}],
    }


def test_a_typed_rule_becomes_its_fields() -> None:
    form = NEW_RULE | {
        "name": "Pens",
        "subject_kind": "department",
        "subject": "4",
        "target_kind": "item",
        "target": "5",
        "limit_kind": "cost",
        "limit_value": "12.5",
    }
    fields = _fields(form)
    assert (fields.subject_id, fields.target_id, fields.limit_value) == (4, 5, 1250)
    tenant_wide = _fields(form | {"subject_kind": "tenant", "target_kind": "all"})
    assert (tenant_wide.subject_id, tenant_wide.target_id) == (None, None)
    assert _fields(form | {"subject": ""}).subject_id is None  # the service names it


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"limit_kind": "count", "limit_value": "2.5"}, "limit_value"),
        ({"limit_kind": "count", "limit_value": ["3"]}, "limit_value"),
        ({"limit_kind": "count", "limit_value": None}, "limit_value"),
        ({"limit_kind": "cost", "limit_value": "1.001"}, "limit_value"),
        ({"limit_kind": "cost", "limit_value": "lots"}, "limit_value"),
    ],
)
def test_a_bad_limit_is_refused_naming_the_field(form: dict, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        _limit(form)
    assert refused.value.params["field"] == field


def test_a_count_limit_in_units_and_a_cost_in_fen() -> None:
    assert _limit({"limit_kind": "count", "limit_value": " 40 "}) == 40
    assert _limit({"limit_kind": "cost", "limit_value": "0.5"}) == 50


@pytest.mark.parametrize("picked", ["x", "-1", True, [4], {"id": 4}])
def test_a_picked_id_that_is_not_one_is_refused(picked: object) -> None:
    assert _picked({"subject": "4"}, "subject") == 4 and _picked({}, "subject") is None
    with pytest.raises(ValidationError) as refused:
        _picked({"subject": picked}, "subject")
    assert refused.value.params["field"] == "id"

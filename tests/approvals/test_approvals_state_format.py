"""The approvals page without a browser: the requests' rows, the flows' rows and step choices,
and the flow dialog's refusals naming the field in the reader's language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.approvals.queries.console import FlowView, RequestPage, StepView
from app.approvals.queries.inbox import RequestView
from app.approvals.state.approvals import approval_lines
from app.approvals.state.flows import NO_STEP, _flow_row, _named_field, step_options
from app.core.i18n import t

ASKED = datetime(2026, 2, 28, 16, 45, tzinfo=UTC)


def _request(request_id: int, **changes: object) -> RequestView:
    fields: dict = {
        "id": request_id,
        "flow": "Over quota",
        "requester": "Li Lei",
        "reason": "project",
        "status": "pending",
        "step": 1,
        "steps": 2,
        "item": "Pen",
        "quantity": 3,
        "created_at": ASKED,
        "comment": None,
    }
    return RequestView(**(fields | changes))


def test_a_request_row_shows_its_step_and_the_tenants_time() -> None:
    page = RequestPage(
        rows=[_request(1), _request(2, item=None, comment="ok")],
        mine_to_decide=frozenset({2}),
        next_after_id=None,
    )
    first, second = approval_lines(page, "Asia/Shanghai")
    assert first["at"] == "03-01 00:45" and first["step"] == "1/2"
    assert (first["item"], first["comment"], first["mine"]) == ("Pen", "", False)
    assert (second["item"], second["comment"], second["mine"]) == ("", "ok", True)


def test_a_flow_row_shows_its_amount_in_yuan_and_its_steps() -> None:
    flow = FlowView(
        id=7,
        name="Big",
        trigger="over_amount",
        min_amount_cents=1234567,
        steps=[
            StepView("department_manager", "department_manager", ""),
            StepView("role:3", "role", "Buyer"),
        ],
        is_active=True,
    )
    row = _flow_row(flow)
    assert row["amount"] == "12,345.67"
    assert row["steps"] == [
        {"kind": "department_manager", "name": ""},
        {"kind": "role", "name": "Buyer"},
    ]
    assert row["values"] == ["department_manager", "role:3"] and row["active"] is True


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_step_choices_start_with_none_and_name_the_manager(locale: str) -> None:
    choices = step_options([("department_manager", ""), ("user:4", "Han Mei")], locale)
    assert choices == [
        {"value": NO_STEP, "label": "—"},
        {"value": "department_manager", "label": t("approvals.step.department_manager", locale)},
        {"value": "user:4", "label": "Han Mei"},
    ]


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_refused_field_is_named_in_the_readers_words(locale: str) -> None:
    named = _named_field({"field": "min_amount", "n": 1}, locale)
    assert named == {"field": t("approvals.field.min_amount", locale), "n": 1}
    assert _named_field({"field": "step3"}, locale) == {
        "field": t("approvals.field.step_n", locale, n="3")
    }
    assert "3" in _named_field({"field": "step3"}, locale)["field"]
    assert _named_field({}, locale) == {}

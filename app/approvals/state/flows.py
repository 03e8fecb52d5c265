"""The flow editor on the approvals page (`approval:configure`): a new flow or an existing one in
a dialog with up to five steps; the rules are in app/approvals/services/flows.py."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.approvals.queries import console
from app.approvals.services import flows
from app.core.db import run_in_session
from app.core.errors import DomainError
from app.core.i18n import t
from app.ui.format import fen, yuan
from app.ui.guard import caller, guarded
from app.ui.payload import as_id
from app.ui.session import actor_of, request_locale, require, working_tenant

READ, CONFIGURE = "approval:read", "approval:configure"
NO_STEP = "none"  # a select cannot hold "": the empty choice of a step


class StepLine(TypedDict):
    kind: str
    name: str  # the role's or the person's name; "" for the department manager


class FlowLine(TypedDict):
    id: int
    name: str
    trigger: str
    amount: str  # the least amount, in yuan
    steps: list[StepLine]
    values: list[str]  # each step as the form's select holds it
    active: bool


class StepChoice(TypedDict):
    value: str
    label: str


def _flow_row(flow: console.FlowView) -> FlowLine:
    return FlowLine(
        id=flow.id,
        name=flow.name,
        trigger=flow.trigger,
        amount=yuan(flow.min_amount_cents),
        steps=[StepLine(kind=s.kind, name=s.name) for s in flow.steps],
        values=[s.value for s in flow.steps],
        active=flow.is_active,
    )


def _named_field(params: dict, locale: str) -> dict:
    """The refused field in the reader's words: step fields are "step<n>"."""
    field = str(params.get("field", ""))
    if field.startswith("step") and field[4:].isdigit():
        return params | {"field": t("approvals.field.step_n", locale, n=field[4:])}
    return params | {"field": t(f"approvals.field.{field}", locale)} if field else params


class FlowsState(rx.State):
    flows: list[FlowLine] = []
    step_choices: list[StepChoice] = []
    can_configure: bool = False
    editing: bool = False
    form: dict = {}  # the flow in the dialog: id (0: new), name, trigger, amount, active, steps
    message: str = ""

    async def _load(self) -> None:
        principal = await require(self, READ)
        # with "all tenants" chosen in the header the flows are listed, not edited
        tenant_id = principal.active_tenant_id if principal.can(CONFIGURE) else None
        self.can_configure = tenant_id is not None

        locale = await request_locale(self)

        def read(session):
            scope = principal.scope
            listed = console.list_flows(session=session, scope=scope, locale=locale)
            choices = (
                flows.step_choices(session=session, scope=scope, tenant_id=tenant_id, locale=locale)
                if tenant_id is not None
                else []
            )
            return listed, choices

        listed, choices = await run_in_session(read)
        self.flows = [_flow_row(f) for f in listed]
        self.step_choices = step_options(choices, locale)

    @rx.event
    @guarded(READ)
    async def load(self) -> None:
        self.editing, self.message = False, ""
        await self._load()

    def _open(self, form: dict) -> None:
        self.form, self.message, self.editing = form, "", True

    @rx.event
    @guarded(CONFIGURE)
    async def start_new(self) -> None:
        steps = ["department_manager"] + [NO_STEP] * (flows.MAX_STEPS - 1)
        self._open(
            {"id": 0, "name": "", "trigger": "over_quota", "amount": "0", "active": True}
            | {"steps": steps}
        )

    @rx.event
    @guarded(CONFIGURE)
    async def start_edit(self, flow_id: int) -> None:
        flow_id = as_id(flow_id)
        await self._load()  # the flow as it is now, and only one of the scope
        row = next((f for f in self.flows if f["id"] == flow_id), None)
        if row is None:
            return
        values = row["values"] + [NO_STEP] * (flows.MAX_STEPS - len(row["values"]))
        self._open(
            {k: row[k] for k in ("id", "name", "trigger", "amount", "active")}
            | {"steps": values[: flows.MAX_STEPS]}
        )

    @rx.event
    @guarded(READ)
    async def close(self) -> None:
        self.editing, self.message = False, ""

    @rx.event
    @guarded(CONFIGURE)
    async def save(self, form: dict) -> None:
        principal = caller().principal
        locale = caller().locale
        try:
            steps = [form.get(f"step{n}", NO_STEP) for n in range(1, flows.MAX_STEPS + 1)]
            spec = flows.FlowSpec(
                name=str(form.get("name", ""))[:100],
                trigger=str(form.get("trigger", "")),
                min_amount_cents=fen(form.get("amount", ""), "min_amount"),
                is_active=form.get("active") in ("on", True, "true"),
                steps=tuple(
                    s
                    for s in (flows.parse_step("" if v == NO_STEP else str(v)) for v in steps)
                    if s is not None
                ),
            )
            flow_id = as_id(self.form.get("id") or 0) if self.form.get("id") else None
            await run_in_session(
                flows.save_flow,
                scope=principal.scope,
                tenant_id=await working_tenant(self, principal),
                spec=spec,
                actor=actor_of(self, principal),
                flow_id=flow_id,
            )
        except DomainError as refused:
            self.message = t(refused.key, locale, **_named_field(refused.params, locale))
            return
        self.editing, self.message = False, ""
        await self._load()


def step_options(choices: list[tuple[str, str]], locale: str) -> list[StepChoice]:
    """A step's select: none first, then each approver (the department manager in words)."""
    return [StepChoice(value=NO_STEP, label="—")] + [
        StepChoice(value=value, label=label or t("approvals.step.department_manager", locale))
        for value, label in choices
    ]

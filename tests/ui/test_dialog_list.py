"""app/ui/dialog_list.py without a browser: each page's mixin checks that page's permission, and
the handlers open, fill, refuse and save the way every one-dialog list page relies on."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
import reflex as rx

from app.alerts.state.routing import RoutingState
from app.audit.services.records import Actor
from app.core.errors import ValidationError
from app.core.i18n import t
from app.tenants.state.providers import ProvidersState
from app.tenants.state.tenants import TenantsState
from app.ui.dialog_list import dialog_list
from app.ui.guard import declaration
from app.ui.session import AccessRefused
from app.webhooks.state.webhooks import WebhooksState
from tests.ui.signed_in import pretend_signed_in

HANDLERS = ("load", "start", "edit", "close", "save")


@pytest.mark.parametrize(
    ("state", "permission"),
    [
        (TenantsState, "tenant:onboard"),
        (ProvidersState, "provider:write"),
        (RoutingState, "alert:route"),
        (WebhooksState, "webhook:manage"),
    ],
)
def test_each_page_s_handlers_check_that_page_s_permission(
    state: type[rx.State], permission: str
) -> None:
    for name in HANDLERS:
        guard = declaration(state.event_handlers[name].fn)
        assert guard is not None and guard.permission == permission, (state.__name__, name)


class DialogDemoState(dialog_list("demo:write"), rx.State):
    """A page of the test's own (tests/handlers.py leaves states under tests.* out)."""


class Page:
    """What the handlers read and write of a page state, with its hooks recording calls."""

    def __init__(self) -> None:
        self.open, self.editing_id, self.form, self.message = False, 0, {}, ""
        self.loads: list[int] = []
        self.written: list[tuple[dict, int, Actor]] = []
        self.refuse_with: ValidationError | None = None
        self.rows = {7: {"name": "seven"}}
        self.router = SimpleNamespace(
            page=SimpleNamespace(raw_path="/demo"), session=SimpleNamespace(client_ip="10.0.0.9")
        )

    async def _load(self) -> None:
        self.loads.append(self.editing_id)

    def _reset(self) -> None:
        self.message = "reset"

    def _fill_new(self) -> None:
        self.form = {"name": ""}

    async def _fill(self, principal: Any, row_id: int) -> bool:
        if row_id not in self.rows:
            return False
        self.form = dict(self.rows[row_id])
        return True

    async def _write(self, principal: Any, form: dict, actor: Actor) -> None:
        if self.refuse_with is not None:
            raise self.refuse_with
        self.written.append((form, self.editing_id, actor))

    def _refusal(self, refused: Any, locale: str) -> str:
        return DialogDemoState._refusal(self, refused, locale)

    def _field_name(self, field: str, locale: str) -> str:
        return f"«{field}»"

    def _saved_key(self) -> str:
        return "common.save"


@pytest.fixture(autouse=True)
def _caller(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    principal = SimpleNamespace(
        username="lin",
        account_id=3,
        display_name="Lin",
        scope="tenant-7",
        can=lambda permission: permission == "demo:write",
    )
    return pretend_signed_in(monkeypatch, principal)


def _fn(name: str) -> Any:
    return DialogDemoState.event_handlers[name].fn


async def _save(page: Page, form: object) -> list[Any]:
    return [step async for step in _fn("save")(page, form)]


async def test_start_opens_an_empty_dialog_for_a_new_row() -> None:
    page = Page()
    page.editing_id, page.message = 7, "old refusal"
    await _fn("start")(page)
    assert (page.open, page.editing_id, page.form, page.message) == (True, 0, {"name": ""}, "")


async def test_edit_opens_a_row_and_a_missing_row_leaves_the_dialog_shut() -> None:
    page = Page()
    await _fn("edit")(page, "7")
    assert (page.open, page.editing_id, page.form) == (True, 7, {"name": "seven"})
    shut = Page()
    await _fn("edit")(shut, 8)
    assert (shut.open, shut.editing_id) == (False, 0)


@pytest.mark.parametrize("sent", ["7; drop", -1, None, True, "٧"])
async def test_edit_refuses_an_id_that_is_not_one(sent: object) -> None:
    with pytest.raises(ValidationError):
        await _fn("edit")(Page(), sent)


async def test_a_refused_write_is_the_dialog_s_message_with_the_field_named() -> None:
    page = Page()
    page.open, page.refuse_with = True, ValidationError(field="name")
    assert await _save(page, {"name": ""}) == []
    assert page.message == t("error.validation", "en", field="«name»")
    assert page.open and page.loads == []


async def test_a_saved_row_closes_the_dialog_reloads_and_says_so() -> None:
    page = Page()
    page.open, page.editing_id, page.message = True, 7, "old refusal"
    steps = await _save(page, {"name": "new"})
    assert (page.open, page.message, page.loads) == (False, "", [7])
    assert page.written == [({"name": "new"}, 7, Actor(account_id=3, name="Lin", ip="10.0.0.9"))]
    assert len(steps) == 1  # the toast


async def test_a_crafted_form_is_written_as_an_empty_one() -> None:
    page = Page()
    await _save(page, ["not", "a", "form"])
    assert page.written[0][0] == {}


async def test_load_closes_the_dialog_and_clears_what_the_page_says(_caller: Any) -> None:
    page = Page()
    page.open = True
    await _fn("load")(page)
    assert (page.open, page.message, page.loads) == (False, "reset", [0])


async def test_a_caller_without_the_permission_changes_nothing(_caller: Any) -> None:
    _caller.principal.can = lambda permission: False
    page = Page()
    for name, args in (("start", ()), ("edit", (7,)), ("close", ()), ("load", ())):
        with pytest.raises(AccessRefused):
            await _fn(name)(page, *args)
    with pytest.raises(AccessRefused):
        await _save(page, {"name": "x"})
    assert (page.open, page.loads, page.written) == (False, [], [])

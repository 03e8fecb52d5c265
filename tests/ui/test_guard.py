"""app/ui/guard.py without a browser: the check runs before the body, the body learns who is
calling, payloads and refusals are handled, and Reflex still sees the handler's own signature."""

from __future__ import annotations

import inspect
from types import SimpleNamespace
from typing import Any, get_type_hints

import pytest
import reflex as rx

from app.core.errors import ValidationError
from app.core.i18n import t
from app.ui.guard import Guard, caller, checked_inside, declaration, guarded, public
from app.ui.session import AccessRefused
from tests.ui.signed_in import pretend_signed_in

ran: list[object] = []


class GuardDemoState(rx.State):
    """A state of the test's own: what Reflex makes of guarded handlers."""

    note: str = ""

    @rx.event
    @guarded("demo:write", message="note")
    async def save(self, form: dict, count: int = 1) -> None:
        ran.append((form, count, caller().principal.username, caller().locale))
        if form.get("bad"):
            raise ValidationError(field="name")

    @rx.event
    @guarded("demo:read")
    async def stream(self, steps: int):
        for step in range(steps):
            ran.append((step, caller().locale))
            yield

    @rx.event(background=True)
    @guarded("demo:read")
    async def later(self, version: int) -> None:
        ran.append(version)

    @rx.event
    @guarded("demo:read")
    async def plain(self, form: dict) -> None:
        raise ValidationError(field="name")

    @rx.event
    @public("a test's own")
    def anyone(self, value: str) -> None:
        ran.append(value)


def _principal(*permissions: str) -> SimpleNamespace:
    return SimpleNamespace(
        username="lin", scope="tenant-7", can=lambda permission: permission in permissions
    )


def _state() -> SimpleNamespace:
    """What the guard reads of a state: its router (for a refusal's way back)."""
    return SimpleNamespace(note="", router=SimpleNamespace(page=SimpleNamespace(raw_path="/x")))


@pytest.fixture(autouse=True)
def _caller(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    ran.clear()
    return pretend_signed_in(monkeypatch, _principal("demo:read", "demo:write"))


def _fn(name: str) -> Any:
    return GuardDemoState.event_handlers[name].fn


async def test_a_refused_caller_never_runs_the_body(_caller: SimpleNamespace) -> None:
    _caller.principal = _principal("demo:read")
    with pytest.raises(AccessRefused) as refused:
        await _fn("save")(_state(), {"name": "x"})
    assert refused.value.params == {"permission": "demo:write"} and refused.value.locale == "en"
    assert ran == []


async def test_a_visitor_is_sent_to_sign_in_and_the_body_never_runs(
    _caller: SimpleNamespace,
) -> None:
    _caller.principal = None
    with pytest.raises(AccessRefused) as refused:
        await _fn("save")(_state(), {})
    assert not refused.value.signed_in and refused.value.back_to == "/x"
    assert ran == []


async def test_the_body_knows_its_caller_and_their_language(_caller: SimpleNamespace) -> None:
    _caller.locale = "zh-CN"
    await _fn("save")(_state(), form={"name": "x"}, count=3)
    assert ran == [({"name": "x"}, 3, "lin", "zh-CN")]
    with pytest.raises(RuntimeError):
        caller()  # only inside a guarded handler's body


@pytest.mark.parametrize("sent", ["text", 7, None, ["a"]])
async def test_a_dict_parameter_that_received_something_else_is_empty(sent: object) -> None:
    await _fn("save")(_state(), sent, 2)
    assert ran == [({}, 2, "lin", "en")]


async def test_a_domain_error_is_the_page_s_message_in_the_caller_s_language(
    _caller: SimpleNamespace,
) -> None:
    state = _state()
    assert await _fn("save")(state, {"bad": True}) is None
    assert state.note == t("error.validation", "en", field="name")
    _caller.locale = "zh-CN"
    await _fn("save")(state, {"bad": True})
    assert (
        state.note
        == t("error.validation", "zh-CN", field="name")
        != t("error.validation", "en", field="name")
    )


async def test_without_message_a_domain_error_propagates() -> None:
    with pytest.raises(ValidationError):
        await _fn("plain")(_state(), {})


async def test_an_async_generator_handler_is_checked_first_and_yields_each_step(
    _caller: SimpleNamespace,
) -> None:
    steps = _fn("stream")(_state(), 3)
    assert inspect.isasyncgen(steps)
    assert [s async for s in steps] == [None, None, None]
    assert ran == [(0, "en"), (1, "en"), (2, "en")]
    with pytest.raises(RuntimeError):
        caller()  # not set between steps, nor after
    _caller.principal = _principal()
    ran.clear()
    with pytest.raises(AccessRefused):
        await _fn("stream")(_state(), 3).__anext__()
    assert ran == []


def test_reflex_sees_the_handler_s_own_parameters_and_kind() -> None:
    save = GuardDemoState.event_handlers["save"]
    assert list(save.get_parameters()) == ["self", "form", "count"]
    assert save._get_type_hints() == {"form": dict, "count": int, "return": type(None)}
    assert get_type_hints(save.fn)["form"] is dict
    assert save._is_coroutine_function and not save.is_background
    assert inspect.isasyncgenfunction(GuardDemoState.event_handlers["stream"].fn)
    later = GuardDemoState.event_handlers["later"]
    assert later.is_background and list(later.get_parameters()) == ["self", "version"]
    assert save.fn.__name__ == "save" and save.fn.__qualname__ == "GuardDemoState.save"


def test_each_handler_carries_its_declaration() -> None:
    assert declaration(_fn("save")) == Guard(permission="demo:write", message="note")
    assert declaration(_fn("anyone")) == Guard(public=True, reason="a test's own")

    @checked_inside("demo:read", "a redirect of its own")
    async def inside(self: Any) -> None:
        return None

    assert declaration(inside) == Guard(
        permission="demo:read", checked_inside=True, reason="a redirect of its own"
    )


async def test_a_public_or_checked_inside_handler_is_left_as_it_is(
    _caller: SimpleNamespace,
) -> None:
    _caller.principal = None

    async def inside(self: Any, form: dict) -> object:
        return form

    assert checked_inside("demo:read", "the body checks")(inside) is inside
    assert await inside(_state(), "not a dict") == "not a dict"
    _fn("anyone")(_state(), "v")
    assert ran == ["v"]


async def test_a_background_handler_is_checked_under_the_state_s_lock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entered: list[str] = []

    class Proxy:  # what the guard needs of a StateProxy: `async with` around the check
        router = _state().router

        async def __aenter__(self) -> Proxy:
            entered.append("in")
            return self

        async def __aexit__(self, *exc: object) -> None:
            entered.append("out")

    from app.ui import guard

    monkeypatch.setattr(guard, "StateProxy", Proxy)
    await _fn("later")(Proxy(), 4)
    assert entered == ["in", "out"] and ran == [4]

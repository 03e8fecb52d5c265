"""The cabinets page without a browser: the fleet's and one cabinet's rows (moments in the
tenant's zone, to the second), the choices in the reader's language, and the typed levels and
ids refused naming the field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.cabinets.models import CabinetRefusal, Slot
from app.cabinets.services.console import CabinetRow, PlannedSlot, SentCommand
from app.cabinets.services.profiles import PROFILES
from app.cabinets.services.scale_stats import words
from app.cabinets.state.cabinets import (
    _level,
    cabinet_lines,
    command_lines,
    indicator_choices,
    refusal_lines,
    scale_lines,
    slot_lines,
)
from app.cabinets.state.camera import camera_lines
from app.cabinets.state.lan import wiring_of
from app.cabinets.state.lifecycle import model_choices
from app.core.errors import ValidationError
from app.core.i18n import t
from app.withdrawals.services.scale_model import DEFAULT_MODELS

SEEN = datetime(2026, 7, 1, 15, 59, 58, tzinfo=UTC)  # 23:59:58 in Shanghai


def _cabinet(heartbeat: datetime | None) -> CabinetRow:
    return CabinetRow(
        id=1,
        code="C-1",
        name="Lobby",
        model="SC-40S",
        online=heartbeat is not None,
        door="closed",
        last_heartbeat_at=heartbeat,
        low_slots=2,
        lifecycle="maintenance",
    )


def test_a_cabinets_heartbeat_is_shown_to_the_second_in_the_tenants_zone() -> None:
    seen, never = cabinet_lines([_cabinet(SEEN), _cabinet(None)], "Asia/Shanghai")
    assert seen["heartbeat"] == "07-01 23:59:58" and never["heartbeat"] == "—"
    assert (seen["low"], seen["lifecycle"], seen["status"]) == (2, "maintenance", seen["status"])
    assert seen["status"] in ("online", "open", "offline", "never")


def test_a_slot_holding_less_than_its_minimum_is_low() -> None:
    slots = [PlannedSlot(5, "A1", 9, "Pen", 2, 3, 10), PlannedSlot(6, "A2", 9, "Pen", 3, 3, 10)]
    low, enough = slot_lines(slots)
    assert low == {
        "id": 5,
        "slot": "A1",
        "item_id": "9",
        "item": "Pen",
        "quantity": 2,
        "min": 3,
        "par": 10,
        "low": True,
    }
    assert enough["low"] is False


def test_commands_and_refusals_are_shown_in_the_tenants_zone() -> None:
    (command,) = command_lines([SentCommand("tare", "failed", 3, SEEN, "E42")], "Asia/Shanghai")
    assert command == {
        "kind": "tare",
        "status": "failed",
        "attempts": 3,
        "at": "07-01 23:59:58",
        "error": "E42",
    }
    refusals = [
        CabinetRefusal(code="bad_sig", count=4, last_at=SEEN, last_payload="x" * 1000),
        CabinetRefusal(code="stale", count=1, last_at=SEEN, last_payload=None),
    ]
    long, empty = refusal_lines(refusals, "UTC")
    assert long["last_at"] == "07-01 15:59:58" and long["payload"] == "x" * 400
    assert empty["payload"] == "" and empty["count"] == 1


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_scales_model_and_the_indicators_are_in_the_readers_language(locale: str) -> None:
    scale = {
        "slot": "A1",
        "slot_id": 3,
        "indicator": "default",
        "learned": False,
        "samples": 2,
        "sigma_g": 0.5,
        "resolution_g": 0.1,
        "drift_g_per_min": 0.01,
    }
    (line,) = scale_lines([scale], locale)
    assert line == {
        "slot": "A1",
        "slot_id": "3",
        "indicator": "default",
        "text": words(scale, locale),
    }
    assert "A1" in line["text"]
    indicators = indicator_choices(locale)
    assert [i["id"] for i in indicators] == list(DEFAULT_MODELS)
    assert all(i["name"] == t(f"indicator.{i['id']}", locale) for i in indicators)


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_each_model_says_what_it_has_in_the_readers_language(locale: str) -> None:
    choices = model_choices(locale)
    assert [c["id"] for c in choices] == list(PROFILES)
    first = PROFILES[choices[0]["id"]]
    camera = t("cabinets.yes" if first.camera else "cabinets.no", locale)
    assert choices[0]["text"] == t(
        "cabinets.profile",
        locale,
        banks=len(first.scale_units),
        channels=first.channels,
        zones=len(first.rfid_zones),
        camera=camera,
    )


def test_each_camera_has_its_snapshot_and_the_regions_are_by_slot() -> None:
    found = {
        "top": [Slot(id=2, code="B1", camera="top", camera_region=[[0, 0], [10, 0], [10, 5]])],
        "side": [Slot(id=1, code="A1", camera="side", camera_region=None)],
    }
    cameras, regions = camera_lines(found, 7, 3)
    assert cameras == [
        {"camera": "side", "url": "/api/cabinets/7/cameras/side.jpg?v=3"},
        {"camera": "top", "url": "/api/cabinets/7/cameras/top.jpg?v=3"},
    ]
    assert regions == [
        {"slot_id": "1", "slot": "A1", "camera": "side", "corners": ""},
        {"slot_id": "2", "slot": "B1", "camera": "top", "corners": "0,0 10,0 10,5"},
    ]


@pytest.mark.parametrize(("typed", "level"), [("0", 0), (" 12 ", 12), (7, 7)])
def test_a_level_is_a_whole_number(typed: object, level: int) -> None:
    assert _level(typed, "min_qty") == level


@pytest.mark.parametrize(
    "typed", [None, "", "-1", "1.5", "ten", True, [3], {"n": 3}, "9" * 5000 + "x"]
)
def test_a_bad_level_is_refused_naming_the_field(typed: object) -> None:
    with pytest.raises(ValidationError) as refused:
        _level(typed, "par_qty")
    assert refused.value.params["field"] == "par_qty"


def test_a_huge_level_is_refused_naming_the_field() -> None:
    """Past int()'s 4,300-digit limit: still the field named, not a bare ValueError."""
    with pytest.raises(ValidationError):
        _level("9" * 5000, "min_qty")


@pytest.mark.parametrize("sent", [["502"], {"n": 1}, True, "-1", "1234567", "9" * 5000])
def test_a_lan_number_of_any_other_type_is_refused_naming_the_field(sent: object) -> None:
    with pytest.raises(ValidationError) as refused:
        wiring_of({"host": "h", "port": sent})
    assert refused.value.params["field"] == "port"

"""The items page without a browser: the rows as the table shows them and the drawer's form
starts, the scale readings in grams, and the typed item refused naming the field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core.errors import ValidationError
from app.items.services.console import ItemRow, SlotReading
from app.items.state.items import _fields, _number, item_lines, reading_lines

GOOD = {
    "sku": "PEN-1",
    "name": "Pen",
    "type": "3",
    "unit": "支",
    "unit_weight_g": " 12.5 ",
    "weight_tolerance_g": "",
    "cost": "1,234.5",
    "requires_approval": "on",
    "tag_4": "on",
    "tag_7": True,
    "tag_9": False,
    "vision_class": "pen",
}


def _item(**changes: object) -> ItemRow:
    fields: dict = {
        "id": 1,
        "sku": "PEN-1",
        "name": "Pen",
        "type_id": 3,
        "type": "Writing",
        "tags": ["office", "blue"],
        "tag_ids": [4, 7],
        "unit": "支",
        "unit_weight_g": 12.50,
        "weight_tolerance_g": 0.3,
        "unit_cost_cents": 123450,
        "requires_approval": True,
        "is_active": True,
        "image_path": "items/1.png",
        "vision_class": "pen",
    }
    return ItemRow(**(fields | changes))


def test_an_item_row_shows_grams_and_yuan_as_they_are_typed() -> None:
    (line,) = item_lines([_item()])
    assert line == {
        "id": 1,
        "sku": "PEN-1",
        "name": "Pen",
        "type": "Writing",
        "type_id": "3",
        "tags": "office, blue",
        "tag_ids": ["4", "7"],
        "unit": "支",
        "unit_weight_g": "12.5",
        "weight_tolerance_g": "0.3",
        "cost": "1234.50",
        "requires_approval": True,
        "is_active": True,
        "image": "items/1.png",
        "vision_class": "pen",
    }


def test_what_an_item_lacks_is_shown_as_the_selects_hold_it() -> None:
    (line,) = item_lines([_item(type_id=None, image_path=None, vision_class=None, tags=[])])
    assert (line["type_id"], line["image"], line["vision_class"]) == ("none", "", "none")
    assert line["tags"] == ""


def test_a_reading_is_in_grams_to_a_tenth_or_a_dash() -> None:
    readings = [
        SlotReading(4, "A1", 2, 1234.56, datetime(2026, 1, 1, tzinfo=UTC)),
        SlotReading(5, "A2", 2, None, None),
    ]
    assert reading_lines(readings) == [
        {"slot_id": "4", "slot": "A1", "grams": "1234.6 g"},
        {"slot_id": "5", "slot": "A2", "grams": "—"},
    ]


def test_the_typed_item_becomes_its_fields() -> None:
    fields = _fields(GOOD)
    assert (fields.sku, fields.type_id, fields.unit_weight_g) == ("PEN-1", 3, 12.5)
    assert fields.weight_tolerance_g == 0.0 and fields.unit_cost_cents == 123450
    assert fields.requires_approval and fields.is_active  # active unless switched off
    assert fields.tag_ids == (4, 7) and fields.vision_class == "pen"


def test_nothing_chosen_is_none_and_long_text_is_cut() -> None:
    fields = _fields(GOOD | {"type": "none", "vision_class": "none", "name": "x" * 999})
    assert fields.type_id is None and fields.vision_class is None
    assert fields.name == "x" * 160
    assert not _fields(GOOD | {"is_active": "off"}).is_active


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"unit_weight_g": "heavy"}, "unit_weight_g"),
        ({"unit_weight_g": None}, "unit_weight_g"),
        ({"unit_weight_g": ["1"]}, "unit_weight_g"),
        ({"weight_tolerance_g": "1,5"}, "weight_tolerance_g"),
        ({"cost": "1.234"}, "unit_cost_cents"),
        ({"cost": "-1"}, "unit_cost_cents"),
        ({"type": "abc"}, "id"),
        ({"type": True}, "id"),
        ({"tag_x": "on"}, "id"),
    ],
)
def test_a_bad_value_is_refused_naming_the_field(changes: dict, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        _fields(GOOD | changes)
    assert refused.value.params["field"] == field


def test_a_number_is_read_or_refused_naming_the_field() -> None:
    assert _number(" 2.5 ", "f") == 2.5 and _number(3, "f") == 3.0
    with pytest.raises(ValidationError) as refused:
        _number({"g": 1}, "unit_weight_g")
    assert refused.value.params["field"] == "unit_weight_g"

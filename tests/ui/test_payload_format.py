"""The shared checks of event payloads and the shared formats (app/ui/payload.py, format.py):
what a crafted websocket message can send is refused naming the field, never guessed."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone

import pytest
import reflex as rx

from app.core.errors import ValidationError
from app.ui.format import fen, local_time, yuan
from app.ui.paging import page_count_of
from app.ui.payload import as_id, first_upload

MOMENT = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(("value", "expected"), [(7, 7), ("7", 7), ("0042", 42), (0, 0)])
def test_an_id_is_a_whole_number_or_its_digits(value: object, expected: int) -> None:
    assert as_id(value) == expected


@pytest.mark.parametrize(
    "value", [None, True, False, [1], {"id": 1}, 1.0, "-1", "1.5", "", " 7", "x" * 10_000]
)
def test_anything_else_as_an_id_is_refused_naming_the_field(value: object) -> None:
    with pytest.raises(ValidationError) as refused:
        as_id(value)
    assert refused.value.params["field"] == "id"


def test_a_negative_number_is_no_id() -> None:
    with pytest.raises(ValidationError):
        as_id(-3)


def test_a_huge_string_of_digits_is_refused_naming_the_field() -> None:
    """Past int()'s 4,300-digit limit: still the field named, not a bare ValueError."""
    with pytest.raises(ValidationError):
        as_id("9" * 5000)


def test_the_first_upload_is_found_and_anything_else_is_none() -> None:
    upload = rx.UploadFile(file=io.BytesIO(b"png"))
    assert first_upload([upload, "x"]) is upload
    for payload in (None, [], ["a.png"], {"0": upload}, upload, "a.png", True):
        assert first_upload(payload) is None


@pytest.mark.parametrize(
    ("cents", "shown"), [(0, "0.00"), (5, "0.05"), (123456, "1,234.56"), (-250, "-2.50")]
)
def test_an_amount_in_fen_is_shown_in_yuan(cents: int, shown: str) -> None:
    assert yuan(cents) == shown


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("", 0),
        (None, 0),
        ("  ", 0),
        ("12", 1200),
        ("12.5", 1250),
        ("0.01", 1),
        ("1,234.56", 123456),
    ],
)
def test_an_amount_typed_in_yuan_is_kept_in_fen(typed: object, cents: int) -> None:
    assert fen(typed, "amount") == cents


@pytest.mark.parametrize(
    "typed", ["abc", "1.234", "-1", "¥5", [1], {"a": 1}, "9" * 400 + "x", "1e-3"]
)
def test_a_bad_amount_is_refused_naming_the_field(typed: object) -> None:
    with pytest.raises(ValidationError) as refused:
        fen(typed, "unit_cost_cents")
    assert refused.value.params["field"] == "unit_cost_cents"


def test_a_moment_is_shown_in_the_tenants_zone() -> None:
    assert local_time(MOMENT, "Asia/Shanghai") == "03-02 07:30"
    assert local_time(MOMENT, "Europe/London", "%Y-%m-%d %H:%M") == "2026-03-01 23:30"


def test_a_naive_moment_is_utc_and_an_aware_one_keeps_its_offset() -> None:
    assert local_time(MOMENT.replace(tzinfo=None), "Asia/Shanghai") == "03-02 07:30"
    eastern = MOMENT.astimezone(timezone(timedelta(hours=-5)))
    assert local_time(eastern, "Asia/Shanghai", "%H:%M") == "07:30"


@pytest.mark.parametrize(
    ("total", "size", "pages"), [(-1, 20, 0), (0, 20, 1), (1, 20, 1), (20, 20, 1), (21, 20, 2)]
)
def test_the_pager_counts_the_pages_the_rows_fill(total: int, size: int, pages: int) -> None:
    assert page_count_of(total, size) == pages


@pytest.mark.parametrize("sent", ["٣", "１２", "1" * 19])
def test_digits_outside_ascii_or_past_a_bigint_are_refused(sent: str) -> None:
    with pytest.raises(ValidationError) as refused:
        as_id(sent)
    assert refused.value.params["field"] == "id"

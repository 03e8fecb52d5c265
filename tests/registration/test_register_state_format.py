"""The whitelist and registration pages without a browser: the listed phones, the company a
visitor picks and the phone as it is typed."""

from __future__ import annotations

import pytest

from app.core.errors import ValidationError
from app.org.models import PhoneWhitelist
from app.org.services.validation import normalise_phone
from app.registration.state.register import _tenant_choice
from app.registration.state.whitelist import listed_phones


def test_a_listed_phone_says_whether_someone_registered_with_it() -> None:
    entries = [
        PhoneWhitelist(id=1, tenant_id=1, phone="13800000000", name="Li Lei", registered_user_id=4),
        PhoneWhitelist(id=2, tenant_id=1, phone="13900000000"),
    ]
    assert listed_phones(entries) == [
        {"id": 1, "phone": "13800000000", "name": "Li Lei", "registered": True},
        {"id": 2, "phone": "13900000000", "name": "", "registered": False},
    ]


@pytest.mark.parametrize(
    ("value", "tenant"),
    [
        ("7", 7),
        (" 12 ", 12),
        (7, 7),
        ("", None),
        (None, None),
        ("x", None),
        ("-1", None),
        ("1" * 12, None),
        (["7"], None),
    ],
)
def test_the_company_picked_is_an_id_or_none(value: object, tenant: int | None) -> None:
    assert _tenant_choice(value) == tenant


@pytest.mark.parametrize(
    "typed", ["138 0000 0000", "+86 138-0000-0000", "8613800000000", "(138)00000000"]
)
def test_a_phone_is_typed_any_usual_way(typed: str) -> None:
    assert normalise_phone(typed[:32]) == "13800000000"


@pytest.mark.parametrize(
    "typed", ["", "12345", "23800000000", "1380000000x", str(["138"]), "1" * 40]
)
def test_a_bad_phone_is_refused_naming_the_field(typed: str) -> None:
    with pytest.raises(ValidationError) as refused:
        normalise_phone(typed[:32])
    assert refused.value.key == "org.bad_phone" and refused.value.params["field"] == "phone"

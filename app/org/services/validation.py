"""Field rules for people, shared by the forms, the batch import and self-registration.

Names refuse control and text-direction characters (app/core/text.py, the rule for every name
a person types, whatever the domain)."""

from __future__ import annotations

import re

from app.core.errors import ValidationError
from app.core.text import clean_line, refuse_unsafe

MOBILE = re.compile(r"^1[3-9]\d{9}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
CARD = re.compile(r"^[0-9A-Za-z]{4,32}$")
EMPLOYEE_NO = re.compile(r"^[0-9A-Za-z_\-]{1,32}$")
PIN = re.compile(r"^\d{4,8}$")
MAX_NAME = 60


def normalise_phone(raw: str | int | float | None) -> str:
    """A mainland mobile number as 11 digits (spaces, dashes and +86 removed)."""
    if isinstance(raw, float) and raw.is_integer():  # spreadsheets hand numbers back as floats
        raw = int(raw)
    digits = re.sub(r"[\s\-()]", "", "" if raw is None else str(raw))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not MOBILE.match(digits):
        raise ValidationError("org.bad_phone", field="phone")
    return digits


def clean_name(raw: str | None) -> str:
    name = str(raw or "").strip()
    if not name:
        raise ValidationError("org.required", field="name")
    if len(name) > MAX_NAME:
        raise ValidationError("org.too_long", field="name", max=MAX_NAME)
    return refuse_unsafe(name, "name")


def clean_display_name(raw: str | None) -> str | None:
    """The optional name a person gives themselves (self-registration)."""
    return clean_line(raw, "name", max_length=MAX_NAME, required=False)


def clean_optional(raw: str | None, pattern: re.Pattern[str], field: str) -> str | None:
    value = str(raw or "").strip()
    if not value:
        return None
    if not pattern.match(value):
        raise ValidationError(f"org.bad_{field}", field=field)
    return value


def clean_email(raw: str | None) -> str | None:
    value = clean_optional(raw, EMAIL, "email")
    return value.lower() if value else None


def clean_card(raw: str | None) -> str | None:
    return clean_optional(raw, CARD, "badge_card_no")


def clean_employee_no(raw: str | None) -> str | None:
    return clean_optional(raw, EMPLOYEE_NO, "employee_no")


def clean_pin(raw: str | None) -> str:
    value = str(raw or "").strip()
    if not PIN.match(value) or len(set(value)) == 1:
        raise ValidationError("org.bad_pin", field="pin")
    return value


def clean_password(raw: str | None) -> str:
    value = str(raw or "")
    has_both = re.search(r"[A-Za-z]", value) and re.search(r"\d", value)
    if not 8 <= len(value) <= 128 or not has_both:
        raise ValidationError("org.weak_password", field="password")
    return value

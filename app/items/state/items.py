"""The console's items page (`/items`, `item:read`; `item:write` to change)."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx
from sqlmodel import select

from app.core.db import run_in_session
from app.core.errors import DomainError, ValidationError
from app.core.i18n import t
from app.core.tenancy import scope_filter
from app.items.models import ItemType, Tag
from app.items.services import console
from app.ui.format import fen, yuan
from app.ui.guard import caller, guarded
from app.ui.paging import KeysetPaging
from app.ui.payload import as_id, first_upload
from app.ui.session import actor_of, request_locale, require, working_tenant

READ, WRITE = "item:read", "item:write"
UPLOAD_ID = "item-image"
FORM_ID = "item-form"


class ItemLine(TypedDict):
    id: int
    sku: str
    name: str
    type: str
    type_id: str  # as the type select holds it ("none": no type)
    tags: str
    tag_ids: list[str]
    unit: str
    unit_weight_g: str  # grams as they are typed: no trailing zeros
    weight_tolerance_g: str
    cost: str  # yuan as it is typed: no thousands separator
    requires_approval: bool
    is_active: bool
    image: str  # under the upload dir; the page makes the URL
    vision_class: str  # "none": the detector is not told


class Choice(TypedDict):
    id: str
    name: str


class ReadingLine(TypedDict):
    slot_id: str
    slot: str
    grams: str  # the scale's last reading, "12.3 g" (or "—")


def _number(value: object, field: str) -> float:
    try:
        return float(str(value).strip())
    except ValueError:
        raise ValidationError(field=field) from None


def _fields(form: dict) -> console.ItemFields:
    type_id = form.get("type") or ""
    tags = [key.removeprefix("tag_") for key, on in form.items() if key.startswith("tag_") and on]
    return console.ItemFields(
        sku=str(form.get("sku", ""))[:60],
        name=str(form.get("name", ""))[:160],
        type_id=None if type_id in ("", "none") else as_id(type_id),
        unit=str(form.get("unit", "个"))[:12],
        unit_weight_g=_number(form.get("unit_weight_g", ""), "unit_weight_g"),
        weight_tolerance_g=_number(
            form.get("weight_tolerance_g", "0") or "0", "weight_tolerance_g"
        ),
        unit_cost_cents=fen(form.get("cost", ""), "unit_cost_cents"),
        requires_approval=form.get("requires_approval") in ("on", True, "true"),
        is_active=form.get("is_active", "on") in ("on", True, "true"),
        tag_ids=tuple(as_id(t) for t in tags if t),
        vision_class=None
        if form.get("vision_class") in (None, "", "none")
        else str(form.get("vision_class"))[:40],
    )


class ItemsState(KeysetPaging, rx.State):
    rows: list[ItemLine] = []
    types: list[Choice] = []
    tags: list[Choice] = []
    type_filter: str = "all"
    search: str = ""
    loaded: bool = False
    can_write: bool = False
    editing: bool = False
    edit_id: int = 0
    form: dict = {}
    readings: list[ReadingLine] = []
    vision_classes: list[str] = []  # what the shelf detector can tell an item is
    message: str = ""
    notice: str = ""

    def _read_permission(self) -> str:
        return READ

    async def _load(self) -> None:
        principal = await require(self, READ)
        self.can_write = principal.can(WRITE)

        def read(session):
            page = console.list_items(
                session=session,
                scope=principal.scope,
                type_id=None if self.type_filter == "all" else as_id(self.type_filter),
                search=self.search,
                after_id=self._after_id(),
                limit=self.page_size,
            )
            types = session.exec(
                select(ItemType.id, ItemType.name)
                .where(scope_filter(ItemType, principal.scope))
                .order_by(ItemType.name)
            ).all()
            tags = session.exec(
                select(Tag.id, Tag.name)
                .where(scope_filter(Tag, principal.scope))
                .order_by(Tag.name)
            ).all()
            return page, types, tags

        page, types, tags = await run_in_session(read)
        self.rows = item_lines(page.rows)
        self.types = [Choice(id=str(i), name=n) for i, n in types]
        self.vision_classes = console.item_classes()
        self.tags = [Choice(id=str(i), name=n) for i, n in tags]
        self.next_after = page.next_after_id or 0
        self.total = page.total
        self.loaded = True

    @rx.event
    @guarded(READ)
    async def load(self) -> None:
        self.cursors, self.editing, self.message, self.notice = [], False, "", ""
        await self._load()

    @rx.event
    @guarded(READ)
    async def apply(self, form: dict) -> None:
        kind = str(form.get("type") or "all")
        self.type_filter = "all" if kind == "all" else str(as_id(kind))
        self.search = str(form.get("search", ""))[:40]
        self.cursors = []
        await self._load()

    @rx.event
    @guarded(WRITE)
    async def start_new(self) -> None:
        self.editing, self.edit_id, self.readings, self.message = True, 0, [], ""
        self.form = {
            "unit": "个",
            "is_active": True,
            "type_id": "none",
            "tag_ids": [],
            "vision_class": "none",
        }

    @rx.event
    @guarded(READ)
    async def edit(self, item_id: int) -> None:
        principal = caller().principal
        item_id = as_id(item_id)
        row = next((r for r in self.rows if r["id"] == item_id), None)
        if row is None:
            return
        readings = await run_in_session(
            console.slot_readings, scope=principal.scope, item_id=item_id
        )
        self.editing, self.edit_id, self.form, self.message = True, item_id, dict(row), ""
        self.readings = reading_lines(readings)

    @rx.event
    @guarded(READ)
    async def close(self) -> None:
        self.editing = False

    @rx.event
    @guarded(READ)
    async def opened(self, is_open: bool) -> None:
        """The drawer's own open/close (Escape, the overlay): closing is all it may do."""
        if is_open is False:
            self.editing = False

    async def _say(self, refused: DomainError) -> None:
        """The refusal, naming the field as its label reads when it is about one."""
        locale = await request_locale(self)
        field = refused.params.get("field")
        if field:
            self.message = t("items.invalid", locale, field=t(f"items.field.{field}", locale))
        else:
            self.message = t(refused.key, locale, **refused.params)

    @rx.event
    @guarded(WRITE)
    async def save(self, form: dict) -> None:
        principal = caller().principal
        try:
            fields = _fields(form)
            await run_in_session(
                console.save_item,
                scope=principal.scope,
                tenant_id=await working_tenant(self, principal) if not self.edit_id else 0,
                item_id=self.edit_id or None,
                fields=fields,
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            await self._say(refused)
            return
        self.editing, self.message = False, ""
        self.notice = t("items.saved", caller().locale)
        await self._load()

    @rx.event
    @guarded(WRITE)
    async def upload(self, files: list[rx.UploadFile]) -> None:
        principal = caller().principal
        upload = first_upload(files)
        if upload is None or not self.edit_id:
            return
        try:
            path = await run_in_session(
                console.set_image,
                scope=principal.scope,
                item_id=self.edit_id,
                # one byte past the cap is enough for set_image to refuse a bigger picture
                data=await upload.read(console.MAX_IMAGE_BYTES + 1),
                upload_dir=rx.get_upload_dir(),
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            await self._say(refused)
            return
        self.form = {**self.form, "image": path}
        await self._load()

    @rx.event
    @guarded(WRITE)
    async def calibrate(self, form: dict) -> None:
        principal = caller().principal
        try:
            count = str(form.get("count", "")).strip()
            if not count.isdigit():
                raise ValidationError(field="count")
            unit = await run_in_session(
                console.calibrate,
                scope=principal.scope,
                item_id=self.edit_id,
                slot_id=as_id(form.get("slot", "") or "0"),
                count=int(count),
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            await self._say(refused)
            return
        self.form = {**self.form, "unit_weight_g": f"{unit:g}"}
        self.message = ""
        self.notice = t("items.calibrated", caller().locale, grams=f"{unit:g}")
        await self._load()


def item_lines(rows: list[console.ItemRow]) -> list[ItemLine]:
    """The items as the table shows them and the drawer's form starts: grams and yuan as they
    are typed, a missing type, image or detector class as the selects hold it."""
    return [
        ItemLine(
            id=r.id,
            sku=r.sku,
            name=r.name,
            type=r.type,
            type_id=str(r.type_id) if r.type_id else "none",
            tags=", ".join(r.tags),
            tag_ids=[str(i) for i in r.tag_ids],
            unit=r.unit,
            unit_weight_g=f"{r.unit_weight_g:g}",
            weight_tolerance_g=f"{r.weight_tolerance_g:g}",
            cost=yuan(r.unit_cost_cents).replace(",", ""),
            requires_approval=r.requires_approval,
            is_active=r.is_active,
            image=r.image_path or "",
            vision_class=r.vision_class or "none",
        )
        for r in rows
    ]


def reading_lines(readings: list[console.SlotReading]) -> list[ReadingLine]:
    """What each slot's scale last read for the item, to a tenth of a gram."""
    return [
        ReadingLine(
            slot_id=str(r.slot_id),
            slot=r.slot,
            grams=f"{r.grams:.1f} g" if r.grams is not None else "—",
        )
        for r in readings
    ]

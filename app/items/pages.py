"""The console's items page: the catalogue, an item's form with its tags, picture and the unit
weight calibrated from a scale."""

from __future__ import annotations

import reflex as rx

from app.items.state import UPLOAD_ID
from app.items.state import ItemsState as S
from app.ui.locale import tr
from app.ui.paging import pager
from app.ui.shell import console_page
from app.ui.tables import data_table


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.cond(
                row["image"] != "",
                rx.image(
                    src=rx.get_upload_url(row["image"].to(str)),
                    width="40px",
                    height="40px",
                    object_fit="cover",
                ),
                rx.icon("package", size=24, color=rx.color("gray", 8)),
            )
        ),
        rx.table.cell(rx.text(row["name"]), rx.text(row["sku"], size="1", color="gray")),
        rx.table.cell(row["type"]),
        rx.table.cell(row["tags"]),
        rx.table.cell(row["unit_weight_g"], " g ± ", row["weight_tolerance_g"]),
        rx.table.cell("¥", row["cost"], " / ", row["unit"]),
        rx.table.cell(
            rx.cond(
                row["requires_approval"].to(bool),
                rx.badge(tr("items.needs_approval"), color_scheme="amber"),
            ),
            rx.cond(
                ~row["is_active"].to(bool), rx.badge(tr("items.inactive"), color_scheme="gray")
            ),
        ),
        on_click=S.edit(row["id"]),
        cursor="pointer",
        class_name="item-row",
        _hover={"background": rx.color("accent", 2)},
    )


def _field(name: str, **props) -> rx.Component:
    return rx.vstack(
        rx.text(tr(f"items.field.{name}"), size="1", color="gray"),
        rx.input(name=name, default_value=S.form[name].to(str), id=f"item-{name}", **props),
        spacing="1",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.flex(
            _field("sku", width="9rem"),
            _field("name", width="16rem"),
            rx.vstack(
                rx.text(tr("items.field.type"), size="1", color="gray"),
                rx.select.root(
                    rx.select.trigger(placeholder=tr("items.no_type"), id="item-type"),
                    rx.select.content(
                        rx.select.item(tr("items.no_type"), value="none"),
                        rx.foreach(S.types, lambda o: rx.select.item(o["name"], value=o["id"])),
                    ),
                    name="type",
                    default_value=S.form["type_id"].to(str),
                ),
                spacing="1",
            ),
            _field("unit", width="4rem"),
            rx.vstack(
                rx.text(tr("items.field.vision_class"), size="1", color="gray"),
                rx.select.root(
                    rx.select.trigger(placeholder=tr("items.no_vision_class"), id="item-vision"),
                    rx.select.content(
                        rx.select.item(tr("items.no_vision_class"), value="none"),
                        rx.foreach(S.vision_classes, lambda c: rx.select.item(c, value=c)),
                    ),
                    name="vision_class",
                    default_value=S.form["vision_class"].to(str),
                ),
                spacing="1",
            ),
            _field("unit_weight_g", width="7rem"),
            _field("weight_tolerance_g", width="7rem"),
            _field("cost", width="7rem"),
            rx.el.label(
                rx.hstack(
                    rx.checkbox(
                        name="requires_approval",
                        default_checked=S.form["requires_approval"].to(bool),
                    ),
                    rx.text(tr("items.needs_approval"), size="2"),
                )
            ),
            rx.el.label(
                rx.hstack(
                    rx.checkbox(name="is_active", default_checked=S.form["is_active"].to(bool)),
                    rx.text(tr("items.active"), size="2"),
                )
            ),
            rx.hstack(
                rx.text(tr("items.tags"), size="1", color="gray"),
                rx.foreach(
                    S.tags,
                    lambda tag: rx.el.label(
                        rx.hstack(
                            rx.checkbox(
                                name=f"tag_{tag['id']}",
                                default_checked=S.form["tag_ids"].to(list[str]).contains(tag["id"]),
                            ),
                            rx.text(tag["name"], size="2"),
                        )
                    ),
                ),
                wrap="wrap",
            ),
            rx.button(tr("cabinets.save"), type="submit", id="item-save"),
            gap="0.75rem",
            wrap="wrap",
            align="end",
        ),
        on_submit=S.save,
        key=S.edit_id,  # a new form for each item: its fields start from that item
    )


def _extras() -> rx.Component:
    """What only an existing item has: its picture and a calibration from a scale."""
    return rx.flex(
        rx.vstack(
            rx.text(tr("items.image"), size="2", weight="bold"),
            rx.upload.root(
                rx.button(rx.icon("image-up", size=14), tr("items.upload"), variant="soft"),
                id=UPLOAD_ID,
                max_files=1,
                accept={
                    "image/png": [".png"],
                    "image/jpeg": [".jpg", ".jpeg"],
                    "image/webp": [".webp"],
                },
                on_drop=S.upload(rx.upload_files(upload_id=UPLOAD_ID)),
            ),
            rx.cond(
                S.form.contains("image") & (S.form["image"].to(str) != ""),
                rx.image(src=rx.get_upload_url(S.form["image"].to(str)), width="96px"),
            ),
        ),
        rx.form(
            rx.vstack(
                rx.text(tr("items.calibrate"), size="2", weight="bold"),
                rx.text(tr("items.calibrate_explain"), size="1", color="gray", max_width="28rem"),
                rx.hstack(
                    rx.select.root(
                        rx.select.trigger(placeholder=tr("review.slot"), id="item-cal-slot"),
                        rx.select.content(
                            rx.foreach(
                                S.readings,
                                lambda r: rx.select.item(
                                    f"{r['slot']} · {r['grams']}", value=r["slot_id"]
                                ),
                            )
                        ),
                        name="slot",
                    ),
                    rx.input(
                        name="count",
                        placeholder=tr("items.count"),
                        width="6rem",
                        id="item-cal-count",
                    ),
                    rx.button(
                        tr("items.calibrate_go"), type="submit", variant="soft", id="item-cal"
                    ),
                ),
            ),
            on_submit=S.calibrate,
        ),
        gap="2rem",
        wrap="wrap",
    )


def _editor() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(rx.cond(S.edit_id == 0, tr("items.new"), tr("items.edit")), size="3"),
            _form(),
            rx.cond(S.message != "", rx.callout(S.message, color_scheme="red", id="item-message")),
            rx.cond(S.edit_id != 0, _extras()),
            rx.button(tr("items.close"), variant="ghost", on_click=S.close),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="item-editor",
    )


def items_body() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("nav.items"), size="6"),
        rx.flex(
            rx.form(
                rx.hstack(
                    rx.select.root(
                        rx.select.trigger(id="items-type"),
                        rx.select.content(
                            rx.select.item(tr("items.all_types"), value="all"),
                            rx.foreach(S.types, lambda o: rx.select.item(o["name"], value=o["id"])),
                        ),
                        name="type",
                        default_value=S.type_filter,
                    ),
                    rx.input(name="search", placeholder=tr("stock.search"), default_value=S.search),
                    rx.button(rx.icon("search", size=14), tr("people.filter"), type="submit"),
                ),
                on_submit=S.apply,
            ),
            rx.cond(
                S.can_write,
                rx.button(
                    rx.icon("plus", size=14), tr("items.new"), on_click=S.start_new, id="item-new"
                ),
            ),
            gap="0.75rem",
            wrap="wrap",
        ),
        rx.cond(S.notice != "", rx.callout(S.notice, color_scheme="green", id="item-notice")),
        rx.cond(S.editing, _editor()),
        data_table(
            (
                "",
                "field.item",
                "items.field.type",
                "items.tags",
                "items.field.unit_weight_g",
                "items.field.cost",
                "",
            ),
            S.rows,
            _row,
            "items-table",
        ),
        pager(S, "items"),
        spacing="4",
        width="100%",
        id="items",
        data_loaded=S.loaded.to(str),
    )


items_page = console_page(items_body)

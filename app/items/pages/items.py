"""The console's items page: the catalogue with an explicit edit action per row, and a drawer with
the item's labelled fields (required ones marked), its tags, picture and the unit weight
calibrated from a scale; Cancel and Save at the drawer's bottom."""

from __future__ import annotations

import reflex as rx

from app.items.state.items import FORM_ID, UPLOAD_ID
from app.items.state.items import ItemsState as S
from app.ui.forms import NATIVE_SELECT, form_error, labelled
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
        rx.table.cell(
            rx.button(
                rx.cond(S.can_write, tr("items.edit_action"), tr("items.view_action")),
                size="1",
                variant="ghost",
                on_click=S.edit(row["id"]),
                class_name="item-edit",
            )
        ),
        class_name="item-row",
    )


def _field(name: str, *, required: bool = False, **props) -> rx.Component:
    return labelled(
        f"items.field.{name}",
        rx.input(
            name=name,
            default_value=S.form[name].to(str),
            id=f"item-{name}",
            width="100%",
            **props,
        ),
        required=required,
    )


def _choice(name: str, label: str, none_key: str, options: rx.Var, render) -> rx.Component:
    """A native select with a "none" first choice (the drawer opens on the item's own value)."""
    return labelled(
        label,
        rx.el.select(
            rx.el.option(tr(none_key), value="none"),
            rx.foreach(options, render),
            name=name,
            default_value=S.form[f"{name}_id" if name == "type" else name].to(str),
            id=f"item-{name}",
            style=NATIVE_SELECT,
        ),
    )


def _check(name: str, label_key: str) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.checkbox(name=name, default_checked=S.form[name].to(bool), id=f"item-{name}"),
            rx.text(tr(label_key), size="2"),
            align="center",
        )
    )


def _tags() -> rx.Component:
    return labelled(
        "items.tags",
        rx.flex(
            rx.foreach(
                S.tags,
                lambda tag: rx.el.label(
                    rx.hstack(
                        rx.checkbox(
                            name=f"tag_{tag['id']}",
                            default_checked=S.form["tag_ids"].to(list[str]).contains(tag["id"]),
                        ),
                        rx.text(tag["name"], size="2"),
                        align="center",
                    )
                ),
            ),
            gap="0.75rem",
            wrap="wrap",
        ),
    )


def _form() -> rx.Component:
    """The item's own fields; submitted by the Save button in the drawer's footer."""
    return rx.form(
        rx.vstack(
            rx.grid(
                _field("sku", required=True, max_length=40),
                _field("name", required=True, max_length=80),
                _choice(
                    "type",
                    "items.field.type",
                    "items.no_type",
                    S.types,
                    lambda o: rx.el.option(o["name"], value=o["id"]),
                ),
                _field("unit", max_length=8),
                _field("unit_weight_g", required=True, input_mode="decimal"),
                _field("weight_tolerance_g", input_mode="decimal"),
                _field("cost", input_mode="decimal"),
                _choice(
                    "vision_class",
                    "items.field.vision_class",
                    "items.no_vision_class",
                    S.vision_classes,
                    lambda c: rx.el.option(c, value=c),
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                gap="0.75rem",
                width="100%",
            ),
            _tags(),
            rx.hstack(
                _check("requires_approval", "items.needs_approval"),
                _check("is_active", "items.active"),
                spacing="5",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.save,
        id=FORM_ID,
        key=S.edit_id,  # a new form for each item: its fields start from that item
    )


def _picture() -> rx.Component:
    return rx.vstack(
        rx.text(tr("items.image"), size="2", weight="bold"),
        rx.hstack(
            rx.cond(
                S.form.contains("image") & (S.form["image"].to(str) != ""),
                rx.image(src=rx.get_upload_url(S.form["image"].to(str)), width="96px"),
            ),
            rx.upload.root(
                rx.button(
                    rx.icon("image-up", size=14), tr("items.upload"), variant="soft", type="button"
                ),
                id=UPLOAD_ID,
                max_files=1,
                accept={
                    "image/png": [".png"],
                    "image/jpeg": [".jpg", ".jpeg"],
                    "image/webp": [".webp"],
                },
                on_drop=S.upload(rx.upload_files(upload_id=UPLOAD_ID)),
            ),
            align="center",
        ),
        width="100%",
    )


def _calibration() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(tr("items.calibrate"), size="2", weight="bold"),
            rx.text(tr("items.calibrate_explain"), size="1", color="gray"),
            rx.grid(
                labelled(
                    "items.field.slot",
                    rx.el.select(
                        rx.el.option(tr("items.choose_slot"), value=""),
                        rx.foreach(
                            S.readings,
                            lambda r: rx.el.option(
                                r["slot"].to(str) + " · " + r["grams"].to(str), value=r["slot_id"]
                            ),
                        ),
                        name="slot",
                        id="item-cal-slot",
                        style=NATIVE_SELECT,
                    ),
                ),
                labelled(
                    "items.count",
                    rx.input(name="count", width="100%", id="item-cal-count", input_mode="numeric"),
                ),
                columns="2",
                gap="0.75rem",
                width="100%",
            ),
            rx.button(tr("items.calibrate_go"), type="submit", variant="soft", id="item-cal"),
            spacing="2",
            width="100%",
        ),
        on_submit=S.calibrate,
    )


def _footer() -> rx.Component:
    """Cancel and Save at the drawer's bottom, always in view (Save submits the item form)."""
    return rx.hstack(
        rx.button(tr("common.cancel"), variant="soft", type="button", on_click=S.close),
        rx.cond(
            S.can_write,
            rx.button(
                tr("common.save"), type="submit", id="item-save", custom_attrs={"form": FORM_ID}
            ),
        ),
        justify="end",
        width="100%",
        padding="1rem 1.25rem",
        border_top=f"1px solid {rx.color('gray', 5)}",
    )


def _drawer() -> rx.Component:
    return rx.drawer.root(
        rx.drawer.overlay(z_index="40"),
        rx.drawer.portal(
            rx.drawer.content(
                rx.hstack(
                    rx.drawer.title(
                        rx.cond(S.edit_id == 0, tr("items.new"), tr("items.edit")), size="4"
                    ),
                    rx.spacer(),
                    rx.icon_button(
                        rx.icon("x", size=16),
                        variant="ghost",
                        on_click=S.close,
                        aria_label=tr("common.close"),
                    ),
                    align="center",
                    width="100%",
                    padding="1rem 1.25rem",
                    border_bottom=f"1px solid {rx.color('gray', 5)}",
                ),
                rx.vstack(
                    _form(),
                    form_error(S.message, "item-message"),
                    rx.cond(
                        (S.edit_id != 0) & S.can_write,
                        rx.vstack(rx.divider(), _picture(), _calibration(), spacing="4"),
                    ),
                    spacing="4",
                    padding="1rem 1.25rem",
                    overflow_y="auto",
                    flex="1",
                    width="100%",
                ),
                _footer(),
                display="flex",
                flex_direction="column",
                background=rx.color("gray", 1),
                position="fixed",
                top="0",
                right="0",
                bottom="0",
                left="auto",  # the drawer's default spans the screen from the left
                width="min(34rem, 100vw)",
                height="100%",
                z_index="50",
                id="item-editor",
            )
        ),
        open=S.editing,
        on_open_change=S.opened,
        direction="right",
        dismissible=False,  # a form half filled in is not thrown away by a stray drag
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
                    rx.button(rx.icon("search", size=14), tr("common.filter"), type="submit"),
                ),
                on_submit=S.apply,
                width="auto",
            ),
            rx.spacer(),
            rx.cond(
                S.can_write,
                rx.button(
                    rx.icon("plus", size=14), tr("items.new"), on_click=S.start_new, id="item-new"
                ),
            ),
            gap="0.75rem",
            wrap="wrap",
            align="center",
            width="100%",
        ),
        rx.cond(S.notice != "", rx.callout(S.notice, color_scheme="green", id="item-notice")),
        data_table(
            (
                "",
                "field.item",
                "items.field.type",
                "items.tags",
                "items.field.unit_weight_g",
                "items.field.cost",
                "",
                "items.actions",
            ),
            S.rows,
            _row,
            "items-table",
        ),
        pager(S, "items"),
        _drawer(),
        spacing="4",
        width="100%",
        id="items",
        data_loaded=S.loaded.to(str),
    )


items_page = console_page(items_body)

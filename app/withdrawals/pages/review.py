"""The console's review page (异常与申诉): exceptions with their evidence, disputes to answer."""

from __future__ import annotations

import reflex as rx

from app.ui.locale import tr
from app.ui.shell import console_page
from app.withdrawals.pages.camera_evidence import camera_evidence
from app.withdrawals.state.review import ReviewState


def _count_input(entry: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(entry["label"], size="2", flex="1"),
        rx.input(
            name=entry["name"],
            default_value=entry["suggested"].to(str),
            type="number",
            min="0",
            width="6rem",
        ),
        width="100%",
        align="center",
    )


def _slot(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["slot"]),
        rx.table.cell(row["before"]),
        rx.table.cell(row["after"]),
        rx.table.cell(row["change"]),
        rx.table.cell(
            rx.cond(row["steady"], "", rx.badge(tr("review.unsteady"), color_scheme="amber"))
        ),
    )


def _evidence(case: rx.Var) -> rx.Component:
    headers = ("common.slot", "review.before", "review.after", "review.change", "review.unsteady")
    return rx.table.root(
        rx.table.header(rx.table.row(*(rx.table.column_header_cell(tr(k)) for k in headers))),
        rx.table.body(rx.foreach(case["slots"], _slot)),
        size="1",
        width="100%",
    )


def _case(case: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge(case["reason"], color_scheme="amber"),
                rx.text(case["cabinet"], " · ", case["person"], weight="medium"),
                rx.spacer(),
                rx.text(case["at"], size="1", color=rx.color("gray", 11)),
                width="100%",
            ),
            _evidence(case),
            camera_evidence(case),
            rx.form(
                rx.vstack(
                    rx.el.input(type="hidden", name="case", value=case["id"].to(str)),
                    rx.text(tr("review.count"), size="2", weight="bold"),
                    rx.foreach(case["entries"], _count_input),
                    rx.input(name="reason", placeholder=tr("review.reason"), width="100%"),
                    rx.button(tr("review.confirm"), type="submit"),
                    width="100%",
                ),
                on_submit=ReviewState.resolve,
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        class_name="review-case",
        data_case=case["id"],
    )


def _dispute(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(row["cabinet"], " · ", row["person"], weight="medium"),
                rx.spacer(),
                rx.text(row["at"], size="1", color=rx.color("gray", 11)),
                width="100%",
            ),
            rx.blockquote(row["text"]),
            rx.form(
                rx.vstack(
                    rx.el.input(type="hidden", name="dispute", value=row["id"].to(str)),
                    rx.foreach(row["entries"], _count_input),
                    rx.text_area(name="answer", placeholder=tr("review.answer"), width="100%"),
                    rx.button(tr("review.send_answer"), type="submit"),
                    width="100%",
                ),
                on_submit=ReviewState.settle,
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        class_name="review-dispute",
    )


def review_body() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("nav.review"), size="6"),
        rx.grid(
            rx.vstack(
                rx.heading(tr("review.exceptions"), size="4"),
                rx.cond(
                    ReviewState.cases.length() > 0,
                    rx.foreach(ReviewState.cases, _case),
                    rx.text(tr("review.no_exceptions"), color=rx.color("gray", 11)),
                ),
                spacing="3",
                id="review-exceptions",
            ),
            rx.vstack(
                rx.heading(tr("review.disputes"), size="4"),
                rx.cond(
                    ReviewState.disputes.length() > 0,
                    rx.foreach(ReviewState.disputes, _dispute),
                    rx.text(tr("review.no_disputes"), color=rx.color("gray", 11)),
                ),
                spacing="3",
                id="review-disputes",
            ),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="5",
            width="100%",
        ),
        spacing="4",
        width="100%",
        id="review",
        data_loaded=ReviewState.loaded.to(str),
    )


review_page = console_page(review_body)
